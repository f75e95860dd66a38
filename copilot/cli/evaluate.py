"""`copilot eval retrieval`: the measure -> analyse -> improve loop for retrieval."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from copilot.cli import cli, engine_settings, print_json, reports_errors, stdout
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


@eval_group.command("summaries")
@click.option(
    "--data",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    required=True,
    help="JSONL: {id, turns: [{role, text}], references: [str]} (TweetSumm's shape too).",
)
@click.option("--engine", "engine_name", type=click.Choice(["offline", "llm"]))
@click.option("--limit", type=click.IntRange(1), help="Only the first N contacts.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@reports_errors
def summaries_cmd(data: Path, engine_name: str | None, limit: int | None, as_json: bool) -> None:
    """ROUGE-1/2/L of the wrap-up's text (best over references), its length and time, beside
    the first-customer-turn and first-customer + last-advisor-turn baselines."""
    from copilot.cli.assist import configured_catalog
    from copilot.engines.factory import make_engine
    from copilot.evaluation.summaries_eval import evaluate_summaries, read_contacts

    settings = engine_settings(engine_name)
    contacts = read_contacts(data)[:limit]
    engine = make_engine(settings, catalog=configured_catalog(settings))
    report = evaluate_summaries(engine, contacts)
    if as_json:
        print_json(report)
        return
    table = Table(title=f"wrap-up summaries, {report['n']} contacts, engine={report['engine']}")
    for column in ("system", "ROUGE-1", "ROUGE-2", "ROUGE-L", "words", "p50 ms", "p95 ms"):
        table.add_column(column, justify="left" if column == "system" else "right")
    for name, figures in report["systems"].items():
        times = figures.get("time_ms", {})
        table.add_row(
            name,
            *(f"{figures[m]:.3f}" for m in ("rouge1", "rouge2", "rougeL")),
            f"{figures['words']:.1f}",
            str(times.get("p50", "")),
            str(times.get("p95", "")),
        )
    stdout.print(table)
