"""The contacts a checkpointer holds, newest first, for the sessions screen.

Thread ids come from the SQLite `checkpoints` table when the saver is SQLite (one grouped query),
else from the saver's `list(None)`. Each contact's state is then read through the copilot graph
itself, so channels stored as deltas come back whole. Only redacted text is shown.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from copilot.graph import build_graph


@dataclass(frozen=True)
class ContactRow:
    """One line of the sessions list."""

    thread_id: str
    updated_at: str
    """ISO timestamp of the contact's last checkpoint."""
    turns: int
    opening: str
    """The first customer words, redacted."""
    status: str
    """'waiting for a decision', 'wrapped up' or 'open'."""


def _thread_ids(checkpointer: Any, limit: int) -> list[str]:
    conn = getattr(checkpointer, "conn", None)
    if isinstance(conn, sqlite3.Connection) and hasattr(checkpointer, "cursor"):
        with checkpointer.cursor(transaction=False) as cur:
            cur.execute(
                "SELECT thread_id FROM checkpoints WHERE checkpoint_ns = '' "
                "GROUP BY thread_id ORDER BY MAX(checkpoint_id) DESC LIMIT ?",
                (limit,),
            )
            return [str(row[0]) for row in cur.fetchall()]
    seen: dict[str, None] = {}
    for item in checkpointer.list(None):
        seen.setdefault(str(item.config["configurable"]["thread_id"]), None)
        if len(seen) >= limit:
            break
    return list(seen)


def list_contacts(checkpointer: Any, summaries: Path, limit: int = 200) -> list[ContactRow]:
    graph = build_graph().compile(checkpointer=checkpointer)
    rows = []
    for thread_id in _thread_ids(checkpointer, limit):
        snapshot = graph.get_state({"configurable": {"thread_id": thread_id}})
        transcript = list((snapshot.values or {}).get("transcript", []))
        opening = next((t["text"] for t in transcript if t["role"] == "customer"), "")
        if (summaries / f"{thread_id}.json").exists():
            status = "wrapped up"
        elif snapshot.interrupts:
            status = "waiting for a decision"
        else:
            status = "open"
        rows.append(
            ContactRow(
                thread_id=thread_id,
                updated_at=str(snapshot.created_at or ""),
                turns=len(transcript),
                opening=" ".join(opening.split()),
                status=status,
            )
        )
    rows.sort(key=lambda r: r.updated_at, reverse=True)
    return rows
