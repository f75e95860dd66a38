"""`copilot kb index | search | stats`: the knowledge-base owner's commands."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from copilot.cli import cli, print_json, reports_errors, stderr, stdout, waiting_for
from copilot.config import Settings
from copilot.retrieval.search import MODES, Retriever, SearchFilters
from copilot.understanding.pipeline import check_intents
from knowledge_base import SAMPLES_DIR
from knowledge_base.errors import KnowledgeBaseError
from knowledge_base.indexer import index_paths
from knowledge_base.language import detect_language
from knowledge_base.store import KnowledgeBase


def catalogue_line(catalog: dict[str, object] | None) -> str:
    """The catalogue row of `kb index`: what was recorded, or what having none means."""
    if not catalog:
        return (
            "none (no intents.yaml, macros.yaml or actions.yaml in the KB folder): "
            "routing by the category rules, no macros, no actions"
        )
    return (
        f"{catalog['intents']} intents, {catalog['macros']} macros, {catalog['actions']} actions "
        f"from {catalog['source']}"
    )


@cli.group()
def kb() -> None:
    """Index and query the policy knowledge base."""


class ChunkRateColumn(ProgressColumn):
    """Chunks embedded per second so far."""

    def render(self, task: Task) -> Text:
        return Text(f"{task.speed:.1f} chunks/s" if task.speed else "", style="progress.data.speed")


@kb.command("index")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--kb", "kb_name", help="Knowledge base name (default: COPILOT_KB or 'sample').")
@click.option("--sample", is_flag=True, help="Index the bundled sample knowledge base.")
@click.option("--full", is_flag=True, help="Re-embed every document.")
@click.option("--strict", is_flag=True, help="Exit non-zero when any file failed.")
@click.option("--allow", is_flag=True, help="Index documents flagged as prompt injection.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@reports_errors
def index_cmd(
    paths: tuple[Path, ...],
    kb_name: str | None,
    sample: bool,
    full: bool,
    strict: bool,
    allow: bool,
    as_json: bool,
) -> None:
    """Index the documents below PATH... (Markdown, text, HTML, PDF, JSONL)."""
    targets = list(paths) + ([SAMPLES_DIR / "articles"] if sample else [])
    if not targets:
        raise KnowledgeBaseError("give at least one PATH to index, or --sample")
    settings = Settings()
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        ChunkRateColumn(),
        TimeRemainingColumn(),
        console=stderr,
        transient=True,
        disable=as_json or not stderr.is_terminal,
    ) as bar:
        task = bar.add_task("embedding chunks", total=None)
        summary = index_paths(
            targets,
            settings,
            kb=kb_name,
            full=full,
            allow_injections=allow,
            on_wait=waiting_for(kb_name or settings.kb),
            check_catalog=check_intents,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    if as_json:
        print_json(summary.as_dict())
    else:
        table = Table(title=f"knowledge base '{kb_name or settings.kb}'", show_header=False)
        for key in ("added", "updated", "unchanged", "removed", "chunks", "seconds"):
            table.add_row(key, str(getattr(summary, key)))
        if summary.embedded_chunks:
            table.add_row(
                "embedded",
                f"{summary.embedded_chunks} ({summary.shipped_chunks} shipped with the package)"
                f" · {summary.chunks_per_s} chunks/s",
            )
        table.add_row("catalogue", catalogue_line(summary.catalog))
        stdout.print(table)
        for failure in summary.failed:
            stderr.print(
                f"[yellow]failed[/] {failure['path']}: {failure['error']}", highlight=False
            )
    nothing = summary.chunks == 0
    if nothing:
        click.echo("error: nothing could be indexed", err=True)
    if nothing or (strict and summary.failed):
        sys.exit(1)


@kb.command("search")
@click.argument("query")
@click.option("--kb", "kb_name", help="Knowledge base name.")
@click.option("-k", "k", default=5, show_default=True, type=click.IntRange(1, 100))
@click.option("--lang", type=click.Choice(["fr", "en"]), help="Only passages in this language.")
@click.option("--mode", type=click.Choice(MODES), default=None, help="Default: hybrid.")
@click.option("--audience", type=click.Choice(["customer", "internal"]))
@click.option("--superseded", is_flag=True, help="Include superseded versions (marked).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@reports_errors
def search_cmd(
    query: str,
    kb_name: str | None,
    k: int,
    lang: str | None,
    mode: str | None,
    audience: str | None,
    superseded: bool,
    as_json: bool,
) -> None:
    """Find the passages that answer QUERY (an article held in several languages is listed
    once, in the question's language)."""
    settings = Settings()
    retriever = Retriever(KnowledgeBase.open(settings, kb_name))
    result = retriever.search(
        query,
        k=k,
        mode=mode or settings.retrieval_mode,  # type: ignore[arg-type]
        filters=SearchFilters(lang=lang, audience=audience, include_superseded=superseded),
        prefer_lang=lang or detect_language(query),
    )
    if as_json:
        print_json([hit.as_dict() for hit in result.hits])
        return
    table = Table(
        title=f"{query}  ({result.latency_ms:.0f} ms, confidence "
        f"{result.confidence:.2f}{', NO POLICY FOUND' if result.abstained else ''})"
    )
    for column in ("#", "score", "lang", "title / section", "effective", "passage"):
        table.add_column(column, overflow="fold")
    for rank, hit in enumerate(result.hits, start=1):
        where = hit.title + (f" > {hit.section}" if hit.section else "")
        if hit.superseded:
            where += f" [red](superseded by {hit.superseded_by})[/]"
        snippet = " ".join(hit.text.split())[:160]
        table.add_row(str(rank), f"{hit.score:.3f}", hit.lang, where, hit.effective_date, snippet)
    stdout.print(table)


@kb.command("stats")
@click.option("--kb", "kb_name", help="Knowledge base name.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@reports_errors
def stats_cmd(kb_name: str | None, as_json: bool) -> None:
    """Documents, chunks, languages and versions of a knowledge base."""
    settings = Settings()
    base = KnowledgeBase.open(settings, kb_name)
    docs = base.manifest["docs"]
    by_lang: dict[str, int] = {}
    by_audience: dict[str, int] = {}
    for record in docs.values():
        by_lang[record["lang"]] = by_lang.get(record["lang"], 0) + 1
        by_audience[record["audience"]] = by_audience.get(record["audience"], 0) + 1
    superseded = sum(1 for c in base.lexical.catalog if c["superseded_by"])
    stats = {
        "kb": base.name,
        "generation": base.manifest["generation"],
        "documents": len(docs),
        "chunks": base.count,
        "superseded_chunks": superseded,
        "by_lang": by_lang,
        "by_audience": by_audience,
        "embedder": base.manifest["embedder"],
        "updated_at": base.manifest["updated_at"],
        "store": settings.chroma_url or str(settings.data_dir / "chroma"),
        "catalog": base.catalog.describe() if base.catalog else None,
    }
    if as_json:
        print_json(stats)
        return
    table = Table(title=f"knowledge base '{base.name}'", show_header=False)
    for key, value in stats.items():
        if key == "catalog":
            table.add_row(
                "catalogue", catalogue_line(base.catalog.describe() if base.catalog else None)
            )
        else:
            table.add_row(key, str(value))
    stdout.print(table)
