"""Routing metrics over labelled turns (`copilot eval routing`, benchmarks/bench_understanding.py).

Each metric is computed over the turns that carry its label: human-led recall and precision,
AI-suitable accuracy (the share of AI-suitable turns kept AI-suitable), per-category recall and
the confusion matrix (gold rows, predicted columns), flag recall and precision, sentiment
accuracy and macro-F1; then the same per language, and the latency of each turn.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any, Protocol

from copilot.evaluation.metrics import percentile
from copilot.understanding.route_data import SENTIMENTS, LabelledTurn
from copilot.understanding.routing import Category, Flag, Route


class Predicted(Protocol):
    """What the metrics read of a prediction (a `Route` has all of it)."""

    @property
    def category(self) -> Category: ...
    @property
    def flags(self) -> list[Flag]: ...
    @property
    def sentiment(self) -> str: ...
    @property
    def human_led(self) -> bool: ...


def _ratio(num: float, den: float) -> float | None:
    return round(num / den, 4) if den else None


def macro_f1(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> float | None:
    """Mean F1 over the labels present in `gold` (None without any)."""
    scores = []
    for label in labels:
        support = sum(g == label for g in gold)
        if not support:
            continue
        tp = sum(g == label and p == label for g, p in zip(gold, pred, strict=True))
        predicted = sum(p == label for p in pred)
        precision = tp / predicted if predicted else 0.0
        recall = tp / support
        scores.append(2 * precision * recall / (precision + recall) if tp else 0.0)
    return round(sum(scores) / len(scores), 4) if scores else None


def routing_metrics(turns: Sequence[LabelledTurn], preds: Sequence[Predicted]) -> dict[str, Any]:
    """Every metric the labels allow (see the module docstring)."""
    if len(turns) != len(preds):
        raise ValueError("one prediction per turn expected")
    led = [(t.led, p.human_led) for t, p in zip(turns, preds, strict=True) if t.led is not None]
    tp = sum(g and p for g, p in led)
    ai = [p for g, p in led if not g]
    report: dict[str, Any] = {
        "n": len(turns),
        "human_led": {
            "n": sum(g for g, _ in led),
            "recall": _ratio(tp, sum(g for g, _ in led)),
            "precision": _ratio(tp, sum(p for _, p in led)),
        },
        "ai_suitable": {"n": len(ai), "accuracy": _ratio(sum(not p for p in ai), len(ai))},
    }
    cats = [(t.category, p.category) for t, p in zip(turns, preds, strict=True) if t.category]
    if cats:
        report["category_accuracy"] = _ratio(sum(g is p for g, p in cats), len(cats))
        report["per_category_recall"] = {
            c.value: _ratio(sum(g is c and p is c for g, p in cats), sum(g is c for g, _ in cats))
            for c in Category
        }
        report["confusion"] = {
            g.value: {p.value: sum(a is g and b is p for a, b in cats) for p in Category}
            for g in Category
            if any(a is g for a, _ in cats)
        }
    flagged = [(t.flags, p.flags) for t, p in zip(turns, preds, strict=True) if t.flags is not None]
    if flagged:
        report["flags"] = {}
        for flag in Flag:
            hits = sum(flag in g and flag in p for g, p in flagged)
            report["flags"][flag.value] = {
                "n": sum(flag in g for g, _ in flagged),
                "recall": _ratio(hits, sum(flag in g for g, _ in flagged)),
                "precision": _ratio(hits, sum(flag in p for _, p in flagged)),
            }
    senti = [(t.sentiment, p.sentiment) for t, p in zip(turns, preds, strict=True) if t.sentiment]
    if senti:
        gold, pred = [g for g, _ in senti], [p for _, p in senti]
        report["sentiment"] = {
            "n": len(senti),
            "accuracy": _ratio(sum(g == p for g, p in senti), len(senti)),
            "macro_f1": macro_f1(gold, pred, SENTIMENTS),
            "negative_recall": _ratio(
                sum(g == p == "negative" for g, p in senti), gold.count("negative")
            ),
        }
    return report


def evaluate_routing(understanding: Any, turns: Sequence[LabelledTurn]) -> dict[str, Any]:
    """Route every turn on its own (embedding included, timed) and score the routes."""
    routes: list[Route] = []
    times: list[float] = []
    understanding.understand("bonjour")  # the first call pays for lazy set-up
    for turn in turns:
        start = time.perf_counter()
        routes.append(understanding.understand(turn.text))
        times.append((time.perf_counter() - start) * 1000)
    report = routing_metrics(turns, routes)
    report["latency_ms"] = {
        "p50": round(percentile(times, 50), 1),
        "p95": round(percentile(times, 95), 1),
    }
    languages = sorted({t.lang or r.language for t, r in zip(turns, routes, strict=True)})
    if len(languages) > 1:
        report["by_language"] = {
            lang: routing_metrics(
                *zip(
                    *[
                        (t, r)
                        for t, r in zip(turns, routes, strict=True)
                        if (t.lang or r.language) == lang
                    ],
                    strict=True,
                )
            )
            for lang in languages
        }
    learned = getattr(understanding, "routing_model", None)
    report["learned_model"] = learned.embedder if learned is not None else None
    return report
