"""The workspace's key map as an advisor in a hurry uses it, with real key presses: nothing typed
runs as a command it is not, keys that leave the contact take a modifier and a confirmation, a
refusal puts the advisor back where text goes, a rejected draft can be regenerated, and the
draft panel shows what was sent after an edit."""

from __future__ import annotations

import pytest
from textual import events
from textual.widgets import Input

from tests.tui.test_workspace import SIZE, say, settle
from tui.screens.dialogs import ConfirmScreen, ReasonScreen
from tui.widgets.draft import DraftPanel


def typed(app) -> str:
    return app.screen.query_one("#turn-input", Input).value


async def burst(pilot, text: str) -> None:
    """Keys as a terminal delivers fast typing: all queued at once, no frame between them."""
    for char in text:
        pilot.app.post_message(events.Key("space" if char == " " else char, char))
    await pilot.pause(0.3)


@pytest.mark.asyncio
async def test_regenerate_after_reject_brings_a_new_draft(workspace, session_factory) -> None:
    app = workspace()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await say(pilot, "why this late fee?")
        rejected = app.screen.query_one(DraftPanel).suggestion
        await pilot.press("escape", "x", *"wrong tone", "enter")
        await settle(pilot)
        draft = app.screen.query_one(DraftPanel)
        assert draft.decided == "reject"
        await pilot.press("g")
        assert isinstance(app.screen, ReasonScreen)
        await pilot.press(*"shorter", "enter")
        await settle(pilot)
        assert draft.suggestion is not None and draft.suggestion is not rejected
        assert draft.decided is None  # a new draft, waiting for a decision
        assert not [n for n in app._notifications if n.severity != "information"]
        await pilot.press("a")
        await settle(pilot)
        assert draft.decided == "accept"
    kinds = [r["decision"]["kind"] for r in session_factory("contact-1").records()]
    assert kinds == ["reject", "accept"]


@pytest.mark.asyncio
async def test_text_typed_after_a_refusal_goes_to_the_input_line(workspace) -> None:
    app = workspace()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await say(pilot, "why this late fee?")
        await pilot.press("escape", "a")  # accepted: the draft is decided
        await settle(pilot)
        await pilot.press("a")  # refused: nothing waits for a decision
        assert any("already decided" in n.message for n in app._notifications)
        assert app.focused is app.screen.query_one("#turn-input")
        await pilot.press(*"anything else? new card")
        assert typed(app) == "anything else? new card"
        assert app.workspace is not None and app.workspace.contact.thread_id == "contact-1"


@pytest.mark.asyncio
async def test_a_letter_that_is_no_command_starts_a_turn(workspace) -> None:
    app = workspace()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await say(pilot, "why this late fee?")
        await pilot.press("escape", *"no, sorry")  # n, s: no command without a modifier
        assert typed(app) == "no, sorry"
        await pilot.press("escape")
        await burst(pilot, "no problem, see you")  # o (card) and e (edit) right behind the n
        assert typed(app) == "no, sorryno problem, see you"
        assert not app.screen.query_one(DraftPanel).editing
        assert not isinstance(app.screen, ConfirmScreen)
        assert app.workspace is not None and app.workspace.contact.thread_id == "contact-1"


@pytest.mark.asyncio
async def test_a_new_contact_asks_first_and_staying_keeps_the_text(workspace) -> None:
    app = workspace()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await say(pilot, "why this late fee?")
        await pilot.press(*"half a sen", "ctrl+n")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        assert app.workspace is not None and app.workspace.contact.thread_id == "contact-1"
        assert app.focused is app.screen.query_one("#turn-input")
        await pilot.press(*"tence")
        assert typed(app) == "half a sentence"
        await pilot.press("ctrl+n", "t")  # a typed letter answers no, too
        assert app.workspace.contact.thread_id == "contact-1"
        await pilot.press("ctrl+n", "enter")
        await settle(pilot)
        assert app.workspace.contact.thread_id != "contact-1"


@pytest.mark.asyncio
async def test_quitting_during_a_contact_asks_first(workspace) -> None:
    app = workspace()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await say(pilot, "why this late fee?")
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, ConfirmScreen)
        assert "--thread contact-1" in str(app.screen.query_one("#confirm-question").render())
        await pilot.press("escape")
        assert app.is_running and not isinstance(app.screen, ConfirmScreen)
        await pilot.press("ctrl+q", "ctrl+q")  # twice: quit at once
        await pilot.pause()
        assert not app.is_running


@pytest.mark.asyncio
async def test_the_draft_panel_shows_what_was_sent_after_an_edit(workspace) -> None:
    app = workspace()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await say(pilot, "why this late fee?")
        await pilot.press("escape", "e")
        draft = app.screen.query_one(DraftPanel)
        draft.editor.text = "Sorry about that: the fee is €5 [1]. I have removed it."
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert draft.decided == "edit"
        shown = str(app.screen.query_one("#draft-view").render())
        assert "I have removed it." in shown and "[1]" not in shown
