"""Customer turn -> full suggestion set, through the whole graph, offline engine, sample KB.

Each sample question is one customer turn of a fresh contact (redact, understand, retrieve,
draft, check, next actions, up to the advisor's review), then accepted. Reports the graph's
own latency (turn in -> suggestion ready) and the wall time of the call, p50/p95.

Run: python benchmarks/bench_agent.py [--limit N]   (COPILOT_DATA_DIR picks the data dir;
the sample KB is indexed on first use)
"""

from __future__ import annotations

import argparse
import time

from langgraph.checkpoint.memory import InMemorySaver
from rich.console import Console
from rich.table import Table

from copilot.assembly import Copilot
from copilot.config import Settings
from copilot.evaluation.metrics import percentile
from copilot.evaluation.retrieval_eval import default_queries
from copilot.state import Decision


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=150)
    args = parser.parse_args()
    settings = Settings(embeddings="e5", engine="offline")
    copilot = Copilot.open(settings, checkpointer=InMemorySaver(), records="off")
    rows = default_queries()[: args.limit]
    graph_ms: list[float] = []
    wall_ms: list[float] = []
    modes: dict[str, int] = {}
    for row in rows:
        session = copilot.session()
        started = time.perf_counter()
        suggestion = session.customer_turn(str(row["query"]))
        wall_ms.append((time.perf_counter() - started) * 1000)
        graph_ms.append(suggestion.latency_ms)
        modes[suggestion.draft.mode] = modes.get(suggestion.draft.mode, 0) + 1
        # a draft with an open slot ([amount?]) cannot be sent as it is: the advisor rejects it
        refused = suggestion.draft.one_key_refusal
        session.decide(Decision(kind="reject" if refused else "accept"))
    table = Table(title=f"offline engine, {len(rows)} turns on the sample KB")
    for column in ("measure", "p50 ms", "p95 ms"):
        table.add_column(column, justify="right")
    table.add_row(
        "turn -> suggestion set (graph)",
        f"{percentile(graph_ms, 50):.1f}",
        f"{percentile(graph_ms, 95):.1f}",
    )
    table.add_row(
        "customer_turn() wall time",
        f"{percentile(wall_ms, 50):.1f}",
        f"{percentile(wall_ms, 95):.1f}",
    )
    Console().print(table)
    Console().print(f"drafts: {modes}")


if __name__ == "__main__":
    main()
