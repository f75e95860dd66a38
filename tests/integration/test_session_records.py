"""A contact driven through the graph lands in the record store, redacted, on SQLite and on
PostgreSQL (where the LangGraph checkpointer uses the same database)."""

from __future__ import annotations

from pathlib import Path

import pytest

from copilot.assembly import Copilot
from copilot.checkpoints import open_checkpointer
from copilot.config import Settings
from copilot.engines.offline import OfflineEngine
from copilot.retrieval.search import Retriever
from copilot.state import SUPERSEDED, Decision, Summary
from copilot.store import Store, open_store
from tests.agent_fakes import ACTIONS, MACRO, KeywordUnderstanding, tiny_kb

CARD = "4970 1012 3456 7893"


@pytest.fixture
def retriever(tmp_path: Path, settings: Settings) -> Retriever:
    return tiny_kb(tmp_path / "kb", settings)


def open_session(settings: Settings, retriever: Retriever, store: Store, thread: str):
    engine = OfflineEngine(KeywordUnderstanding(), macros=[MACRO])
    return Copilot(
        engine,
        retriever,
        open_checkpointer(settings),
        actions=ACTIONS,
        store=store,
        advisor="alice",
    ).session(thread)


def test_a_contact_is_on_record_redacted_and_survives_a_restart(
    settings_for: Settings, retriever: Retriever
) -> None:
    store = open_store(settings_for)
    s = open_session(settings_for, retriever, store, "call-1")
    s.customer_turn(f"why this late fee? my card is {CARD}")
    s.decide(Decision(kind="regenerate", instruction="shorter"))
    s.decide(Decision(kind="edit", text=f"Fee is €5 [1]. Card {CARD} noted."))
    s.customer_turn("and the late fee cap?")  # shown, then left behind by the next turn
    s.customer_turn("what about the late fee again?")

    # a restart: a new process opens the same contact and decides on the pending draft
    again = open_session(settings_for, retriever, open_store(settings_for), "call-1")
    assert again.pending() is not None
    again.decide(Decision(kind="accept"))
    again.approve_summary(Summary(reason_for_contact=f"late fee; card {CARD}"))

    rows = store.suggestions()
    kinds = [r["decision"]["kind"] if r["decision"] else None for r in rows]
    assert kinds == ["regenerate", "edit", "reject", "accept"]
    assert rows[2]["decision"]["reason"] == SUPERSEDED
    assert rows[1]["decision"]["final_text"].startswith("Fee is €5 [1]. Card <CARD_1>")
    assert rows[0]["turn"] == "why this late fee? my card is <CARD_1>"
    assert rows[0]["kb_version"] == "sample g1" and rows[0]["engine"] == "offline"
    assert rows[0]["citations"] and rows[0]["citations"][0]["version"] == 1
    contact = rows[0]["contact_id"]
    turns = store.conversation(contact)
    # the card makes the first turn sensitive_data: its draft is a briefing, never sent, so only
    # the last (accepted) reply is an advisor turn
    assert rows[0]["category"] == "sensitive_data" and rows[0]["mode"] == "briefing"
    assert [t["role"] for t in turns] == ["customer", "customer", "customer", "advisor"]
    dumped = str(rows) + str(turns) + str(store.summaries())
    assert CARD not in dumped and CARD.replace(" ", "") not in dumped
    assert store.summaries()[0]["summary"]["reason_for_contact"] == "late fee; card <CARD_1>"
    assert store.verify().ok


def test_without_a_store_nothing_is_recorded_and_nothing_breaks(
    settings: Settings, retriever: Retriever
) -> None:
    engine = OfflineEngine(KeywordUnderstanding(), macros=[MACRO])
    s = Copilot(engine, retriever, open_checkpointer(settings), actions=ACTIONS).session()
    s.customer_turn("why this late fee?")
    s.decide(Decision(kind="accept"))
    s.approve_summary(Summary(reason_for_contact="late fee"))
    assert not (settings.data_dir / "records.sqlite").exists()
