"""Placeholders restored while a draft streams: `StreamingRestorer` on its own, and a session on
the llm engine whose token callback must never see a placeholder it can restore."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from copilot.assembly import Copilot
from copilot.config import Settings
from copilot.engines.llm import LLMEngine
from copilot.privacy import Redactor, StreamingRestorer
from copilot.retrieval.search import Retriever
from copilot.state import Decision
from tests.agent_fakes import LATE_FEE_GUESS, KeywordUnderstanding, tiny_kb
from tests.fakes import ScriptedChatModel

MAPPING = {"<CARD_1>": "4970 1012 3456 7890", "<NAME_1>": "Paul Martin", "<NAME_12>": "Ada"}
TEXT = "Hello <NAME_1>, your card <CARD_1> is blocked. <NAME_12> and <IBAN_3> < 5 <x>."


def streamed(chunks: list[str], mapping: dict[str, str] = MAPPING) -> list[str]:
    restorer = StreamingRestorer(mapping)
    return [restorer.feed(c) for c in chunks] + [restorer.flush()]


def test_a_placeholder_cut_between_chunks_waits_for_its_end() -> None:
    out = streamed(["Your card <CA", "RD_1> is", " blocked"])
    assert out == ["Your card ", "4970 1012 3456 7890 is", " blocked", ""]


def test_only_a_possible_placeholder_start_is_held_back() -> None:
    restorer = StreamingRestorer(MAPPING)
    assert restorer.feed("fees < 5 euros and <") == "fees < 5 euros and "
    assert restorer.feed("b>") == "<b>"  # not a placeholder after all
    assert restorer.feed("<NAME_1") == ""  # could still be <NAME_12>
    assert restorer.feed("2> ok") == "Ada ok"


@pytest.mark.parametrize("size", [1, 2, 3, 5, 7, 11])
def test_any_chunking_gives_the_restored_text(size: int) -> None:
    chunks = [TEXT[i : i + size] for i in range(0, len(TEXT), size)]
    out = streamed(chunks)
    assert "".join(out) == Redactor(mapping=MAPPING).restore(TEXT)
    for piece in out:
        assert not re.search(r"<(CARD|NAME)_1>|<NAME_12>", piece)


def test_every_cut_point_gives_the_restored_text() -> None:
    expected = Redactor(mapping=MAPPING).restore(TEXT)
    for cut in range(len(TEXT) + 1):
        assert "".join(streamed([TEXT[:cut], TEXT[cut:]])) == expected, cut


def test_unknown_placeholders_and_a_trailing_partial_pass_through() -> None:
    assert streamed(["<IBAN_3> is unknown"]) == ["<IBAN_3> is unknown", ""]
    assert streamed(["ends with <CARD_"]) == ["ends with ", "<CARD_"]
    assert streamed(["<" + "A" * 40]) == ["<" + "A" * 40, ""]  # too long to be a placeholder


# ------------------------------------------------------------------------------ session
@pytest.fixture
def retriever(tmp_path: Path, settings: Settings) -> Retriever:
    return tiny_kb(tmp_path / "kb", settings)


GUESS = LATE_FEE_GUESS


def test_a_session_streams_restored_tokens(retriever: Retriever, settings: Settings) -> None:
    card = "4970 1012 3456 7893"  # Luhn-valid: redacted as <CARD_1>
    model = ScriptedChatModel(
        responses=[
            GUESS,
            "Hello <NAME_1>, a late fee of €5 applies [1]. Your card <CARD_1> is fine.",
            "Short: <NAME_1>, €5 [1].",
        ]
    )
    engine = LLMEngine(
        settings.model_copy(update={"llm_model": "fake"}),
        chat_model=model,
        understanding=KeywordUnderstanding(),
    )
    session = Copilot(engine, retriever, InMemorySaver(), actions=[]).session()
    tokens: list[str] = []

    # the name and the card are new in this very turn: the mapping must already know them
    suggestion = session.customer_turn(
        f"Hi, my name is Paul Martin, my card {card} got a late fee", on_token=tokens.append
    )
    assert "<NAME_1>" in model.everything_sent() and card not in model.everything_sent()
    assert len(tokens) > 5
    assert not any(re.search(r"<[A-Z]+_\d+>", t) for t in tokens), tokens
    assert "".join(tokens).strip() == suggestion.draft.text
    assert "Paul Martin" in suggestion.draft.text and card in suggestion.draft.text

    tokens.clear()  # a regenerated draft streams with the same mapping
    session.decide(Decision(kind="regenerate", instruction="shorter"), on_token=tokens.append)
    assert "".join(tokens).strip() == "Short: Paul Martin, €5 [1]."
