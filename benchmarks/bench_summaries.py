"""Time of the offline wrap-up summary and hand-over brief for a 30-turn contact.

    python benchmarks/bench_summaries.py [--runs 50] [--turns 30]

The contact is the two sample transcripts' turns taken in turn until it has `--turns` turns,
redacted as in a live contact; the routes are made once (the live contact has them already),
so the figures are the wrap-up's own cost. Prints p50 / p95 / max in ms per step.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from copilot.engines.offline_handover import extract_handover  # noqa: E402
from copilot.engines.offline_wrapup import extract_summary  # noqa: E402
from copilot.limits import redact_turn  # noqa: E402
from copilot.privacy import Redactor  # noqa: E402
from knowledge_base import SAMPLES_DIR  # noqa: E402


def contact(turns: int) -> list[dict[str, str]]:
    pool = []
    for path in sorted((SAMPLES_DIR / "transcripts").glob("*.jsonl")):
        pool += [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]
    redactor = Redactor()
    return [
        {
            "role": pool[i % len(pool)]["role"],
            "text": redact_turn(redactor, f"{pool[i % len(pool)]['text']} ({i})")[0].text,
        }
        for i in range(turns)
    ]


def timed(step: Callable[[], object], runs: int) -> list[float]:
    step()  # the first call loads the scorer's weights
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        step()
        times.append((time.perf_counter() - started) * 1000)
    return sorted(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--turns", type=int, default=30)
    args = parser.parse_args()
    turns = contact(args.turns)
    routes = [
        {"sentiment": "neutral", "sentiment_score": 0.0, "language": "en", "flags": []}
        for t in turns
        if t["role"] == "customer"
    ]
    steps: dict[str, Callable[[], object]] = {
        "summary (offline)": lambda: extract_summary(turns, routes, []),
        "hand-over brief (offline)": lambda: extract_handover(turns, routes),
    }
    print(f"{args.turns}-turn contact, {args.runs} runs")
    print(f"{'step':28} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for name, step in steps.items():
        times = timed(step, args.runs)
        p95 = times[int(0.95 * (len(times) - 1))]
        print(f"{name:28} {statistics.median(times):8.1f} {p95:8.1f} {times[-1]:8.1f}")


if __name__ == "__main__":
    main()
