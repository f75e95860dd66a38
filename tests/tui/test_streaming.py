"""A draft streamed by the llm engine: the advisor reads real values while it streams, and
tokens reach the UI thread in batches (one message in flight), not one message each."""

from __future__ import annotations

import threading

import pytest
from textual.widgets import Static

from copilot.engines.llm import LLMEngine
from tests.agent_fakes import LATE_FEE_GUESS, KeywordUnderstanding
from tests.fakes import ScriptedChatModel
from tests.tui.test_workspace import SIZE, settle
from tui.contact import TokenBatch
from tui.widgets.draft import DraftPanel

GUESS = LATE_FEE_GUESS
REPLY = "Hello <NAME_1>, a late fee of €5 applies after the grace period [1]. " * 3


def test_a_token_batch_announces_once_until_taken() -> None:
    announced: list[int] = []
    batch = TokenBatch(lambda: announced.append(1))
    threads = [
        threading.Thread(target=lambda: [batch.add("x") for _ in range(500)]) for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(announced) == 1 and batch.take() == "x" * 2000
    batch.add("y")
    assert len(announced) == 2 and batch.take() == "y" and batch.take() == ""


@pytest.mark.asyncio
async def test_the_streaming_draft_shows_restored_values(workspace, settings) -> None:
    model = ScriptedChatModel(responses=[GUESS, REPLY], token_delay_s=0.01)
    engine = LLMEngine(
        settings.model_copy(update={"llm_model": "fake"}),
        chat_model=model,
        understanding=KeywordUnderstanding(),
    )
    app = workspace(engine=engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.take_turn("customer", "Hi, my name is Paul Martin, why this late fee?")
        view = app.screen.query_one("#draft-view", Static)
        seen: list[str] = []
        while app.screen.query_one(DraftPanel).suggestion is None:
            seen.append(str(view.content))
            await pilot.pause(0.02)
        await settle(pilot)
    partial = [s for s in seen if "Paul Martin" in s and len(s) < len(REPLY)]
    assert partial, "the draft was never shown while it streamed"
    assert not any("<NAME_1>" in s for s in seen)
