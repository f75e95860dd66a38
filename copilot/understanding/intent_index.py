"""The intent of a turn: a nearest-neighbour classifier over the catalogue's examples.

The examples of the knowledge base's intent catalogue (`copilot.understanding.intents`) are
embedded once per embedder and catalogue, as queries like the turn. An intent's score is 0.7 x
its centroid similarity + 0.3 x the mean of its two nearest examples; cue rules add small boosts
(`_CUE_INTENT_BOOST`, the keyword hints). Intents that exist only because of a signal (hardship,
complaint, fraud, dispute...) need one of their cues when matched weakly, so an out-of-domain
question is not sent to them by chance.
"""

from __future__ import annotations

import hashlib
import logging
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from copilot.understanding.intents import IntentSpec
from copilot.understanding.routing import HUMAN_LED
from copilot.understanding.vector_cache import embed_queries
from knowledge_base.atomic import load_array_or_none, save_array_atomic
from knowledge_base.embeddings import Embedder

CENTROID_WEIGHT = 0.7
"""Intent score: this share of the centroid similarity, the rest from the two nearest examples."""
HINT_BOOST = 0.03
"""Score bonus for an intent named by a keyword hint (`rules.INTENT_HINTS`)."""
_CONF_SLOPE, _CONF_OFFSET = 60.0, 0.012
"""Intent confidence = logistic(slope * (margin - offset)), margin = gap between the top two."""
_CUE_INTENT_BOOST = {
    "fraud": ("suspected_fraud", 0.04),
    "vulnerable": ("hardship", 0.03),
    "complaint": ("complaint", 0.02),
    "legal": ("complaint", 0.02),
    "lost_stolen": ("lost_stolen_card", 0.05),
    "human": ("contact_human", 0.03),
    "churn": ("close_account", 0.02),
}
_SIGNAL_INTENTS = {
    "hardship": ("vulnerable", "proactive", "advice"),
    "complaint": ("complaint", "legal"),
    "mediation": ("complaint", "legal"),
    "suspected_fraud": ("fraud", "lost_stolen"),
    "payment_plan_options": ("proactive", "vulnerable", "advice"),
    "open_dispute": ("complex", "complaint"),
    "merchant_not_delivered": ("complex", "complaint"),
}
"""Intents that exist because of a signal (distress, dissatisfaction, fraud, a need to
anticipate). Matched weakly and without any of their cues, they are no evidence of it."""
SIGNAL_GATE = 0.5
"""Intent confidence under which a signal intent needs one of its cues to be kept."""

_MATRIX_CACHE: dict[tuple[str, str], np.ndarray] = {}
_log = logging.getLogger(__name__)

IntentReading = tuple[IntentSpec, float, IntentSpec | None, float]
"""Best intent, its confidence, the best human-led intent (if any) and its gap to the top."""


def _read_cached_matrix(path: Path, rows: int) -> np.ndarray | None:
    """The cached example embeddings, or None when missing, unreadable or not `rows` long."""
    matrix = load_array_or_none(path)
    if matrix is None or matrix.ndim != 2 or matrix.shape[0] != rows:
        return None
    return matrix


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


