"""The report counts replies sent, briefings acknowledged and drafts rejected apart: an accepted
briefing prepared the advisor and reached nobody, so it is neither a sent reply nor an edit."""

from __future__ import annotations

from typing import Any

from copilot.state import SUPERSEDED
from copilot.store.report import build_report


def row(
    mode: str, kind: str | None, reason: str | None = None, distance: int = 0
) -> dict[str, Any]:
    decision = None if kind is None else {"kind": kind, "reason": reason, "edit_distance": distance}
    return {
        "at": "2026-12-01T10:00:00",
        "mode": mode,
        "category": "simple_question" if mode == "reply" else "complaint",
        "decision": decision,
        "latency_ms": 100.0,
        "flags": [],
        "citations": [],
    }


def test_sent_replies_acknowledged_briefings_and_rejections_are_apart() -> None:
    rows = [
        row("reply", "accept"),
        row("reply", "edit", distance=4),
        row("briefing", "accept"),
        row("briefing", "edit", distance=30),  # the advisor's notes on a briefing: never sent
        row("reply", "reject", "wrong policy"),
        row("reply", "reject", SUPERSEDED),  # left behind by the next turn: not a rejection
        row("reply", None),
    ]
    report = build_report(rows)
    assert (report["replies_sent"], report["briefings_acknowledged"]) == (2, 2)
    assert report["drafts_rejected"] == 1
    assert report["median_edit_distance"] == 2.0  # over the two sent replies only
    assert report["heavy_edits"] == 0
    assert sum(report["edit_distance_histogram"].values()) == 2
    assert report["by_category"]["complaint"]["replies_sent"] == 0


def test_the_report_table_names_the_three_counts() -> None:
    from rich.console import Console

    from copilot.cli.records import _report_table

    rows = [row("reply", "accept"), row("briefing", "accept"), row("reply", "reject", "wrong")]
    console = Console(width=140, record=True)
    console.print(_report_table(build_report(rows)))
    shown = console.export_text()
    assert "1 replies sent · 1 briefings acknowledged (not sent) · 1 drafts rejected" in shown
