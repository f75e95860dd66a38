"""Latency of one hybrid search in process, query embedding included, at 10k and 100k chunks.

The issue's target: p95 <= 40 ms at 10k chunks and <= 80 ms at 100k on this 2-core machine.
Each search is a real `Retriever.search` (mask, e5 query embedding, dense cosines, BM25,
per-language standardisation, fusion, top-k, passage texts from Chroma, abstention signal),
for the sample KB's 257 questions, every one a text never embedded before (no cache hit).

The store is the synthetic corpus of `bench_indexing.py` (one 60-word chunk per document,
built from the sample KB's words, French and English), because embedding 100k real passages
would take about ten hours here: its *stored* vectors are 384-d hashed bags of words, while the
*query* is embedded by the real e5 model. Latency depends on the matrix shapes and the index
sizes, which are those of a real KB of that many chunks; ranking quality here means nothing
(see `copilot eval retrieval` for quality).

Run: python benchmarks/bench_search.py [--sizes 10000,100000] [--data-dir DIR] [--json]
(`--data-dir` keeps the synthetic KBs between runs; building 100k chunks takes a few minutes.)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_indexing import build_synthetic  # noqa: E402

from copilot.config import Settings  # noqa: E402
from copilot.evaluation.metrics import percentile  # noqa: E402
from copilot.evaluation.retrieval_eval import default_queries  # noqa: E402
from copilot.retrieval.search import Retriever  # noqa: E402
from knowledge_base.embeddings import E5Embedder, HashEmbedder, _cached_e5_query  # noqa: E402
from knowledge_base.errors import KnowledgeBaseError  # noqa: E402
from knowledge_base.store import KnowledgeBase  # noqa: E402


class E5QueriesOnly:
    """The real e5 model for queries over a store of hashed passage vectors (same shapes)."""

    name = "e5 queries over hashed passages"

    def __init__(self) -> None:
        self._e5 = E5Embedder()

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        raise RuntimeError("the benchmark never embeds passages with e5")

    def embed_query(self, text: str) -> np.ndarray:
        return self._e5.embed_query(text)


def open_synthetic(settings: Settings, n: int, tmp: Path) -> KnowledgeBase:
    """The n-chunk synthetic KB, built unless a kept data dir already has it."""
    try:
        kb = KnowledgeBase.open(settings, f"syn{n}")
        # a few random texts repeat or look like injections; an older build lacks texts
        if kb.count >= 0.99 * n and kb.texts is not None:
            return kb
    except KnowledgeBaseError:
        pass
    print(f"building the {n}-chunk synthetic KB ...", file=sys.stderr, flush=True)
    build_synthetic(settings, n, tmp)
    return KnowledgeBase.open(settings, f"syn{n}")


def bench_size(settings: Settings, n: int, tmp: Path, queries: list[str]) -> dict[str, Any]:
    kb = open_synthetic(settings, n, tmp)
    kb.embedder = E5QueriesOnly()
    _cached_e5_query.cache_clear()  # every size embeds every query afresh
    retriever = Retriever(kb)
    retriever.search("warm up the model and the caches", k=10)
    totals, embeds, rest = [], [], []
    load_before = os.getloadavg()[0]
    for query in queries:
        result = retriever.search(query, k=10, mode="hybrid")
        totals.append(result.latency_ms)
        embeds.append(result.embed_ms)
        rest.append(result.latency_ms - result.embed_ms)
    return {
        "chunks": n,
        "indexed_chunks": kb.count,
        "searches": len(totals),
        "p50_ms": round(percentile(totals, 50), 1),
        "p95_ms": round(percentile(totals, 95), 1),
        "embed_p50_ms": round(percentile(embeds, 50), 1),
        "embed_p95_ms": round(percentile(embeds, 95), 1),
        "search_p50_ms": round(percentile(rest, 50), 1),
        "search_p95_ms": round(percentile(rest, 95), 1),
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


TARGET_P95_MS = {10_000: 40.0, 100_000: 80.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--data-dir", type=Path, help="keep the synthetic KBs here")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    HashEmbedder.dim = 384
    tmp = args.data_dir or Path(tempfile.mkdtemp(prefix="copilot-bench-search-"))
    tmp.mkdir(parents=True, exist_ok=True)
    settings = Settings(data_dir=tmp / "search", embeddings="hash")
    # Distinct texts, so no search finds its query vector in a cache.
    queries = list(dict.fromkeys(str(row["query"]) for row in default_queries()))
    started = time.perf_counter()
    try:
        rows = [bench_size(settings, int(n), tmp, queries) for n in args.sizes.split(",")]
    finally:
        if args.data_dir is None:
            shutil.rmtree(tmp, ignore_errors=True)
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    table = Table(
        title=f"hybrid search with e5 query embedding ({time.perf_counter() - started:.0f} s)"
    )
    for column in (
        "chunks",
        "searches",
        "p50 / p95 ms",
        "target p95",
        "e5 query p50 / p95",
        "rest p50 / p95",
        "load avg before / after",
    ):
        table.add_column(column, justify="right")
    for row in rows:
        target = TARGET_P95_MS.get(row["chunks"])
        met = (
            ""
            if target is None
            else f"{target:.0f} ({'met' if row['p95_ms'] <= target else 'NOT met'})"
        )
        table.add_row(
            str(row["indexed_chunks"]),
            str(row["searches"]),
            f"{row['p50_ms']} / {row['p95_ms']}",
            met,
            f"{row['embed_p50_ms']} / {row['embed_p95_ms']}",
            f"{row['search_p50_ms']} / {row['search_p95_ms']}",
            " / ".join(str(x) for x in row["load_average"]),
        )
    Console().print(table)


if __name__ == "__main__":
    main()
