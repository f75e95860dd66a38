"""The tamper-evident audit trail: every record written is a link in one hash chain.

Each record row has an audit entry holding the SHA-256 of the row's canonical JSON; each entry's
hash covers its own fields and the previous entry's hash. `verify` walks the chain and the
record tables and names the first thing that does not hold: an entry changed, missing or out of
order, a record row changed or deleted, or a row added behind the chain's back.

A retention prune removes old entries and leaves a `prune` entry that names the sequence number
and hash the surviving chain starts from, so a pruned trail still verifies and a trail with
rows cut off without one does not. The chain detects tampering; it cannot prevent a rewrite of
the whole chain by someone with write access, so `verify` prints the head hash for the
supervisor to keep elsewhere (compare it later: a rewritten chain has another head).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from copilot.store.database import Writer
from copilot.store.schema import RECORD_TABLES, ColumnType

GENESIS = "0" * 64


def coerce(columns: dict[str, ColumnType], row: dict[str, Any]) -> dict[str, Any]:
    """The row exactly as the database gives it back (ints stay ints, reals become floats)."""
    out: dict[str, Any] = {}
    for col, kind in columns.items():
        value = row.get(col)
        if value is None:
            out[col] = None
        elif kind == "int":
            out[col] = int(value)
        elif kind == "real":
            out[col] = float(value)
        else:
            out[col] = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return out


def canonical(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def payload_hash(table: str, row: dict[str, Any]) -> str:
    return sha256(canonical(coerce(RECORD_TABLES[table], row)))


def entry_hash(entry: dict[str, Any]) -> str:
    fields = {k: entry[k] for k in ("seq", "at", "actor", "action", "table_name", "record_id")}
    fields["payload_hash"] = entry["payload_hash"]
    return sha256(entry["prev_hash"] + canonical(fields))


def chain_tail(w: Writer) -> tuple[int, str]:
    rows = w.query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
    return (int(rows[0][0]), str(rows[0][1])) if rows else (0, GENESIS)


def append_entry(
    w: Writer, at: str, actor: str, action: str, table: str, record_id: str, digest: str
) -> dict[str, Any]:
    """Add one link to the chain (inside the writer's transaction, which holds the lock)."""
    seq, prev = chain_tail(w)
    entry = {
        "seq": seq + 1,
        "at": at,
        "actor": actor,
        "action": action,
        "table_name": table,
        "record_id": record_id,
        "payload_hash": digest,
        "prev_hash": prev,
    }
    entry["hash"] = entry_hash(entry)
    cols = list(entry)
    w.execute(
        f"INSERT INTO audit_log ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
        [entry[c] for c in cols],
    )
    return entry


def insert_record(w: Writer, table: str, row: dict[str, Any], actor: str, at: str) -> str:
    """Insert a record row and its audit entry in the same transaction; returns the entry hash."""
    columns = RECORD_TABLES[table]
    values = coerce(columns, row)
    cols = list(columns)
    w.execute(
        f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
        [values[c] for c in cols],
    )
    digest = sha256(canonical(values))
    return str(append_entry(w, at, actor, "insert", table, values["id"], digest)["hash"])


@dataclass(frozen=True)
class Verification:
    """The outcome of `verify`: intact, or the first problem found."""

    ok: bool
    entries: int
    head: str
    problem: str | None = None


def verify(db: Any) -> Verification:
    """Check the chain, then that every record row matches its entry and has one."""
    entries = db.columns(f"SELECT {', '.join(_ENTRY_COLS)} FROM audit_log ORDER BY seq")
    expected: dict[tuple[str, str], tuple[str, int]] = {}
    prev: str | None = None
    last_seq = 0
    start = 1
    for i, entry in enumerate(entries):
        seq = int(entry["seq"])
        what = f"{entry['action']} {entry['table_name']} {entry['record_id']}"
        where = f"audit record #{seq} ({what})"
        if i == 0:
            start = seq
            prev = entry["prev_hash"] if seq > 1 else GENESIS
        if seq != last_seq + 1 and i > 0:
            return _broken(entries, f"audit record #{last_seq + 1} is missing (next is #{seq})")
        if entry["prev_hash"] != prev:
            problem = f"{where} does not follow #{seq - 1}: changed, deleted or moved"
            return _broken(entries, problem)
        if entry_hash(entry) != entry["hash"]:
            return _broken(entries, f"{where} was changed")
        if entry["action"] == "insert":
            expected[(entry["table_name"], entry["record_id"])] = (entry["payload_hash"], seq)
        prev, last_seq = entry["hash"], seq
    if start > 1 and not _prune_anchor_holds(entries, start):
        return _broken(entries, f"audit records before #{start} are missing (no prune record)")
    for table, columns in RECORD_TABLES.items():
        rows = db.columns(f"SELECT {', '.join(columns)} FROM {table}")
        for row in rows:
            key = (table, str(row["id"]))
            found = expected.pop(key, None)
            if found is None:
                return _broken(entries, f"{table} row {row['id']} is not in the audit trail")
            if sha256(canonical(coerce(columns, row))) != found[0]:
                return _broken(entries, f"{table} row {row['id']} was changed")
    if expected:
        table, record_id = min(expected, key=lambda key: expected[key][1])
        return _broken(entries, f"{table} row {record_id} was deleted")
    head = entries[-1]["hash"] if entries else GENESIS
    return Verification(ok=True, entries=len(entries), head=head)


_ENTRY_COLS = [
    "seq",
    "at",
    "actor",
    "action",
    "table_name",
    "record_id",
    "payload_hash",
    "prev_hash",
    "hash",
]


def _broken(entries: list[dict[str, Any]], problem: str) -> Verification:
    head = entries[-1]["hash"] if entries else GENESIS
    return Verification(ok=False, entries=len(entries), head=head, problem=problem)


def _prune_anchor_holds(entries: list[dict[str, Any]], start: int) -> bool:
    """A prune entry in the chain names the first surviving entry's predecessor."""
    first = entries[0]
    for entry in entries:
        if entry["action"] == "prune" and entry["record_id"] == f"{start - 1}:{first['prev_hash']}":
            return True
    return False
