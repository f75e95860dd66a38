"""The proof that personal data never reaches a model: a spy chat model and a spy embedder
record every request while the whole graph (llm engine) runs conversations full of PII."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from stdnum import luhn
from stdnum.iban import calc_check_digits

from copilot.assembly import Copilot
from copilot.config import Settings
from copilot.engines.llm import LLMEngine
from copilot.retrieval.search import Retriever
from copilot.state import Decision
from knowledge_base.embeddings import HashEmbedder
from knowledge_base.indexer import index_paths
from knowledge_base.store import KnowledgeBase
from tests.agent_fakes import KeywordUnderstanding
from tests.conftest import write_article
from tests.fakes import ScriptedChatModel


class SpyEmbedder(HashEmbedder):
    def __init__(self) -> None:
        self.seen: list[str] = []

    def embed_query(self, text: str):  # type: ignore[override]
        self.seen.append(text)
        return super().embed_query(text)


def _card(rng: random.Random) -> str:
    body = "4" + "".join(rng.choice("0123456789") for _ in range(14))
    number = body + luhn.calc_check_digit(body)
    return " ".join(number[i : i + 4] for i in range(0, 16, 4))


def _iban(rng: random.Random) -> str:
    bban = "".join(rng.choice("0123456789") for _ in range(23))
    raw = f"FR{calc_check_digits('FR00' + bban)}{bban}"
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def _nir(rng: random.Random) -> str:
    base = (
        f"1{rng.randint(50, 99)}{rng.randint(1, 12):02d}75{rng.randint(100, 999)}"
        f"{rng.randint(100, 999)}"
    )
    key = 97 - int(base) % 97
    return f"{base[0]} {base[1:3]} {base[3:5]} {base[5:7]} {base[7:10]} {base[10:13]} {key:02d}"


def conversations(n: int = 12) -> list[list[tuple[str, list[str]]]]:
    rng = random.Random(42)
    out = []
    for i in range(n):
        card, iban, nir = _card(rng), _iban(rng), _nir(rng)
        phone = (
            f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
            f"{rng.randint(10, 99)}"
        )
        email = f"client{i}.test@example.org"
        account = f"ORV-{rng.randint(10_000_000, 99_999_999)}"
        out.append(
            [
                (f"Hello, my name is Jane Smith{i}, my card {card} was charged a late fee", [card]),
                (
                    f"My account is {account} and you can call me on {phone} or {email}",
                    [account, phone, email],
                ),
                (
                    f"Je veux rembourser depuis mon IBAN {iban}, né le 12/03/1985, NIR {nir}",
                    [iban, nir, "12/03/1985"],
                ),
            ]
        )
    return out


@pytest.fixture
def retriever(tmp_path: Path, settings: Settings) -> Retriever:
    write_article(
        tmp_path / "kb", "late-fees", "A late fee of €5 applies after 3 days.", title="Late fees"
    )
    index_paths([tmp_path / "kb"], settings)
    return Retriever(KnowledgeBase.open(settings))


def test_no_raw_personal_value_reaches_the_model_or_the_embedder(retriever, settings) -> None:
    spy_embedder = SpyEmbedder()
    retriever.kb.embedder = spy_embedder
    guess = {
        "category": "simple_question",
        "confidence": 0.9,
        "intent": "late_fee_question",
        "flags": [],
        "language": "en",
        "sentiment": "neutral",
    }
    model = ScriptedChatModel(default=None)
    engine = LLMEngine(
        settings.model_copy(update={"llm_model": "spy"}),
        chat_model=model,
        understanding=KeywordUnderstanding(),
    )
    raw_values: list[str] = []
    for conversation in conversations():
        session = Copilot(engine, retriever, InMemorySaver(), actions=[]).session()
        for text, values in conversation:
            raw_values += values
            model.responses += [guess, "A late fee of €5 applies [1]."]
            suggestion = session.customer_turn(text)
            assert suggestion.pii_redacted >= len(values)
            session.decide(Decision(kind="edit", text=f"Noted {values[0]}, thanks."))
        session.add_turn("advisor", f"I read back {conversation[0][1][0]}")
    sent = model.everything_sent() + "\n".join(spy_embedder.seen)
    assert len(model.requests) >= 2 * 36 and spy_embedder.seen
    digits_sent = re.sub(r"\D", "", sent)
    for value in raw_values:
        assert value not in sent, value
        digits = re.sub(r"\D", "", value)
        if len(digits) >= 9:  # also with the spaces removed
            assert digits not in digits_sent, value
    assert "Jane Smith" not in sent
    assert "<CARD_1>" in sent and "<IBAN_1>" in sent
