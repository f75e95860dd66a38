"""Snapshots of the workspace after a suggestion (80x24, 160x48, light theme) and of the
sessions screen. Latency and times are fixed by `FIXED`, thread ids are fixed by the tests.

Update after an intended change: pytest tests/tui --snapshot-update
"""

from __future__ import annotations

from textual.widgets import Input

from tests.tui.test_workspace import say, settle


def _after_a_suggestion(text: str = "Hi, my name is Paul Martin, why this late fee?"):
    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.screen.query_one("#turn-input", Input).cursor_blink = False
        await say(pilot, text)
        await pilot.press("escape")  # command mode: the decision keys show in the footer
        await settle(pilot)

    return run_before


def test_workspace_80x24(snap_compare, workspace) -> None:
    assert snap_compare(workspace(), terminal_size=(80, 24), run_before=_after_a_suggestion())


def test_workspace_160x48(snap_compare, workspace) -> None:
    assert snap_compare(
        workspace(),
        terminal_size=(160, 48),
        run_before=_after_a_suggestion("It is unacceptable, my card was stolen!"),
    )


def test_workspace_light_theme(snap_compare, workspace) -> None:
    async def run_before(pilot) -> None:
        await _after_a_suggestion()(pilot)
        await pilot.press("ctrl+l")

    assert snap_compare(workspace(), terminal_size=(120, 36), run_before=run_before)


def test_sessions_screen(snap_compare, workspace, session_factory) -> None:
    session_factory("contact-0").customer_turn("my card was stolen")

    async def run_before(pilot) -> None:
        await _after_a_suggestion()(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)

    assert snap_compare(workspace(), terminal_size=(100, 24), run_before=run_before)
