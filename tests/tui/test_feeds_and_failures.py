"""Turns from a replay or stdin, overlapping turns, and failures that keep the advisor's text."""

from __future__ import annotations

import os
import threading
import time

import pytest
from textual.widgets import Input

from copilot.engines.base import EngineError
from copilot.engines.offline import OfflineEngine
from knowledge_base import SAMPLES_DIR
from tests.tui.conftest import MACRO, KeywordUnderstanding
from tests.tui.test_workspace import SIZE, say, settle
from tui.feeds import read_replay
from tui.widgets.conversation import TurnView
from tui.widgets.draft import DraftPanel
from tui.widgets.reference import HandoverPanel


class DownEndpoint(OfflineEngine):
    """Drafting fails like an unreachable model endpoint."""

    def draft(self, **kwargs):  # type: ignore[no-untyped-def]
        raise EngineError("connection refused by http://localhost:9/v1")


class SlowUnderstanding(KeywordUnderstanding):
    """Each turn takes `delay_s`, or until `release` is set when it is given."""

    def __init__(self, delay_s: float, release: threading.Event | None = None) -> None:
        self.delay_s = delay_s
        self.release = release
        self.started = threading.Event()

    def understand(self, text, history):  # type: ignore[no-untyped-def]
        self.started.set()
        if self.release:
            self.release.wait(10)
        else:
            time.sleep(self.delay_s)
        return super().understand(text, history)


def turns(app) -> list[tuple[str, str]]:
    return [(v.role, v.text) for v in app.screen.query(TurnView) if not v.has_class("-note")]


@pytest.mark.asyncio
async def test_engine_down_puts_the_text_back_and_says_what_to_do(workspace) -> None:
    app = workspace(engine=DownEndpoint(KeywordUnderstanding(), macros=[MACRO]))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await say(pilot, "why this late fee?")
        assert app.screen.query_one("#turn-input", Input).value == "why this late fee?"
        (view,) = app.screen.query(TurnView)
        assert view.has_class("-failed")
        (notice,) = list(app._notifications)
        assert "connection refused" in notice.message
        assert "--engine offline" in notice.message and notice.severity == "error"


@pytest.mark.asyncio
async def test_typing_continues_while_a_turn_runs(workspace) -> None:
    release = threading.Event()
    understanding = SlowUnderstanding(0, release)
    app = workspace(engine=OfflineEngine(understanding, macros=[MACRO]))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        entry = app.screen.query_one("#turn-input", Input)
        entry.value = "why this late fee?"
        await pilot.press("enter")
        await pilot.pause()
        assert understanding.started.wait(5)
        await pilot.press(*"and the cap")  # the agent is still busy with the first turn
        assert entry.value == "and the cap"
        assert app.screen.query_one(DraftPanel).suggestion is None
        release.set()
        await settle(pilot)
        assert app.screen.query_one(DraftPanel).suggestion is not None
        assert entry.value == "and the cap"


@pytest.mark.asyncio
async def test_a_newer_customer_turn_supersedes_the_running_one(workspace, session_factory) -> None:
    understanding = SlowUnderstanding(0.3)
    app = workspace(engine=OfflineEngine(understanding, macros=[MACRO]))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        entry = app.screen.query_one("#turn-input", Input)
        for text in ["my card was stolen", "hello?", "why this late fee?"]:
            entry.value = text
            await pilot.press("enter")
        await settle(pilot)
        await pilot.pause(0.5)
        await settle(pilot)
        suggestion = app.screen.query_one(DraftPanel).suggestion
        assert suggestion is not None and suggestion.draft.macro_id == "fee-en"
        assert len(turns(app)) == 3
    said = " ".join(t["text"] for t in session_factory("contact-1").transcript())
    assert all(text in said for text in ["stolen", "hello?", "late fee"])


@pytest.mark.asyncio
async def test_replay_from_a_bot_shows_the_handover_brief(workspace) -> None:
    replay = read_replay(SAMPLES_DIR / "transcripts" / "carte-volee-fr.jsonl")
    app = workspace(replay=replay, replay_speed=1000)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(20):
            await pilot.pause(0.05)
            await settle(pilot)
        assert [r for r, _ in turns(app)] == [t.role for t in replay]
        panel = app.screen.query_one(HandoverPanel)
        assert panel.display and panel.brief is not None
        assert app.screen.query_one(DraftPanel).suggestion is not None


@pytest.mark.asyncio
async def test_stdin_feed_brings_turns_and_reports_bad_lines(workspace) -> None:
    read_end, write_end = os.pipe()
    app = workspace(feed=os.fdopen(read_end, "rb", buffering=0))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        os.write(write_end, b'{"role": "customer", "text": "why this late fee?"}\nnot json\n')
        for _ in range(20):
            await pilot.pause(0.05)
            if app.screen.query_one(DraftPanel).suggestion is not None:
                break
        await settle(pilot)
        assert turns(app) == [("customer", "why this late fee?")]
        assert any("invalid JSON" in n.message for n in app._notifications)
        os.close(write_end)
