"""A record store that cannot be opened: the workspace says so once, shows it is not recording,
and every contact keeps getting suggestions."""

from __future__ import annotations

from pathlib import Path

import pytest

from copilot.config import Settings
from tests.agent_fakes import tiny_kb
from tests.tui.test_workspace import SIZE, say, settle
from tui.app import make_app
from tui.widgets.draft import DraftPanel
from tui.widgets.status import StatusBar


@pytest.mark.asyncio
async def test_a_corrupt_record_store_leaves_every_contact_working_unrecorded(
    tmp_path: Path, settings: Settings
) -> None:
    tiny_kb(tmp_path / "kb", settings)
    (settings.data_dir / "records.sqlite").write_bytes(b"this is not a database\n" * 400)
    app = make_app(settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        for contact in range(2):
            if contact:
                app.screen.query_one("#draft-scroll").focus()
                await pilot.press("ctrl+n", "enter")  # a new contact, confirmed
                await settle(pilot)
            await say(pilot, "why was I charged a late fee?")
            draft = app.screen.query_one(DraftPanel)
            assert draft.suggestion is not None, [n.message for n in app._notifications]
            assert app.screen.query_one(StatusBar).fields["recording"] == "not recording"
        messages = [n.message for n in app._notifications]
        assert not any("KeyError" in m for m in messages), messages
        store_notices = [m for m in messages if "not recording" in m]
        assert len(store_notices) == 1, messages
        assert "records.sqlite" in store_notices[0]
