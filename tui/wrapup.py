"""The wrap-up summary as the advisor edits it: plain text with headings, read back on approval.

The editor shows the structured `Summary` as short headed sections; whatever the advisor changes
is parsed back into the same fields, and the text itself is kept too. Approved summaries are
written to `<data_dir>/summaries/<thread_id>.json` (redacted by the session, as on record) until
the contact store takes them over.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from copilot.state import Summary
from knowledge_base.atomic import write_text_atomic

SECTIONS: list[tuple[str, str]] = [
    ("key_facts", "Key facts"),
    ("actions_taken", "Actions taken"),
    ("commitments", "Commitments"),
    ("follow_ups", "Follow-ups"),
]
_NOTE = "Case note:"
_REASON = "Reason for contact:"
_SENTIMENT = "Sentiment:"


def summary_text(summary: Summary, confirmed_actions: Sequence[str] = ()) -> str:
    """The editable text; actions the advisor ticked are added to 'Actions taken'."""
    lines = [f"{_NOTE} {summary.text}", ""] if summary.text else []
    lines += [f"{_REASON} {summary.reason_for_contact}", ""]
    for field, heading in SECTIONS:
        items = list(getattr(summary, field))
        if field == "actions_taken":
            items += [a for a in confirmed_actions if a not in items]
        lines.append(f"{heading}:")
        lines += [f"- {item}" for item in items] or ["- "]
        lines.append("")
    lines.append(f"{_SENTIMENT} {summary.sentiment_start} -> {summary.sentiment_end}")
    if summary.identifiers:
        lines.append(f"Identifiers (placeholders): {', '.join(summary.identifiers)}")
    return "\n".join(lines)


def parse_summary_text(text: str, base: Summary) -> Summary:
    """Read the edited text back into a `Summary`; a section left out keeps nothing."""
    data = base.model_dump()
    headings = {f"{heading.lower()}:": field for field, heading in SECTIONS}
    lists: dict[str, list[str]] = {field: [] for field, _ in SECTIONS}
    current: str | None = None
    reason: list[str] = []
    note: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith(_NOTE):
            note.append(line[len(_NOTE) :].strip())
            current = "note"
        elif line.startswith(_REASON):
            reason.append(line[len(_REASON) :].strip())
            current = "reason"
        elif line.lower() in headings:
            current = headings[line.lower()]
        elif line.startswith(_SENTIMENT):
            start, _, end = line[len(_SENTIMENT) :].partition("->")
            data["sentiment_start"] = start.strip() or base.sentiment_start
            data["sentiment_end"] = end.strip() or base.sentiment_end
            current = None
        elif not line:
            continue
        elif current == "reason":
            reason.append(line)
        elif current == "note":
            note.append(line)
        elif current in lists:
            item = line[1:].strip() if line.startswith(("-", "*", "•")) else line
            if item:
                lists[current].append(item)
    data["reason_for_contact"] = " ".join(reason).strip() or base.reason_for_contact
    data["text"] = " ".join(note).strip() if note else base.text
    data.update(lists)
    return Summary.model_validate(data)


def save_summary(folder: Path, thread_id: str, summary: Summary, text: str) -> Path:
    """Write the approved summary atomically; a second approval replaces the first."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{thread_id}.json"
    payload = {
        "thread_id": thread_id,
        "approved_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "summary": summary.model_dump(),
        "text": text,
    }
    write_text_atomic(path, json.dumps(payload, ensure_ascii=False, indent=2))
    return path
