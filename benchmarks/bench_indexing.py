"""Indexing and search figures of the knowledge-base layer, printed as a table.

1. Sample-KB indexing with the real e5 model: chunks/s of the whole pipeline, against the raw
   embedding throughput of the same model on the same chunk texts (ratio; aim >= 0.8).
2. Re-index of the unchanged sample KB: seconds in process, and as a `copilot kb index` command.
3. `kb search` latency p50/p95 in process at 1k/10k/100k chunks, hybrid, on a synthetic corpus
   whose *store* vectors are 384-d hashed bag-of-words (no model: 100k real embeddings would take
   hours here); the real e5 query-embedding time is measured separately and reported beside it.
4. Persistence: a >= 10k-chunk KB reopened in a new process answers, embedded and server mode.

Run: python benchmarks/bench_indexing.py [--sizes 1000,10000,100000] [--skip-server] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from copilot.config import Settings
from copilot.evaluation.metrics import percentile
from copilot.retrieval.search import Retriever
from knowledge_base import SAMPLES_DIR
from knowledge_base.chunking import chunk_document
from knowledge_base.embeddings import E5Embedder, HashEmbedder
from knowledge_base.indexer import index_paths
from knowledge_base.loaders import load_paths
from knowledge_base.store import KnowledgeBase

QUERIES = [
    "How do I dispute a payment?",
    "Comment contester un paiement ?",
    "my card was stolen what do I do",
    "frais de retard plafond",
    "can I pay earlier than planned",
    "je veux fermer mon compte",
    "refund not received after return",
    "délai de réponse à une réclamation",
]


def bench_sample_index(tmp: Path) -> dict:
    settings = Settings(data_dir=tmp / "sample", embeddings="e5")
    articles = SAMPLES_DIR / "articles"
    summary = index_paths([articles], settings)
    docs = load_paths([articles]).documents
    texts = [
        c.embedding_text(d.title)
        for d in docs
        for c in chunk_document(d, settings.chunk_max_tokens)
    ]
    embedder = E5Embedder()
    started = time.perf_counter()
    for i in range(0, len(texts), settings.embedding_batch_size):
        embedder.embed_passages(texts[i : i + settings.embedding_batch_size])
    raw_seconds = time.perf_counter() - started
    pipeline_rate = summary.chunks / summary.seconds
    raw_rate = len(texts) / raw_seconds

    reruns = []
    for _ in range(3):
        again = index_paths([articles], settings)
        assert again.embedded_chunks == 0
        reruns.append(again.seconds)
    env = os.environ | {"COPILOT_DATA_DIR": str(settings.data_dir), "COPILOT_EMBEDDINGS": "e5"}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "copilot", "kb", "index", "--sample", "--json"],
        env=env,
        check=True,
        capture_output=True,
    )
    cli_seconds = time.perf_counter() - started
    return {
        "documents": summary.added,
        "chunks": summary.chunks,
        "index_seconds": round(summary.seconds, 2),
        "pipeline_chunks_per_s": round(pipeline_rate, 2),
        "raw_embedding_chunks_per_s": round(raw_rate, 2),
        "pipeline_to_raw_ratio": round(pipeline_rate / raw_rate, 3),
        "reindex_unchanged_s_in_process": round(min(reruns), 3),
        "reindex_unchanged_s_cli": round(cli_seconds, 3),
    }


def synthetic_jsonl(path: Path, n: int, seed: int = 7) -> None:
    """n one-chunk documents built from the sample KB's vocabulary."""
    words = [
        w
        for d in load_paths([SAMPLES_DIR / "articles"]).documents
        for w in d.text.split()
        if w[0].isalnum()
    ]
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            text = " ".join(rng.choices(words, k=60))
            out.write(
                json.dumps(
                    {
                        "id": f"syn-{i}",
                        "title": f"Synthetic {i}",
                        "text": text,
                        "lang": "fr" if i % 2 else "en",
                    }
                )
                + "\n"
            )


def build_synthetic(settings: Settings, n: int, tmp: Path) -> float:
    HashEmbedder.dim = 384
    source = tmp / f"syn-{n}.jsonl"
    synthetic_jsonl(source, n)
    started = time.perf_counter()
    index_paths(
        [source],
        settings.model_copy(update={"embedding_batch_size": 1000, "max_file_mb": 1000.0}),
        kb=f"syn{n}",
    )
    return time.perf_counter() - started


