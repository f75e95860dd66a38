"""The lender's own labelled turns: every row well formed and labelled by the routing rules.

Checks the shipped training set (``copilot/understanding/data/turns.jsonl``) and the held-apart
set (``benchmarks/data/routing_heldout.jsonl``): schema and enums, the rule of escalation run on
each row (personal-data and injection scans of the text included), no repeated text, size,
language balance and coverage; then that the check itself catches mislabelled rows, and that the
generator reproduces both files from their sources.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from copilot.understanding.routing import NO_INTENT, Category, Flag, Route
from copilot.understanding.turn_labels import FIELDS, label_problems, read_labelled_turns

ROOT = Path(__file__).resolve().parents[2]
HELDOUT = ROOT / "benchmarks" / "data" / "routing_heldout.jsonl"
TRAIN = list(read_labelled_turns())
HELD = list(read_labelled_turns(HELDOUT))


def _key(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


@pytest.mark.parametrize("rows", [TRAIN, HELD], ids=["train", "heldout"])
def test_every_row_is_well_formed_and_follows_the_rules(rows: list[dict[str, Any]]) -> None:
    bad = {row.get("id"): problems for row in rows if (problems := label_problems(row))}
    assert bad == {}
    assert all(tuple(row) == FIELDS for row in rows)


@pytest.mark.parametrize("rows", [TRAIN, HELD], ids=["train", "heldout"])
def test_ids_and_texts_are_unique(rows: list[dict[str, Any]]) -> None:
    assert len({r["id"] for r in rows}) == len(rows)
    repeated = [k for k, n in Counter(_key(r["text"]) for r in rows).items() if n > 1]
    assert repeated == []


def test_held_apart_rows_are_not_in_the_training_set() -> None:
    assert {_key(r["text"]) for r in HELD}.isdisjoint(_key(r["text"]) for r in TRAIN)


@pytest.mark.parametrize(
    ("rows", "at_least"), [(TRAIN, 1000), (HELD, 150)], ids=["train", "heldout"]
)
def test_size_languages_and_coverage(rows: list[dict[str, Any]], at_least: int) -> None:
    assert len(rows) >= at_least
    langs = Counter(r["lang"] for r in rows)
    assert min(langs["fr"], langs["en"]) >= 0.40 * len(rows)
    human_led = sum(r["human_led"] for r in rows) / len(rows)
    assert 0.35 <= human_led <= 0.65
    categories = Counter(r["category"] for r in rows)
    assert set(categories) == {c.value for c in Category}
    flags = Counter(f for r in rows for f in r["flags"])
    assert set(flags) == {f.value for f in Flag}
    sentiments = Counter(r["sentiment"] for r in rows)
    assert set(sentiments) == {"negative", "neutral", "positive"}
    assert set(Counter(r["intensity"] for r in rows)) == {0, 1, 2, 3}


def test_the_training_set_covers_the_long_tail() -> None:
    styles = Counter(r["style"] for r in TRAIN)
    assert min(styles[s] for s in ("spoken", "typo", "mixed", "sarcasm")) >= 10
    flags = Counter(f for r in TRAIN for f in r["flags"])
    assert flags["fraud_suspected"] >= 100
    assert min(flags.values()) >= 25
    # routine turns that only look alarming stay AI-suitable
    for text in ("how do I download my statement of purchases?", "can I block a merchant?"):
        (row,) = [r for r in TRAIN if r["text"] == text]
        assert not row["human_led"]


def _row(**changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": "t1", "text": "when is my next payment?", "lang": "en",
        "category": "simple_question", "human_led": False, "flags": [],
        "sentiment": "neutral", "intensity": 0, "emotion": "calm", "style": "typed", "group": "g",
    }  # fmt: skip
    return {**row, **changes}


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"flags": ["fraud_suspected"]}, "fraud suspected"),
        ({"flags": ["legal_threat"], "category": "complex_problem", "human_led": True}, "legal"),
        ({"flags": ["asks_for_human"]}, "asks for a person"),
        ({"flags": ["vulnerable_customer"]}, "vulnerable customer"),
        ({"text": "my account number is ORV-40213377, when is my payment?"}, "personal data"),
        ({"human_led": True}, "human_led"),
        ({"emotion": "angry", "intensity": 3}, "sentiment"),
        ({"emotion": "angry", "sentiment": "negative", "intensity": 0}, "intensity"),
        ({"lang": "de"}, "lang"),
        ({"style": "shouting"}, "style"),
        ({"flags": ["urgent"]}, "flags"),
        ({"group": ""}, "group"),
    ],
)
def test_the_check_catches_a_mislabelled_row(changes: dict[str, Any], problem: str) -> None:
    assert label_problems(_row()) == []
    assert any(problem in p for p in label_problems(_row(**changes)))


def test_a_row_without_a_field_is_reported() -> None:
    row = _row()
    del row["emotion"]
    assert label_problems(row) == ["missing emotion"]


@pytest.mark.parametrize("rows", [TRAIN, HELD], ids=["train", "heldout"])
def test_a_route_built_from_each_row_keeps_its_labels(rows: list[dict[str, Any]]) -> None:
    """`Route` enforces the rule of escalation itself: it must find nothing to move."""
    for row in rows:
        route = Route(
            category=row["category"],
            confidence=1.0,
            flags=row["flags"],
            intent=NO_INTENT,
            intent_confidence=1.0,
            language=row["lang"],
            sentiment=row["sentiment"],
            sentiment_score=0.0,
        )
        assert (route.category.value, route.reasons) == (row["category"], [])
        assert ([f.value for f in route.flags], route.human_led) == (row["flags"], row["human_led"])


@pytest.fixture
def generator(monkeypatch: pytest.MonkeyPatch) -> Any:
    spec = importlib.util.spec_from_file_location(
        "make_lender_turns", ROOT / "benchmarks" / "make_lender_turns.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    return module


def test_the_generator_reproduces_the_shipped_files(generator: Any) -> None:
    assert generator.main(["--check"]) == 0


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("@ g simple_question fraud_suspected anxious 2\nen | a payment I never made", "fraud"),
        ("@ g complaint - calm 0\nen angry | this is a disgrace", "intensity"),
        ("@ g complaint - angry 2\nde | das ist eine Frechheit", "unknown token"),
        ("en | a line before any header", "expected a header"),
    ],
)
def test_a_mislabelled_source_line_stops_the_build_with_its_place(
    generator: Any, tmp_path: Path, source: str, problem: str
) -> None:
    path = tmp_path / "train_bad.txt"
    path.write_text("# a comment\n" + source + "\n", encoding="utf-8")
    with pytest.raises(generator.SourceError, match=problem) as caught:
        generator.parse(path)
    assert "train_bad.txt:" in str(caught.value)
