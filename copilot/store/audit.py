"""The tamper-evident audit trail: every record written is a link in one hash chain.

Each record row has an audit entry holding the SHA-256 of the row's canonical JSON; each entry's
hash covers its own fields and the previous entry's hash. Each entry also carries the number of
record rows in the store once it was written and a MAC of (seq, records, hash) under the audit
key (`copilot/store/anchor.py`), so an entry cannot be recomputed without the key. After each
write the head file outside the database is moved to the new tail. `copilot/store/verify.py`
checks all of it.

A retention prune removes old entries and leaves a keyed `prune` entry that names the sequence
number and hash the surviving chain starts from, so a pruned trail still verifies and a trail
with rows cut off without one (or with one forged without the key) does not.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from copilot.store.anchor import Head, entry_mac
from copilot.store.database import Database, StoreError, Writer
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


def count_records(w: Writer | Database) -> int:
    """Record rows in the store now, all tables together."""
    return sum(int(w.query(f"SELECT COUNT(*) FROM {table}")[0][0]) for table in RECORD_TABLES)


class Chain:
    """The audit chain inside one write transaction (which holds the writer lock): it reads the
    tail once, refuses to extend a chain that no longer reaches the anchored head, and appends
    keyed entries after that tail."""

    def __init__(self, w: Writer, key: bytes, anchored: Head | None, head_file: str):
        self.w = w
        self.key = key
        rows = w.query("SELECT seq, hash, records FROM audit_log ORDER BY seq DESC LIMIT 1")
        self.seq, self.hash = (int(rows[0][0]), str(rows[0][1])) if rows else (0, GENESIS)
        # the first keyed entry after entries written before keyed audit counts the rows itself
        known = rows[0][2] if rows else 0
        self.records = int(known) if known is not None else count_records(w)
        self.appended = False
        if anchored is not None:
            self._check_reaches(anchored, head_file)

    def _check_reaches(self, anchored: Head, head_file: str) -> None:
        """Writing on top of a trail cut short or rolled back would hide it: refuse."""
        advice = "run `copilot audit verify` and restore the database before recording more"
        if not anchored.mac_holds(self.key):
            raise StoreError(
                f"the audit key does not match the head file {head_file} (was the key "
                f"replaced?): {advice}"
            )
        if anchored.seq > self.seq:
            raise StoreError(
                f"the audit trail ends at #{self.seq} but the head file {head_file} says "
                f"#{anchored.seq}: records were deleted or the database rolled back; {advice}"
            )
        found = self.w.query("SELECT hash FROM audit_log WHERE seq = ?", (anchored.seq,))
        if found and str(found[0][0]) != anchored.hash:
            raise StoreError(
                f"audit record #{anchored.seq} is not the one the head file {head_file} "
                f"names: the trail was rewritten; {advice}"
            )

    def head(self) -> Head:
        return Head(
            self.seq,
            self.records,
            self.hash,
            entry_mac(self.key, self.seq, self.records, self.hash),
        )

    def append(
        self,
        at: str,
        actor: str,
        action: str,
        table: str,
        record_id: str,
        digest: str,
        records: int,
    ) -> None:
        """Add one link with the store's record count once it is written."""
        entry: dict[str, Any] = {
            "seq": self.seq + 1,
            "at": at,
            "actor": actor,
            "action": action,
            "table_name": table,
            "record_id": record_id,
            "payload_hash": digest,
            "prev_hash": self.hash,
        }
        entry["hash"] = entry_hash(entry)
        entry["records"] = records
        entry["mac"] = entry_mac(self.key, entry["seq"], records, entry["hash"])
        cols = list(entry)
        self.w.execute(
            f"INSERT INTO audit_log ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            [entry[c] for c in cols],
        )
        self.seq, self.hash, self.records = entry["seq"], entry["hash"], records
        self.appended = True

    def insert(self, table: str, row: dict[str, Any], actor: str, at: str) -> None:
        """Insert a record row and its audit entry in the same transaction."""
        columns = RECORD_TABLES[table]
        values = coerce(columns, row)
        cols = list(columns)
        self.w.execute(
            f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            [values[c] for c in cols],
        )
        digest = sha256(canonical(values))
        self.append(at, actor, "insert", table, values["id"], digest, self.records + 1)
