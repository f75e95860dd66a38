"""`copilot report`, `copilot audit verify|head|prune`, `copilot eval export-feedback` and
`copilot review` (the supervisor's workspace, imported on use): thin commands over the store.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from copilot.cli import cli, print_json, reports_errors, stdout
from copilot.cli.evaluate import eval_group
from copilot.config import Settings
from copilot.store import (
    Head,
    QueueFilter,
    Store,
    Verification,
    describe_database,
    open_store,
    verify_store,
)
from copilot.store.feedback import feedback_cases
from copilot.store.report import HEAVY_EDIT_WORDS, build_report, rate_cells
from knowledge_base.atomic import write_text_atomic
from knowledge_base.errors import KnowledgeBaseError


def _since(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from exc


def _open() -> Store:
    return open_store(Settings())


@cli.command("report")
@click.option("--since", help="Only suggestions from this date on (YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "html", "png"]),
    default="table",
    show_default=True,
    help="html / png write a shareable report with plots (see --out).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where --format html|png writes (default: copilot-report.html|png).",
)
@click.option(
    "--heavy-edit-words",
    type=click.IntRange(1),
    default=HEAVY_EDIT_WORDS,
    show_default=True,
    help="An edit of at least this many words is heavy.",
)
@reports_errors
def report_cmd(
    since: str | None, as_json: bool, fmt: str, out: Path | None, heavy_edit_words: int
) -> None:
    """Acceptance, edits, rejections, latency, category mix, flags and KB gaps."""
    since = _since(since)
    store = _open()
    report = build_report(store.suggestions(QueueFilter(since=since)), since, heavy_edit_words)
    if fmt in ("html", "png"):
        from copilot.store.report_render import render_report

        target = out or Path(f"copilot-report.{fmt}")
        render_report(report, target, fmt)
        click.echo(f"wrote {target}")
        return
    if as_json:
        print_json(report)
        return
    stdout.print(_report_table(report))


def _report_table(report: dict[str, Any]) -> Table:
    table = Table(
        title=f"suggestions since {report['since'] or 'the start'}",
        caption=(
            f"{report['replies_sent']} replies sent · {report['briefings_acknowledged']} briefings"
            f" acknowledged (not sent) · {report['drafts_rejected']} drafts rejected\n"
            "rates: shares of decided suggestions · edits in words · latency in ms"
        ),
    )
    table.add_column("slice", no_wrap=True, max_width=20)
    for column in ("n", "decided", "accept", "edit", "reject", "regen", "med.edit", "p50", "p95"):
        table.add_column(column, justify="right")
    slices: list[tuple[str, dict[str, Any]]] = [("all", report)]
    for key in ("by_category", "by_advisor"):
        slices += [("", {}), *report[key].items()]
    for name, f in slices:
        if not f:
            table.add_section()
            continue
        table.add_row(name, str(f["suggestions"]), str(f["decided"]), *rate_cells(f))
    return table


@cli.group("audit")
def audit_group() -> None:
    """The tamper-evident audit trail of suggestions and decisions."""


def _expected_head(value: str | None) -> Head | None:
    """`--expect-head`: the line `copilot audit head` printed, or a file holding it."""
    if value is None:
        return None
    path = Path(value)
    if path.is_file():
        try:
            return Head.parse(path.read_text(encoding="utf-8"), f"--expect-head file {path}")
        except (OSError, UnicodeDecodeError) as exc:
            raise KnowledgeBaseError(f"cannot read the expected head {path}: {exc}") from exc
    return Head.parse(value, "--expect-head")


def _verified(expect_head: str | None) -> tuple[Settings, Verification]:
    settings = Settings()
    return settings, verify_store(settings, _expected_head(expect_head))


def _broken(result: Verification) -> None:
    if not result.ok:
        click.echo(f"BROKEN: {result.problem}", err=True)
        raise SystemExit(2)


def _intact_line(result: Verification, database: str) -> str:
    line = f"intact: {result.entries} audit records, {result.records} records in {database}"
    if result.entries == 0:
        return line + " (nothing recorded yet)"
    line += f"; head #{result.first + result.entries - 1} {result.head}"
    if result.keyed_from is None:
        line += "; no entry carries a MAC (all written before keyed audit): chain-checked only"
    elif result.keyed_from > result.first:
        line += (
            f"; entries #{result.first}-#{result.keyed_from - 1} carry no MAC (written before "
            "keyed audit): chain-checked only"
        )
    checked = " and ".join(result.checked) or "no anchored head (none on this machine)"
    return line + f"; reaches {checked}"


@audit_group.command("verify")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option(
    "--expect-head",
    metavar="HEAD",
    help="Also check against a head exported with `copilot audit head` (the line, or its file).",
)
@reports_errors
def verify_cmd(as_json: bool, expect_head: str | None) -> None:
    """Exit 0 when the chain, its MACs, every record and the count are intact and the trail
    reaches the head file (and HEAD); else exit 2 naming the first problem."""
    settings, result = _verified(expect_head)
    if as_json:
        print_json(
            {
                "ok": result.ok,
                "entries": result.entries,
                "records": result.records,
                "head": result.head,
                "keyed_from": result.keyed_from,
                "checked": list(result.checked),
                "problem": result.problem,
                "database": describe_database(settings),
            }
        )
        if not result.ok:
            raise SystemExit(2)
        return
    _broken(result)
    click.echo(_intact_line(result, describe_database(settings)))


@audit_group.command("head")
@reports_errors
def head_cmd() -> None:
    """Print the verified audit head: keep it off this machine, check it later with
    `copilot audit verify --expect-head HEAD`."""
    _, result = _verified(None)
    _broken(result)
    if result.tail is None:
        raise KnowledgeBaseError(
            "no keyed audit record yet (nothing recorded since keyed audit began): "
            "there is no head to export"
        )
    click.echo(result.tail.token())


@audit_group.command("prune")
@click.option("--days", type=click.IntRange(1), help="Retention (default COPILOT_RETENTION_DAYS).")
@reports_errors
def prune_cmd(days: int | None) -> None:
    """Delete records older than the retention period; the chain keeps verifying."""
    settings = Settings()
    days = days or settings.retention_days
    if days is None:
        raise KnowledgeBaseError("no retention period: pass --days or set COPILOT_RETENTION_DAYS")
    removed = open_store(settings).prune(days, actor=settings.advisor)
    click.echo(f"pruned {removed} audit records older than {days} days")


@eval_group.command("export-feedback")
@click.argument("out", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--since", help="Only decisions on suggestions from this date on (YYYY-MM-DD).")
@reports_errors
def export_feedback_cmd(out: Path, since: str | None) -> None:
    """Accepted and edited drafts as labelled cases for `copilot eval retrieval --queries`."""
    rows = _open().suggestions(QueueFilter(since=_since(since)))
    cases, skipped = feedback_cases(rows)
    try:
        write_text_atomic(out, "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases))
    except OSError as exc:
        raise KnowledgeBaseError(f"cannot write {out}: {exc.strerror or exc}") from exc
    click.echo(f"wrote {len(cases)} cases to {out} ({skipped} sent replies cite no passage)")


@cli.command("review")
@click.option("--supervisor", help="Who reviews (default: COPILOT_ADVISOR / the OS user).")
@reports_errors
def review_cmd(supervisor: str | None) -> None:
    """Open the supervisor's workspace: queue, detail and diff, verdicts, dashboard."""
    from tui.review import make_review_app

    settings = Settings()
    make_review_app(settings, open_store(settings), supervisor or settings.advisor).run()


@cli.group("export")
def export_group() -> None:
    """Export records for other systems."""


@export_group.command("case-notes")
@click.option("--since", help="Approved on or after this date (YYYY-MM-DD).")
@click.option("--until", help="Approved on or before this date (YYYY-MM-DD).")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Folder for case-notes.jsonl and case-notes.csv.",
)
@reports_errors
def export_case_notes_cmd(since: str | None, until: str | None, out: Path) -> None:
    """The approved wrap-ups of a period as JSONL and CSV for a CRM import, redacted."""
    from copilot.store.case_notes import case_notes, write_case_notes

    since, until = _since(since), _since(until)
    if since and until and since > until:
        raise click.BadParameter(f"--since {since} is after --until {until}")
    store = _open()
    try:
        notes = case_notes(store.summaries(), since, until)
    finally:
        store.close()
    try:
        jsonl, table = write_case_notes(notes, out, "case-notes")
    except OSError as exc:
        raise KnowledgeBaseError(f"cannot write to {out}: {exc.strerror or exc}") from exc
    click.echo(f"wrote {len(notes)} case notes to {jsonl} and {table}")
