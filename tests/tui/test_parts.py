"""The workspace's non-visual parts: the contact's op queue, the summary text round trip, error
messages, and how a draft is marked up."""

from __future__ import annotations

import sqlite3
from types import SimpleNamespace

import pytest

from copilot.engines.base import EngineError
from copilot.state import Decision, Draft, Summary
from knowledge_base.errors import KnowledgeBaseError
from tui.contact import Contact, StaleDecision, describe_error
from tui.widgets.draft import UNSUPPORTED_STYLE, UNVERIFIED_STYLE, citation_style, draft_content
from tui.wrapup import parse_summary_text, summary_text


def test_queued_customer_turns_merge_and_keep_order() -> None:
    contact = Contact(factory=lambda thread_id: None)  # type: ignore[arg-type,return-value]
    first = contact.submit("customer", text="my card")
    contact.submit("customer", text="was stolen")
    contact.submit("turn", role="advisor", text="I am blocking it")
    last = contact.submit("customer", text="thanks")
    ran = []
    contact.drain(ran.append, stop=lambda: False)
    assert [(op.kind, op.text, op.merged) for op in ran] == [
        ("customer", "my card\nwas stolen", 2),
        ("turn", "I am blocking it", 1),
        ("customer", "thanks", 1),
    ]
    assert ran[0].seq == first.seq + 1 and ran[-1].seq == last.seq


def test_a_stopped_drain_leaves_the_rest_for_the_next_worker() -> None:
    contact = Contact(factory=lambda thread_id: None)  # type: ignore[arg-type,return-value]
    for text in ("a", "b"):
        contact.submit("turn", role="advisor", text=text)
    ran: list = []
    contact.drain(ran.append, stop=lambda: len(ran) == 1)
    assert [op.text for op in ran] == ["a"] and contact.queued() == 1


def test_a_decision_on_a_replaced_draft_is_refused() -> None:
    session = SimpleNamespace(thread_id="t", pending=lambda: None, transcript=lambda: [])
    contact = Contact(factory=lambda thread_id: session)  # type: ignore[arg-type,return-value]
    contact.run(contact.submit("open"))
    stale = contact.submit("decide", decision=Decision(kind="accept"), target=99)
    with pytest.raises(StaleDecision, match="newer suggestion"):
        contact.run(stale)


def test_summary_text_round_trip_keeps_the_advisors_edits() -> None:
    base = Summary(
        reason_for_contact="late fee question",
        key_facts=["order reference: CMD-1"],
        actions_taken=["sent reply"],
        sentiment_start="negative",
        sentiment_end="neutral",
    )
    text = summary_text(base, ["Check a fee waiver"])
    assert "- Check a fee waiver" in text
    edited = text.replace("Commitments:\n- ", "Commitments:\n- refund the fee by Friday")
    parsed = parse_summary_text(edited, base)
    assert parsed.actions_taken == ["sent reply", "Check a fee waiver"]
    assert parsed.commitments == ["refund the fee by Friday"]
    assert parsed.key_facts == ["order reference: CMD-1"]
    assert (parsed.sentiment_start, parsed.sentiment_end) == ("negative", "neutral")


def locked_database_error(tmp_path) -> sqlite3.Error:
    """A real "database is locked": another connection holds the write lock."""
    holder = sqlite3.connect(tmp_path / "held.sqlite")
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    other = sqlite3.connect(tmp_path / "held.sqlite", timeout=0)
    try:
        other.execute("INSERT INTO t VALUES (1)")
    except sqlite3.OperationalError as exc:
        return exc
    finally:
        other.close()
        holder.close()
    raise AssertionError("the second connection was not refused")


def test_errors_say_what_to_do(tmp_path) -> None:
    assert "--engine offline" in describe_error(EngineError("timed out"))
    assert "locked by another program" in describe_error(locked_database_error(tmp_path))
    # the wording alone does not make it a lock: only SQLite's error code does
    assert "another program" not in describe_error(sqlite3.OperationalError("database is locked"))
    assert describe_error(KnowledgeBaseError("run `copilot kb index`")) == (
        "run `copilot kb index`"
    )


def test_draft_markup_links_citations_and_flags_what_to_check() -> None:
    draft = Draft(
        mode="reply",
        text="A fee of €5 applies [1]. Refunds take 30 days [2]. Call us.",
        unsupported=["Call us."],
        unverified=["30"],
    )
    spans = {(draft.text[s.start : s.end], str(s.style)) for s in draft_content(draft).spans}
    assert ("[1]", citation_style(1)) in spans and ("[2]", citation_style(2)) in spans
    assert ("Call us.", UNSUPPORTED_STYLE) in spans
    assert ("30", UNVERIFIED_STYLE) in spans
