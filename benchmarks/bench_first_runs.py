"""Parallel first runs: N `copilot assist` processes started at once on a fresh data directory.

    python benchmarks/bench_first_runs.py [--runs 10] [--embeddings hash]

The first one to take the indexing lock indexes the bundled sample; the others say they wait,
then use its result. The table gives how many succeeded, how many waited, how many times the
sample was indexed (its generation: 1 means once) and the wall time of the whole batch.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from copilot.config import Settings  # noqa: E402
from knowledge_base.store import KnowledgeBase  # noqa: E402

TURN = '{"role": "customer", "text": "How long does a refund take?"}\n'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--embeddings", choices=["hash", "e5"], default="hash")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        transcript = Path(tmp) / "contact.jsonl"
        transcript.write_text(TURN)
        env = os.environ | {
            "COPILOT_DATA_DIR": str(Path(tmp) / "data"),
            "COPILOT_EMBEDDINGS": args.embeddings,
            "PYTHONPATH": str(ROOT),
        }
        command = [sys.executable, "-m", "copilot", "assist", "--transcript", str(transcript)]
        started = time.perf_counter()
        procs = [
            subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(args.runs)
        ]
        results = [(p.wait(), *p.communicate()) for p in procs]
        wall = time.perf_counter() - started
        succeeded = sum(1 for code, out, _ in results if code == 0 and out.strip())
        waited = sum(1 for _, _, err in results if b"waiting for the indexing run" in err)
        settings = Settings(data_dir=Path(tmp) / "data", embeddings=args.embeddings)
        generation = KnowledgeBase.open(settings).manifest["generation"]
        errors = {err.decode().strip().splitlines()[-1] for code, _, err in results if code}
    table = Table(title=f"{args.runs} parallel first runs of `copilot assist` ({args.embeddings})")
    for column in ("runs", "succeeded", "waited", "sample generation", "wall s"):
        table.add_column(column, justify="right")
    table.add_row(str(args.runs), str(succeeded), str(waited), str(generation), f"{wall:.1f}")
    Console().print(table)
    for line in sorted(errors):
        Console(stderr=True).print(f"failed: {line}", highlight=False)


if __name__ == "__main__":
    main()
