"""The tamper suite: what someone who can write the records (but does not hold the audit key)
may try, each case named by `copilot audit verify` (run as the operator would, through the CLI).

Each case starts from a freshly seeded store (tests/store_seed.py: 26 audit records), with a head
exported by `copilot audit head` and kept elsewhere, damages it, and runs `audit verify`. Used by
tests/integration/test_audit_tamper.py (the verdicts) and benchmarks/bench_audit_tamper.py (the
table), on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import secrets
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from copilot.cli import cli
from copilot.cli import records as _records  # noqa: F401  (registers the audit commands)
from copilot.config import Settings
from copilot.store import open_store
from copilot.store.anchor import AuditAnchor, entry_mac
from copilot.store.audit import entry_hash, payload_hash
from copilot.store.schema import RECORD_TABLES
from tests.store_seed import seed

ALL_TABLES = [*RECORD_TABLES, "audit_log"]


class Raw:
    """The database under the store, reached the way someone with write access could."""

    def __init__(self, database: tuple[str | None, Path]):
        url, path = database
        if url is None:
            self.conn: Any = sqlite3.connect(path, isolation_level=None)
            self.mark = "?"
        else:
            import psycopg

            self.conn = psycopg.connect(url, autocommit=True)
            self.mark = "%s"

    def run(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        cursor = self.conn.execute(sql.replace("?", self.mark), params)
        return list(cursor.fetchall()) if cursor.description else []

    def tamper(self, sql: str, *params: Any) -> None:
        """Go around the append-only triggers (as an attacker with write access could)."""
        self.run("UPDATE store_flags SET pruning = 1")
        self.run(sql, *params)
        self.run("UPDATE store_flags SET pruning = 0")

    def close(self) -> None:
        self.conn.close()


def as_before_keyed_audit(raw: Raw, anchor: AuditAnchor) -> None:
    """Make a store look as schema version 1 left it: no MAC or count columns, no head file,
    no key file."""
    raw.run("ALTER TABLE audit_log DROP COLUMN mac")
    raw.run("ALTER TABLE audit_log DROP COLUMN records")
    raw.run("DELETE FROM schema_version WHERE version > 1")
    raw.close()
    anchor.head_path.unlink()
    anchor.key_path.unlink()


@dataclass
class Target:
    """One seeded store: SQLite under `data_dir`, or PostgreSQL at `url` (its audit key and head
    file still in `data_dir`, outside the database)."""

    data_dir: Path
    url: str | None = None
    exported_head: str = ""
    """What `copilot audit head` printed after seeding, kept elsewhere by the operator."""

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "records.sqlite"

    @property
    def backend(self) -> str:
        return "sqlite" if self.url is None else "postgresql"

    def settings(self) -> Settings:
        return Settings(data_dir=self.data_dir, database_url=self.url, audit_key=None)

    def raw(self) -> Raw:
        return Raw((self.url, self.sqlite_path))

    def copilot(self, *args: str) -> tuple[int, str]:
        """Run `copilot ARGS` on this store: (exit code, its output, stderr first)."""
        env = {
            "COPILOT_DATA_DIR": str(self.data_dir),
            "COPILOT_DATABASE_URL": self.url,
            "COPILOT_AUDIT_KEY": None,
        }
        result = CliRunner().invoke(cli, list(args), env=env)
        return result.exit_code, (result.stderr + result.stdout).strip()

    def record_more(self) -> None:
        """Two more records written the normal way (a review and a summary)."""
        store = open_store(self.settings())
        suggestion = store.suggestions()[0]["id"]
        store.record_review(suggestion, "sam", "good")
        store.record_summary(suggestion, "alice", {"reason": "late fee"})
        store.close()


def seeded(data_dir: Path, url: str | None = None) -> Target:
    target = Target(data_dir, url)
    store = open_store(target.settings())
    seed(store)
    store.close()
    code, head = target.copilot("audit", "head")
    assert code == 0, head
    target.exported_head = head
    return target


@dataclass(frozen=True)
class TamperCase:
    name: str
    tamper: Callable[[Target], None]
    named: str
    """A regular expression the verdict must match."""
    expect_head: bool = False
    """Verify with `--expect-head` and the exported head."""
    detected_on: tuple[str, ...] = ("sqlite", "postgresql")
    """Where `audit verify` is expected to notice (elsewhere the case shows a known limit)."""


def _delete_entries(target: Target, where: str) -> None:
    """Delete the audit entries matching `where` and the record rows they recorded."""
    raw = target.raw()
    for table, record_id in raw.run(f"SELECT table_name, record_id FROM audit_log WHERE {where}"):
        raw.tamper(f"DELETE FROM {table} WHERE id = ?", record_id)
    raw.tamper(f"DELETE FROM audit_log WHERE {where}")
    raw.close()


def edit_record(target: Target) -> None:
    raw = target.raw()
    raw.tamper("UPDATE decisions SET final_text = 'We refund everything.' WHERE kind = 'edit'")
    raw.close()


def delete_newest(target: Target) -> None:
    _delete_entries(target, "seq = (SELECT MAX(seq) FROM audit_log)")


def delete_oldest(target: Target) -> None:
    _delete_entries(target, "seq <= 10")


def _forge_prune(target: Target, mac: Callable[[int, int, str], str | None]) -> None:
    """Delete the ten oldest, then append the prune entry a retention run would have written,
    computed without the audit key."""
    raw = target.raw()
    cut = raw.run("SELECT hash FROM audit_log WHERE seq = 10")[0][0]
    seq, prev, records = raw.run(
        "SELECT seq, hash, records FROM audit_log ORDER BY seq DESC LIMIT 1"
    )[0]
    delete_oldest(target)
    entry = {
        "seq": seq + 1,
        "at": "2026-12-01T00:00:00+00:00",
        "actor": "retention",
        "action": "prune",
        "table_name": "audit_log",
        "record_id": f"10:{cut}",
        "payload_hash": "",
        "prev_hash": prev,
    }
    entry["hash"] = entry_hash(entry)
    entry["records"] = records - 10
    entry["mac"] = mac(entry["seq"], entry["records"], entry["hash"])
    cols = list(entry)
    raw.run(
        f"INSERT INTO audit_log ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
        *[entry[c] for c in cols],
    )
    raw.close()


def forged_prune_guessed_key(target: Target) -> None:
    guess = secrets.token_hex(32).encode()
    _forge_prune(target, lambda seq, records, digest: entry_mac(guess, seq, records, digest))


def forged_prune_no_mac(target: Target) -> None:
    _forge_prune(target, lambda *_: None)


def truncate_records(target: Target) -> None:
    if target.url is None:
        target.sqlite_path.write_bytes(b"")
    else:  # TRUNCATE goes around row triggers
        raw = target.raw()
        raw.run(f"TRUNCATE {', '.join(ALL_TABLES)}")
        raw.close()


def delete_records(target: Target) -> None:
    if target.url is None:
        target.sqlite_path.unlink()
    else:
        raw = target.raw()
        raw.run(f"DROP TABLE {', '.join([*ALL_TABLES, 'store_flags', 'schema_version'])}")
        raw.close()


def reorder(target: Target) -> None:
    raw = target.raw()
    raw.tamper("UPDATE audit_log SET seq = -1 WHERE seq = 3")
    raw.tamper("UPDATE audit_log SET seq = 3 WHERE seq = 4")
    raw.tamper("UPDATE audit_log SET seq = 4 WHERE seq = -1")
    raw.close()


def replace_key(target: Target) -> None:
    (target.data_dir / "audit.key").write_text(secrets.token_hex(32) + "\n")


def rewrite_chain_without_key(target: Target) -> None:
    """Edit a decision, then rebuild every entry as an unkeyed (pre-MAC) chain that holds."""
    raw = target.raw()
    raw.tamper("UPDATE decisions SET final_text = 'We refund everything.' WHERE kind = 'edit'")
    cols = ["seq", "at", "actor", "action", "table_name", "record_id"]
    prev = "0" * 64
    for values in raw.run(f"SELECT {', '.join(cols)} FROM audit_log ORDER BY seq"):
        entry = dict(zip(cols, values, strict=True))
        columns = RECORD_TABLES[entry["table_name"]]
        found = raw.run(
            f"SELECT {', '.join(columns)} FROM {entry['table_name']} WHERE id = ?",
            entry["record_id"],
        )
        row = dict(zip(columns, found[0], strict=True))
        entry["payload_hash"] = payload_hash(entry["table_name"], row)
        entry["prev_hash"] = prev
        prev = entry_hash(entry)
        raw.tamper(
            "UPDATE audit_log SET payload_hash = ?, prev_hash = ?, hash = ?, records = NULL, "
            "mac = NULL WHERE seq = ?",
            entry["payload_hash"],
            entry["prev_hash"],
            prev,
            entry["seq"],
        )
    raw.close()


def _snapshot(target: Target, scratch: Path) -> Callable[[], None]:
    """Copy the database now; the returned function puts the copy back."""
    if target.url is None:
        copy = scratch / "records-copy.sqlite"
        shutil.copy2(target.sqlite_path, copy)
        return lambda: shutil.copy2(copy, target.sqlite_path)
    raw = target.raw()
    saved = {t: raw.run(f"SELECT * FROM {t}") for t in ALL_TABLES}
    raw.close()

    def restore() -> None:
        again = target.raw()
        again.run(f"TRUNCATE {', '.join(ALL_TABLES)}")
        for table, rows in saved.items():
            for row in rows:
                again.run(f"INSERT INTO {table} VALUES ({', '.join('?' * len(row))})", *row)
        again.close()

    return restore


def roll_back_database(target: Target) -> None:
    restore = _snapshot(target, target.data_dir.parent)
    target.record_more()
    restore()


def roll_back_database_and_head_file(target: Target) -> None:
    """Both put back from older copies, after the operator exported the newer head."""
    head_file = next(target.data_dir.glob("*audit-head*.json"))
    old_head = head_file.read_bytes()
    restore = _snapshot(target, target.data_dir.parent)
    target.record_more()
    code, target.exported_head = target.copilot("audit", "head")
    assert code == 0, target.exported_head
    restore()
    head_file.write_bytes(old_head)


def delete_newest_and_head_file(target: Target) -> None:
    delete_newest(target)
    next(target.data_dir.glob("*audit-head*.json")).unlink()


CASES: list[TamperCase] = [
    TamperCase("edit a record", edit_record, r"decisions row \w+ was changed"),
    TamperCase(
        "delete newest record + its entry",
        delete_newest,
        r"newest 1 audit record\(s\) are missing: the trail ends at #25 but the head file",
    ),
    TamperCase(
        "delete 10 oldest records + entries",
        delete_oldest,
        r"audit records before #11 are missing \(no prune record\)",
    ),
    TamperCase(
        "delete 10 oldest + forged prune (guessed key)",
        forged_prune_guessed_key,
        r"audit record #27 \(prune audit_log 10:\w+\) does not match its MAC",
    ),
    TamperCase(
        "delete 10 oldest + forged prune (no MAC)",
        forged_prune_no_mac,
        r"audit record #27 \(prune audit_log 10:\w+\) carries no MAC after keyed entries",
    ),
    TamperCase(
        "truncate records to 0 bytes",
        truncate_records,
        r"(records file .* is empty \(0 bytes\) but the head file .* says there were 26 records"
        r"|the trail is empty but the head file .* says #26 with 26 records)",
    ),
    TamperCase(
        "delete the records file / tables",
        delete_records,
        r"(records file .* is missing but the head file .* says there were 26 records"
        r"|the trail is empty but the head file .* says #26 with 26 records)",
    ),
    TamperCase("reorder two entries", reorder, r"audit record #3 .* does not follow #2"),
    TamperCase(
        "replace the audit key",
        replace_key,
        r"audit record #1 .* does not match its MAC: .* key .* was replaced",
    ),
    TamperCase(
        "edit + rebuild the chain unkeyed",
        rewrite_chain_without_key,
        r"audit record #26 is not the one the head file .* names: the trail was rewritten",
    ),
    TamperCase(
        "roll back to an older copy",
        roll_back_database,
        r"newest 2 audit record\(s\) are missing: the trail ends at #26 but the head file .* "
        r"says #28 .*rolled back",
    ),
    TamperCase(
        "delete newest + the head file",
        delete_newest_and_head_file,
        r"the head file .* is missing though the trail is keyed",
        detected_on=("sqlite",),
    ),
    TamperCase(
        "roll back database + head file",
        roll_back_database_and_head_file,
        r"",
        detected_on=(),
    ),
    TamperCase(
        "roll back database + head file, --expect-head",
        roll_back_database_and_head_file,
        r"newest 2 audit record\(s\) are missing: the trail ends at #26 but the expected head "
        r"says #28",
        expect_head=True,
    ),
]


def run_case(case: TamperCase, target: Target) -> tuple[bool, str]:
    """Damage `target` as the case says and verify: (detected, what verify said)."""
    case.tamper(target)
    args = ["audit", "verify"]
    if case.expect_head:
        args += ["--expect-head", target.exported_head]
    code, said = target.copilot(*args)
    return code != 0, said
