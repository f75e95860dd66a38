"""`audit verify`: the chain, its MACs, the record rows and their count, and the anchored heads.

It names the first thing that does not hold: an entry changed, missing, out of order, forged
without the key or signed with another key; a record row changed, deleted or added behind the
chain's back; the oldest entries cut off without a keyed `prune` entry; the newest entries cut
off, or the whole database emptied, deleted or rolled back, which the head file (and an exported
head given with `--expect-head`) reveal.

Entries written before keyed audit (schema v2) carry no MAC. Nothing can vouch for them after
the fact, so they are accepted only as the oldest part of the trail and reported as unkeyed:
an unkeyed entry after a keyed one is a forgery.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any

from copilot.store.anchor import KEY_VARIABLE, AuditAnchor, Head, entry_mac
from copilot.store.audit import GENESIS, canonical, coerce, count_records, entry_hash, sha256
from copilot.store.database import Database, StoreError
from copilot.store.schema import AUDIT_COLUMNS, RECORD_TABLES


@dataclass(frozen=True)
class Verification:
    """The outcome of `verify`: intact, or the first problem found."""

    ok: bool
    entries: int
    head: str
    problem: str | None = None
    records: int = 0
    """Record rows in the store."""
    keyed_from: int | None = None
    """The first entry that carries a MAC; the ones before it are unkeyed (None: none is keyed)."""
    first: int = 0
    """The oldest surviving entry's sequence number (0: no entry)."""
    tail: Head | None = None
    """The newest entry as a head to export, when it is keyed."""
    checked: tuple[str, ...] = ()
    """The anchored heads the trail was found to reach."""


def verify(db: Database, anchor: AuditAnchor, expected: Head | None = None) -> Verification:
    """Check the chain, then every record row, then that the trail reaches the anchored heads."""
    entries = db.columns(f"SELECT {', '.join(AUDIT_COLUMNS)} FROM audit_log ORDER BY seq")
    try:
        key = anchor.key()
        anchored = anchor.read_head()
    except StoreError as exc:
        return _result(entries, 0, None, str(exc))
    keyed_from, problem = _check_chain(entries, key, anchor)
    records = count_records(db)
    problem = problem or _check_rows(db, entries, records)
    heads: list[tuple[str, Head]] = []
    if anchored is not None:
        heads.append((f"the head file {anchor.head_path}", anchored))
    elif not problem and db.dialect == "sqlite" and keyed_from is not None:
        problem = (
            f"the head file {anchor.head_path} is missing though the trail is keyed from "
            f"#{keyed_from}: it was deleted (check an exported head with --expect-head)"
        )
    if expected is not None:
        heads.append(("the expected head", expected))
    for name, head in heads:
        problem = problem or _check_head(entries, key, anchor, name, head)
    checked = tuple(name for name, _ in heads)
    return _result(entries, records, keyed_from, problem, key, checked)


def verify_absent(
    records_file: str, state: str, anchor: AuditAnchor, expected: Head | None
) -> Verification:
    """The records file is missing or empty: intact only when no head says records existed."""
    try:
        heads = [(f"the head file {anchor.head_path}", anchor.read_head())]
    except StoreError as exc:
        return _result([], 0, None, str(exc))
    heads.append(("the expected head", expected))
    for name, head in heads:
        if head is not None:
            problem = (
                f"the records file {records_file} {state} but {name} says there were "
                f"{head.records} records in {head.seq} audit entries"
            )
            return _result([], 0, None, problem)
    return _result([], 0, None, None)


def _result(
    entries: list[dict[str, Any]],
    records: int,
    keyed_from: int | None,
    problem: str | None,
    key: bytes | None = None,
    checked: tuple[str, ...] = (),
) -> Verification:
    last = entries[-1] if entries else None
    tail = None
    if last is not None and last["mac"] is not None and key is not None:
        tail = Head(int(last["seq"]), int(last["records"]), last["hash"], last["mac"])
    return Verification(
        ok=problem is None,
        entries=len(entries),
        head=last["hash"] if last else GENESIS,
        problem=problem,
        records=records,
        keyed_from=keyed_from,
        first=int(entries[0]["seq"]) if entries else 0,
        tail=tail,
        checked=checked if problem is None else (),
    )


