"""Fixtures for the workspace tests: a two-article KB with hash embeddings, keyword routing,
and sessions on a SQLite checkpointer in the test's own directory (fast and deterministic)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from langgraph.checkpoint.sqlite import SqliteSaver

from copilot.assembly import Copilot
from copilot.config import Settings
from copilot.engines.offline import OfflineEngine
from copilot.retrieval.search import Retriever
from copilot.session import CopilotSession
from tests.agent_fakes import ACTIONS, MACRO, KeywordUnderstanding, tiny_kb
from tui.app import CopilotApp, Display, make_app

FIXED = Display(latency=lambda ms: "— ms", time=lambda iso: "today")
"""No clock in snapshots."""


def offline_engine() -> OfflineEngine:
    return OfflineEngine(KeywordUnderstanding(), macros=[MACRO])


@pytest.fixture
def retriever(tmp_path: Path, settings: Settings) -> Retriever:
    return tiny_kb(tmp_path / "kb", settings)


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
        return Copilot(engine, retriever, saver, actions=ACTIONS).session(thread_id)

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
