"""Offline understanding of a customer turn: intent, routing category, flags and sentiment.

The intent comes from a nearest-neighbour classifier over the examples of the knowledge base's
own intent catalogue (recorded with the KB at index time, `knowledge_base.catalog`; the sample's
is `knowledge_base/samples/intents.yaml`), embedded once per embedder and catalogue. The intent
gives a default category; the cue rules of `copilot.understanding.rules` then override it
(complaint language, a lost card, a request for advice, a hardship sign), raise the flags, and
the rule of escalation of `copilot.understanding.routing` has the last word. When unsure, a
human leads: an
AI-suitable intent with a confidence under `ROUTINE_MIN_CONFIDENCE`, or nearly tied with a
human-led one, gives way to the nearest human-led reading, since treating a complaint as routine
costs more than briefing an advisor for nothing. Intents that exist only because of a signal
(hardship, complaint, fraud, dispute...) need one of their cues when matched weakly, so an
out-of-domain question is not sent to them by chance. A KB without intents is routed by the cue
rules alone: a routine question unless a cue says otherwise, intent `routing.NO_INTENT`.

Sentiment, intensity and emotion come from `copilot.understanding.sentiment`: a learned model on
the turn's own query vector when the embedder is the one it was trained on, else the lexicon.
The earlier turns of the conversation give the sentiment trend, keep the flags that stay true
(a vulnerable customer, a suspected fraud, a legal threat), and give a very short follow-up
("and the second one?") the context it lacks.
"""

from __future__ import annotations

import hashlib
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

import numpy as np
import yaml

from copilot.understanding import rules
from copilot.understanding.routing import (
    AI_SUITABLE,
    HUMAN_LED,
    NO_INTENT,
    Category,
    Flag,
    Route,
    escalate,
)
from copilot.understanding.sentiment import SentimentReader, sentiment_trend
from knowledge_base import SAMPLES_DIR
from knowledge_base.atomic import load_array_or_none, save_array_atomic
from knowledge_base.catalog import Catalog
from knowledge_base.embeddings import Embedder
from knowledge_base.errors import KnowledgeBaseError
from knowledge_base.language import detect_language

_privacy: ModuleType | None
try:  # privacy.py is another engineer's: if it or its functions are missing, no PII is seen
    from copilot import privacy as _privacy
except ImportError:  # pragma: no cover
    _privacy = None

SAMPLE_INTENTS = SAMPLES_DIR / "intents.yaml"
"""The sample KB's intents: for the benchmarks and tests that route its questions."""

UNSURE_MARGIN = 0.003
"""Below this similarity gap an AI-suitable intent gives way to the best human-led one."""
CENTROID_WEIGHT = 0.7
"""Intent score: this share of the centroid similarity, the rest from the two nearest examples."""
ROUTINE_MIN_CONFIDENCE = 0.3
"""An AI-suitable category needs at least this intent confidence; below it a human leads."""
HINT_BOOST = 0.03
"""Score bonus for an intent named by a keyword hint (`understanding_rules.INTENT_HINTS`)."""
FOLLOW_UP_WORDS = 5
"""A turn this short with an unsure intent is read together with the previous customer turn."""
_CONF_SLOPE, _CONF_OFFSET = 60.0, 0.012
"""Intent confidence = logistic(slope * (margin - offset)), margin = gap between the top two."""

_FLAG_CUES = {
    "fraud": Flag.FRAUD_SUSPECTED,
    "legal": Flag.LEGAL_THREAT,
    "vulnerable": Flag.VULNERABLE_CUSTOMER,
    "human": Flag.ASKS_FOR_HUMAN,
    "churn": Flag.CHURN_RISK,
}
_STICKY = (Flag.VULNERABLE_CUSTOMER, Flag.FRAUD_SUSPECTED, Flag.LEGAL_THREAT)
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
_PROACTIVE_INTENTS = frozenset({"payment_plan_options", "change_due_date", "missed_payment"})


