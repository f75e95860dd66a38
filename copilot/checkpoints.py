"""Checkpointers for contacts: SQLite by default (WAL, busy timeout), Postgres when configured."""

from __future__ import annotations

import sqlite3
from typing import Any

from copilot.config import Settings
from knowledge_base.errors import KnowledgeBaseError


class StoreError(KnowledgeBaseError):
    """The contact store cannot be opened."""


def open_checkpointer(settings: Settings) -> Any:
    """A LangGraph checkpointer for the configured database."""
    url = settings.database_url
    if url and url.startswith(("postgresql://", "postgres://")):
        try:
            from langgraph.checkpoint.postgres import PostgresSaver
        except ImportError as exc:
            raise StoreError(
                "COPILOT_DATABASE_URL is PostgreSQL but langgraph-checkpoint-postgres "
                "is not installed: pip install langgraph-checkpoint-postgres"
            ) from exc
        try:
            import psycopg

            conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
        except Exception as exc:
            raise StoreError(f"cannot connect to PostgreSQL: {str(exc).splitlines()[0]}") from exc
        saver = PostgresSaver(conn)
        saver.setup()
        return saver
    from langgraph.checkpoint.sqlite import SqliteSaver

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = settings.data_dir / "contacts.sqlite"
    try:
        conn = sqlite3.connect(path, check_same_thread=False, timeout=10)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA busy_timeout=10000")
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open the contact store {path}: {exc}") from exc
    return SqliteSaver(conn)
