"""How the customer feels in a turn: polarity, a score, an intensity and an emotion.

With the e5 embedder the copilot ships with, a small learned model reads the query vector the
pipeline already computed for the turn (no second embedding pass), together with a few lexicon
and cue features: three linear heads applied with numpy, for polarity (negative / neutral /
positive), intensity (0 calm .. 3 angry or distressed) and emotion (calm, satisfied,
mildly annoyed, angry, distressed, anxious). The weights are package data
(`data/sentiment-e5.json`) and name the embedding model they were trained on; any other
embedder (the hash embeddings of the tests, an OpenAI-compatible endpoint) gets the lexicon of
`copilot.understanding.rules` instead, and the reading says which one spoke (`source`).

`copilot train sentiment` rebuilds the weights (`copilot.understanding.sentiment_training`).
"""

from __future__ import annotations

import json
import math
import re
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np

from copilot.understanding import rules
from copilot.understanding.routing import Emotion, default_feeling
from copilot.understanding.turn_labels import EMOTIONS as EMOTION_RULES
from knowledge_base.errors import CopilotError

MODEL_FILE = Path(__file__).parent / "data" / "sentiment-e5.json"
"""The shipped sentiment model (weights and the embedding model they belong to)."""
FORMAT = 1
"""Version of the model file's layout; a file of another version is refused."""

Polarity = Literal["negative", "neutral", "positive"]
POLARITIES: tuple[Polarity, ...] = ("negative", "neutral", "positive")
EMOTIONS: tuple[Emotion, ...] = tuple(EMOTION_RULES)  # type: ignore[arg-type]
EMOTIONS_OF: dict[str, tuple[Emotion, ...]] = {
    p: tuple(e for e in EMOTIONS if EMOTION_RULES[e][0] == p) for p in POLARITIES
}
"""The emotions that go with each polarity (as the lender turns are labelled): the emotion head
chooses among the polarity's own only, so a reading never says "negative" and "satisfied"."""
CUE_FEATURES = ("complaint", "legal", "vulnerable", "fraud", "human", "churn", "lost_stolen")
"""Cue rules (`rules.find_cues`) whose presence is a feature: in a customer-service turn each
says something about the customer's state that a tweet-trained reading would miss."""
FEATURE_NAMES = (
    "lexicon_score",
    "lexicon_negative",
    "lexicon_positive",
    "shouting",
    *(f"cue_{c}" for c in CUE_FEATURES),
)
"""The features after the embedding, in order."""
_SHOUT = re.compile(r"[!?]{2,}|\b[A-Z]{4,}\b")


@dataclass(frozen=True)
class SentimentReading:
    """The sentiment of one turn."""

    sentiment: Polarity
    score: float
    """-1 very negative .. 1 very positive."""
    intensity: int
    """0 calm .. 3 angry or distressed."""
    emotion: Emotion
    source: Literal["model", "lexicon"]
    """Which reader spoke: the learned model or the lexicon."""


def text_features(text: str, cues: Mapping[str, str] | None = None) -> np.ndarray:
    """The lexicon and cue features of a turn (`FEATURE_NAMES`); `cues` when already found."""
    if cues is None:
        cues = rules.find_cues(rules.normalize(text))
    score = rules.sentiment_score(text)
    shouting = min(len(_SHOUT.findall(text)), 4) / 4.0
    flags = [1.0 if c in cues else 0.0 for c in CUE_FEATURES]
    return np.asarray([score, max(0.0, -score), max(0.0, score), shouting, *flags], np.float32)


def polarity_of(score: float) -> Polarity:
    """The lexicon's polarity of a score."""
    if score <= -0.2:
        return "negative"
    return "positive" if score >= 0.2 else "neutral"


def lexicon_reading(text: str, cues: Mapping[str, str] | None = None) -> SentimentReading:
    """The reading of the lexicon alone: for embedders the learned model does not know."""
    if cues is None:
        cues = rules.find_cues(rules.normalize(text))
    score = rules.sentiment_score(text)
    polarity = polarity_of(score)
    intensity = 0 if polarity == "neutral" else min(3, 1 + int(abs(score) / 0.4))
    emotion: Emotion = "calm"
    if polarity == "positive":
        emotion = "satisfied"
    elif polarity == "negative" and "vulnerable" in cues:
        emotion = "distressed"
    elif polarity == "negative":
        emotion = "angry" if intensity >= 2 else "mildly_annoyed"
    return SentimentReading(
        polarity, round(score, 3), fit_intensity(emotion, intensity), emotion, "lexicon"
    )


def fit_intensity(emotion: str, intensity: int) -> int:
    """The intensity moved into the range the emotion allows (mildly annoyed is 1, angry 2..3)."""
    levels = EMOTION_RULES[emotion][1]
    return min(max(intensity, levels[0]), levels[-1])


def describe_feeling(
    sentiment: str, emotion: str | None = None, intensity: int | None = None
) -> str:
    """A short phrase for an advisor: "neutral", "positive, satisfied", "negative, angry (3/3)"."""
    if emotion not in EMOTIONS_OF.get(sentiment, ()) or intensity is None:
        emotion, intensity = default_feeling(sentiment)  # none given, or not one of this polarity
    if sentiment == "neutral" and emotion == "calm":
        return "neutral"
    words = f"{sentiment}, {emotion.replace('_', ' ')}"
    return f"{words} ({intensity}/3)" if sentiment == "negative" else words


