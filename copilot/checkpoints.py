"""Checkpointers for contacts: SQLite by default (WAL, busy timeout), Postgres when configured."""

from __future__ import annotations

import sqlite3
from typing import Any

from copilot.config import Settings
from copilot.contact_cipher import encrypted_serde
from copilot.store.database import StoreError, normalise_database_url


def open_checkpointer(settings: Settings) -> Any:
    """A LangGraph checkpointer for the configured database."""
    try:
        url = normalise_database_url(settings.database_url)
    except ValueError as exc:
        raise StoreError(f"COPILOT_DATABASE_URL: {exc}") from exc
    if url is not None:
        try:
            from langgraph.checkpoint.postgres import PostgresSaver
        except ImportError as exc:
            raise StoreError(
                "COPILOT_DATABASE_URL is PostgreSQL but langgraph-checkpoint-postgres "
                "is not installed: pip install langgraph-checkpoint-postgres"
            ) from exc
        try:
            import psycopg
            from psycopg.rows import dict_row

            # the settings PostgresSaver.from_conn_string uses, on a connection we keep open
            conn = psycopg.connect(
                url, autocommit=True, connect_timeout=10, prepare_threshold=0, row_factory=dict_row
            )
            saver = PostgresSaver(conn, serde=encrypted_serde(settings))  # type: ignore[arg-type]
            saver.setup()
        except Exception as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise StoreError(
                f"cannot open the contact store in PostgreSQL ({first}): check "
                "COPILOT_DATABASE_URL and that the server is running"
            ) from exc
        return saver
    from langgraph.checkpoint.sqlite import SqliteSaver

    path = settings.writable_data_dir() / "contacts.sqlite"
    try:
        lite = sqlite3.connect(path, check_same_thread=False, timeout=10)
        lite.execute("PRAGMA journal_mode=WAL")
        lite.execute("PRAGMA busy_timeout=10000")
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open the contact store {path}: {exc}") from exc
    return SqliteSaver(lite, serde=encrypted_serde(settings))
