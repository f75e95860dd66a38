"""`copilot assist | classify | summarize | redact`: the agent from the command line."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
from langgraph.checkpoint.memory import InMemorySaver
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape

from copilot.assembly import Copilot
from copilot.cli import cli, print_json, reports_errors, waiting_for
from copilot.config import Settings
from copilot.engines.factory import make_engine
from copilot.inputs import numbered_jsonl, read_turns, stdin_lines
from copilot.privacy import Redactor
from copilot.reading import route_turns
from copilot.session import CopilotSession, Suggestion
from copilot.state import NO_ACTION_CATALOGUE, Decision
from knowledge_base import SAMPLES_DIR
from knowledge_base.catalog import Catalog, read_catalog, recorded_catalog
from knowledge_base.errors import KnowledgeBaseError
from knowledge_base.indexer import ProgressCallback
from knowledge_base.store import check_kb_name, open_client, read_manifest

err = Console(stderr=True)


def read_transcript(path: Path) -> list[dict[str, str]]:
    """The turns of a JSONL transcript; an empty customer turn is skipped and reported."""
    turns = []
    for number, turn in read_turns(path):
        if turn["role"] == "customer" and not turn["text"].strip():
            click.echo(f"{path}:{number}: empty customer turn skipped", err=True)
            continue
        turns.append({"role": turn["role"], "text": turn["text"]})
    return turns


def read_decisions(path: Path) -> list[Decision]:
    decisions = []
    for number, row in numbered_jsonl(path):
        try:
            decisions.append(Decision.model_validate(row))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "decision"
            raise KnowledgeBaseError(
                f"{path}:{number}: not a decision ({where}: {first['msg']})"
            ) from exc
    return decisions


def configured_catalog(settings: Settings) -> Catalog | None:
    """The configured KB's catalogue, read from its manifest without opening its index
    (`classify`, `summarize`); the sample's own folder when the sample is not indexed yet."""
    manifest = read_manifest(open_client(settings), check_kb_name(settings.kb))
    if manifest is None:
        return read_catalog(SAMPLES_DIR) if settings.kb == "sample" else None
    return recorded_catalog(manifest)


def indexing_note() -> ProgressCallback:
    """Says once, on stderr, that the bundled sample is being indexed (first use)."""
    said = False

    def note(done: int, total: int) -> None:
        nonlocal said
        if not said:
            err.print("indexing the bundled sample knowledge base…")
            said = True

    return note


def build_session(settings: Settings, engine_name: str | None) -> CopilotSession:
    """A contact kept in memory and not recorded: `assist` runs over a transcript file."""
    if engine_name:
        settings = settings.model_copy(update={"engine": engine_name})
    copilot = Copilot.open(
        settings,
        progress=indexing_note(),
        on_wait=waiting_for("sample"),
        checkpointer=InMemorySaver(),
        records="off",
    )
    return copilot.session()


def suggestion_json(s: Suggestion) -> dict[str, Any]:
    return {
        "route": {k: v for k, v in s.route.model_dump(mode="json").items()},
        "cards": [
            {
                "n": c.n,
                "doc_id": c.doc_id,
                "chunk_id": c.chunk_id,
                "title": c.title,
                "section": c.section,
                "lang": c.lang,
                "effective_date": c.effective_date,
                "version": c.version,
                "audience": c.audience,
                "superseded": c.superseded,
                "text": c.text,
            }
            for c in s.cards
        ],
        "draft": {
            "mode": s.draft.mode,
            "text": s.draft.text,
            "citations": s.draft.citations,
            "unsupported": s.draft.unsupported,
            "unverified": s.draft.unverified,
            "internal": s.draft.internal,
            "fragments": s.draft.fragments,
            "advisor_notes": s.draft.notes,
            "no_policy_found": s.draft.no_policy_found,
            "macro_id": s.draft.macro_id,
        },
        "actions": [a.model_dump() for a in s.actions],
        "action_catalogue": s.action_catalogue,
        "engine": s.engine,
        "latency_ms": s.latency_ms,
        "injection": s.injection,
    }


