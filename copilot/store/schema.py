"""The record tables, one definition for both databases, and a small versioned migration scheme.

Every column is text, integer or real, so a row reads back exactly as it was written on SQLite
and PostgreSQL alike: the audit chain hashes rows, and a hash must not depend on the database.
JSON-valued columns are canonical JSON text. Record tables are append-only: triggers refuse
UPDATE and DELETE unless a retention prune is running (the `store_flags` row), and the audit
chain detects whatever goes around them.

Migrations are numbered functions; `schema_version` holds the newest applied. A database newer
than this program is refused rather than written with an old layout.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from copilot.store.database import Database, StoreError, Writer

ColumnType = Literal["text", "int", "real"]

RECORD_TABLES: dict[str, dict[str, ColumnType]] = {
    "contacts": {
        "id": "text",
        "thread_id": "text",
        "advisor": "text",
        "started_at": "text",
        "engine": "text",
        "kb_version": "text",
    },
    "turns": {
        "id": "text",
        "contact_id": "text",
        "position": "int",
        "role": "text",
        "text": "text",
        "at": "text",
    },
    "suggestions": {
        "id": "text",
        "contact_id": "text",
        "at": "text",
        "advisor": "text",
        "turn": "text",
        "category": "text",
        "confidence": "real",
        "flags": "text",
        "intent": "text",
        "language": "text",
        "sentiment": "text",
        "mode": "text",
        "draft_text": "text",
        "engine": "text",
        "model": "text",
        "prompt_version": "text",
        "kb_version": "text",
        "citations": "text",
        "unsupported": "text",
        "unverified": "text",
        "actions": "text",
        "abstained": "int",
        "retrieval_confidence": "real",
        "latency_ms": "real",
    },
    "decisions": {
        "id": "text",
        "suggestion_id": "text",
        "at": "text",
        "advisor": "text",
        "kind": "text",
        "final_text": "text",
        "reason": "text",
        "instruction": "text",
        "edit_distance": "int",
        "draft_words": "int",
    },
    "summaries": {
        "id": "text",
        "contact_id": "text",
        "at": "text",
        "advisor": "text",
        "summary": "text",
    },
    "reviews": {
        "id": "text",
        "suggestion_id": "text",
        "at": "text",
        "supervisor": "text",
        "verdict": "text",
        "note": "text",
        "kb_fix": "text",
    },
}
"""Table -> column -> type. `id` is the primary key of each."""

_AUDIT_COLUMNS_V1: dict[str, ColumnType] = {
    "seq": "int",
    "at": "text",
    "actor": "text",
    "action": "text",
    "table_name": "text",
    "record_id": "text",
    "payload_hash": "text",
    "prev_hash": "text",
    "hash": "text",
}
_AUDIT_COLUMNS_V2: dict[str, ColumnType] = {"records": "int", "mac": "text"}
AUDIT_COLUMNS = _AUDIT_COLUMNS_V1 | _AUDIT_COLUMNS_V2
"""The audit entry's columns; `records` and `mac` are NULL in entries written before v2."""

_SQL_TYPES = {
    "sqlite": {"text": "TEXT", "int": "INTEGER", "real": "REAL"},
    "postgresql": {"text": "TEXT", "int": "BIGINT", "real": "DOUBLE PRECISION"},
}

_INDEXES = [
    ("contacts", "thread_id"),
    ("turns", "contact_id"),
    ("suggestions", "contact_id"),
    ("suggestions", "at"),
    ("reviews", "suggestion_id"),
    ("summaries", "contact_id"),
]


def _create_table(w: Writer, name: str, columns: dict[str, ColumnType], key: str) -> None:
    types = _SQL_TYPES[w.db.dialect]
    cols = ", ".join(
        f"{col} {types[kind]}" + (" PRIMARY KEY" if col == key else "")
        for col, kind in columns.items()
    )
    w.execute(f"CREATE TABLE IF NOT EXISTS {name} ({cols})")


def _append_only(w: Writer, table: str) -> None:
    """Refuse UPDATE and DELETE on a record table unless a retention prune is running."""
    if w.db.dialect == "sqlite":
        for event in ("UPDATE", "DELETE"):
            w.execute(
                f"CREATE TRIGGER IF NOT EXISTS {table}_append_only_{event.lower()} "
                f"BEFORE {event} ON {table} "
                "WHEN (SELECT pruning FROM store_flags) = 0 "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )
    else:
        w.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        w.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION copilot_append_only()"
        )


def _v1(w: Writer) -> None:
    w.execute("CREATE TABLE IF NOT EXISTS store_flags (pruning INTEGER NOT NULL)")
    if not w.query("SELECT pruning FROM store_flags"):
        w.execute("INSERT INTO store_flags (pruning) VALUES (0)")
    if w.db.dialect == "postgresql":
        w.execute(
            "CREATE OR REPLACE FUNCTION copilot_append_only() RETURNS trigger AS $$ BEGIN "
            "IF (SELECT pruning FROM store_flags LIMIT 1) = 1 THEN "
            "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END IF; "
            "RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$ LANGUAGE plpgsql"
        )
    for name, columns in RECORD_TABLES.items():
        _create_table(w, name, columns, "id")
        _append_only(w, name)
    _create_table(w, "audit_log", _AUDIT_COLUMNS_V1, "seq")
    _append_only(w, "audit_log")
    for table, column in _INDEXES:
        w.execute(f"CREATE INDEX IF NOT EXISTS {table}_{column}_idx ON {table} ({column})")
    # one decision per suggestion: a retried write cannot record a second one
    w.execute(
        "CREATE UNIQUE INDEX IF NOT EXISTS decisions_one_per_suggestion "
        "ON decisions (suggestion_id)"
    )


def _v2(w: Writer) -> None:
    """Keyed audit: each entry's record count and MAC. Entries already written keep NULL there
    (nothing can vouch for them after the fact); `verify` reports them as unkeyed."""
    types = _SQL_TYPES[w.db.dialect]
    for col, kind in _AUDIT_COLUMNS_V2.items():
        w.execute(f"ALTER TABLE audit_log ADD COLUMN {col} {types[kind]}")


MIGRATIONS: list[tuple[int, Callable[[Writer], None]]] = [(1, _v1), (2, _v2)]
"""(version, migration) in order; append a new one, never edit an applied one."""
SCHEMA_VERSION = MIGRATIONS[-1][0]


def migrate(db: Database) -> int:
    """Bring the database to this program's schema; returns the version now in place."""
    with db.write() as w:
        w.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        rows = w.query("SELECT MAX(version) FROM schema_version")
        current = int(rows[0][0] or 0) if rows else 0
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"the record store {db.where} has schema version {current}, newer than this "
                f"program's {SCHEMA_VERSION}: upgrade advisor-copilot"
            )
        for version, step in MIGRATIONS:
            if version > current:
                step(w)
                w.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
                current = version
    return current
