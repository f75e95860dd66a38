"""The llm engine's offline rules run while the model reads the turn, not before it is asked.

With a real endpoint the rules (an embedding and the cue patterns) then cost the advisor nothing:
the turn waits for the slower of the two, not for their sum. The deadline still holds.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from copilot.config import Settings
from copilot.engines.base import EngineError
from copilot.engines.llm import LLMEngine
from copilot.understanding.routing import Category, Route
from tests.fakes import ScriptedChatModel

GUESS = {
    "category": "simple_question",
    "confidence": 0.9,
    "intent": "plan_explanation",
    "flags": [],
    "language": "en",
    "sentiment": "neutral",
}


class RulesThatWaitForTheModel:
    """Rules that note whether the model had been asked by the time they ran."""

    def __init__(self, model: ScriptedChatModel):
        self.model = model
        self.model_asked_first = False

    def understand(self, text: str, history: list[dict[str, Any]]) -> Route:
        deadline = time.monotonic() + 5
        while not self.model.requests and time.monotonic() < deadline:
            time.sleep(0.005)
        self.model_asked_first = bool(self.model.requests)
        return Route(
            category=Category.SIMPLE_QUESTION,
            confidence=0.7,
            intent="plan_explanation",
            intent_confidence=0.7,
            language="en",
            sentiment="neutral",
            sentiment_score=0.0,
        )


def engine(model: ScriptedChatModel, rules: Any, timeout: float = 30.0) -> LLMEngine:
    settings = Settings(
        llm_model="test-model", llm_base_url="http://127.0.0.1:9/v1", llm_timeout_s=timeout
    )
    return LLMEngine(settings, chat_model=model, understanding=rules)


def test_the_rules_run_while_the_model_answers() -> None:
    model = ScriptedChatModel(responses=[GUESS], delay_s=0.3)
    rules = RulesThatWaitForTheModel(model)
    route = engine(model, rules).understand("how does pay in 3 work?", [])
    assert rules.model_asked_first
    assert route.category is Category.SIMPLE_QUESTION and route.intent == "plan_explanation"


def test_a_stalled_model_still_fails_within_the_deadline() -> None:
    model = ScriptedChatModel(responses=[GUESS], delay_s=4)
    start = time.monotonic()
    with pytest.raises(EngineError, match="no answer within 0.3 s"):
        engine(model, RulesThatWaitForTheModel(model), timeout=0.3).understand("hello", [])
    assert time.monotonic() - start < 3  # the model's 4 s are not waited for
