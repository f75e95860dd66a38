"""Cross-validated routing of the learned heads beside the current pipeline, per data set.

Usage (from the repository root; needs the real e5 model)::

    python benchmarks/bench_understanding.py [--eval-dir ../shared/eval] [--cache-dir DIR]
                                             [--folds 5] [--seed 0] [--json]

The training set of `copilot train routing` (the lender's own FR/EN turns, BANKING77 sampled per
intent, Bitext) is split in k folds, stratified by source and intent and keeping each paraphrase
group of the own turns in one fold. For each fold a model is trained on the others (its
thresholds tuned by an inner cross-validation, --inner-folds, on those others only) and every
turn of the fold is routed by the whole pipeline (`Understanding.understand_embedded`: learned
heads, cue rules, rule of escalation) with that model. Nothing is scored by a model that saw it.
Beside it: the learned heads alone, and the current pipeline (nearest-neighbour intents + cue
rules, no learned model) on the same turns. The held-apart turns
(`benchmarks/data/routing_heldout.jsonl`, never trained on) are routed with the shipped model.

Latency: `understand_embedded` per turn on top of the embedding (which the copilot computes
once per turn for retrieval anyway), with and without the learned heads, p50 / p95 in ms.
Embeddings are cached under --cache-dir (default /work/wt/cache when it exists).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from copilot.evaluation.metrics import percentile  # noqa: E402
from copilot.evaluation.routing_eval import routing_metrics  # noqa: E402
from copilot.understanding import route_training  # noqa: E402
from copilot.understanding.pipeline import SAMPLE_INTENTS, Understanding, load_intents  # noqa: E402
from copilot.understanding.route_data import HELD_APART, read_jsonl  # noqa: E402
from copilot.understanding.route_model import RoutingModel, shipped_model  # noqa: E402
from copilot.understanding.vector_cache import cached_queries  # noqa: E402
from knowledge_base.embeddings import E5Embedder  # noqa: E402

SHARED_CACHE = Path("/work/wt/cache")
TARGETS = {
    "own": "human-led recall >= 0.97, AI-suitable accuracy >= 0.85",
    "banking77": "human-led recall >= 0.97, AI-suitable accuracy >= 0.90",
    "bitext": "human-led recall >= 0.99, AI-suitable accuracy >= 0.90",
}


def route_all(understanding: Understanding, turns: list[Any], vectors: np.ndarray) -> tuple:
    """Routes of every turn from its cached vector, and the time of each call (ms)."""
    routes, times = [], []
    for turn, vector in zip(turns, vectors, strict=True):
        start = time.perf_counter()
        routes.append(understanding.understand_embedded(turn.text, vector))
        times.append((time.perf_counter() - start) * 1000)
    return routes, times


def cross_validate(
    data: route_training.TrainingSet, intents: list[Any], folds: int, inner: int, seed: int
) -> dict[str, list[Any]]:
    """Out-of-fold routes of every turn: pipeline with the fold's model, heads alone."""
    embedder = E5Embedder()
    ids = route_training.fold_ids(data, seed, folds)
    n = len(data.turns)
    pipeline: list[Any] = [None] * n
    heads: list[Any] = [None] * n
    for k in range(folds):
        train, test = np.flatnonzero(ids != k), np.flatnonzero(ids == k)
        arrays, meta = route_training.train(
            data.subset(train), embedder.name, seed=seed, folds=inner
        )
        model = RoutingModel(arrays, meta)
        understanding = Understanding(embedder, intents, routing_model=model)
        routes, _ = route_all(understanding, [data.turns[i] for i in test], data.vectors[test])
        for i, route, reading in zip(
            test, routes, model.read_many(data.vectors[test]), strict=True
        ):
            pipeline[i], heads[i] = route, reading
        print(f"fold {k + 1}/{folds} done", file=sys.stderr, flush=True)
    return {"pipeline": pipeline, "heads": heads}