def _check_chain(
    entries: list[dict[str, Any]], key: bytes | None, anchor: AuditAnchor
) -> tuple[int | None, str | None]:
    """(the first keyed entry, the first problem) of the chain itself."""
    prev: str | None = None
    last_seq = 0
    keyed_from: int | None = None
    counted = 0
    for i, entry in enumerate(entries):
        seq = int(entry["seq"])
        what = f"{entry['action']} {entry['table_name']} {entry['record_id']}"
        where = f"audit record #{seq} ({what})"
        if i == 0:
            prev = entry["prev_hash"] if seq > 1 else GENESIS
        if seq != last_seq + 1 and i > 0:
            return keyed_from, f"audit record #{last_seq + 1} is missing (next is #{seq})"
        if entry["prev_hash"] != prev:
            return keyed_from, f"{where} does not follow #{seq - 1}: changed, deleted or moved"
        if entry_hash(entry) != entry["hash"]:
            return keyed_from, f"{where} was changed"
        if entry["mac"] is None:
            if keyed_from is not None:
                return keyed_from, (
                    f"{where} carries no MAC after keyed entries began at #{keyed_from}: "
                    "it was written without the audit key"
                )
        elif key is None:
            return keyed_from, (
                f"{where} carries a MAC but there is no audit key to check it: set "
                f"{KEY_VARIABLE} or restore {anchor.key_path}"
            )
        else:
            records = entry["records"]
            expected_mac = entry_mac(key, seq, int(records or 0), entry["hash"])
            if records is None or not hmac.compare_digest(entry["mac"], expected_mac):
                return keyed_from, (
                    f"{where} does not match its MAC: forged without the audit key, or the key "
                    f"({anchor.key_source}) was replaced"
                )
            if keyed_from is not None and entry["action"] == "insert" and records != counted + 1:
                return keyed_from, f"{where} counts {records} records after {counted}"
            keyed_from = seq if keyed_from is None else keyed_from
            counted = int(records)
        prev, last_seq = entry["hash"], seq
    start = int(entries[0]["seq"]) if entries else 1
    if start > 1 and not _prune_anchor_holds(entries, start):
        return keyed_from, f"audit records before #{start} are missing (no prune record)"
    return keyed_from, None


def _check_rows(db: Database, entries: list[dict[str, Any]], records: int) -> str | None:
    """Every record row matches its entry and has one; the newest keyed count is the store's."""
    expected: dict[tuple[str, str], tuple[str, int]] = {
        (e["table_name"], e["record_id"]): (e["payload_hash"], int(e["seq"]))
        for e in entries
        if e["action"] == "insert"
    }
    for table, columns in RECORD_TABLES.items():
        for row in db.columns(f"SELECT {', '.join(columns)} FROM {table}"):
            found = expected.pop((table, str(row["id"])), None)
            if found is None:
                return f"{table} row {row['id']} is not in the audit trail"
            if sha256(canonical(coerce(columns, row))) != found[0]:
                return f"{table} row {row['id']} was changed"
    if expected:
        table, record_id = min(expected, key=lambda key: expected[key][1])
        return f"{table} row {record_id} was deleted"
    last = entries[-1] if entries else None
    if last is not None and last["records"] is not None and int(last["records"]) != records:
        counted = last["records"]
        return f"the store holds {records} records but audit record #{last['seq']} counts {counted}"
    return None


def _check_head(
    entries: list[dict[str, Any]], key: bytes | None, anchor: AuditAnchor, name: str, head: Head
) -> str | None:
    """The trail still reaches `head`: it is not cut short, rolled back or rewritten."""
    if key is not None and not head.mac_holds(key):
        return (
            f"{name} does not match the audit key ({anchor.key_source}): the key was replaced "
            "or the head forged"
        )
    last = int(entries[-1]["seq"]) if entries else 0
    if head.seq > last:
        trail = f"ends at #{last}" if entries else "is empty"
        return (
            f"the newest {head.seq - last} audit record(s) are missing: the trail {trail} but "
            f"{name} says #{head.seq} with {head.records} records (deleted, or the database "
            "was rolled back to an older copy)"
        )
    found = [e for e in entries if int(e["seq"]) == head.seq]
    if not found:
        pruned = [
            int(e["record_id"].split(":")[0])
            for e in entries
            if e["action"] == "prune" and e["mac"] is not None
        ]
        if any(upto >= head.seq for upto in pruned):
            return None
        return f"audit record #{head.seq}, which {name} names, is missing and was not pruned"
    entry = found[0]
    if entry["hash"] != head.hash or entry["records"] != head.records:
        return (
            f"audit record #{head.seq} is not the one {name} names: the trail was rewritten "
            "or the database replaced"
        )
    return None


def _prune_anchor_holds(entries: list[dict[str, Any]], start: int) -> bool:
    """A prune entry in the chain names the first surviving entry's predecessor."""
    first = entries[0]
    for entry in entries:
        if entry["action"] == "prune" and entry["record_id"] == f"{start - 1}:{first['prev_hash']}":
            return True
    return False
