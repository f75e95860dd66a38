"""The reply is in the language of the customer's latest turn (issue 14), whatever the engine
and however the turns arrive: one at a time (`copilot assist`), several joined while the
copilot was busy (the workspace), or read by a model that would follow the contact's language.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from copilot.assembly import Copilot
from copilot.config import Settings
from copilot.engines.offline import OfflineEngine
from copilot.retrieval.search import Retriever
from copilot.session import CopilotSession
from copilot.state import Decision
from copilot.understanding.pipeline import SAMPLE_INTENTS, Understanding, load_intents
from knowledge_base.embeddings import HashEmbedder
from knowledge_base.indexer import index_paths
from knowledge_base.language import detect_language
from knowledge_base.store import KnowledgeBase
from tests.conftest import write_article
from tests.unit.test_llm_engine import engine, guess
from tui.contact import Contact


@pytest.fixture(scope="module")
def understanding() -> Understanding:
    return Understanding(HashEmbedder(), load_intents(SAMPLE_INTENTS))


@pytest.fixture
def retriever(tmp_path: Path, settings: Settings) -> Retriever:
    folder = tmp_path / "kb"
    write_article(
        folder,
        "late-fees-en",
        "A late fee of 5 euros applies when an instalment is paid after its due date. "
        "You can move a due date by up to 14 days, free of charge.",
        title="Late fees",
    )
    write_article(
        folder,
        "frais-retard-fr",
        "Des frais de retard de 5 euros s'appliquent quand une échéance est payée après la date "
        "prévue. Vous pouvez décaler une échéance de 14 jours au plus, sans frais.",
        title="Frais de retard",
        lang="fr",
    )
    index_paths([folder], settings)
    return Retriever(KnowledgeBase.open(settings))


def _session(retriever: Retriever, understanding: Understanding) -> CopilotSession:
    return Copilot(OfflineEngine(understanding, macros=[]), retriever, InMemorySaver()).session()


def _draft_language(text: str) -> str:
    return detect_language(text.split("[")[0], default="")


def test_a_contact_that_switches_language_gets_drafts_in_the_latest_turn_language(
    retriever: Retriever, understanding: Understanding
) -> None:
    s = _session(retriever, understanding)
    first = s.customer_turn("Bonjour, pourquoi ai-je des frais de retard sur mon échéance ?")
    assert first.route.language == "fr"
    s.decide(Decision(kind="reject", reason="test"))
    switched = s.customer_turn("Sorry, in English please: why was I charged a late fee?")
    assert switched.route.language == "en"
    if switched.draft.mode == "reply" and switched.draft.text:
        assert _draft_language(switched.draft.text) in ("en", "")
    s.decide(Decision(kind="reject", reason="test"))
    back = s.customer_turn("Finalement je préfère en français : je peux décaler mon échéance ?")
    assert back.route.language == "fr"
    s.decide(Decision(kind="reject", reason="test"))
    follow = s.customer_turn("Ok.")  # shows no language: keeps the latest one shown
    assert follow.route.language == "fr"


def test_turns_joined_while_busy_take_the_language_of_the_last_one(
    understanding: Understanding,
) -> None:
    joined = (
        "Bonjour, j'ai une question sur mes frais de retard sur la commande de la semaine "
        "dernière, je ne comprends pas le montant\nSorry, in English: why this late fee?"
    )
    assert understanding.understand(joined).language == "en"
    earlier = [{"role": "customer", "text": "Bonjour, pourquoi des frais ?"}]
    assert understanding.understand("Actually in English: why?", earlier).language == "en"


def test_the_workspace_queue_joins_turns_and_the_route_follows_the_last(
    understanding: Understanding,
) -> None:
    contact = Contact(lambda thread: None)  # type: ignore[arg-type,return-value]
    contact.submit("customer", text="Bonjour, je voudrais comprendre mes frais de retard.")
    contact.submit("customer", text="Sorry, can we do this in English? Why a late fee?")
    op = contact._next()
    assert understanding.understand(op.text).language == "en"


def test_a_model_that_follows_the_contact_language_is_overridden_by_the_latest_turn(
    understanding: Understanding,
) -> None:
    llm, _ = engine(guess(language="fr"), understanding=understanding)
    earlier = [{"role": "customer", "text": "Bonjour, j'ai une question sur mes échéances."}]
    route = llm.understand("Sorry, in English please: when is my next payment due?", earlier)
    assert route.language == "en"
