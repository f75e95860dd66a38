"""The learned sentence scorer of the offline wrap-up, and the case-note paragraph it writes.

A linear model weighs each sentence's features (`copilot.engines.wrapup_sentences`) and predicts
how much of it a human summary would keep. The best customer sentences say what the customer
wanted, the best advisor sentences what was done or promised; a third sentence says what remains
when something does. Weights and word budgets are package data (`wrapup_scorer.json`), trained by
`benchmarks/train_wrapup_scorer.py` (fixed seed, 5-fold cross-validation on TweetSumm's dev split).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from copilot.engines.wrapup_sentences import FEATURES, Sentence, strip_opener

WEIGHTS_FILE = "wrapup_scorer.json"

_EN_PRONOUNS = [
    (re.compile(r"\bI am\b|\bI'm\b"), "they are"),
    (re.compile(r"\bI was\b"), "they were"),
    (re.compile(r"\bI've\b"), "they have"),
    (re.compile(r"\bI'd\b"), "they would"),
    (re.compile(r"\bI'll\b"), "they will"),
    (re.compile(r"\bI\b"), "they"),
    (re.compile(r"\b[Mm]y\b"), "their"),
    (re.compile(r"\b[Mm]yself\b"), "themselves"),
    (re.compile(r"\b[Mm]e\b"), "them"),
    (re.compile(r"\b[Mm]ine\b"), "theirs"),
]
_EN_AGENT_PRONOUNS = [
    (re.compile(r"\b(?:I am|I'm|we are|we're)\b"), "they are"),
    (re.compile(r"\b(?:I was|we were)\b"), "they were"),
    (re.compile(r"\b(?:I've|we've)\b"), "they have"),
    (re.compile(r"\b(?:I'll|we'll)\b"), "they will"),
    (re.compile(r"\b(?:I'd|we'd)\b"), "they would"),
    (re.compile(r"\b(?:I|[Ww]e)\b"), "they"),
    (re.compile(r"\b(?:[Mm]y|[Oo]ur)\b"), "their"),
    (re.compile(r"\b(?:[Mm]e|[Uu]s)\b"), "them"),
]
_FIRST_WORD_KEEP = re.compile(r"^(?:I\b|<[A-Z]+_\d+>|[A-Z]{2,})")


@dataclass(frozen=True)
class ScorerWeights:
    """A trained scorer: one weight a feature, and how many words each side may take."""

    weights: tuple[float, ...]
    customer_words: int
    advisor_words: int

    def score(self, sentence: Sentence) -> float:
        return sum(w * x for w, x in zip(self.weights, sentence.vector(), strict=True))


@lru_cache(maxsize=1)
def load_weights() -> ScorerWeights:
    """The shipped weights (checked against the feature list they were trained for)."""
    raw = json.loads(resources.files("copilot.engines").joinpath(WEIGHTS_FILE).read_text("utf-8"))
    if tuple(raw["features"]) != FEATURES:
        raise ValueError(f"{WEIGHTS_FILE} was trained for other features: re-run the training")
    return ScorerWeights(
        tuple(float(w) for w in raw["weights"]),
        int(raw["customer_words"]),
        int(raw["advisor_words"]),
    )


def pick(sentences: list[Sentence], role: str, budget: int, model: ScorerWeights) -> list[Sentence]:
    """The best-scored sentences of one side up to `budget` words, in the order they were said."""
    side = [s for s in sentences if s.role == role]
    # a sentence of fewer than three content words ("Thanks, we can help!") says nothing of the
    # contact: taken only when the side said nothing else
    side = [s for s in side if not s.features.get("few_content_words")] or side
    ranked = sorted(side, key=lambda s: (-model.score(s), s.turn, s.rank))
    chosen: list[Sentence] = []
    words = 0
    for sentence in ranked:
        size = len(sentence.text.split())
        if chosen and words + size > budget:
            continue
        chosen.append(sentence)
        words += size
        if words >= budget:
            break
    return sorted(chosen, key=lambda s: (s.turn, s.rank))


def _lower_first(text: str) -> str:
    if not text or _FIRST_WORD_KEEP.match(text):
        return text
    return text[0].lower() + text[1:]


def _closed(text: str) -> str:
    text = text.strip().rstrip(",;:").rstrip()
    return text if re.search(r"[.!?…][\"»”]?$|»$", text) else text + "."


def _verb(sentences: list[str], lang: str) -> str:
    asks = all(s.rstrip().endswith("?") for s in sentences)
    if lang == "fr":
        return "demande" if asks else "écrit"
    return "asks" if asks else "says"


def reported(text: str, lang: str, side: str) -> str:
    """A sentence in the third person (English only: French verbs would change)."""
    if lang != "en":
        return text
    for pattern, replacement in _EN_PRONOUNS if side == "customer" else _EN_AGENT_PRONOUNS:
        text = pattern.sub(replacement, text)
    return text


def case_note_text(
    customer: list[Sentence],
    advisor: list[Sentence],
    remains: str | None,
    lang: str,
    advisor_is_bot: bool = False,
) -> str:
    """The 2-3 sentence paragraph: what the customer wanted, what was done, what remains."""
    said = [reported(strip_opener(s.text), lang, "customer") for s in customer]
    done = [reported(strip_opener(s.text), lang, "advisor") for s in advisor]
    parts: list[str] = []
    if lang == "fr":
        agent = "L'assistant" if advisor_is_bot else "Le conseiller"
        if said:
            parts.append(f"Le client {_verb(said, lang)} : « " + " ".join(said) + " »")
        if done:
            verb = "demande" if _verb(done, lang) == "demande" else "répond"
            parts.append(f"{agent} {verb} : « " + " ".join(done) + " »")
        if remains:
            parts.append(f"Reste à traiter : {remains}")
        return " ".join(_closed(p) for p in parts)
    agent = "The bot" if advisor_is_bot else "The agent"
    if said:
        parts.append(f"The customer {_verb(said, lang)} " + _lower_first(" ".join(said)))
    if done:
        parts.append(f"{agent} {_verb(done, lang)} " + _lower_first(" ".join(done)))
    if remains:
        parts.append(f"Still open: {_lower_first(remains)}")
    return " ".join(_closed(p) for p in parts)
