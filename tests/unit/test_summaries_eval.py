"""`copilot eval summaries` against a hand-computed case, and the case-notes export."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from copilot.cli import cli
from copilot.cli import evaluate as _evaluate  # noqa: F401  (registers commands)
from copilot.cli import records as _records  # noqa: F401
from copilot.config import Settings
from copilot.evaluation.summaries_eval import rouge_best
from copilot.state import Summary
from copilot.store import open_store
from copilot.store.case_notes import case_notes

CONTACT = {
    "id": "c1",
    "turns": [
        {"role": "customer", "text": "my card is blocked"},
        {"role": "advisor", "text": "we unblocked your card"},
    ],
    "abstractive_summaries": ["card blocked"],
}


def test_rouge_of_a_hand_computed_case() -> None:
    # "my card is blocked" vs "card blocked": stems my card is block / card block;
    # 2 of 4 unigrams match, both of the reference's: F1 = 2 * 0.5 * 1 / 1.5
    scores = rouge_best("my card is blocked", ["card blocked", "nothing alike"])
    assert scores["rouge1"] == pytest.approx(2 / 3)
    assert scores["rouge2"] == 0.0  # "card block" is no bigram of the candidate
    assert scores["rougeL"] == pytest.approx(2 / 3)


def test_eval_summaries_prints_the_wrapup_beside_both_baselines(tmp_path: Path) -> None:
    data = tmp_path / "contacts.jsonl"
    data.write_text(json.dumps(CONTACT) + "\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["eval", "summaries", "--data", str(data), "--engine", "offline", "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output.strip().splitlines()[-1])
    systems = report["systems"]
    assert report["n"] == 1
    first = systems["first customer turn"]
    assert (first["rouge1"], first["rouge2"], first["rougeL"]) == (0.667, 0.0, 0.667)
    assert first["words"] == 4.0
    # "my card is blocked we unblocked your card": 2 of 8 unigrams match: F1 = 0.4
    both = systems["first customer + last advisor turn"]
    assert (both["rouge1"], both["rougeL"]) == (0.4, 0.4)
    # the note: "The customer says their card is blocked. The agent says they unblocked your
    # card." (14 tokens; card, block match): F1 = 2 * (2/14) * 1 / (2/14 + 1) = 0.25
    wrapup = systems["wrap-up text"]
    assert wrapup["rouge1"] == 0.25
    assert wrapup["words"] == 14.0 and wrapup["time_ms"]["p95"] >= wrapup["time_ms"]["p50"]


def test_eval_summaries_reports_a_bad_line_in_one_line(tmp_path: Path) -> None:
    data = tmp_path / "contacts.jsonl"
    data.write_text('{"turns": []}\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["eval", "summaries", "--data", str(data)])
    assert result.exit_code == 1
    assert result.output.startswith(f"error: {data}:1: not a contact with turns and references")


def test_case_notes_of_a_period_are_exported_redacted(settings: Settings, tmp_path: Path) -> None:
    store = open_store(settings)
    contact_id = store.start_contact("call-1", "alice")
    note = Summary(
        text="The customer says their card is lost. The agent says they blocked it.",
        reason_for_contact="card lost",
        commitments=["call back on 06 12 34 56 78"],  # typed raw by the advisor
        identifiers=["<ACCOUNT_1>"],
    )
    store.record_summary(contact_id, "alice", note.model_dump())
    store.close()
    out = tmp_path / "crm"
    result = CliRunner().invoke(
        cli, ["export", "case-notes", "--since", "2000-01-01", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in (out / "case-notes.jsonl").read_text().splitlines()]
    assert [r["reason_for_contact"] for r in rows] == ["card lost"]
    assert rows[0]["commitments"] == ["call back on <PHONE_1>"]
    assert rows[0]["identifiers"] == ["<ACCOUNT_1>"] and rows[0]["advisor"] == "alice"
    with (out / "case-notes.csv").open(encoding="utf-8") as handle:
        table = list(csv.DictReader(handle))
    assert table[0]["text"].startswith("The customer says") and "06 12" not in str(table)
    later = CliRunner().invoke(
        cli, ["export", "case-notes", "--until", "2000-01-01", "--out", str(out)]
    )
    assert later.exit_code == 0 and "wrote 0 case notes" in later.output


def test_case_notes_keep_the_latest_approval_of_a_contact() -> None:
    rows = [
        {"contact_id": "a", "at": "2026-01-02T10:00:00", "advisor": "x", "summary": {"text": "v1"}},
        {"contact_id": "a", "at": "2026-01-02T11:00:00", "advisor": "x", "summary": {"text": "v2"}},
        {"contact_id": "b", "at": "2026-01-05T09:00:00", "advisor": "y", "summary": {"text": "w"}},
    ]
    assert [n["text"] for n in case_notes(rows, until="2026-01-03")] == ["v2"]
    assert [n["text"] for n in case_notes(rows, since="2026-01-03")] == ["w"]
