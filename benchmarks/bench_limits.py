"""Seconds for one customer turn of growing size: classify, assist (one turn, offline engine,
sample KB) and redact, in process (no Python start-up).

The turn is words drawn from the sample articles (numbers, dates and amounts included), from a
short question to 5 MB. classify and assist read the first MAX_TURN_CHARS characters
(copilot/limits.py); `copilot redact` redacts the whole line, so its column shows the cost of
redaction itself (copilot/privacy.py).

Run: python benchmarks/bench_limits.py [--sizes 200,4000,35000,500000,5000000] [--no-redact]
(COPILOT_DATA_DIR picks the data dir; the sample KB is indexed on first use; embeddings: e5)
"""

from __future__ import annotations

import argparse
import random
import time

from langgraph.checkpoint.memory import InMemorySaver
from rich.console import Console
from rich.table import Table

from copilot.assembly import Copilot
from copilot.config import Settings
from copilot.privacy import Redactor
from copilot.reading import route_turns
from knowledge_base import SAMPLES_DIR


def turn_of(chars: int, seed: int = 7) -> str:
    words = " ".join(p.read_text() for p in sorted((SAMPLES_DIR / "articles").glob("*.md")))
    vocabulary = words.split()
    rng = random.Random(seed)
    parts = [f"Why was I charged a late fee on my order {seed}?"]
    size = len(parts[0])
    while size < chars:
        parts.append(rng.choice(vocabulary))
        size += len(parts[-1]) + 1
    return " ".join(parts)[:chars]


def seconds(call) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="200,4000,35000,500000,5000000")
    parser.add_argument("--no-redact", action="store_true", help="skip the whole-line redaction")
    args = parser.parse_args()
    settings = Settings(engine="offline")
    # the parts a contact runs on, as the workspace opens them (no records: timing only)
    copilot = Copilot.open(settings, checkpointer=InMemorySaver(), records="off")
    engine = copilot.engine
    route_turns(engine, [{"role": "customer", "text": "hello"}])  # warm: models loaded, caches read
    table = Table(title=f"one customer turn, embeddings={settings.embeddings}")
    for column in ("characters", "words", "classify s", "assist s", "redact s"):
        table.add_column(column, justify="right")
    for size in [int(s) for s in args.sizes.split(",")]:
        # a different text for each call: no embedding is served from the query cache
        text, other = turn_of(size, seed=size), turn_of(size, seed=size + 1)
        classify = seconds(lambda: route_turns(engine, [{"role": "customer", "text": text}]))  # noqa: B023
        session = copilot.session()
        assist = seconds(lambda: session.customer_turn(other))  # noqa: B023
        redact = "–" if args.no_redact else f"{seconds(lambda: Redactor().redact(text)):.2f}"  # noqa: B023
        table.add_row(
            f"{len(text):,}", f"{len(text.split()):,}", f"{classify:.2f}", f"{assist:.2f}", redact
        )
        Console(stderr=True).print(f"done: {len(text):,} characters", style="dim")
    Console().print(table)


if __name__ == "__main__":
    main()
