"""One advisor process for the store's concurrency and crash tests (and its benchmark).

    python tests/store_writer.py DATABASE ADVISOR N HOME

DATABASE is a postgresql:// URL or a SQLite file path; HOME is the data directory that holds the
audit key and head file for a PostgreSQL database (a SQLite file keeps them beside it). The
process opens one contact and makes N decisions (a suggestion, then the advisor's decision on
it), printing `ack <decision id>` after each commit, so whoever kills it knows exactly what was
acknowledged.
"""

from __future__ import annotations

import sys
from pathlib import Path

from copilot.store import Store
from copilot.store.database import Database, is_postgres_url

KINDS = ("accept", "edit", "reject", "accept", "regenerate")


def payload(n: int) -> dict[str, object]:
    return {
        "route": {
            "category": "simple_question",
            "confidence": 0.9,
            "flags": [],
            "intent": "late_fee",
            "language": "en",
            "sentiment": "neutral",
        },
        "draft": {
            "mode": "reply",
            "text": f"Draft number {n} cites the fee rule [1].",
            "engine": "offline",
        },
        "cards": [{"n": 1, "chunk_id": "fees#0", "doc_id": "fees", "version": 2}],
        "actions": [],
        "abstained": False,
        "retrieval_confidence": 0.9,
        "latency_ms": 50.0,
        "turn": f"turn {n}",
    }


def open_target(target: str, home: Path) -> Store:
    """The store at a SQLite path or a PostgreSQL URL (its audit key and head file in `home`)."""
    if is_postgres_url(target):
        return Store(Database.open(target, home / "records.sqlite"))
    return Store(Database.open(None, Path(target)))


def main() -> None:
    target, advisor, count, home = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
    store = open_target(target, home)
    contact = store.start_contact(f"thread-{advisor}", advisor, "offline", "bench g1")
    for n in range(count):
        suggestion = store.record_suggestion(contact, advisor, payload(n), "bench g1")
        kind = KINDS[n % len(KINDS)]
        final = f"Draft number {n} cites the fee rule, edited [1]." if kind == "edit" else None
        decision = store.record_decision(
            suggestion,
            advisor,
            kind,
            final_text=final,
            reason="wrong" if kind == "reject" else None,
        )
        print(f"ack {decision}", flush=True)
    store.close()


if __name__ == "__main__":
    main()