def bench_search(settings: Settings, n: int, tmp: Path, repeats: int = 25) -> dict:
    build_seconds = build_synthetic(settings, n, tmp)
    retriever = Retriever(KnowledgeBase.open(settings, f"syn{n}"))
    latencies = []
    for _ in range(repeats):
        for query in QUERIES:
            retriever._query_cache.clear()
            latencies.append(retriever.search(query, k=10, mode="hybrid").latency_ms)
    return {
        "chunks": n,
        "build_s": round(build_seconds, 1),
        "p50_ms": round(percentile(latencies, 50), 2),
        "p95_ms": round(percentile(latencies, 95), 2),
    }


def bench_query_embedding(repeats: int = 10) -> dict:
    embedder = E5Embedder()
    embedder.embed_query("warm up")
    times = []
    for _ in range(repeats):
        for query in QUERIES:
            started = time.perf_counter()
            embedder.embed_query(query + " ")
            times.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": round(percentile(times, 50), 2), "p95_ms": round(percentile(times, 95), 2)}


REOPEN = (
    "import sys, json; from copilot.config import Settings; from copilot.retrieval.search import "
    "Retriever; from knowledge_base.embeddings import HashEmbedder; HashEmbedder.dim = 384; "
    "from knowledge_base.store import KnowledgeBase; "
    "kb = KnowledgeBase.open(Settings(), sys.argv[1]); "
    "r = Retriever(kb).search('remboursement carte', k=5, mode='dense'); "
    "print(json.dumps({'count': kb.collection.count(), 'hits': len(r.hits)}))"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_chroma(path: Path, port: int) -> subprocess.Popen[bytes]:
    """`chroma run` on 127.0.0.1, given a few seconds to open its store."""
    chroma = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    proc = subprocess.Popen(
        [chroma, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(3)
    return proc


def reopen(env: dict[str, str], n: int) -> dict:
    """Open the synthetic KB in a new process and search it."""
    out = subprocess.run(
        [sys.executable, "-c", REOPEN, f"syn{n}"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def bench_persistence(tmp: Path, n: int, server: bool) -> dict:
    data = tmp / ("persist-server" if server else "persist-embedded")
    env = os.environ | {"COPILOT_DATA_DIR": str(data), "COPILOT_EMBEDDINGS": "hash"}
    port = free_port()
    proc = start_chroma(data / "server", port) if server else None
    if server:
        env["COPILOT_CHROMA_URL"] = f"http://127.0.0.1:{port}"
    try:
        settings = Settings(
            data_dir=data, embeddings="hash", chroma_url=env.get("COPILOT_CHROMA_URL")
        )
        build_synthetic(settings, n, tmp)
        result = reopen(env, n)
        if proc:  # restart the server itself, then ask again
            proc.terminate()
            proc.wait(timeout=30)
            proc = start_chroma(data / "server", port)
            result["after_server_restart"] = reopen(env, n)
        return {
            "mode": "server" if server else "embedded",
            "chunks": n,
            **result,
            "ok": result["count"] == n and result["hits"] == 5,
        }
    finally:
        if proc:
            proc.terminate()
            proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--skip-server", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    console = Console()
    tmp = Path(tempfile.mkdtemp(prefix="copilot-bench-"))
    results: dict = {}
    try:
        results["sample_index"] = bench_sample_index(tmp)
        print(json.dumps(results["sample_index"]), file=sys.stderr, flush=True)
        results["query_embedding"] = bench_query_embedding()
        settings = Settings(data_dir=tmp / "search", embeddings="hash")
        results["search"] = [bench_search(settings, int(n), tmp) for n in args.sizes.split(",")]
        results["persistence"] = [bench_persistence(tmp, 10_000, False)]
        if not args.skip_server:
            results["persistence"].append(bench_persistence(tmp, 10_000, True))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    table = Table(title="knowledge-base indexing and search")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for key, value in results["sample_index"].items():
        table.add_row(f"sample KB: {key}", str(value))
    qe = results["query_embedding"]
    table.add_row("e5 query embedding p50 / p95 ms", f"{qe['p50_ms']} / {qe['p95_ms']}")
    for row in results["search"]:
        table.add_row(
            f"hybrid search (store+BM25, no query embedding) at {row['chunks']} chunks "
            "p50 / p95 ms",
            f"{row['p50_ms']} / {row['p95_ms']}",
        )
    for row in results["persistence"]:
        table.add_row(
            f"reopen {row['chunks']} chunks in a new process ({row['mode']})",
            "ok" if row["ok"] else f"FAILED {row}",
        )
    console.print(table)


if __name__ == "__main__":
    main()