def default_decision(s: Suggestion) -> Decision:
    """Accept, unless the draft needs the advisor's edit (a note, an internal citation)."""
    refusal = s.draft.one_key_refusal
    return Decision(kind="reject", reason=refusal) if refusal else Decision(kind="accept")


def print_suggestion(s: Suggestion) -> None:
    out = Console()
    r = s.route
    flags = f" flags={','.join(f.value for f in r.flags)}" if r.flags else ""
    out.print(
        f"[bold]{r.category.value}[/] ({r.confidence:.2f}) intent={r.intent} "
        f"lang={r.language} sentiment={r.sentiment}{flags}  [dim]{s.engine}, "
        f"{s.latency_ms:.0f} ms[/]",
        highlight=False,
    )
    for c in s.cards:
        mark = " [red](superseded)[/]" if c.superseded else ""
        where = " > ".join(p for p in (c.title, c.section) if p)
        about = ", ".join(p for p in (c.audience, c.lang, f"v{c.version}", c.effective_date) if p)
        out.print(
            f"  [{c.n}] {escape(where)} ({about}){mark}",
            highlight=False,
        )
    out.print(f"[bold]{s.draft.mode}[/]: {escape(s.draft.text)}", highlight=False)
    for sentence in s.draft.unsupported:
        out.print(f"  [yellow]unsupported:[/] {escape(sentence)}", highlight=False)
    for figure in s.draft.unverified:
        out.print(f"  [yellow]unverified:[/] {escape(figure)}", highlight=False)
    for n in s.draft.internal:
        out.print(f"  [red]cites internal passage:[/] [{n}]", highlight=False)
    for piece in s.draft.fragments:
        out.print(f"  [yellow]fragment:[/] {escape(piece)}", highlight=False)
    for note in s.draft.notes:
        out.print(f"  [dim]advisor note:[/] {escape(note)}", highlight=False)
    for a in s.actions:
        out.print(f"  [cyan]→ {escape(a.title)}[/] — {escape(a.reason)}", highlight=False)
    if not s.action_catalogue:
        out.print(f"  [dim]{NO_ACTION_CATALOGUE}[/]", highlight=False)
    out.print()


@cli.command("assist")
@click.option(
    "--transcript",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    required=True,
    help="JSONL: one {role, text} turn a line.",
)
@click.option("--engine", "engine_name", type=click.Choice(["offline", "llm"]))
@click.option(
    "--decisions",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="JSONL of advisor decisions in order (default: accept every draft).",
)
@click.option("--json", "as_json", is_flag=True)
@reports_errors
def assist_cmd(
    transcript: Path, engine_name: str | None, decisions: Path | None, as_json: bool
) -> None:
    """Suggestions for every customer turn of a transcript, then the wrap-up summary."""
    turns = read_transcript(transcript)
    planned = read_decisions(decisions) if decisions else []
    session = build_session(Settings(), engine_name)
    if any(t["role"] == "bot" for t in turns):
        first_advisor = next((i for i, t in enumerate(turns) if t["role"] == "advisor"), len(turns))
        earlier = turns[:first_advisor]
        for turn in earlier:
            session.add_turn(turn["role"], turn["text"])
        brief = session.handover()
        print_json({"handover": brief.model_dump()}) if as_json else Console().print(
            f"[bold]hand-over brief[/]: {brief.model_dump()}\n"
        )
        turns = turns[first_advisor:]
    for turn in turns:
        if turn["role"] != "customer":
            session.add_turn(turn["role"], turn["text"])
            continue
        suggestion: Suggestion | None = session.customer_turn(turn["text"])
        while suggestion is not None:
            print_json(suggestion_json(suggestion)) if as_json else print_suggestion(suggestion)
            decision = planned.pop(0) if planned else default_decision(suggestion)
            suggestion = session.decide(decision)
    summary = session.summary()
    if as_json:
        print_json({"summary": summary.model_dump()})
    else:
        Console().print("[bold]wrap-up summary[/]", summary.model_dump())


