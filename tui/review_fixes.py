"""KB fixes for the knowledge-base owners: what supervisors judged a "policy gap", tied to the
exact passage the draft cited (document, chunk, version) and the change they propose.

One JSON object a line, rewritten whole on each export from the newest review of every
suggestion, so the file always says what the reviews say now.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from knowledge_base.atomic import write_text_atomic

FIX_FIELDS = ("chunk_id", "doc_id", "version", "effective_date", "title", "section", "change")


def kb_fix_of(review: dict[str, Any] | None) -> dict[str, Any] | None:
    """The review's proposed KB fix (stored as JSON text), or None."""
    if not review or review.get("verdict") != "policy gap" or not review.get("kb_fix"):
        return None
    fix = review["kb_fix"]
    return json.loads(fix) if isinstance(fix, str) else dict(fix)


def kb_fixes(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per suggestion whose newest review proposes a KB fix, oldest first."""
    entries = []
    for row in rows:
        review = row.get("review")
        fix = kb_fix_of(review)
        if fix is None or review is None:
            continue
        entries.append(
            {
                **{k: fix.get(k) for k in FIX_FIELDS},
                "note": review.get("note") or "",
                "supervisor": review.get("supervisor"),
                "reviewed_at": review.get("at"),
                "suggestion_id": row["id"],
                "intent": row.get("intent"),
                "category": row.get("category"),
                "language": row.get("language"),
                "turn": row.get("turn"),
                "draft_text": row.get("draft_text"),
                "kb_version": row.get("kb_version"),
            }
        )
    return entries


def write_kb_fixes(path: Path, entries: list[dict[str, Any]]) -> None:
    """Replace `path` with the entries (through a temporary file: never half written)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries))
