"""The copilot under LangGraph Server beside the same turns in-process: a bounded load run.

N contacts at once (default 20), each with T customer turns (default 5, the sample questions),
offline engine, each suggestion accepted. The same workload runs twice on one data dir: first
in-process (`Copilot.session`, one Python thread per contact), then through `langgraph dev`
(in-memory runtime, one langgraph-sdk client task per contact, `runs.wait` for the turn and
again for the decision). Prints p50/p95 per turn and per decision for both and their ratio, and
checks that every suggestion and decision of both runs is in the record store, with
`audit verify` intact (lost records: 0 is the pass mark).

Run: python benchmarks/bench_server.py [--contacts 20] [--turns 5] [--embeddings e5|hash]
Needs the server extra: pip install -e '.[server]'.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from langgraph.checkpoint.memory import InMemorySaver  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from copilot.assembly import Copilot  # noqa: E402
from copilot.config import Settings  # noqa: E402
from copilot.evaluation.metrics import percentile  # noqa: E402
from copilot.evaluation.retrieval_eval import default_queries  # noqa: E402
from copilot.state import Decision, Draft  # noqa: E402
from copilot.store import open_store, verify_store  # noqa: E402
from tests.langgraph_server import LangGraphServer, missing_server_extra  # noqa: E402

Timings = dict[str, list[float]]


def workload(contacts: int, turns: int) -> list[list[str]]:
    """Each contact's customer turns: the sample questions in order, wrapping around."""
    questions = [str(row["query"]) for row in default_queries()]
    return [
        [questions[(c * turns + t) % len(questions)] for t in range(turns)] for c in range(contacts)
    ]


def decision_on(draft: dict) -> Decision:
    """Accept, unless the draft needs the advisor's edit: the same on both paths."""
    refusal = Draft.model_validate(draft).one_key_refusal
    return Decision(kind="reject", reason=refusal) if refusal else Decision(kind="accept")


def in_process(settings: Settings, plan: list[list[str]]) -> Timings:
    timings: Timings = {"turn": [], "decision": []}
    with Copilot.open(settings, checkpointer=InMemorySaver(), records="required") as copilot:
        # warm: models loaded, caches read (its suggestion stays undecided: counted below)
        copilot.session().customer_turn(plan[0][0])

        def contact(turns: list[str]) -> None:
            session = copilot.session()
            for text in turns:
                started = time.perf_counter()
                suggestion = session.customer_turn(text)
                shown = time.perf_counter()
                session.decide(decision_on(suggestion.draft.model_dump()))
                timings["turn"].append((shown - started) * 1000)
                timings["decision"].append((time.perf_counter() - shown) * 1000)

        with ThreadPoolExecutor(max_workers=len(plan)) as pool:
            list(pool.map(contact, plan))
    return timings


async def through_server(url: str, plan: list[list[str]]) -> Timings:
    from langgraph_sdk import get_client

    client = get_client(url=url, timeout=600)
    timings: Timings = {"turn": [], "decision": []}
    warm = (await client.threads.create())["thread_id"]
    await client.runs.wait(warm, "copilot", input={"turn": plan[0][0]})  # opens the copilot

    async def contact(turns: list[str]) -> None:
        thread = (await client.threads.create())["thread_id"]
        for text in turns:
            started = time.perf_counter()
            values = await client.runs.wait(
                thread, "copilot", input={"turn": text, "role": "customer"}
            )
            shown = time.perf_counter()
            decision = decision_on(values["draft"]).model_dump()
            await client.runs.wait(thread, "copilot", command={"resume": decision})
            timings["turn"].append((shown - started) * 1000)
            timings["decision"].append((time.perf_counter() - shown) * 1000)

    await asyncio.gather(*(contact(turns) for turns in plan))
    return timings


def decided(settings: Settings) -> tuple[int, int]:
    """Suggestions on record, and how many of them carry a decision."""
    store = open_store(settings)
    try:
        rows = store.suggestions()
    finally:
        store.close()
    return len(rows), sum(1 for r in rows if r["decision"] is not None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=20)
    parser.add_argument("--turns", type=int, default=5)
    parser.add_argument("--embeddings", choices=["e5", "hash"], default="e5")
    args = parser.parse_args()
    if why := missing_server_extra():
        sys.exit(why)
    data_dir = Path(tempfile.mkdtemp(prefix="bench-server-"))
    settings = Settings(data_dir=data_dir, embeddings=args.embeddings, engine="offline")
    plan = workload(args.contacts, args.turns)
    expected = args.contacts * args.turns

    began = time.perf_counter()
    local = in_process(settings, plan)
    local_s = time.perf_counter() - began
    shown_local, decided_local = decided(settings)

    server = LangGraphServer(
        {
            "COPILOT_DATA_DIR": str(data_dir),
            "COPILOT_EMBEDDINGS": args.embeddings,
            "COPILOT_ENGINE": "offline",
            "ANONYMIZED_TELEMETRY": "False",
        },
        jobs=args.contacts,
    )
    server.start()
    try:
        began = time.perf_counter()
        served = asyncio.run(through_server(server.url, plan))
        served_s = time.perf_counter() - began
    finally:
        server.stop()
    shown_all, decided_all = decided(settings)
    audit = verify_store(settings)

    table = Table(
        title=f"{args.contacts} contacts at once x {args.turns} turns, offline engine, "
        f"{args.embeddings} embeddings, sample KB"
    )
    for column in ("step", "in-process p50", "p95", "server p50", "p95", "ratio p50", "ratio p95"):
        table.add_column(column, justify="right")
    for step in ("turn", "decision"):
        a, b = local[step], served[step]
        a50, a95, b50, b95 = (
            percentile(a, 50),
            percentile(a, 95),
            percentile(b, 50),
            percentile(b, 95),
        )
        table.add_row(
            f"{step} (ms)",
            f"{a50:.0f}",
            f"{a95:.0f}",
            f"{b50:.0f}",
            f"{b95:.0f}",
            f"{b50 / a50:.2f}",
            f"{b95 / a95:.2f}",
        )
    console = Console()
    console.print(table)
    # in-process: the warm-up turn stays undecided; server: its warm-up run is one more
    lost_local = (expected + 1) - shown_local + (expected - decided_local)
    lost_server = (
        (expected + 1) - (shown_all - shown_local) + (expected - (decided_all - decided_local))
    )
    console.print(
        f"wall: in-process {local_s:.1f} s, server {served_s:.1f} s | records: "
        f"{shown_all} suggestions, {decided_all} decided | lost: in-process {lost_local}, "
        f"server {lost_server} | audit: {'intact' if audit.ok else 'BROKEN: ' + str(audit.problem)}"
    )
    if lost_local or lost_server or not audit.ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