class Utf8Stdin:
    """Stdin's lines; one that is not UTF-8 is reported on stderr and skipped."""

    def __init__(self) -> None:
        self.skipped = 0

    def __iter__(self) -> Iterator[str]:
        for number, text in stdin_lines(sys.stdin.buffer):
            if text is None:
                click.echo(f"stdin line {number}: not UTF-8 text, skipped", err=True)
                self.skipped += 1
                continue
            yield text

    def exit_if_skipped(self) -> None:
        """The stream ran to its end; exit status 1 still tells a script lines were skipped."""
        if self.skipped:
            sys.exit(1)


@cli.command("classify")
@click.option("--engine", "engine_name", type=click.Choice(["offline", "llm"]))
@click.option("--json", "as_json", is_flag=True)
@reports_errors
def classify_cmd(engine_name: str | None, as_json: bool) -> None:
    """Route each line of stdin: category, confidence, flags, intent, language, sentiment, and
    prompt-injection flags ("injection:KIND" in the flags column; "injection" in --json)."""
    settings = Settings()
    if engine_name:
        settings = settings.model_copy(update={"engine": engine_name})
    engine = make_engine(settings, catalog=configured_catalog(settings))
    lines = Utf8Stdin()
    for line in lines:
        if not line.strip():
            continue
        read = route_turns(engine, [{"role": "customer", "text": line}])
        route, injection = read.last_route, read.injection[-1]
        if as_json:
            print_json(route.model_dump(mode="json") | {"injection": injection})
        else:
            flags = [f.value for f in route.flags]
            flags += [f"injection:{kind}" for kind in dict.fromkeys(f["kind"] for f in injection)]
            click.echo(
                f"{route.category.value}\t{route.confidence:.2f}\t{route.intent}\t"
                f"{','.join(flags)}\t{line.strip()}"
            )
    lines.exit_if_skipped()


@cli.command("summarize")
@click.option(
    "--transcript", type=click.Path(path_type=Path, exists=True, dir_okay=False), required=True
)
@click.option("--engine", "engine_name", type=click.Choice(["offline", "llm"]))
@click.option("--json", "as_json", is_flag=True)
@reports_errors
def summarize_cmd(transcript: Path, engine_name: str | None, as_json: bool) -> None:
    """The structured wrap-up summary of a transcript."""
    turns = read_transcript(transcript)
    settings = Settings()
    if engine_name:
        settings = settings.model_copy(update={"engine": engine_name})
    engine = make_engine(settings, catalog=configured_catalog(settings))
    read = route_turns(engine, turns)
    redactor = read.redactor
    summary = engine.summarize(read.transcript, read.routes, [], redactor=redactor)
    restored = {  # identifiers stay placeholders: the advisor reveals one on demand
        k: v
        if k == "identifiers"
        else redactor.restore(v)
        if isinstance(v, str)
        else [redactor.restore(x) for x in v]
        if isinstance(v, list)
        else v
        for k, v in summary.model_dump().items()
    }
    if as_json:
        print_json(restored)
    else:
        Console().print(restored)


@cli.command("redact")
@click.option("--json", "as_json", is_flag=True)
@reports_errors
def redact_cmd(as_json: bool) -> None:
    """Redact personal data from each line of stdin (placeholders stable across lines)."""
    redactor = Redactor()
    lines = Utf8Stdin()
    for line in lines:
        result = redactor.redact(line)
        if as_json:
            print_json(
                {
                    "text": result.text,
                    "entities": [
                        {"type": e.type, "start": e.start, "end": e.end, "value": e.value}
                        for e in result.entities
                    ],
                }
            )
        else:
            click.echo(result.text)
    lines.exit_if_skipped()
