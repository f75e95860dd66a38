"""Fixtures for the workspace tests: a two-article KB with hash embeddings, keyword routing,
and sessions on a SQLite checkpointer in the test's own directory (fast and deterministic)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from langgraph.checkpoint.sqlite import SqliteSaver

from copilot.config import Settings
from copilot.engines.offline import OfflineEngine
from copilot.retrieval import Retriever
from copilot.routing import Category, Flag, Route
from copilot.session import CopilotSession
from knowledge_base.catalog import ActionSpec, Macro
from knowledge_base.indexer import index_paths
from knowledge_base.store import KnowledgeBase
from tests.conftest import write_article
from tui.app import CopilotApp, Display, make_app

FIXED = Display(latency=lambda ms: "— ms", time=lambda iso: "today")
"""No clock in snapshots."""


def offline_engine() -> OfflineEngine:
    return OfflineEngine(KeywordUnderstanding(), macros=[MACRO])


class KeywordUnderstanding:
    """Routes by keywords: enough to drive the workspace deterministically."""

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


@pytest.fixture
def retriever(tmp_path: Path, settings: Settings) -> Retriever:
    docs = tmp_path / "kb"
    write_article(
        docs,
        "late-fees",
        "A late fee of €5 applies after the 3-day grace period. "
        "Late fees are capped at €10 per instalment.",
        title="Late fees",
    )
    write_article(
        docs,
        "fraud",
        "If your card is stolen, block it in the app at once. "
        "Disputed payments are investigated within 10 days.",
        title="Stolen card",
    )
    index_paths([docs], settings)
    return Retriever(KnowledgeBase.open(settings))


@pytest.fixture
def contacts_db(tmp_path: Path) -> Path:
    return tmp_path / "contacts.sqlite"


SessionMaker = Callable[..., CopilotSession]


@pytest.fixture
def session_factory(retriever: Retriever, contacts_db: Path) -> SessionMaker:
    """New sessions on the test's SQLite file; each call opens its own connection, like a
    restarted app would."""

    def build(thread_id: str | None = None, engine: object = None) -> CopilotSession:
        saver = SqliteSaver(sqlite3.connect(contacts_db, check_same_thread=False))
        engine = engine or offline_engine()
        return CopilotSession(engine, retriever, saver, thread_id=thread_id, actions=ACTIONS)

    return build


@pytest.fixture
def workspace(settings: Settings, session_factory: SessionMaker) -> Callable[..., CopilotApp]:
    """`workspace(thread_id="contact-1", engine=None, **make_app_kwargs)` -> an app on a
    prebuilt session."""

    def build(thread_id: str = "contact-1", engine: object = None, **kwargs: object) -> CopilotApp:
        session = session_factory(thread_id, engine)
        return make_app(
            settings,
            session=session,
            display=FIXED,
            **kwargs,  # type: ignore[arg-type]
        )

    return build
