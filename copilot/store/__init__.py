"""The record store: contacts, redacted turns, suggestions, decisions, summaries, reviews, and
the hash-chained audit trail over all of them.

SQLite (one file under the data directory, WAL) by default; PostgreSQL when
`COPILOT_DATABASE_URL=postgresql://...` is set, the same database the LangGraph checkpointer
then uses. The audit trail's key and head file stay outside the database, in the data
directory (`copilot/store/anchor.py`).
"""

from __future__ import annotations

from copilot.store.anchor import AuditAnchor, Head
from copilot.store.database import Database, StoreError, is_postgres_url
from copilot.store.records import VERDICTS, QueueFilter, Store
from copilot.store.verify import Verification, verify_absent
from knowledge_base.settings import KnowledgeBaseSettings

__all__ = [
    "VERDICTS",
    "Head",
    "QueueFilter",
    "Store",
    "StoreError",
    "Verification",
    "open_store",
    "verify_store",
]


def _audit_key(settings: KnowledgeBaseSettings) -> str | None:
    secret = getattr(settings, "audit_key", None)
    return secret.get_secret_value() if secret is not None else None


def open_store(settings: KnowledgeBaseSettings) -> Store:
    """The configured store, migrated to this program's schema."""
    url = getattr(settings, "database_url", None)
    db = Database.open(url, settings.data_dir / "records.sqlite")
    return Store(db, AuditAnchor.for_database(db, _audit_key(settings)))


def verify_store(settings: KnowledgeBaseSettings, expected: Head | None = None) -> Verification:
    """`audit verify` of the configured store; a missing SQLite records file is not created."""
    if not is_postgres_url(getattr(settings, "database_url", None)):
        path = settings.data_dir / "records.sqlite"
        state = "is missing" if not path.exists() else None
        if state is None and path.stat().st_size == 0:
            state = "is empty (0 bytes)"
        if state is not None:
            anchor = AuditAnchor.beside(path, _audit_key(settings))
            return verify_absent(str(path), state, anchor, expected)
    store = open_store(settings)
    try:
        return store.verify(expected)
    finally:
        store.close()


def describe_database(settings: KnowledgeBaseSettings) -> str:
    url = getattr(settings, "database_url", None)
    if is_postgres_url(url):
        return "postgresql://…@" + str(url).split("@")[-1]
    return str(settings.data_dir / "records.sqlite")
