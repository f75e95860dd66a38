"""`copilot report`, `copilot audit verify|prune` and `copilot eval export-feedback` on a seeded
SQLite store: the JSON contract, exit codes, and one-line errors."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from copilot.cli import cli
from copilot.cli import records as _records  # noqa: F401  (registers commands)
from copilot.config import Settings
from copilot.store import open_store
from tests.audit_tamper import Raw, as_before_keyed_audit
from tests.store_seed import seed


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def seeded(settings: Settings) -> dict[int, str]:
    store = open_store(settings)
    ids = seed(store)
    store.close()
    return ids


def test_report_json_contract(settings: Settings) -> None:
    seeded(settings)
    code, out, _ = run("report", "--json")
    assert code == 0
    report = json.loads(out)
    for key in (
        "suggestions",
        "acceptance_rate",
        "edit_rate",
        "rejection_rate",
        "median_edit_distance",
        "latency_ms",
        "by_category",
    ):
        assert key in report
    assert report["suggestions"] == 8 and report["latency_ms"] == {"p50": 500.0, "p95": 800.0}
    code, out, _ = run("report", "--json", "--since", "2999-01-01")
    assert code == 0 and json.loads(out)["suggestions"] == 0
    code, out, _ = run("report")
    assert code == 0 and "simple_question" in out and "33%" in out


def test_report_rejects_a_bad_date(settings: Settings) -> None:
    code, _, err = run("report", "--since", "last tuesday")
    assert code == 2 and "is not a date" in err


def test_audit_verify_exit_codes(settings: Settings) -> None:
    seeded(settings)
    code, out, _ = run("audit", "verify")
    assert code == 0 and out.startswith("intact: 26 audit records")
    conn = sqlite3.connect(settings.data_dir / "records.sqlite", isolation_level=None)
    conn.execute("UPDATE store_flags SET pruning = 1")
    conn.execute("DELETE FROM audit_log WHERE seq = 12")
    code, _, err = run("audit", "verify")
    assert code != 0 and "audit record #12 is missing" in err
    code, out, _ = run("audit", "verify", "--json")
    assert code != 0 and json.loads(out)["ok"] is False


def test_prune_needs_a_retention_period(settings: Settings) -> None:
    seeded(settings)
    code, _, err = run("audit", "prune")
    assert code == 1 and "no retention period" in err
    code, out, _ = run("audit", "prune", "--days", "30")
    assert code == 0 and "pruned 0 audit records" in out


def test_export_feedback_writes_harness_cases(settings: Settings, tmp_path: Path) -> None:
    ids = seeded(settings)
    out_path = tmp_path / "feedback.jsonl"
    code, out, _ = run("eval", "export-feedback", str(out_path))
    assert code == 0 and "wrote 4 cases" in out
    cases = [json.loads(line) for line in out_path.read_text().splitlines()]
    # accepted #1 and #6, edited #2 and #3: the sent replies, each citing its passage
    assert [c["id"] for c in cases] == [ids[1], ids[2], ids[3], ids[6]]
    assert (
        cases[1]
        | {
            "query": "question 2",
            "relevant_ids": ["doc-2"],
            "decision": "edit",
            "final": "The grace period is three full days [1].",
        }
        == cases[1]
    )


def test_export_feedback_to_an_unwritable_place_is_one_line(settings: Settings) -> None:
    seeded(settings)
    code, _, err = run("eval", "export-feedback", "/proc/no/such/dir/out.jsonl")
    assert code == 1 and err.startswith("error: cannot write") and len(err.splitlines()) == 1


def test_audit_head_round_trips_through_expect_head(settings: Settings, tmp_path: Path) -> None:
    code, _, err = run("audit", "head")
    assert code == 1 and err.startswith("error: no keyed audit record yet")
    seeded(settings)
    code, head, _ = run("audit", "head")
    assert code == 0 and head.startswith("v1:26:26:")
    kept = tmp_path / "head.txt"
    kept.write_text(head)
    code, out, _ = run("audit", "verify", "--expect-head", str(kept))
    assert code == 0 and "and the expected head" in out
    code, out, _ = run("audit", "verify", "--json", "--expect-head", head.strip())
    assert code == 0 and json.loads(out)["checked"][-1] == "the expected head"


def test_a_bad_expected_head_is_one_line(settings: Settings) -> None:
    seeded(settings)
    code, _, err = run("audit", "verify", "--expect-head", "v1:26:26:abc:def")
    assert code == 1 and len(err.splitlines()) == 1
    assert err.startswith("error: --expect-head is not an audit head")


def test_entries_from_before_keyed_audit_are_reported_unkeyed(settings: Settings) -> None:
    ids = seeded(settings)
    store = open_store(settings)
    as_before_keyed_audit(Raw((None, settings.data_dir / "records.sqlite")), store.anchor)
    store.close()
    code, out, _ = run("audit", "verify")
    assert code == 0 and "no entry carries a MAC (all written before keyed audit)" in out
    store = open_store(settings)
    store.record_review(ids[1], "sam", "good")
    store.close()
    code, out, _ = run("audit", "verify")
    assert code == 0 and "entries #1-#26 carry no MAC (written before keyed audit)" in out
