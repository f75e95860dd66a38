"""Approved wrap-ups of a period as case notes for a CRM import: JSONL and CSV, redacted.

Each approved summary becomes one flat row (lists joined with " | " in the CSV). Summaries are
stored redacted already (the session replaces personal data before recording); every text is
passed through a fresh redactor once more on the way out, so a value an advisor typed into a
note in an unusual shape still leaves as a placeholder, never as itself.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from copilot.privacy import Redactor
from knowledge_base.atomic import write_text_atomic

COLUMNS = (
    "contact_id",
    "approved_at",
    "advisor",
    "text",
    "reason_for_contact",
    "key_facts",
    "actions_taken",
    "commitments",
    "follow_ups",
    "identifiers",
    "sentiment_start",
    "sentiment_end",
    "sentiment_trend",
    "engine",
)
LIST_COLUMNS = frozenset({"key_facts", "actions_taken", "commitments", "follow_ups", "identifiers"})


def case_notes(
    summaries: Iterable[dict[str, Any]], since: str | None = None, until: str | None = None
) -> list[dict[str, Any]]:
    """One row per approved summary approved from `since` to `until` (dates, both included);
    the latest approval of a contact replaces the earlier ones."""
    latest: dict[str, dict[str, Any]] = {}
    for row in summaries:
        day = str(row["at"])[:10]
        if (since and day < since) or (until and day > until):
            continue
        latest[str(row["contact_id"])] = row
    notes = []
    for row in sorted(latest.values(), key=lambda r: str(r["at"])):
        summary = row["summary"]
        redactor = Redactor()
        note: dict[str, Any] = {
            "contact_id": row["contact_id"],
            "approved_at": row["at"],
            "advisor": row["advisor"],
        }
        for column in COLUMNS[3:]:
            value = summary.get(column, [] if column in LIST_COLUMNS else "")
            if isinstance(value, list):
                note[column] = [redactor.redact(str(v)).text for v in value]
            else:
                note[column] = redactor.redact(str(value)).text
        notes.append(note)
    return notes


def write_case_notes(notes: list[dict[str, Any]], folder: Path, stem: str) -> tuple[Path, Path]:
    """`<stem>.jsonl` and `<stem>.csv` in `folder`, each written atomically."""
    folder.mkdir(parents=True, exist_ok=True)
    jsonl = folder / f"{stem}.jsonl"
    table = folder / f"{stem}.csv"
    write_text_atomic(jsonl, "".join(json.dumps(n, ensure_ascii=False) + "\n" for n in notes))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for note in notes:
        writer.writerow({k: " | ".join(v) if isinstance(v, list) else v for k, v in note.items()})
    write_text_atomic(table, buffer.getvalue())
    return jsonl, table
