"""The verdict dialog driven with the keys a supervisor presses, in the orders they press them:
the hint says "1-4: verdict · tab: next field · ctrl+s: save", so every one of these sequences
must save exactly the verdict chosen and the note typed, digits included. A saved review can
be amended: the amendment is a new audited record and the first stays in the chain."""

from __future__ import annotations

import pytest
from textual.widgets import TextArea

from tests.tui.test_review_workspace import open_suggestion, review_app, review_of, seeded, settle
from tests.tui.test_review_workspace import text as panel_text
from tests.tui.test_workspace_keys import burst
from tui.screens.review_detail import DetailScreen
from tui.screens.review_verdict import VerdictScreen

SIZE = (120, 36)


@pytest.mark.parametrize(
    "keys",
    [
        pytest.param(("v", "4", "tab"), id="v-digit-tab"),
        pytest.param(("v", "4"), id="v-digit"),
        pytest.param(("4", "tab"), id="digit-on-detail-tab"),
        pytest.param(("v", "tab", "shift+tab", "4", "tab"), id="tab-around-then-digit"),
        pytest.param(("v", "down", "down", "down", "tab"), id="arrows-tab"),
    ],
)
@pytest.mark.asyncio
async def test_the_verdict_and_note_saved_are_the_ones_typed(settings, tmp_path, keys) -> None:
    store, ids = seeded(tmp_path)
    app = review_app(settings, store)
    async with app.run_test(size=SIZE) as pilot:
        await open_suggestion(pilot, 3)
        await pilot.press(*keys)
        assert isinstance(app.screen, VerdictScreen)
        assert isinstance(app.focused, TextArea)
        await pilot.press(*"took 2 tries, 4 words", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
    review = review_of(store, ids[3])
    assert review is not None
    assert (review["verdict"], review["note"]) == ("AI error", "took 2 tries, 4 words")


@pytest.mark.asyncio
async def test_a_burst_of_keys_after_the_digit_is_the_note(settings, tmp_path) -> None:
    store, ids = seeded(tmp_path)
    app = review_app(settings, store)
    async with app.run_test(size=SIZE) as pilot:
        await open_suggestion(pilot, 3)
        await pilot.press("v")
        await burst(pilot, "4took 2 tries")  # as fast as a terminal delivers typing
        await pilot.press("ctrl+s")
        await settle(pilot)
    review = review_of(store, ids[3])
    assert review is not None
    assert (review["verdict"], review["note"]) == ("AI error", "took 2 tries")


@pytest.mark.asyncio
async def test_a_letter_typed_on_the_verdict_list_starts_the_note(settings, tmp_path) -> None:
    store, ids = seeded(tmp_path)
    app = review_app(settings, store)
    async with app.run_test(size=SIZE) as pilot:
        await open_suggestion(pilot, 2)
        await pilot.press("v", "2", "tab", "tab")  # past the note, back on the verdict list
        assert app.focused is app.screen.query_one("#verdict-choice")
        await pilot.press(*"late by 3 days")
        assert app.screen.query_one("#verdict-note", TextArea).text == "late by 3 days"
        await pilot.press("ctrl+s")
        await settle(pilot)
    review = review_of(store, ids[2])
    assert review is not None
    assert (review["verdict"], review["note"]) == ("coaching needed", "late by 3 days")


@pytest.mark.asyncio
async def test_a_saved_review_is_amended_by_a_new_audited_record(settings, tmp_path) -> None:
    store, ids = seeded(tmp_path)
    app = review_app(settings, store)
    async with app.run_test(size=SIZE) as pilot:
        await open_suggestion(pilot, 3)
        await pilot.press("v", "1", "tab", *"fine", "ctrl+s")
        await settle(pilot)
        assert "good  by sam" in panel_text(app, "#detail-review")
        await pilot.press("v", "4")  # the dialog opens on the saved review: change it
        note = app.screen.query_one("#verdict-note", TextArea)
        assert note.text == "fine"
        await pilot.press("tab", *" at first; wrong fee: 15 not 5", "ctrl+s")
        await settle(pilot)
        review_panel = panel_text(app, "#detail-review")
        assert "AI error  by sam" in review_panel
        assert "amends 1 earlier review" in review_panel
    review = review_of(store, ids[3])
    assert review is not None
    assert (review["verdict"], review["note"]) == ("AI error", "fine at first; wrong fee: 15 not 5")
    stored = store.db.query(
        "SELECT verdict, note FROM reviews WHERE suggestion_id = ? ORDER BY at", (ids[3],)
    )
    assert [tuple(r) for r in stored] == [
        ("good", "fine"),
        ("AI error", "fine at first; wrong fee: 15 not 5"),
    ]
    audited = store.db.query(
        "SELECT COUNT(*) FROM audit_log WHERE table_name = 'reviews' AND action = 'insert'"
    )
    assert audited[0][0] == 2
    assert store.verify().ok, store.verify().problem
