"""The supervisor workspace driven with the pilot over the eight seeded suggestions
(`tests.store_seed`): queue and filters, detail and diff, verdicts, KB fixes, dashboard,
and store failures that become notifications without losing the supervisor's note."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Input, Select, Static, TextArea

from copilot.config import Settings
from copilot.store import Store, StoreError
from copilot.store.database import Database
from tests.store_seed import seed
from tui.review import ReviewApp, ReviewDisplay, make_review_app
from tui.screens.review_dashboard import DashboardScreen
from tui.screens.review_detail import DetailScreen
from tui.screens.review_filter import FilterScreen
from tui.screens.review_queue import QueueScreen
from tui.screens.review_verdict import VerdictScreen
from tui.widgets.conversation import TurnView
from tui.widgets.review_charts import Bars
from tui.widgets.review_suggestion import ADDED_STYLE, REMOVED_STYLE

SIZE = (120, 36)
FIXED = ReviewDisplay(time=lambda iso: "today 09:00", day=lambda day: "today")
"""No clock on screen."""


def seeded(path: Path) -> tuple[Store, dict[int, str]]:
    store = Store(Database.open(None, path / "records.sqlite"))
    return store, seed(store)


def review_app(settings: Settings, store: Store, **kwargs: Any) -> ReviewApp:
    return make_review_app(settings, store, "sam", display=FIXED, **kwargs)


@pytest.fixture
def records(tmp_path: Path) -> tuple[Store, dict[int, str]]:
    return seeded(tmp_path)


async def settle(pilot) -> None:
    """Let the store workers finish and their messages land."""
    for _ in range(3):
        if pilot.app.workers:
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def queue_rows(app: ReviewApp) -> list[list[str]]:
    table = app.screen.query_one(DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def text(app: ReviewApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def open_suggestion(pilot, n: int) -> DetailScreen:
    """Open the n-th suggestion of the queue (1-based, as seeded)."""
    await settle(pilot)
    await pilot.press(*["down"] * (n - 1), "enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, DetailScreen)
    return pilot.app.screen


def review_of(store: Store, suggestion_id: str) -> dict[str, Any] | None:
    return next(r["review"] for r in store.suggestions() if r["id"] == suggestion_id)


@pytest.mark.asyncio
async def test_queue_lists_every_suggestion_with_its_decision(settings, records) -> None:
    store, _ = records
    app = review_app(settings, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        rows = queue_rows(app)
        assert [r[4] for r in rows] == [
            "accept",
            "edit",
            "edit",
            "reject",
            "regen",
            "accept",
            "superseded",
            "—",
        ]
        assert rows[2][:6] == ["3", "today 09:00", "alice", "Complaint", "edit", "12"]
        assert rows[6][7] == "Fraud suspected"
        assert "8 suggestions · 0 reviewed" in text(app, "#queue-bar")
        assert "all suggestions" in text(app, "#queue-bar")


@pytest.mark.asyncio
async def test_filter_to_rejections_heavy_edits_and_unreviewed(settings, records) -> None:
    store, ids = records
    store.record_review(ids[1], "sam", "good")
    app = review_app(settings, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")  # a superseded draft is not a rejection
        await settle(pilot)
        assert [r[0] for r in queue_rows(app)] == ["1"]
        assert queue_rows(app)[0][3] == "Standard procedure"
        assert "1 suggestion · 0 reviewed" in text(app, "#queue-bar")
        assert "rejected" in text(app, "#queue-bar")
        await pilot.press("r", "h")  # rejections off, heavy edits (>= 10 words) on
        await settle(pilot)
        assert [(r[3], r[5]) for r in queue_rows(app)] == [("Complaint", "12")]
        await pilot.press("c", "u")
        await settle(pilot)
        assert len(queue_rows(app)) == 7
        await pilot.press("c")
        await settle(pilot)
        assert len(queue_rows(app)) == 8


@pytest.mark.asyncio
async def test_filter_dialog_from_the_keyboard(settings, records) -> None:
    store, _ = records
    app = review_app(settings, store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("f")
        assert isinstance(app.screen, FilterScreen)
        await pilot.press("enter", "down", "down", "down", "enter")  # Decision: rejected
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert [r[4] for r in queue_rows(app)] == ["reject"]

        await pilot.press("f")
        dialog = app.screen
        dialog.query_one("#filter-decision", Select).clear()
        dialog.query_one("#filter-advisor", Select).value = "bob"
        dialog.query_one("#filter-since", Input).value = "not a day"
        await pilot.press("ctrl+s")
        assert app.screen is dialog  # the bad day is named, the dialog stays
        assert any("From: 'not a day'" in n.message for n in app._notifications)
        dialog.query_one("#filter-since", Input).value = ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert {r[2] for r in queue_rows(app)} == {"bob"}
        assert len(queue_rows(app)) == 4

        await pilot.press("f")
        app.screen.query_one("#filter-since", Input).value = "2999-01-01"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert queue_rows(app) == []
        assert "0 suggestions" in text(app, "#queue-bar")
        await pilot.press("enter")  # nothing to open: no error
        assert isinstance(app.screen, QueueScreen)


@pytest.mark.asyncio
async def test_detail_shows_conversation_diff_and_cited_versions(settings, records) -> None:
    store, _ = records
    app = review_app(settings, store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_suggestion(pilot, 2)
        turns = [v.text for v in screen.query(TurnView)]
        assert turns == ["question 1", "question 2"]  # the contact, up to this suggestion
        diff = screen.query_one("#detail-diff", Static).visual
        spans = {(diff.plain[s.start : s.end], str(s.style)) for s in diff.spans}  # type: ignore[union-attr]
        assert ("3", REMOVED_STYLE) in spans
        assert ("three full", ADDED_STYLE) in spans
        assert diff.plain == "The grace period is 3 three full days [1]."  # type: ignore[union-attr]
        assert "edited: 2 words changed" in text(app, "#detail-decision")
        citations = text(app, "#detail-citations")
        assert "[1] Article 2 › Rules" in citations
        assert "doc-2 · chunk doc-2#0 · v1 · effective 2026-01-01" in citations
        heading = text(app, "#detail-heading")
        assert "Suggestion 2/8" in heading and "grace" in heading and "offline-1" in heading

        await pilot.press("n")  # the next one: flags, 12 words added
        await settle(pilot)
        assert "Suggestion 3/8" in text(app, "#detail-heading")
        assert "Churn risk" in text(app, "#detail-checks")
        assert "a b c d e f g h i j k l" in text(app, "#detail-diff")
        await pilot.press("n", "n", "n", "n", "n")  # #8: abstained, no decision
        await settle(pilot)
        assert "Suggestion 8/8" in text(app, "#detail-heading")
        assert "no policy found" in text(app, "#detail-checks")
        assert "nothing was sent" in text(app, "#detail-diff")
        await pilot.press("escape")
        assert isinstance(app.screen, QueueScreen)


@pytest.mark.asyncio
async def test_a_verdict_with_a_note_is_saved_in_the_store(settings, records) -> None:
    store, ids = records
    app = review_app(settings, store)
    async with app.run_test(size=SIZE) as pilot:
        await open_suggestion(pilot, 3)
        await pilot.press("v")
        assert isinstance(app.screen, VerdictScreen)
        await pilot.press("2")  # coaching needed; the note gets the focus
        assert isinstance(app.focused, TextArea)
        await pilot.press(*"12 words of filler: keep it short", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert "coaching needed  by sam" in text(app, "#detail-review")
        await pilot.press("v")  # a second verdict starts from the first
        assert app.screen.query_one("#verdict-note", TextArea).text.startswith("12 words")
        await pilot.press("escape")
        assert "not saved yet" not in text(app, "#detail-review")
        await pilot.press("escape")
        await settle(pilot)
        assert queue_rows(app)[2][6] == "coaching needed"
        assert "1 reviewed" in text(app, "#queue-bar")
    review = review_of(store, ids[3])
    assert review is not None
    assert (review["verdict"], review["note"], review["supervisor"], review["kb_fix"]) == (
        "coaching needed",
        "12 words of filler: keep it short",
        "sam",
        None,
    )


@pytest.mark.asyncio
async def test_policy_gap_proposes_a_fix_to_the_cited_passage_and_exports_it(
    settings, records
) -> None:
    store, ids = records
    app = review_app(settings, store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_suggestion(pilot, 4)
        await pilot.press("3")  # straight to the dialog with "policy gap" chosen
        assert isinstance(app.screen, VerdictScreen)
        await pilot.press(*"once a year is outdated", "ctrl+s")
        assert isinstance(app.screen, VerdictScreen)  # a policy gap needs the change
        assert isinstance(app.focused, Input)
        await pilot.press(*"Pausing: twice a year since 2026", "enter")
        await settle(pilot)
        assert "KB fix doc-4#0 v1: Pausing: twice a year since 2026" in text(app, "#detail-review")
        await pilot.press("escape", "k")
        await settle(pilot)
        path = settings.data_dir / "kb-fixes.jsonl"
        assert any(str(path) in n.message for n in app._notifications)
    (entry,) = [json.loads(line) for line in path.read_text().splitlines()]
    assert {k: entry[k] for k in ("chunk_id", "doc_id", "version", "effective_date")} == {
        "chunk_id": "doc-4#0",
        "doc_id": "doc-4",
        "version": 1,
        "effective_date": "2026-01-01",
    }
    assert entry["change"] == "Pausing: twice a year since 2026"
    assert entry["note"] == "once a year is outdated"
    assert (entry["suggestion_id"], entry["supervisor"], entry["intent"]) == (
        ids[4],
        "sam",
        "pause_payment",
    )


@pytest.mark.asyncio
async def test_export_without_policy_gaps_writes_nothing(settings, records) -> None:
    store, _ = records
    app = review_app(settings, store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        assert any("No policy-gap review" in n.message for n in app._notifications)
    assert not (settings.data_dir / "kb-fixes.jsonl").exists()


@pytest.mark.asyncio
async def test_a_store_error_is_a_notification_and_the_note_is_kept(
    settings, records, monkeypatch
) -> None:
    store, ids = records

    def locked(*args: object, **kwargs: object) -> str:
        raise StoreError("the record store r.sqlite is locked by another program (busy)")

    app = review_app(settings, store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_suggestion(pilot, 1)
        monkeypatch.setattr(store, "record_review", locked)
        await pilot.press("1", *"spot on", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        (notice,) = [n for n in app._notifications if n.severity == "error"]
        assert "locked by another program" in notice.message
        assert "kept" in notice.message
        assert "not saved yet" in text(app, "#detail-review")
        await pilot.press("escape")  # leave and come back: the note is still there
        await settle(pilot)
        assert queue_rows(app)[0][6] == "✎ unsaved"
        await pilot.press("enter", "v")
        await settle(pilot)
        assert app.screen.query_one("#verdict-note", TextArea).text == "spot on"
        monkeypatch.undo()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "good  by sam" in text(app, "#detail-review")
        assert not app.state.unsaved
    review = review_of(store, ids[1])
    assert review is not None and (review["verdict"], review["note"]) == ("good", "spot on")


@pytest.mark.asyncio
async def test_escape_from_the_verdict_keeps_what_was_typed(settings, records) -> None:
    store, ids = records
    app = review_app(settings, store)
    async with app.run_test(size=SIZE) as pilot:
        await open_suggestion(pilot, 5)
        await pilot.press("4", *"regenerated for nothing", "escape")
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("n", "p", "v")  # another suggestion and back
        await settle(pilot)
        assert app.screen.query_one("#verdict-note", TextArea).text == "regenerated for nothing"
    assert review_of(store, ids[5]) is None


@pytest.mark.asyncio
async def test_a_queue_that_cannot_be_read_is_a_notification(
    settings, records, monkeypatch
) -> None:
    store, _ = records

    def broken(*args: object, **kwargs: object) -> list[dict[str, Any]]:
        raise StoreError("the record store r.sqlite failed: disk I/O error")

    monkeypatch.setattr(store, "suggestions", broken)
    app = review_app(settings, store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert "could not load the queue" in text(app, "#queue-bar")
        assert any("disk I/O error" in n.message for n in app._notifications)
        await pilot.press("d", "escape", "k")  # nothing loaded: still no traceback
        await settle(pilot)
        assert app.return_code is None


@pytest.mark.asyncio
async def test_dashboard_shows_the_seeded_figures(settings, records) -> None:
    store, ids = records
    store.record_review(ids[2], "sam", "policy gap", "", {"chunk_id": "doc-2#0", "change": "x"})
    app = review_app(settings, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        assert isinstance(app.screen, DashboardScreen)
        rates = {r.label: r.figure for r in app.screen.query_one("#dash-rates", Bars).rows}
        assert rates == {
            "Acceptance": "33% 2/6",
            "Edit": "33% 2/6",
            "Rejection": "17% 1/6",
            "Regeneration": "17% 1/6",
        }
        histogram = {r.label: r.figure for r in app.screen.query_one("#dash-histogram", Bars).rows}
        assert histogram == {
            "0": "2",
            "1-2": "1",
            "3-5": "0",
            "6-10": "0",
            "11-20": "1",
            ">20": "0",
        }
        assert "median 1 · heavy edits 1" in text(app, "#dash-edit-summary")
        assert "p50 500 ms · p95 800 ms" in text(app, "#dash-latency-figures")
        mix = {r.label: r.figure for r in app.screen.query_one("#dash-mix-bars", Bars).rows}
        assert mix == {
            "AI-suitable": "5",
            "Human-led": "3",
            "Churn risk": "1",
            "Fraud suspected": "1",
        }
        assert "Escalations (advisor leads) 3" in text(app, "#dash-escalations")
        gaps = text(app, "#dash-gaps")
        assert "pause payment" in gaps and "unknown fee" in gaps and "grace" in gaps
        assert "policy gap (supervisor) 1" in gaps
        assert "6 of 8 decided" in text(app, "#dash-decided")
        assert "1 reviewed" in text(app, "#dash-heading")

        def slice_rows() -> list[list[str]]:
            table = app.screen.query_one("#dash-slice-table", DataTable)
            return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]

        assert slice_rows() == [["today", "8", "33%", "33%", "17%", "17%", "1", "500", "800"]]
        await pilot.press("s")  # by advisor
        assert [r[:6] for r in slice_rows()] == [
            ["alice", "4", "25%", "50%", "25%", "0%"],
            ["bob", "4", "50%", "0%", "0%", "50%"],
        ]
        await pilot.press("3")  # by prompt version
        assert slice_rows()[0][:2] == ["offline-1", "8"]
        await pilot.press("1", "S")  # back from the first slice to the last: by category
        assert [r[0] for r in slice_rows()] == [
            "Complaint",
            "Sensitive data",
            "Simple question",
            "Standard procedure",
        ]
        await pilot.press("escape")
        assert isinstance(app.screen, QueueScreen)


@pytest.mark.asyncio
async def test_dashboard_follows_the_queue_filter(settings, records) -> None:
    store, _ = records
    app = review_app(settings, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r", "d")
        await settle(pilot)
        rates = {r.label: r.figure for r in app.screen.query_one("#dash-rates", Bars).rows}
        assert rates["Rejection"] == "100% 1/1"
        assert "rejected" in text(app, "#dash-heading")


@pytest.mark.asyncio
async def test_light_and_dark_theme_toggle(settings, records) -> None:
    store, _ = records
    app = review_app(settings, store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dark = app.current_theme.dark
        await pilot.press("ctrl+l")
        assert app.current_theme.dark is not dark
        await pilot.press("d", "ctrl+l")
        assert app.current_theme.dark is dark


def test_the_review_command_builds_the_app_for_the_supervisor(monkeypatch, records) -> None:
    from click.testing import CliRunner

    import copilot.cli.records  # noqa: F401  (registers the command)
    from copilot.cli import cli

    built: list[ReviewApp] = []
    monkeypatch.setattr(ReviewApp, "run", lambda self: built.append(self))
    result = CliRunner().invoke(cli, ["review", "--supervisor", "sam"])
    assert result.exit_code == 0, result.output
    (app,) = built
    assert app.supervisor == "sam"
    assert app.store.db.where.endswith("records.sqlite")
