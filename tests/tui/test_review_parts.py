"""The supervisor workspace's non-visual parts: the queue filter, KB fix export, bars, the
suggestion's pieces of text, and how failures read."""

from __future__ import annotations

import json
import sqlite3

import pytest

from copilot.state import SUPERSEDED
from copilot.store import StoreError
from tui.review import format_when
from tui.review_fixes import kb_fixes, write_kb_fixes
from tui.screens.review_filter import ReviewFilter
from tui.screens.review_messages import describe_failure
from tui.screens.review_verdict import VerdictDraft
from tui.widgets.review_charts import bar
from tui.widgets.review_suggestion import (
    ADDED_STYLE,
    REMOVED_STYLE,
    checks_content,
    citations_content,
    decision_label,
    diff_content,
)

CITED = {
    "n": 1,
    "chunk_id": "fees#2",
    "doc_id": "fees",
    "version": 3,
    "effective_date": "2026-02-01",
    "superseded": True,
    "title": "Late fees",
    "section": "Amounts",
    "lang": "en",
}


def row(**fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": "s1",
        "at": "2026-03-02T14:05:09.123+00:00",
        "draft_text": "The fee is 5 EUR [1].",
        "decision": None,
        "review": None,
        "citations": [CITED],
        "flags": [],
        "unsupported": [],
        "unverified": [],
        "abstained": 0,
    }
    return {**base, **fields}


def test_filter_query_keeps_days_inclusive_and_superseded_out_of_rejections() -> None:
    where = ReviewFilter(since="2026-03-01", until="2026-03-02", decision="reject", heavy=10)
    query = where.query()
    assert (query.since, query.until) == ("2026-03-01", "2026-03-03")
    assert (query.kinds, query.min_edit_distance) == (("reject",), 10)
    rejected = row(decision={"kind": "reject", "reason": "wrong article"})
    superseded = row(decision={"kind": "reject", "reason": SUPERSEDED})
    assert where.keeps(rejected) and not where.keeps(superseded)
    undecided = ReviewFilter(decision="undecided")
    assert undecided.query().kinds == ()
    assert undecided.keeps(superseded) and undecided.keeps(row())
    assert not undecided.keeps(rejected)


def test_filter_toggles_and_describes_itself() -> None:
    where = ReviewFilter().toggled(decision="reject").toggled(reviewed=False)
    assert where.describe() == "rejected · unreviewed"
    assert where.toggled(decision="reject").describe() == "unreviewed"
    assert ReviewFilter().describe() == "all suggestions"
    assert ReviewFilter(advisor="bob", since="2026-03-01").describe() == "bob · 2026-03-01 to today"


def test_kb_fixes_take_the_newest_policy_gap_reviews_only(tmp_path) -> None:
    fix = {"chunk_id": "fees#2", "doc_id": "fees", "version": 3, "change": "6 EUR since March"}
    rows = [
        row(id="a", review={"verdict": "policy gap", "kb_fix": json.dumps(fix), "note": "n"}),
        row(id="b", review={"verdict": "good", "kb_fix": None}),
        row(id="c", review={"verdict": "policy gap", "kb_fix": None}),
        row(id="d"),
    ]
    (entry,) = kb_fixes(rows)
    assert entry["suggestion_id"] == "a"
    assert (entry["chunk_id"], entry["version"], entry["change"]) == ("fees#2", 3, fix["change"])
    target = tmp_path / "out" / "kb-fixes.jsonl"
    write_kb_fixes(target, [entry, entry])
    assert len(target.read_text().splitlines()) == 2
    assert not target.with_name("kb-fixes.jsonl.tmp").exists()


def test_verdict_draft_ties_the_fix_to_the_chosen_passage() -> None:
    draft = VerdictDraft("policy gap", "note", passage=0, change="  raise to 6 EUR ")
    assert draft.kb_fix([CITED]) == {
        "chunk_id": "fees#2",
        "doc_id": "fees",
        "version": 3,
        "effective_date": "2026-02-01",
        "title": "Late fees",
        "section": "Amounts",
        "change": "raise to 6 EUR",
    }
    assert draft.kb_fix([])["chunk_id"] is None  # type: ignore[index]  # a new passage
    assert VerdictDraft("good").kb_fix([CITED]) is None


def test_bar_draws_eighths_and_pads_to_the_width() -> None:
    assert bar(0.5, 4) == "██  "
    assert bar(1 / 16, 2) == "▏ "
    assert bar(2.0, 3) == "███"
    assert bar(0, 3) == "   "


def test_diff_strikes_removed_words_and_marks_added_ones() -> None:
    edited = row(decision={"kind": "edit", "final_text": "The fee is 6 EUR now [1]."})
    content = diff_content(edited)
    assert content.plain == "The fee is 5 6 EUR now [1]."
    styled = {(content.plain[s.start : s.end], str(s.style)) for s in content.spans}
    assert styled == {("5", REMOVED_STYLE), ("6", ADDED_STYLE), ("now", ADDED_STYLE)}
    rejected = diff_content(row(decision={"kind": "reject", "final_text": None}))
    assert rejected.plain.startswith("The fee is 5 EUR [1].\n(nothing was sent")


def test_citations_show_versions_and_the_superseded_marker() -> None:
    plain = citations_content(row()).plain
    assert "[1] Late fees › Amounts" in plain
    assert "fees · chunk fees#2 · v3 · effective 2026-02-01 · en · ⚠ superseded" in plain
    assert citations_content(row(citations=[])).plain == "no passage cited"


def test_checks_list_flags_unsupported_and_unverified() -> None:
    plain = checks_content(
        row(flags=["legal_threat"], unsupported=["It is free."], unverified=["12 EUR"])
    ).plain
    assert plain == "⚑ Legal threat\nunsupported It is free.\nunverified figure 12 EUR"


def test_decision_labels_and_time() -> None:
    assert decision_label(row()) == "—"
    assert decision_label(row(decision={"kind": "regenerate", "reason": None})) == "regen"
    assert decision_label(row(decision={"kind": "reject", "reason": SUPERSEDED})) == "superseded"
    assert format_when("2026-03-02T14:05:09.123+00:00") == "03-02 14:05"


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (StoreError("the record store x is locked by another program"), "The record store x is"),
        (PermissionError(13, "Permission denied", "/data/kb-fixes.jsonl"), "Permission denied"),
        (sqlite3.OperationalError("disk I/O error"), "OperationalError: disk I/O error"),
    ],
)
def test_failures_read_as_one_line(exc: BaseException, expected: str) -> None:
    assert describe_failure(exc).startswith(expected)
