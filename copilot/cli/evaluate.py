"""`copilot eval retrieval`: the measure -> analyse -> improve loop for retrieval."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from copilot.cli import cli, print_json, reports_errors, stdout
from copilot.config import Settings
from copilot.evaluation.retrieval_eval import evaluate_retrieval
from copilot.retrieval.search import MODES


@cli.group("eval")
def eval_group() -> None:
    """Evaluate the copilot against labelled data."""


@eval_group.command("retrieval")
@click.option("--docs", type=click.Path(path_type=Path), help="docs.jsonl (default: sample KB).")
@click.option("--queries", type=click.Path(path_type=Path, exists=True), help="queries.jsonl.")
@click.option("--k", "k", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--mode", type=click.Choice(MODES), default="hybrid", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--predictions", type=click.Path(path_type=Path), help="Write ranked ids per query.")
@reports_errors
def retrieval_cmd(
    docs: Path | None,
    queries: Path | None,
    k: int,
    mode: str,
    as_json: bool,
    predictions: Path | None,
) -> None:
    """hit@1/5/10, MRR@10, nDCG@10 and latency, overall and per language."""
    if docs is not None and queries is None:
        raise click.UsageError("--docs needs --queries")
    report = evaluate_retrieval(
        Settings(),
        docs,
        queries,
        k,
        mode,  # type: ignore[arg-type]
        predictions=predictions,
    )
    if as_json:
        print_json(report)
        return
    table = Table(title=f"retrieval, mode={mode}")
    columns = ("n", "hit@1", "hit@5", "hit@10", "mrr@10", "ndcg@10", "p50 ms", "p95 ms")
    table.add_column("subset")
    for column in columns:
        table.add_column(column, justify="right")
    rows = [("all", report)] + list(report["by_group"].items())
    for name, figures in rows:
        table.add_row(
            name,
            *(str(figures[c]) for c in columns[:6]),
            str(figures["latency_ms"]["p50"]),
            str(figures["latency_ms"]["p95"]),
        )
    stdout.print(table)
    if "abstention" in report:
        a = report["abstention"]
        stdout.print(
            f"abstention on {a['n_unanswerable']} unanswerable questions: "
            f"precision {a['precision']}, recall {a['recall']}"
        )