@dataclass(frozen=True)
class IntentSpec:
    """One intent of the catalogue."""

    id: str
    label: str
    label_fr: str
    category: Category
    examples_en: tuple[str, ...]
    examples_fr: tuple[str, ...]

    @property
    def texts(self) -> list[str]:
        """What the classifier embeds for this intent: its labels and examples."""
        return [self.label, self.label_fr, *self.examples_en, *self.examples_fr]


def parse_intents(raw: Any, where: str) -> list[IntentSpec]:
    """Intents from their entries as written; raise ValueError naming the malformed entry."""
    if not isinstance(raw, list | tuple):
        raise ValueError(f"{where}: expected a list of intents")
    specs: list[IntentSpec] = []
    for n, item in enumerate(raw):
        try:
            specs.append(
                IntentSpec(
                    id=str(item["id"]),
                    label=str(item.get("label", item["id"])),
                    label_fr=str(item.get("label_fr", item.get("label", item["id"]))),
                    category=Category(item["category"]),
                    examples_en=tuple(str(e) for e in item.get("examples_en", [])),
                    examples_fr=tuple(str(e) for e in item.get("examples_fr", [])),
                )
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"{where}: intent #{n + 1} is malformed: {exc}") from exc
    if len({s.id for s in specs}) != len(specs):
        raise ValueError(f"{where}: duplicate intent ids")
    return specs


def check_intents(catalog: Catalog) -> None:
    """Raise `KnowledgeBaseError` when a KB catalogue's intents are malformed (at index time)."""
    try:
        parse_intents(list(catalog.intents), f"{catalog.source}/intents.yaml")
    except ValueError as exc:
        raise KnowledgeBaseError(str(exc)) from exc


