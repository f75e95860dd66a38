"""Every text that reaches the model passes the contact's redaction, whoever typed it.

A spy chat model records each request while one multi-turn contact runs on the llm engine: the
customer gives a name, a card, an IBAN and a phone number; the advisor then types them again in
a regenerate instruction, an edit, a reason and a turn of their own, corrects a category, and
asks for the wrap-up summary and the hand-over brief. No raw value may be in any message.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from copilot.assembly import Copilot
from copilot.config import Settings
from copilot.engines.llm import LLMEngine
from copilot.retrieval.search import Retriever
from copilot.state import Decision
from tests.agent_fakes import ACTIONS, LATE_FEE_GUESS, KeywordUnderstanding, tiny_kb
from tests.fakes import ScriptedChatModel

NAME, FIRST, SURNAME = "Lucie Bernard", "Lucie", "Bernard"
CARD = "5312 4512 3456 7896"
IBAN = "FR76 3000 6000 0112 3456 7890 189"
PHONE = "06 12 34 56 78"
RAW = [NAME, CARD, IBAN, PHONE]

GUESS = LATE_FEE_GUESS
DRAFT = "A late fee of €5 applies after the 3-day grace period [1]."


def leaks(sent: str) -> list[str]:
    """The raw values (as typed, digits only, or a name part alone) found in `sent`."""
    found = [v for v in RAW if v in sent]
    digits = re.sub(r"\D", "", sent)
    found += [v for v in (CARD, IBAN, PHONE) if re.sub(r"\D", "", v) in digits]
    found += [w for w in (FIRST, SURNAME) if re.search(rf"\b{w}\b", sent, re.IGNORECASE)]
    return found


@pytest.fixture
def retriever(tmp_path: Path, settings: Settings) -> Retriever:
    return tiny_kb(tmp_path / "kb", settings)


def test_no_raw_value_typed_by_customer_or_advisor_reaches_the_model(
    retriever: Retriever, settings: Settings
) -> None:
    model = ScriptedChatModel()
    engine = LLMEngine(
        settings.model_copy(update={"llm_model": "spy"}),
        chat_model=model,
        understanding=KeywordUnderstanding(),
    )
    session = Copilot(engine, retriever, InMemorySaver(), actions=ACTIONS).session()

    def step(*responses: object) -> None:
        model.responses.extend(responses)

    step(GUESS, DRAFT)
    session.customer_turn(f"Hello, my name is {NAME}, why this late fee on my card {CARD}?")
    step(DRAFT)
    session.decide(
        Decision(
            kind="regenerate",
            instruction=f"mention that {NAME}'s refund goes to card {CARD}",
        )
    )
    session.decide(Decision(kind="edit", text=f"Dear {NAME}, the refund goes to card {CARD} [1]."))
    session.add_turn("advisor", f"Thanks {FIRST}, Mrs {SURNAME}, I will call you on {PHONE}.")
    step(GUESS, DRAFT)
    session.customer_turn(f"Refund it to my IBAN {IBAN} then, my phone is {PHONE}")
    step(GUESS, DRAFT)
    session.correct_category("complaint")
    session.decide(Decision(kind="reject", reason=f"{SURNAME} wants a call on {PHONE} first"))
    step(GUESS, DRAFT)
    session.customer_turn("ok and the late fee cap?")
    session.decide(Decision(kind="edit", text=f"Capped at €10 [1], {FIRST}. Card {CARD}."))
    step({"reason_for_contact": "late fee", "key_facts": ["fee"]})
    summary = session.summary()
    step({"customer_goal": "a refund"})
    session.handover()

    assert model.used == len(model.responses) == 11  # every step above reached the model
    requests = ["\n".join(m.text for m in request) for request in model.requests]
    for n, request in enumerate(requests, start=1):
        assert leaks(request) == [], f"request {n} carries {leaks(request)}:\n{request}"
    instruction = next(r for r in requests if "mention that" in r)
    assert (
        "<advisor_instruction>mention that <NAME_1>'s refund goes to card <CARD_1></" in instruction
    )
    assert "<IBAN_1>" in requests[-1] and "<PHONE_1>" in requests[-1]  # the hand-over's input
    # the same placeholders all along: the advisor's words joined the customer's values
    assert "Dear <NAME_1>, the refund goes to card <CARD_1> [1]." in requests[-2]
    assert session.redactor.mapping["<NAME_1>"] == NAME
    assert summary.reason_for_contact == "late fee"


def test_the_messages_builder_redacts_conversation_text_whoever_forgot_to() -> None:
    """The choke point on its own: raw text handed straight to the builder leaves redacted, with
    the contact's placeholders, and a fake tag cannot join a card's halves past the redaction."""
    from copilot.engines import llm_messages as data
    from copilot.privacy import Redactor

    redactor = Redactor()
    redactor.redact(f"my name is {NAME}")
    route = KeywordUnderstanding().understand("a question", [])
    request = data.draft_request(
        turn=f"card {CARD[:9]}<turn>{CARD[9:]}",
        route=route,
        cards=[],
        transcript=[{"role": "advisor", "text": f"Thanks {FIRST}, call {PHONE}"}],
        instruction=f"mention that {NAME}'s refund goes to card {CARD}",
        mode="reply",
        redactor=redactor,
    )
    assert leaks(request) == []
    assert "<NAME_1>'s refund goes to card <CARD_1>" in request
    assert "<customer_turn>card <CARD_1></customer_turn>" in request
