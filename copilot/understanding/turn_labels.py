"""The labels of the lender's own customer turns, and the check every labelled row must pass.

A labelled turn (``copilot/understanding/data/turns.jsonl``, ``benchmarks/data/
routing_heldout.jsonl``; see ``copilot/understanding/data/README.md``) carries a routing category
and flags, and an emotion read on two axes: polarity (``sentiment``) and strength
(``intensity``, 0 calm .. 3 angry or distressed).  The emotion decides the polarity and bounds
the intensity, so the three never disagree.  The category must already be where the rule of
escalation (`copilot.understanding.routing.escalate`) leaves it, personal data and injection
scans of the text included: a row that escalation would move is mislabelled.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from copilot.privacy import detect, has_sensitive_data
from knowledge_base.injection import scan_turn

from .routing import CATEGORIES, Category, Flag, escalate

EMOTIONS: dict[str, tuple[str, range]] = {
    "calm": ("neutral", range(0, 1)),
    "satisfied": ("positive", range(0, 3)),
    "mildly_annoyed": ("negative", range(1, 2)),
    "anxious": ("negative", range(1, 4)),
    "angry": ("negative", range(2, 4)),
    "distressed": ("negative", range(2, 4)),
}
"""Each emotion with the polarity it implies and the intensities it allows."""

STYLES = frozenset({"typed", "spoken", "typo", "mixed", "sarcasm"})
"""How the turn reads: typed, a speech transcript, with typos, mixed FR/EN, or sarcastic."""

FIELDS = (
    "id", "text", "lang", "category", "human_led", "flags",
    "sentiment", "intensity", "emotion", "style", "group",
)  # fmt: skip
"""The keys of every row, in order."""

TRAINING_SET = "turns.jsonl"
"""The training set's file name inside the package's ``data`` folder."""


def sentiment_of(emotion: str) -> str:
    """The polarity an emotion implies."""
    return EMOTIONS[emotion][0]


def label_problems(row: dict[str, Any]) -> list[str]:
    """Everything wrong with one labelled row (empty when it is sound)."""
    problems: list[str] = []
    missing = [k for k in FIELDS if k not in row]
    if missing:
        return [f"missing {', '.join(missing)}"]
    text = row["text"]
    if not isinstance(text, str) or not text.strip():
        problems.append("empty text")
        text = ""
    if row["lang"] not in ("fr", "en"):
        problems.append(f"lang {row['lang']!r}")
    if row["category"] not in {c.value for c in Category}:
        return [*problems, f"category {row['category']!r}"]
    bad_flags = [f for f in row["flags"] if f not in {f.value for f in Flag}]
    if bad_flags or len(set(row["flags"])) != len(row["flags"]):
        return [*problems, f"flags {row['flags']!r}"]
    category = Category(row["category"])
    if row["human_led"] is not CATEGORIES[category].human_led:
        problems.append(f"human_led {row['human_led']!r} for {category.value}")
    if row["emotion"] not in EMOTIONS:
        problems.append(f"emotion {row['emotion']!r}")
    else:
        polarity, strengths = EMOTIONS[row["emotion"]]
        if row["sentiment"] != polarity:
            problems.append(f"sentiment {row['sentiment']!r} for {row['emotion']}")
        if row["intensity"] not in strengths:
            problems.append(f"intensity {row['intensity']!r} for {row['emotion']}")
    if row["style"] not in STYLES:
        problems.append(f"style {row['style']!r}")
    if not isinstance(row["group"], str) or not row["group"]:
        problems.append("no group")
    escalated, moved = escalate(
        category,
        row["flags"],
        sensitive_pii=has_sensitive_data(detect(text)),
        injection=bool(scan_turn(text)),
    )
    if escalated is not category:
        problems.append(f"escalation moves it: {'; '.join(moved)}")
    return problems


def read_labelled_turns(path: Path | None = None) -> Iterator[dict[str, Any]]:
    """The rows of a labelled file; by default the training set shipped with the package."""
    if path is None:
        text = resources.files(__package__).joinpath("data", TRAINING_SET).read_text("utf-8")
    else:
        text = path.read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.strip():
            yield json.loads(line)