def summarise(turns: list[Any], preds: list[Any]) -> dict[str, Any]:
    report = routing_metrics(turns, preds)
    keep = ("n", "human_led", "ai_suitable", "category_accuracy", "per_category_recall", "flags")
    return {k: report[k] for k in keep if k in report}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=ROOT.parent / "shared" / "eval")
    default_cache = SHARED_CACHE if SHARED_CACHE.is_dir() else None
    parser.add_argument("--cache-dir", type=Path, default=default_cache)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--inner-folds", type=int, default=3, help="for the thresholds")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    embedder = E5Embedder()
    intents = load_intents(SAMPLE_INTENTS)
    eval_dir = args.eval_dir if args.eval_dir.is_dir() else None
    data, missing = route_training.training_set(embedder, eval_dir, args.cache_dir, args.seed)
    for path in missing:
        print(f"skipped: {path} not found", file=sys.stderr)
    oof = cross_validate(data, intents, args.folds, args.inner_folds, args.seed)
    current = Understanding(embedder, intents, routing_model=None)
    current_routes, current_times = route_all(current, data.turns, data.vectors)

    report: dict[str, Any] = {
        "folds": args.folds,
        "inner_folds": args.inner_folds,
        "seed": args.seed,
        "sets": {},
    }
    for source in sorted({t.source for t in data.turns}):
        index = [i for i, t in enumerate(data.turns) if t.source == source]
        turns = [data.turns[i] for i in index]
        report["sets"][source] = {
            "target": TARGETS.get(source, ""),
            "learned_pipeline": summarise(turns, [oof["pipeline"][i] for i in index]),
            "learned_heads_alone": summarise(turns, [_AsRoute(oof["heads"][i]) for i in index]),
            "current_pipeline": summarise(turns, [current_routes[i] for i in index]),
        }
    model = shipped_model()
    if HELD_APART.is_file() and model is not None:
        held = read_jsonl(HELD_APART, source="held_apart")
        vectors = cached_queries(
            embedder, [t.text for t in held], args.cache_dir, label="routing-heldout"
        )
        learned = Understanding(embedder, intents, routing_model=model)
        routes, learned_times = route_all(learned, held, vectors)
        before, _ = route_all(current, held, vectors)
        report["sets"]["held_apart"] = {
            "target": "never trained on (shipped model)",
            "learned_pipeline": summarise(held, routes),
            "current_pipeline": summarise(held, before),
        }
        start = time.perf_counter()
        for vector in vectors:
            model.read(vector)
        heads_ms = (time.perf_counter() - start) * 1000 / len(vectors)
        report["latency_ms_on_top_of_embedding"] = {
            "learned_pipeline_p50": round(percentile(learned_times, 50), 2),
            "learned_pipeline_p95": round(percentile(learned_times, 95), 2),
            "current_pipeline_p50": round(percentile(current_times, 50), 2),
            "current_pipeline_p95": round(percentile(current_times, 95), 2),
            "learned_heads_mean": round(heads_ms, 3),
        }
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        print_tables(report)
    return 0


class _AsRoute:
    """A learned reading seen as a route by the metrics (category, flags, human-led)."""

    def __init__(self, reading: Any) -> None:
        self.category = reading.category
        self.flags = list(reading.flags)
        self.sentiment = "neutral"
        self.human_led = reading.human_led


def _f(value: Any) -> str:
    return "-" if value is None else f"{value:.3f}"


def print_tables(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title=f"Routing, {report['folds']}-fold cross-validated (held apart: shipped)")
    for column in ("set", "n", "reader", "human-led recall", "precision", "AI-suitable acc",
                   "category acc", "target"):  # fmt: skip
        table.add_column(
            column, justify="left" if column in ("set", "reader", "target") else "right"
        )
    for name, figures in report["sets"].items():
        for reader in ("learned_pipeline", "learned_heads_alone", "current_pipeline"):
            if reader not in figures:
                continue
            m = figures[reader]
            table.add_row(
                name,
                str(m["n"]),
                reader.replace("_", " "),
                _f(m["human_led"]["recall"]),
                _f(m["human_led"]["precision"]),
                _f(m["ai_suitable"]["accuracy"]),
                _f(m.get("category_accuracy")),
                figures["target"] if reader == "learned_pipeline" else "",
            )
    console.print(table)
    for name in ("own", "held_apart"):
        if name not in report["sets"]:
            continue
        cats = Table(title=f"Per-category recall, {name}")
        cats.add_column("category")
        for reader in ("learned_pipeline", "current_pipeline"):
            cats.add_column(reader.replace("_", " "), justify="right")
        learned = report["sets"][name]["learned_pipeline"]
        for cat, value in learned["per_category_recall"].items():
            before = report["sets"][name]["current_pipeline"]["per_category_recall"][cat]
            cats.add_row(cat, _f(value), _f(before))
        for flag, m in learned.get("flags", {}).items():
            before = report["sets"][name]["current_pipeline"]["flags"][flag]
            cats.add_row(f"flag {flag} (n={m['n']})", _f(m["recall"]), _f(before["recall"]))
        console.print(cats)
    if "latency_ms_on_top_of_embedding" in report:
        lat = Table(title="Understanding step on top of the embedding (ms per turn)")
        lat.add_column("measure")
        lat.add_column("value", justify="right")
        for key, value in report["latency_ms_on_top_of_embedding"].items():
            lat.add_row(key.replace("_", " "), str(value))
        console.print(lat)


if __name__ == "__main__":
    raise SystemExit(main())
