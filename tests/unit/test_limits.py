"""A customer turn over MAX_TURN_CHARS: the copilot reads its first part, says so, and never
half-sends a value cut by the limit. (Speed figures: benchmarks/bench_limits.py.)"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from langgraph.checkpoint.memory import InMemorySaver

from copilot.assembly import Copilot
from copilot.cli import assist as _assist  # noqa: F401  (registers commands)
from copilot.cli import cli
from copilot.config import Settings
from copilot.engines.offline import OfflineEngine
from copilot.limits import CLIP_MARK, MAX_TURN_CHARS, redact_turn
from copilot.privacy import Redactor
from tests.agent_fakes import ACTIONS, MACRO, KeywordUnderstanding, tiny_kb

CARD = "5312 4512 3456 7896"  # passes Luhn


class RecordingUnderstanding(KeywordUnderstanding):
    """Keeps what the engine was given to read."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def understand(self, text, history):  # type: ignore[no-untyped-def]
        self.seen.append(text)
        return super().understand(text, history)


def long_turn(size: int) -> str:
    opening = "Why was I charged a late fee? "
    return opening + "blah " * ((size - len(opening)) // 5)


def test_a_turn_straddling_the_limit_keeps_its_card_number_redacted() -> None:
    text = "x" * (MAX_TURN_CHARS - 8) + " " + CARD + " and more" * 50
    result, length = redact_turn(Redactor(), text)
    assert length == len(text)
    # the cut moves past a value straddling the limit, so it goes whole, as its placeholder
    assert len(result.text) <= MAX_TURN_CHARS + len("<CARD_1>") + len(CLIP_MARK)
    assert result.text.endswith("<CARD_1>" + CLIP_MARK)
    assert "5312" not in result.text and "4512" not in result.text  # not half-sent
    assert "<CARD" not in result.text or "<CARD_1>" in result.text  # no placeholder cut in two


def test_a_megabyte_turn_is_read_to_the_limit_and_the_advisor_told(
    tmp_path: Path, settings: Settings
) -> None:
    understanding = RecordingUnderstanding()
    engine = OfflineEngine(understanding, macros=[MACRO])
    session = Copilot(
        engine, tiny_kb(tmp_path / "kb", settings), InMemorySaver(), actions=ACTIONS
    ).session()
    suggestion = session.customer_turn(long_turn(1_000_000))
    (seen,) = understanding.seen
    assert len(seen) <= MAX_TURN_CHARS + len(CLIP_MARK) and seen.endswith(CLIP_MARK)
    assert suggestion.route.reasons[0].startswith("long turn: the copilot read its first 4,000")
    assert suggestion.route.intent == "late_fee_question"  # the opening was read
    transcript = session.transcript()
    assert len(transcript[-1]["text"]) <= MAX_TURN_CHARS + len(CLIP_MARK)


def test_classify_reads_a_long_line_to_the_limit() -> None:
    result = CliRunner().invoke(cli, ["classify", "--json"], input=long_turn(200_000) + "\n")
    assert result.exit_code == 0, result.output
    route = json.loads(result.stdout)
    assert route["reasons"][0].startswith("long turn: the copilot read its first 4,000 of")


def test_a_value_at_the_limit_is_never_cut_when_placeholders_shorten_the_text() -> None:
    from stdnum import luhn

    card = "497010123456789" + luhn.calc_check_digit("497010123456789")
    spaced = " ".join(card[i : i + 4] for i in range(0, 16, 4))
    emails = " ".join(f"mail{i}@example.com" for i in range(80))  # each becomes a short <EMAIL_n>
    for shift in range(0, 24, 3):
        filler = " x" * ((MAX_TURN_CHARS - len(emails) - 10 - shift) // 2)
        text = f"{emails}{filler} my card {spaced} and more " + "blah " * 200
        result, _ = redact_turn(Redactor(), text)
        assert not any(group in result.text for group in spaced.split()), (shift, result.text[-60:])


def test_a_literal_angle_bracket_does_not_lose_the_turn() -> None:
    text = "I paid < 50 euros. " + "word " * 1100
    result, length = redact_turn(Redactor(), text)
    assert length == len(text)
    assert len(result.text) > MAX_TURN_CHARS - 10