def feeling_of(route: Mapping[str, Any], default: str = "neutral") -> str:
    """`describe_feeling` of a stored route (a `Route.model_dump()`), `default` without one."""
    sentiment = route.get("sentiment")
    if not sentiment:
        return default
    return describe_feeling(str(sentiment), route.get("emotion"), route.get("intensity"))


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max())
    return shifted / shifted.sum()


class SentimentModel:
    """The three linear heads of the learned model, applied with numpy."""

    def __init__(self, payload: Mapping[str, Any]) -> None:
        if payload.get("format") != FORMAT:
            raise CopilotError(f"sentiment model: format {payload.get('format')!r}, not {FORMAT}")
        try:
            self.embedder: str = str(payload["embedder"])
            self.dim = int(payload["dim"])
            heads = payload["heads"]
            self._heads = {
                name: (
                    np.asarray(heads[name]["weights"], dtype=np.float32),
                    np.asarray(heads[name]["bias"], dtype=np.float32),
                )
                for name in ("polarity", "intensity", "emotion")
            }
            self._labels = {name: list(heads[name]["labels"]) for name in self._heads}
        except (KeyError, TypeError, ValueError) as exc:
            raise CopilotError(f"sentiment model: malformed ({exc})") from None
        width = self.dim + len(FEATURE_NAMES)
        for name, (weights, bias) in self._heads.items():
            if weights.shape != (width, len(self._labels[name])) or bias.shape != (
                len(self._labels[name]),
            ):
                raise CopilotError(f"sentiment model: head {name} does not fit {width} features")
        self._emotion_index = {e: i for i, e in enumerate(self._labels["emotion"])}

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> SentimentModel:
        try:
            return cls(json.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError) as exc:
            raise CopilotError(f"sentiment model {path}: cannot be read ({exc})") from None

    def probabilities(self, features: np.ndarray) -> dict[str, np.ndarray]:
        """Each head's probabilities over its labels."""
        return {name: _softmax(features @ w + b) for name, (w, b) in self._heads.items()}

    def read(
        self, text: str, vector: np.ndarray, cues: Mapping[str, str] | None = None
    ) -> SentimentReading:
        """The reading of a turn from its query vector (of this model's embedder)."""
        vector = np.asarray(vector, dtype=np.float32).reshape(-1)
        if vector.shape[0] != self.dim:
            raise ValueError(f"sentiment model expects {self.dim} dimensions, not {vector.size}")
        unit = vector / (float(np.linalg.norm(vector)) or 1.0)
        probs = self.probabilities(np.concatenate([unit, text_features(text, cues)]))
        polarity_p = dict(zip(self._labels["polarity"], probs["polarity"], strict=True))
        sentiment: Polarity = max(POLARITIES, key=lambda p: polarity_p[p])
        score = float(polarity_p["positive"] - polarity_p["negative"])
        allowed = [e for e in EMOTIONS_OF[sentiment] if e in self._emotion_index]
        emotion = max(allowed, key=lambda e: probs["emotion"][self._emotion_index[e]])
        levels = np.asarray([int(x) for x in self._labels["intensity"]], dtype=np.float32)
        intensity = int(round(float(probs["intensity"] @ levels)))
        return SentimentReading(
            sentiment, round(score, 3), fit_intensity(emotion, intensity), emotion, "model"
        )


@lru_cache(maxsize=4)
def _shipped(path: Path) -> SentimentModel | None:
    return SentimentModel.load(path) if path.is_file() else None


class SentimentReader:
    """Reads turns with the learned model when it fits the embedder, else with the lexicon.

    It remembers the scores of the turns it read (by text), so the trend over a contact costs
    no second embedding of the earlier turns.
    """

    _REMEMBERED = 2048

    def __init__(self, embedder: Any, model: SentimentModel | None) -> None:
        self.embedder = embedder
        self.model = model
        self._scores: OrderedDict[str, float] = OrderedDict()

    @classmethod
    def for_embedder(cls, embedder: Any, path: Path = MODEL_FILE) -> SentimentReader:
        """The shipped model when it was trained on `embedder`'s model, else the lexicon."""
        model = _shipped(Path(path))
        name = getattr(embedder, "name", "")
        return cls(embedder, model if model is not None and model.embedder == name else None)

    @property
    def source(self) -> str:
        return f"learned model ({self.model.embedder})" if self.model else "lexicon"

    def read(
        self, text: str, vector: np.ndarray | None, cues: Mapping[str, str] | None = None
    ) -> SentimentReading:
        """The reading of a turn; `vector` is its query embedding by this reader's embedder."""
        if self.model is None or vector is None:
            reading = lexicon_reading(text, cues)
        else:
            reading = self.model.read(text, vector, cues)
        self._remember(text, reading.score)
        return reading

    def score_of(self, text: str) -> float:
        """The score of an earlier turn: remembered, or read again (its embedding is cached)."""
        if text in self._scores:
            self._scores.move_to_end(text)
            return self._scores[text]
        vector = None
        if self.model is not None:
            vector = np.asarray(self.embedder.embed_query(text), dtype=np.float32)
        return self.read(text, vector).score

    def _remember(self, text: str, score: float) -> None:
        self._scores[text] = score
        self._scores.move_to_end(text)
        while len(self._scores) > self._REMEMBERED:
            self._scores.popitem(last=False)


def sentiment_trend(
    current: float, previous: Sequence[float], threshold: float = 0.25
) -> Literal["improving", "stable", "worsening"]:
    """Compare the current score with the mean of the customer's earlier turns."""
    if not previous:
        return "stable"
    delta = current - math.fsum(previous) / len(previous)
    if delta >= threshold:
        return "improving"
    return "worsening" if delta <= -threshold else "stable"
