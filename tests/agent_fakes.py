"""A deterministic stand-in for the agent's model-backed parts: keyword routing, one macro,
two actions and a two-article KB with hash embeddings. Used by graph, privacy and UI tests."""

from __future__ import annotations

from pathlib import Path

from copilot.config import Settings
from copilot.retrieval.search import Retriever
from copilot.understanding.routing import Category, Flag, Route
from knowledge_base.catalog import ActionSpec, Macro
from knowledge_base.indexer import index_paths
from knowledge_base.store import KnowledgeBase
from tests.conftest import write_article

LATE_FEE_GUESS = {
    "category": "simple_question",
    "confidence": 0.9,
    "intent": "late_fee_question",
    "flags": [],
    "language": "en",
    "sentiment": "neutral",
}
"""What a scripted chat model answers when the llm engine routes a late-fee question."""


class KeywordUnderstanding:
    """Routes by keywords: enough to drive the graph deterministically."""

    def understand(self, text: str, history: list[dict]) -> Route:
        lower = text.lower()
        flags = [Flag.FRAUD_SUSPECTED] if "stolen" in lower else []
        intent = "late_fee_question" if "fee" in lower else "other"
        category = Category.COMPLAINT if "unacceptable" in lower else Category.SIMPLE_QUESTION
        negative = "unacceptable" in lower or "angry" in lower
        return Route(
            category=category,
            confidence=0.8,
            flags=flags,
            intent=intent,
            intent_confidence=0.8,
            language="en",
            sentiment="negative" if negative else "neutral",
            sentiment_score=-0.6 if negative else 0.0,
        )


MACRO = Macro(
    id="fee-en",
    lang="en",
    intent="late_fee_question",
    title="Late fee",
    text="I understand, {customer_name}. A late fee of €5 applies after the 3-day "
    "grace period. Fees are capped at €10 per instalment.",
    slots=("customer_name",),
    articles=("late-fees",),
)
ACTIONS = [
    ActionSpec(
        id="escalate_fraud_team",
        title="Escalate to the fraud team",
        title_fr="Escalader",
        description="",
        flags=frozenset({"fraud_suspected"}),
        articles=("fraud",),
    ),
    ActionSpec(
        id="waive_fee",
        title="Check a fee waiver",
        title_fr="Geste",
        description="",
        intents=frozenset({"late_fee_question"}),
    ),
]


def tiny_kb(folder: Path, settings: Settings) -> Retriever:
    """Index the two-article KB below `folder` and open it for search."""
    write_article(
        folder,
        "late-fees",
        "A late fee of €5 applies after the 3-day grace period. "
        "Late fees are capped at €10 per instalment.",
        title="Late fees",
    )
    write_article(
        folder,
        "fraud",
        "If your card is stolen, block it in the app at once. "
        "Disputed payments are investigated within 10 days.",
        title="Stolen card",
    )
    index_paths([folder], settings)
    return Retriever(KnowledgeBase.open(settings))
