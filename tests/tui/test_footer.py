"""The footer at the sizes advisors work at: the decision keys, the category, the wrap-up, quit
and the command palette always readable; the other keys when there is room."""

from __future__ import annotations

import pytest
from textual.widgets._footer import FooterKey

from tests.tui.test_workspace import say, settle
from tui.widgets.footer import KeyFooter

ESSENTIAL = {"accept", "edit", "reject", "regenerate", "category", "wrap_up", "quit"}


def shown(app) -> dict[str, str]:
    """Visible footer keys by action (namespace dropped), with the text they show."""
    keys = app.screen.query_one(KeyFooter).query(FooterKey)
    return {
        k.action.rpartition(".")[2]: f"{k.key_display} {k.description}"
        for k in keys
        if k.display and k.region.width
    }


async def command_mode_after_a_turn(pilot) -> None:
    await settle(pilot)
    await say(pilot, "why this late fee?")
    await pilot.press("escape")
    await settle(pilot)


@pytest.mark.asyncio
@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 36)])
async def test_the_essential_keys_fit_in_the_footer(workspace, size) -> None:
    app = workspace()
    async with app.run_test(size=size) as pilot:
        await command_mode_after_a_turn(pilot)
        keys = shown(app)
        assert ESSENTIAL.issubset(keys), keys
        assert keys["command_palette"] == "^p More"
        footer = app.screen.query_one(KeyFooter)
        right = max(k.region.right for k in footer.query(FooterKey) if k.display)
        assert right <= size[0]  # nothing drawn past the edge
        visible = [k for k in footer.query(FooterKey) if k.display]
        assert all(k.region.width for k in visible)  # none squeezed to nothing


@pytest.mark.asyncio
async def test_a_wide_footer_shows_every_workspace_key(workspace) -> None:
    app = workspace()
    async with app.run_test(size=(160, 48)) as pilot:
        await command_mode_after_a_turn(pilot)
        keys = shown(app)
        secondary = {"sessions", "handover", "open_card", "new_contact", "type", "toggle_role"}
        assert (ESSENTIAL | secondary).issubset(keys), keys


@pytest.mark.asyncio
async def test_the_footer_follows_the_mode_and_a_resize(workspace) -> None:
    app = workspace()
    async with app.run_test(size=(160, 48)) as pilot:
        await command_mode_after_a_turn(pilot)
        assert "sessions" in shown(app)
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        keys = shown(app)
        assert ESSENTIAL.issubset(keys) and "sessions" not in keys
        await pilot.press("e")  # the editor: its own keys come first
        await settle(pilot)
        keys = shown(app)
        assert {"send_edit", "stop_edit", "quit"}.issubset(keys) and "accept" not in keys