def load_intents(path: Path | str) -> list[IntentSpec]:
    """Read an intent file (`intents.yaml`); raise ValueError naming the malformed entry."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(raw, list) or not raw:
        raise ValueError(f"{path}: expected a non-empty list of intents")
    return parse_intents(raw, str(path))


_MATRIX_CACHE: dict[tuple[str, str], np.ndarray] = {}


_log = logging.getLogger(__name__)


def _read_cached_matrix(path: Path, rows: int) -> np.ndarray | None:
    """The cached example embeddings, or None when missing, unreadable or not `rows` long."""
    matrix = load_array_or_none(path)
    if matrix is None or matrix.ndim != 2 or matrix.shape[0] != rows:
        return None
    return matrix


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


class Understanding:
    """Turns a customer message (and the conversation so far) into a `Route`.

    `embedder` is any `knowledge_base.embeddings.Embedder`. The turn and the intent examples are
    both embedded as queries: e5 compares two short texts best with the same prefix on each
    side (0.75 intent accuracy on the labelled set, against 0.60 passage/passage and 0.51
    query/passage). `intents` is the knowledge base's catalogue (empty: the KB has none, and
    the cue rules route alone). `cache_dir`, when given, keeps the example embeddings on disk
    between runs.
    """

    def __init__(
        self,
        embedder: Embedder,
        intents: Sequence[IntentSpec],
        cache_dir: Path | None = None,
    ) -> None:
        self.embedder = embedder
        self.intents = list(intents)
        self._by_id = {spec.id: spec for spec in self.intents}
        self._index = {spec.id: i for i, spec in enumerate(self.intents)}
        self.sentiment = SentimentReader.for_embedder(embedder)
        if not self.intents:
            return
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
            matrix = _unit_rows(self._embed(texts))
            if path is not None:
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    save_array_atomic(path, matrix)
                except OSError as exc:  # a cache: the next run embeds the examples again
                    _log.warning("intent cache not saved at %s: %s", path, exc.strerror or exc)
        _MATRIX_CACHE[key] = matrix
        return matrix

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        """Query embeddings of several texts, batched when the embedder can (`embed_queries`)."""
        batch = getattr(self.embedder, "embed_queries", None)
        if callable(batch):
            return np.asarray(batch(list(texts)), dtype=np.float32)
        return np.stack([np.asarray(self.embedder.embed_query(t), dtype=np.float32) for t in texts])

    # ------------------------------------------------------------------ public API
    def understand(self, text: str, history: list[dict[str, Any]] | None = None) -> Route:
        """Route one customer turn; `history` holds the earlier turns, oldest first."""
        if not text or not text.strip():
            raise ValueError("cannot understand an empty customer turn")
        vector = np.asarray(self.embedder.embed_query(text), dtype=np.float32)
        return self.understand_embedded(text, vector, history or [])

    def understand_many(
        self,
        texts: Sequence[str],
        histories: Sequence[list[dict[str, Any]] | None] | None = None,
        batch_size: int = 32,
    ) -> list[Route]:
        """Route many turns (benchmarks, replays); embeddings are batched when the embedder can."""
        if any(not t or not t.strip() for t in texts):
            raise ValueError("cannot understand an empty customer turn")
        routes: list[Route] = []
        for start in range(0, len(texts), batch_size):
            chunk = list(texts[start : start + batch_size])
            vectors = self._embed(chunk)
            for k, (text, vector) in enumerate(zip(chunk, vectors, strict=True)):
                history = histories[start + k] if histories else None
                routes.append(self.understand_embedded(text, vector, history or []))
        return routes

    def rank_intents(self, vector: np.ndarray) -> list[tuple[str, float]]:
        """Every intent with its score (best example similarity, blended with the second best)."""
        return [(self.intents[i].id, float(s)) for i, s in self._scores(vector)]

    # ------------------------------------------------------------------ internals
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

    def _classify(
        self, vector: np.ndarray, cues: dict[str, str]
    ) -> tuple[IntentSpec, float, IntentSpec | None, float]:
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

    def understand_embedded(
        self, text: str, vector: np.ndarray, history: list[dict[str, Any]] | None = None
    ) -> Route:
        """Route a turn whose query embedding is already known (e.g. computed for retrieval)."""
        history = history or []
        turn_vector = vector
        norm = rules.normalize(text)
        cues = rules.find_cues(norm)
        earlier = [
            t.get("text", "") for t in history if t.get("role") == "customer" and t.get("text")
        ]
        reasons: list[str] = []
        if not self.intents:
            spec, intent_conf, human_spec, human_gap = _NO_CATALOGUE, 0.0, None, math.inf
            reasons.append("no intent catalogue for this knowledge base: routed by the cue rules")
        else:
            spec, intent_conf, human_spec, human_gap = self._classify(vector, cues)
            if len(norm.split()) <= FOLLOW_UP_WORDS and intent_conf < 0.5 and earlier:
                joined = f"{earlier[-1]} {text}"
                vector = np.asarray(self.embedder.embed_query(joined), dtype=np.float32)
                spec, intent_conf, human_spec, human_gap = self._classify(vector, cues)
                reasons.append("short follow-up: read with the previous customer turn")
            reasons.append(f"intent '{spec.id}' ({intent_conf:.2f}) -> {spec.category.value}")

        category = spec.category
        rule_fired = False
        if category in AI_SUITABLE and human_spec is not None and human_gap < UNSURE_MARGIN:
            category = human_spec.category
            reasons.append(f"close to intent '{human_spec.id}': human-led preferred")
        category, rule_fired = _apply_cues(category, cues, spec, reasons)
        if self.intents and category in AI_SUITABLE and intent_conf < ROUTINE_MIN_CONFIDENCE:
            fallback = human_spec.category if human_spec is not None else Category.COMPLEX_PROBLEM
            reasons.append(
                f"intent unsure ({intent_conf:.2f}): human-led preferred -> {fallback.value}"
            )
            category = fallback

        flags = [flag for cue, flag in _FLAG_CUES.items() if cue in cues]
        for cue, flag in _FLAG_CUES.items():
            if cue in cues:
                reasons.append(f"{flag.value}: '{cues[cue]}'")
        for flag in _STICKY:
            if flag not in flags and any(_has_flag(t, flag) for t in earlier):
                flags.append(flag)
                reasons.append(f"{flag.value}: earlier in the conversation")
        if Flag.VULNERABLE_CUSTOMER in flags and category not in {
            Category.COMPLAINT,
            Category.PERSONAL_ADVICE,
            Category.PROACTIVE_OPPORTUNITY,
        }:
            ahead = "proactive" in cues or spec.id in _PROACTIVE_INTENTS
            category = Category.PROACTIVE_OPPORTUNITY if ahead else Category.PERSONAL_ADVICE
            reasons.append(f"vulnerable customer -> {category.value}")
            rule_fired = True

        pii = _sensitive_pii(text)
        final, moved = escalate(category, flags, sensitive_pii=pii, intent_category=spec.category)
        reasons += moved
        rule_fired = rule_fired or bool(moved)

        feeling = self.sentiment.read(text, turn_vector, cues)
        previous = [self.sentiment.score_of(t) for t in earlier]
        return Route(
            category=final,
            confidence=_category_confidence(final, spec, intent_conf, rule_fired),
            flags=flags,
            intent=spec.id,
            intent_confidence=round(intent_conf, 3),
            language=_language(text, earlier),
            sentiment=feeling.sentiment,
            sentiment_score=feeling.score,
            sentiment_trend=sentiment_trend(feeling.score, previous),
            emotion=feeling.emotion,
            intensity=feeling.intensity,
            reasons=reasons,
        )


_NO_CATALOGUE = IntentSpec(
    NO_INTENT,
    "No intent catalogue",
    "Pas de catalogue d'intentions",
    Category.SIMPLE_QUESTION,
    (),
    (),
)
"""The reading of a turn when the KB has no intents: a routine question, for the cues to move."""


def _runner_up(ranked: list[Any]) -> float:
    """The second score (a catalogue of one intent has none: nothing competes with it)."""
    return float(ranked[1][1]) if len(ranked) > 1 else -1.0


def _apply_cues(
    category: Category, cues: dict[str, str], spec: IntentSpec, reasons: list[str]
) -> tuple[Category, bool]:
    """Move the intent's category by the cue rules, weakest first; say which fired."""
    fired = False

    def to(new: Category, cue: str, why: str) -> None:
        nonlocal category, fired
        if category is not new:
            reasons.append(f"{why}: '{cues[cue]}' -> {new.value}")
            category, fired = new, True

    if "complex" in cues and category in AI_SUITABLE:
        to(Category.COMPLEX_PROBLEM, "complex", "complex situation")
    if "lost_stolen" in cues and category in AI_SUITABLE | {Category.COMPLEX_PROBLEM}:
        to(Category.SENSITIVE_DATA, "lost_stolen", "lost or stolen card or phone")
    if "proactive" in cues and category in AI_SUITABLE:
        to(Category.PROACTIVE_OPPORTUNITY, "proactive", "need to anticipate")
    if "advice" in cues and category in AI_SUITABLE:
        to(Category.PERSONAL_ADVICE, "advice", "advice asked")
    if "complaint" in cues:
        to(Category.COMPLAINT, "complaint", "complaint language")
    return category, fired


def _has_flag(text: str, flag: Flag) -> bool:
    cue = next(c for c, f in _FLAG_CUES.items() if f is flag)
    return cue in rules.find_cues(rules.normalize(text))


def _sensitive_pii(text: str) -> bool:
    detect = getattr(_privacy, "detect", None)
    has_sensitive_data = getattr(_privacy, "has_sensitive_data", None)
    if not callable(detect) or not callable(has_sensitive_data):
        return False
    return bool(has_sensitive_data(detect(text)))


def _category_confidence(
    category: Category, spec: IntentSpec, intent_conf: float, rule_fired: bool
) -> float:
    if rule_fired:
        return 0.85
    if category is spec.category:
        return round(0.35 + 0.6 * intent_conf, 3)
    return 0.5  # a human-led neighbour was preferred to an unsure AI-suitable intent


def _language(text: str, earlier: list[str]) -> Literal["fr", "en"]:
    """The turn's language; a turn that shows none ("Ok.", an order number) keeps the language
    of the latest customer turn that showed one."""
    shown = (detect_language(t, default="") for t in reversed(earlier))
    default = next((lang for lang in shown if lang), "fr")
    return "en" if detect_language(text, default=default) == "en" else "fr"
