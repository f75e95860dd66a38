"""The audit trail's anchor outside the database, on both back-ends: the key (environment over
key file), the head file, writes that refuse a trail cut short, and databases from before keyed
audit (migrated, reported as unkeyed, never as keyed)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from copilot.config import Settings
from copilot.store import Head, Store, StoreError, open_store
from copilot.store.anchor import AuditAnchor
from copilot.store.audit import entry_hash
from copilot.store.database import Database
from copilot.store.schema import SCHEMA_VERSION
from tests.audit_tamper import Raw, as_before_keyed_audit
from tests.store_seed import seed


def test_the_key_file_is_private_and_the_head_follows_each_write(store: Store) -> None:
    assert not store.anchor.key_path.exists()  # made by the first write, not by opening
    seed(store)
    assert stat.S_IMODE(store.anchor.key_path.stat().st_mode) == 0o600
    head = store.anchor.read_head()
    result = store.verify()
    assert result.ok, result.problem
    assert head is not None and head == result.tail
    assert (head.seq, head.records) == (26, 26)
    store.record_summary(store.contact_id("thread-alice-1") or "", "alice", {"reason": "x"})
    moved = store.anchor.read_head()
    assert moved is not None and (moved.seq, moved.records) == (27, 27)
    store.anchor.advance(head, "elsewhere")  # an older head never replaces a newer one
    assert store.anchor.read_head() == moved


def test_writes_refuse_a_trail_cut_short(store: Store, database: tuple[str | None, Path]) -> None:
    ids = seed(store)
    raw = Raw(database)
    table, record_id = raw.run("SELECT table_name, record_id FROM audit_log WHERE seq = 26")[0]
    raw.tamper(f"DELETE FROM {table} WHERE id = ?", record_id)
    raw.tamper("DELETE FROM audit_log WHERE seq = 26")
    # recording on top would give the trail a new #26 and move the head file over the gap
    with pytest.raises(StoreError, match="ends at #25 but the head file .* says #26"):
        store.record_review(ids[1], "sam", "good")
    head = store.anchor.read_head()
    assert head is not None and head.seq == 26
    assert raw.run("SELECT COUNT(*) FROM reviews")[0][0] == 0


def test_a_replaced_key_stops_writes_and_verification(store: Store) -> None:
    ids = seed(store)
    store.anchor.key_path.write_text("another-key-of-enough-length\n")
    again = Store(store.db)  # a new process reads the replaced key
    with pytest.raises(StoreError, match="audit key does not match the head file"):
        again.record_review(ids[1], "sam", "good")
    assert "does not match its MAC" in str(again.verify().problem)


def test_the_environment_key_wins_over_the_key_file(tmp_path: Path) -> None:
    keyed = Settings(data_dir=tmp_path, audit_key="k" * 32)
    store = open_store(keyed)
    seed(store)
    store.close()
    assert not (tmp_path / "audit.key").exists()
    store = open_store(keyed)
    assert store.verify().ok
    store.close()
    without = open_store(Settings(data_dir=tmp_path))
    problem = str(without.verify().problem)
    assert "carries a MAC but there is no audit key" in problem and "COPILOT_AUDIT_KEY" in problem
    without.close()
    short = open_store(Settings(data_dir=tmp_path, audit_key="short"))
    with pytest.raises(StoreError, match="COPILOT_AUDIT_KEY is too short"):
        short.record_summary("c", "alice", {})
    short.close()


def test_an_exported_head_still_holds_after_a_prune(
    store: Store, database: tuple[str | None, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from copilot.store import records
    from tests.integration.test_store import aged_clock

    monkeypatch.setattr(records, "now", aged_clock(records.now, 10))
    seed(store)
    seq, n, digest, mac = Raw(database).run(
        "SELECT seq, records, hash, mac FROM audit_log WHERE seq = 10"
    )[0]
    exported = Head(seq, n, digest, mac)
    assert store.verify(exported).ok
    store.prune(365)
    result = store.verify(exported)
    assert result.ok and result.checked[-1] == "the expected head", result.problem
    forged = Head(11, 11, digest, mac)
    assert "does not match the audit key" in str(store.verify(forged).problem)


def test_a_database_from_before_keyed_audit_is_migrated_and_reported_unkeyed(
    store: Store, database: tuple[str | None, Path]
) -> None:
    ids = seed(store)
    as_before_keyed_audit(Raw(database), store.anchor)
    url, path = database
    old = Store(Database.open(url, path))
    assert old.schema_version == SCHEMA_VERSION
    result = old.verify()
    assert result.ok and result.keyed_from is None and result.tail is None, result.problem
    old.record_review(ids[1], "sam", "good")  # the first keyed entry counts the rows itself
    result = old.verify()
    assert result.ok, result.problem
    assert (result.keyed_from, result.records, result.tail and result.tail.records) == (27, 27, 27)
    # an entry without a MAC after the keyed ones began is a forgery
    raw = Raw(database)
    prev = raw.run("SELECT hash FROM audit_log WHERE seq = 27")[0][0]
    forged = {
        "seq": 28,
        "at": "2026-12-01",
        "actor": "mallory",
        "action": "prune",
        "table_name": "audit_log",
        "record_id": "0:" + "0" * 64,
        "payload_hash": "",
        "prev_hash": prev,
    }
    forged["hash"] = entry_hash(forged)
    raw.run(
        f"INSERT INTO audit_log ({', '.join(forged)}) VALUES ({', '.join('?' * len(forged))})",
        *forged.values(),
    )
    assert "#28 (prune audit_log 0:" in str(old.verify().problem)
    assert "carries no MAC after keyed entries began at #27" in str(old.verify().problem)
    old.close()


def test_the_head_files_of_two_databases_do_not_mix(tmp_path: Path) -> None:
    one = AuditAnchor.beside(tmp_path / "records.sqlite")
    two = AuditAnchor.beside(tmp_path / "killed.sqlite")
    assert one.head_path != two.head_path and one.key_path == two.key_path