def embed_many(embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    """Query embeddings of several texts, batched when the embedder can."""
    return embed_queries(embedder, texts)


class IntentIndex:
    """The catalogue's examples embedded, and the intent ranking of a turn vector."""

    def __init__(
        self, embedder: Embedder, intents: Sequence[IntentSpec], cache_dir: Path | None = None
    ) -> None:
        self.embedder = embedder
        self.intents = list(intents)
        self._by_id = {spec.id: spec for spec in self.intents}
        self._index = {spec.id: i for i, spec in enumerate(self.intents)}
        texts: list[str] = []
        owners: list[int] = []
        for i, spec in enumerate(self.intents):
            texts += spec.texts
            owners += [i] * len(spec.texts)
        self._owners = np.asarray(owners)
        self._examples = self._embed_examples(texts, cache_dir)
        self._human_led_mask = np.asarray([s.category in HUMAN_LED for s in self.intents])
        self._centroids = _unit_rows(
            np.stack(
                [self._examples[self._owners == i].mean(axis=0) for i in range(len(self.intents))]
            )
        )

    def _embed_examples(self, texts: list[str], cache_dir: Path | None) -> np.ndarray:
        digest = hashlib.sha256("\n".join(["query", *texts]).encode()).hexdigest()[:16]
        key = (getattr(self.embedder, "name", type(self.embedder).__name__), digest)
        if key in _MATRIX_CACHE:
            return _MATRIX_CACHE[key]
        path = None
        if cache_dir is not None:
            safe = "".join(c if c.isalnum() else "-" for c in key[0])
            path = Path(cache_dir) / f"intents-{safe}-{digest}.npy"
        matrix = _read_cached_matrix(path, rows=len(texts)) if path is not None else None
        if matrix is None:
            matrix = _unit_rows(embed_many(self.embedder, texts))
            if path is not None:
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    save_array_atomic(path, matrix)
                except OSError as exc:  # a cache: the next run embeds the examples again
                    _log.warning("intent cache not saved at %s: %s", path, exc.strerror or exc)
        _MATRIX_CACHE[key] = matrix
        return matrix

    def rank(self, vector: np.ndarray) -> list[tuple[str, float]]:
        """Every intent with its score, best first."""
        return [(self.intents[i].id, float(s)) for i, s in self._scores(vector)]

    def _scores(self, vector: np.ndarray, boosts: dict[str, float] | None = None) -> list[Any]:
        """(intent index, score) best first: 0.7 x centroid + 0.3 x mean of the two nearest."""
        unit = vector / (float(np.linalg.norm(vector)) or 1.0)
        sims = self._examples @ unit
        scores = CENTROID_WEIGHT * (self._centroids @ unit)
        for i in range(len(self.intents)):
            own = np.sort(sims[self._owners == i])[-2:]
            scores[i] += (1.0 - CENTROID_WEIGHT) * float(own.mean())
        for intent_id, boost in (boosts or {}).items():
            scores[self._index[intent_id]] += boost
        order = np.argsort(-scores)
        return [(int(i), float(scores[i])) for i in order]

    def classify(self, vector: np.ndarray, cues: dict[str, str]) -> IntentReading:
        """Best intent, its confidence, and the best human-led intent with its gap to the top."""
        boosts: dict[str, float] = {}
        for cue, (intent_id, boost) in _CUE_INTENT_BOOST.items():
            if cue in cues and intent_id in self._by_id:
                boosts[intent_id] = boosts.get(intent_id, 0.0) + boost
        for intent_id in cues.get("hints", "").split():
            if intent_id in self._by_id:
                boosts[intent_id] = boosts.get(intent_id, 0.0) + HINT_BOOST
        ranked = self._scores(vector, boosts)
        (top, top_score), second = ranked[0], _runner_up(ranked)
        confidence = 1.0 / (1.0 + math.exp(-_CONF_SLOPE * (top_score - second - _CONF_OFFSET)))
        signals = _SIGNAL_INTENTS.get(self.intents[top].id)
        if signals and confidence < SIGNAL_GATE and not any(c in cues for c in signals):
            ranked = [r for r in ranked if self.intents[r[0]].id not in _SIGNAL_INTENTS]
            if not ranked:  # a catalogue of signal intents only: nothing else to read
                return self.intents[top], confidence, None, math.inf
            (top, top_score), second = ranked[0], _runner_up(ranked)
            confidence = min(
                confidence, 0.5 / (1.0 + math.exp(-_CONF_SLOPE * (top_score - second)))
            )
        best_human = next(
            ((i, s) for i, s in ranked if self._human_led_mask[i] and self._evidenced(i, cues)),
            None,
        )
        if best_human is None:
            return self.intents[top], confidence, None, math.inf
        return self.intents[top], confidence, self.intents[best_human[0]], top_score - best_human[1]

    def _evidenced(self, index: int, cues: dict[str, str]) -> bool:
        """False for a signal intent none of whose cues is in the turn."""
        signals = _SIGNAL_INTENTS.get(self.intents[index].id)
        return not signals or any(c in cues for c in signals)


def _runner_up(ranked: list[Any]) -> float:
    """The second score (a catalogue of one intent has none: nothing competes with it)."""
    return float(ranked[1][1]) if len(ranked) > 1 else -1.0
