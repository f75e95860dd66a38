"""The record store on both back-ends: writes, append-only tables, tamper detection, retention,
migrations, and the hand-checked report figures. PostgreSQL runs for real on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from copilot.state import SUPERSEDED
from copilot.store import QueueFilter, Store, StoreError
from copilot.store.database import Database
from copilot.store.report import build_report
from copilot.store.schema import SCHEMA_VERSION
from tests.audit_tamper import Raw
from tests.store_seed import seed


def test_records_round_trip_and_the_chain_verifies(store: Store) -> None:
    ids = seed(store)
    rows = store.suggestions()
    assert [r["id"] for r in rows] == [ids[n] for n in range(1, 9)]
    edited = rows[2]["decision"]
    assert edited["kind"] == "edit" and edited["edit_distance"] == 12
    assert rows[6]["decision"]["reason"] == SUPERSEDED
    assert (
        rows[0]["citations"][0] | {"chunk_id": "doc-1#0", "version": 1} == rows[0]["citations"][0]
    )
    result = store.verify()
    assert result.ok, result.problem
    # 3 contacts + 8 turns + 8 suggestions + 7 decisions
    assert result.entries == 26


def test_a_decision_is_recorded_once(store: Store) -> None:
    ids = seed(store)
    first = store.suggestions(QueueFilter(kinds=("reject",)))[0]["decision"]["id"]
    again = store.record_decision(ids[4], "alice", "accept")
    assert again == first
    assert store.suggestions(QueueFilter(kinds=("reject",)))[0]["decision"]["kind"] == "reject"


def test_bad_input_is_one_clear_error(store: Store) -> None:
    ids = seed(store)
    with pytest.raises(StoreError, match="unknown verdict"):
        store.record_review(ids[1], "sam", "great")
    with pytest.raises(StoreError, match="no suggestion"):
        store.record_review("nope", "sam", "good")
    with pytest.raises(StoreError, match="unknown decision"):
        store.record_decision(ids[8], "bob", "ship it")


def test_queue_filters(store: Store) -> None:
    ids = seed(store)
    store.record_review(ids[3], "sam", "coaching needed", "too long")
    assert [r["id"] for r in store.suggestions(QueueFilter(advisor="bob"))] == [
        ids[n] for n in (5, 6, 7, 8)
    ]
    assert [r["id"] for r in store.suggestions(QueueFilter(category="complaint"))] == [
        ids[3],
        ids[8],
    ]
    assert [r["id"] for r in store.suggestions(QueueFilter(flag="fraud_suspected"))] == [ids[7]]
    assert [r["id"] for r in store.suggestions(QueueFilter(min_edit_distance=10))] == [ids[3]]
    assert [r["id"] for r in store.suggestions(QueueFilter(kinds=("reject",)))] == [ids[4], ids[7]]
    assert [r["id"] for r in store.suggestions(QueueFilter(reviewed=True))] == [ids[3]]
    assert len(store.suggestions(QueueFilter(reviewed=False))) == 7
    assert store.suggestions(QueueFilter(since="2999-01-01")) == []
    assert store.suggestions(QueueFilter(engine="llm")) == []
    one = store.suggestion(ids[3])
    assert one is not None and one["review"]["verdict"] == "coaching needed"
    assert one["decision"]["edit_distance"] == 12 and store.suggestion("nope") is None


def test_report_figures_match_the_hand_count(store: Store) -> None:
    ids = seed(store)
    store.record_review(
        ids[8],
        "sam",
        "policy gap",
        "no article on this fee",
        {"chunk_id": "doc-8#0", "doc_id": "doc-8", "version": 1, "proposed": "add the unknown fee"},
    )
    report = build_report(store.suggestions())
    assert report["suggestions"] == 8 and report["decided"] == 6 and report["undecided"] == 2
    assert report["acceptance_rate"] == round(2 / 6, 4)
    assert report["edit_rate"] == round(2 / 6, 4)
    assert report["rejection_rate"] == round(1 / 6, 4)
    assert report["regeneration_rate"] == round(1 / 6, 4)
    assert report["median_edit_distance"] == 1.0 and report["heavy_edits"] == 1
    assert report["latency_ms"] == {"p50": 500.0, "p95": 800.0}
    assert report["category_mix"] == {"ai_suitable": 5, "human_led": 3}
    assert report["flags"] == {"churn_risk": 1, "fraud_suspected": 1}
    assert report["edit_distance_histogram"] == {
        "0": 2,
        "1-2": 1,
        "3-5": 0,
        "6-10": 0,
        "11-20": 1,
        ">20": 0,
    }
    assert report["by_advisor"]["alice"]["acceptance_rate"] == 0.25
    assert report["by_advisor"]["bob"]["decided"] == 2
    assert report["by_category"]["simple_question"]["suggestions"] == 4
    gaps = {g["intent"]: g for g in report["kb_gaps"]}
    assert set(gaps) == {"pause_payment", "unknown_fee"}
    assert gaps["unknown_fee"]["reasons"] == {"no policy found": 1}
    assert report["reviews"] == {"reviewed": 1, "policy gap": 1}


def test_record_tables_are_append_only(store: Store, database: tuple[str | None, Path]) -> None:
    seed(store)
    raw = Raw(database)
    for sql in (
        "UPDATE decisions SET final_text = 'x'",
        "DELETE FROM turns",
        "DELETE FROM audit_log",
        "UPDATE audit_log SET actor = 'x'",
    ):
        with pytest.raises(Exception, match="append-only"):
            raw.run(sql)
    assert store.verify().ok


@pytest.mark.parametrize(
    ("attack", "named"),
    [
        (
            "UPDATE decisions SET final_text = 'We refund everything.' WHERE kind = 'edit'",
            "decisions row .* was changed",
        ),
        ("DELETE FROM decisions WHERE kind = 'reject'", "decisions row .* was deleted"),
        ("UPDATE audit_log SET actor = 'mallory' WHERE seq = 5", r"audit record #5 .* changed"),
        ("DELETE FROM audit_log WHERE seq = 7", r"audit record #7 is missing"),
        ("UPDATE turns SET position = 5 WHERE position = 0", "turns row .* was changed"),
    ],
)
def test_tampering_is_detected_and_named(
    store: Store, database: tuple[str | None, Path], attack: str, named: str
) -> None:
    seed(store)
    assert store.verify().ok
    Raw(database).tamper(attack)
    result = store.verify()
    assert not result.ok
    assert result.problem is not None
    assert pytest.importorskip("re").search(named, result.problem), result.problem


def test_reordered_audit_records_are_detected(
    store: Store, database: tuple[str | None, Path]
) -> None:
    seed(store)
    raw = Raw(database)
    raw.tamper("UPDATE audit_log SET seq = -1 WHERE seq = 3")
    raw.tamper("UPDATE audit_log SET seq = 3 WHERE seq = 4")
    raw.tamper("UPDATE audit_log SET seq = 4 WHERE seq = -1")
    result = store.verify()
    assert not result.ok and "#3" in (result.problem or ""), result.problem


def test_a_row_added_behind_the_chain_is_detected(
    store: Store, database: tuple[str | None, Path]
) -> None:
    ids = seed(store)
    Raw(database).run(
        "INSERT INTO reviews (id, suggestion_id, at, supervisor, verdict, note, kb_fix) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        "forged",
        ids[1],
        "2026-01-01",
        "x",
        "good",
        "",
        None,
    )
    result = store.verify()
    assert not result.ok and "reviews row forged is not in the audit trail" in str(result.problem)


def aged_clock(real_now: Callable[[], str], aged: int) -> Callable[[], str]:
    """A clock whose first `aged` readings are in the year 2000, then the real one (the store
    reads it once per audit entry)."""
    readings = iter(range(aged))

    def clock() -> str:
        n = next(readings, None)
        return real_now() if n is None else f"2000-01-01T00:00:{n:02d}.000000+00:00"

    return clock


def test_retention_prune_keeps_the_chain_verifiable(
    store: Store, database: tuple[str | None, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from copilot.store import records

    monkeypatch.setattr(records, "now", aged_clock(records.now, 10))
    seed(store)
    assert store.verify().ok
    assert store.prune(365) == 10
    assert len(store.suggestions()) < 8
    result = store.verify()
    assert result.ok, result.problem
    assert (result.first, result.entries, result.records) == (11, 17, 16)
    # cutting the start off without a prune record is tampering
    Raw(database).tamper("DELETE FROM audit_log WHERE seq = (SELECT MIN(seq) FROM audit_log)")
    assert not store.verify().ok


def test_reopening_migrates_once_and_a_newer_schema_is_refused(
    database: tuple[str | None, Path],
) -> None:
    url, path = database
    first = Store(Database.open(url, path))
    seed(first)
    first.close()
    again = Store(Database.open(url, path))
    assert again.schema_version == SCHEMA_VERSION and len(again.suggestions()) == 8
    again.close()
    Raw(database).run("INSERT INTO schema_version (version) VALUES (?)", SCHEMA_VERSION + 1)
    with pytest.raises(StoreError, match="newer than this program"):
        Store(Database.open(url, path))


def test_an_unreachable_postgres_is_one_clear_error(tmp_path: Path) -> None:
    from tests.integration.conftest import free_port

    url = f"postgresql://postgres@127.0.0.1:{free_port()}/none"
    with pytest.raises(StoreError, match="cannot connect to PostgreSQL"):
        Database.open(url, tmp_path / "x.sqlite")
