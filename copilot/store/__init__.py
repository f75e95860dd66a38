"""The record store: contacts, redacted turns, suggestions, decisions, summaries, reviews, and
the hash-chained audit trail over all of them.

SQLite (one file under the data directory, WAL) by default; PostgreSQL when
`COPILOT_DATABASE_URL=postgresql://...` is set, the same database the LangGraph checkpointer
then uses.
"""

from __future__ import annotations

from copilot.store.audit import Verification
from copilot.store.database import Database, StoreError, is_postgres_url
from copilot.store.records import VERDICTS, QueueFilter, Store
from knowledge_base.settings import KnowledgeBaseSettings

__all__ = ["VERDICTS", "QueueFilter", "Store", "StoreError", "Verification", "open_store"]


def open_store(settings: KnowledgeBaseSettings) -> Store:
    """The configured store, migrated to this program's schema."""
    url = getattr(settings, "database_url", None)
    return Store(Database.open(url, settings.data_dir / "records.sqlite"))


def describe_database(settings: KnowledgeBaseSettings) -> str:
    url = getattr(settings, "database_url", None)
    if is_postgres_url(url):
        return "postgresql://…@" + str(url).split("@")[-1]
    return str(settings.data_dir / "records.sqlite")
