"""`copilot eval retrieval` and `copilot eval routing`: measure the copilot on labelled data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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


@eval_group.command("routing")
@click.option(
    "--data",
    "data_path",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Labelled turns: JSON lines, or a BANKING77 / Bitext CSV (mapped to the routing).",
)
@click.option(
    "--intents",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="The KB's intents.yaml (default: the sample KB's).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@reports_errors
def routing_cmd(data_path: Path, intents: Path | None, as_json: bool) -> None:
    """Human-led recall/precision, AI-suitable accuracy, categories, flags, sentiment, latency."""
    from copilot.evaluation.routing_eval import evaluate_routing
    from copilot.understanding.intents import SAMPLE_INTENTS, load_intents
    from copilot.understanding.pipeline import Understanding
    from copilot.understanding.route_data import read_turns
    from knowledge_base.embeddings import make_embedder
    from knowledge_base.errors import CopilotError

    try:
        turns = read_turns(data_path)
        catalogue = load_intents(intents or SAMPLE_INTENTS)
    except ValueError as exc:
        raise CopilotError(str(exc)) from exc
    settings = Settings()
    embedder = make_embedder(
        settings.embeddings, settings.embeddings_model, settings.embeddings_base_url
    )
    understanding = Understanding(embedder, catalogue, cache_dir=settings.data_dir / "cache")
    report = evaluate_routing(understanding, turns)
    if as_json:
        print_json(report)
        return
    print_routing_report(report, str(data_path))


def print_routing_report(report: dict[str, Any], title: str) -> None:
    """The routing report as tables: overall and per language, categories, flags."""
    table = Table(title=f"routing on {title} ({report['n']} turns)")
    table.add_column("measure")
    parts = [("all", report), *report.get("by_language", {}).items()]
    for name, _ in parts:
        table.add_column(name, justify="right")
    rows = [
        ("human-led recall", lambda r: r["human_led"]["recall"]),
        ("human-led precision", lambda r: r["human_led"]["precision"]),
        ("AI-suitable accuracy", lambda r: r["ai_suitable"]["accuracy"]),
        ("category accuracy", lambda r: r.get("category_accuracy")),
        ("sentiment accuracy", lambda r: r.get("sentiment", {}).get("accuracy")),
        ("sentiment macro-F1", lambda r: r.get("sentiment", {}).get("macro_f1")),
    ]
    for label, get in rows:
        table.add_row(label, *(_cell(get(r)) for _, r in parts))
    table.add_row(
        "latency p50 / p95 ms",
        f"{report['latency_ms']['p50']} / {report['latency_ms']['p95']}",
        *("" for _ in parts[1:]),
    )
    stdout.print(table)
    if "confusion" in report:
        matrix = Table(title="confusion (rows: labelled, columns: routed) and recall")
        matrix.add_column("labelled")
        names = list(next(iter(report["confusion"].values())))
        for name in names:
            matrix.add_column(name[:8], justify="right")
        matrix.add_column("recall", justify="right")
        for gold, row in report["confusion"].items():
            recall = report["per_category_recall"][gold]
            matrix.add_row(gold, *(str(row[n]) for n in names), _cell(recall))
        stdout.print(matrix)
    if "flags" in report:
        flags = Table(title="flags")
        for column in ("flag", "n", "recall", "precision"):
            flags.add_column(column, justify="left" if column == "flag" else "right")
        for flag, m in report["flags"].items():
            flags.add_row(flag, str(m["n"]), _cell(m["recall"]), _cell(m["precision"]))
        stdout.print(flags)
    model = report.get("learned_model")
    stdout.print(f"learned routing: {model}" if model else "learned routing: not used")


def _cell(value: Any) -> str:
    return "-" if value is None else str(value)


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
