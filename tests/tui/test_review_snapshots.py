"""Snapshots of the supervisor workspace over the seeded store: the queue, a suggestion's detail
and the dashboard at 80x24 and 160x48, the verdict dialog, and the light theme. Times are fixed
by `FIXED` (the seeded rows are written "now").

Update after an intended change: pytest tests/tui -k review --snapshot-update
"""

from __future__ import annotations

from textual.widgets import Input, TextArea

from tests.tui.test_review_workspace import review_app, seeded, settle


def _queue():
    async def run_before(pilot) -> None:
        await settle(pilot)

    return run_before


def _detail(n: int = 3):
    """The third suggestion: an edit of 12 words, with a flag."""

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press(*["down"] * (n - 1), "enter")
        await settle(pilot)

    return run_before


def _dashboard():
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)

    return run_before


def test_review_queue_80x24(snap_compare, settings, tmp_path) -> None:
    store, _ = seeded(tmp_path)
    assert snap_compare(review_app(settings, store), terminal_size=(80, 24), run_before=_queue())


def test_review_queue_160x48(snap_compare, settings, tmp_path) -> None:
    store, ids = seeded(tmp_path)
    store.record_review(ids[4], "sam", "policy gap", "outdated", {"chunk_id": "doc-4#0"})
    assert snap_compare(review_app(settings, store), terminal_size=(160, 48), run_before=_queue())


def test_review_detail_80x24(snap_compare, settings, tmp_path) -> None:
    store, _ = seeded(tmp_path)
    assert snap_compare(review_app(settings, store), terminal_size=(80, 24), run_before=_detail())


def test_review_detail_160x48(snap_compare, settings, tmp_path) -> None:
    store, ids = seeded(tmp_path)
    store.record_review(ids[3], "sam", "coaching needed", "Twelve words of filler.")
    assert snap_compare(review_app(settings, store), terminal_size=(160, 48), run_before=_detail())


def test_review_verdict_dialog_80x24(snap_compare, settings, tmp_path) -> None:
    store, _ = seeded(tmp_path)

    async def run_before(pilot) -> None:
        await _detail(4)(pilot)
        await pilot.press("3")
        dialog = pilot.app.screen
        dialog.query_one(TextArea).cursor_blink = False
        dialog.query_one(Input).cursor_blink = False
        await pilot.press(*"once a year is outdated", "tab", "tab")
        await pilot.press(*"twice a year since 2026")
        await settle(pilot)

    assert snap_compare(review_app(settings, store), terminal_size=(80, 24), run_before=run_before)


def test_review_dashboard_80x24(snap_compare, settings, tmp_path) -> None:
    store, _ = seeded(tmp_path)
    assert snap_compare(
        review_app(settings, store), terminal_size=(80, 24), run_before=_dashboard()
    )


def test_review_dashboard_160x48(snap_compare, settings, tmp_path) -> None:
    store, ids = seeded(tmp_path)
    store.record_review(ids[2], "sam", "policy gap", "", {"chunk_id": "doc-2#0", "change": "x"})
    assert snap_compare(
        review_app(settings, store), terminal_size=(160, 48), run_before=_dashboard()
    )


def test_review_light_theme(snap_compare, settings, tmp_path) -> None:
    store, _ = seeded(tmp_path)
    assert snap_compare(
        review_app(settings, store, theme="textual-light"),
        terminal_size=(120, 36),
        run_before=_detail(2),
    )
