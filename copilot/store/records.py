"""`Store`: what the copilot showed, what the advisor decided, and what a supervisor judged.

Everything is kept in redacted form (placeholders, never the customer's raw values): a contact's
records arrive redacted by its session (`copilot.session`, with the contact's own placeholders);
a supervisor's free text (review note, proposed KB change) is redacted here. Each write
is one transaction that adds the record row and its audit-chain entry together; it returns only
after the commit, so a write the caller saw succeed survives a crash of the process.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from copilot.privacy import Redactor
from copilot.store.anchor import AuditAnchor, Head
from copilot.store.audit import Chain
from copilot.store.database import Database, StoreError
from copilot.store.edits import edit_distance, words
from copilot.store.schema import RECORD_TABLES, migrate
from copilot.store.verify import Verification, verify

VERDICTS = ("good", "coaching needed", "policy gap", "AI error")
DECISION_KINDS = ("accept", "edit", "reject", "regenerate")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def new_id() -> str:
    return uuid.uuid4().hex


@dataclass
class QueueFilter:
    """What the supervisor's queue shows; None means any."""

    since: str | None = None
    until: str | None = None
    advisor: str | None = None
    category: str | None = None
    flag: str | None = None
    engine: str | None = None
    kinds: tuple[str, ...] = field(default_factory=tuple)
    """Decision kinds to keep (e.g. ("reject",)); empty: all, undecided included."""
    min_edit_distance: int | None = None
    """Heavy edits: keep decisions at least this many words away from the draft."""
    reviewed: bool | None = None
    suggestion_id: str | None = None
    """Just this suggestion."""


class Store:
    """The record store over one database (SQLite file or PostgreSQL)."""

    def __init__(self, db: Database, anchor: AuditAnchor | None = None):
        self.db = db
        self.anchor = anchor or AuditAnchor.for_database(db)
        """The audit key and head file (default: the key file beside the database)."""
        self.schema_version = migrate(db)

    @contextmanager
    def _recording(self) -> Iterator[Chain]:
        """One write transaction on the audit chain; the head file moves after the commit."""
        key = self.anchor.key_for_writing()
        with self.db.write() as w:
            chain = Chain(w, key, self.anchor.read_head(), str(self.anchor.head_path))
            yield chain
        if chain.appended:
            self.anchor.advance(chain.head(), self.db.where)

    # -- writes --------------------------------------------------------------------------------

    def start_contact(
        self, thread_id: str, advisor: str, engine: str = "", kb_version: str = ""
    ) -> str:
        """The contact's id, created on first use (idempotent per thread)."""
        with self._recording() as chain:
            w = chain.w
            found = w.query("SELECT id FROM contacts WHERE thread_id = ?", (thread_id,))
            if found:
                return str(found[0][0])
            contact_id, at = new_id(), now()
            row = {
                "id": contact_id,
                "thread_id": thread_id,
                "advisor": advisor,
                "started_at": at,
                "engine": engine,
                "kb_version": kb_version,
            }
            chain.insert("contacts", row, advisor, at)
            return contact_id

    def add_turns(self, contact_id: str, turns: list[dict[str, Any]], actor: str) -> int:
        """Append redacted turns after those already stored; returns how many are stored now."""
        with self._recording() as chain:
            w = chain.w
            stored = int(
                w.query("SELECT COUNT(*) FROM turns WHERE contact_id = ?", (contact_id,))[0][0]
            )
            for position, turn in enumerate(turns[stored:], start=stored):
                at = now()
                row = {
                    "id": new_id(),
                    "contact_id": contact_id,
                    "position": position,
                    "role": turn["role"],
                    "text": turn["text"],
                    "at": at,
                }
                chain.insert("turns", row, actor, at)
            return max(stored, len(turns))

    def record_suggestion(
        self, contact_id: str, advisor: str, payload: dict[str, Any], kb_version: str = ""
    ) -> str:
        """A suggestion as shown (redacted): route, draft, cited passages with their versions."""
        route, draft = payload["route"], payload["draft"]
        citations = [
            {
                k: card.get(k)
                for k in (
                    "n",
                    "chunk_id",
                    "doc_id",
                    "version",
                    "effective_date",
                    "superseded",
                    "title",
                    "section",
                    "lang",
                )
            }
            for card in payload.get("cards", [])
        ]
        suggestion_id, at = new_id(), now()
        row = {
            "id": suggestion_id,
            "contact_id": contact_id,
            "at": at,
            "advisor": advisor,
            "turn": payload.get("turn", ""),
            "category": route.get("category"),
            "confidence": route.get("confidence"),
            "flags": _json(route.get("flags", [])),
            "intent": route.get("intent"),
            "language": route.get("language"),
            "sentiment": route.get("sentiment"),
            "mode": draft.get("mode"),
            "draft_text": draft.get("text"),
            "engine": draft.get("engine"),
            "model": draft.get("model"),
            "prompt_version": draft.get("prompt_version"),
            "kb_version": kb_version,
            "citations": _json(citations),
            "unsupported": _json(draft.get("unsupported", [])),
            "unverified": _json(draft.get("unverified", [])),
            "actions": _json([a.get("id") for a in payload.get("actions", [])]),
            "abstained": int(bool(payload.get("abstained"))),
            "retrieval_confidence": payload.get("retrieval_confidence"),
            "latency_ms": payload.get("latency_ms"),
        }
        with self._recording() as chain:
            chain.insert("suggestions", row, advisor, at)
        return suggestion_id

    def record_decision(
        self,
        suggestion_id: str,
        advisor: str,
        kind: str,
        final_text: str | None = None,
        reason: str | None = None,
        instruction: str | None = None,
    ) -> str:
        """The advisor's decision on a suggestion; a second call for the same one is a no-op."""
        if kind not in DECISION_KINDS:
            raise StoreError(f"unknown decision {kind!r}: one of {', '.join(DECISION_KINDS)}")
        with self._recording() as chain:
            w = chain.w
            found = w.query("SELECT id FROM decisions WHERE suggestion_id = ?", (suggestion_id,))
            if found:
                return str(found[0][0])
            draft = w.query("SELECT draft_text FROM suggestions WHERE id = ?", (suggestion_id,))
            if not draft:
                raise StoreError(f"no suggestion {suggestion_id} to decide on")
            sent = final_text if kind in ("accept", "edit") else None
            decision_id, at = new_id(), now()
            row = {
                "id": decision_id,
                "suggestion_id": suggestion_id,
                "at": at,
                "advisor": advisor,
                "kind": kind,
                "final_text": final_text,
                "reason": reason,
                "instruction": instruction,
                "edit_distance": edit_distance(draft[0][0], sent) if sent is not None else None,
                "draft_words": len(words(draft[0][0])),
            }
            chain.insert("decisions", row, advisor, at)
            return decision_id

    def record_summary(self, contact_id: str, advisor: str, summary: dict[str, Any]) -> str:
        """An approved wrap-up (redacted); a later approval is added, the newest one counts."""
        summary_id, at = new_id(), now()
        row = {
            "id": summary_id,
            "contact_id": contact_id,
            "at": at,
            "advisor": advisor,
            "summary": _json(summary),
        }
        with self._recording() as chain:
            chain.insert("summaries", row, advisor, at)
        return summary_id

    def record_review(
        self,
        suggestion_id: str,
        supervisor: str,
        verdict: str,
        note: str = "",
        kb_fix: dict[str, Any] | None = None,
    ) -> str:
        """A supervisor's verdict on a suggestion; a later review is added, the newest counts."""
        if verdict not in VERDICTS:
            raise StoreError(f"unknown verdict {verdict!r}: one of {', '.join(VERDICTS)}")
        if not self.db.query("SELECT 1 FROM suggestions WHERE id = ?", (suggestion_id,)):
            raise StoreError(f"no suggestion {suggestion_id} to review")
        # the contact's mapping is not here: what detection finds is replaced, as in the records
        redactor = Redactor()
        note = redactor.redact(note).text
        if kb_fix and isinstance(kb_fix.get("change"), str):
            kb_fix = {**kb_fix, "change": redactor.redact(kb_fix["change"]).text}
        review_id, at = new_id(), now()
        row = {
            "id": review_id,
            "suggestion_id": suggestion_id,
            "at": at,
            "supervisor": supervisor,
            "verdict": verdict,
            "note": note,
            "kb_fix": _json(kb_fix) if kb_fix else None,
        }
        with self._recording() as chain:
            chain.insert("reviews", row, supervisor, at)
        return review_id

    def prune(self, retention_days: int, actor: str = "retention") -> int:
        """Delete audit entries older than the retention period and the rows they recorded."""
        cutoff = (datetime.now(UTC) - timedelta(days=retention_days)).isoformat()
        with self._recording() as chain:
            w = chain.w
            old = w.query(
                "SELECT seq, hash, table_name, record_id, action FROM audit_log "
                "WHERE at < ? ORDER BY seq",
                (cutoff,),
            )
            if not old:
                return 0
            last_seq, last_hash = int(old[-1][0]), str(old[-1][1])
            w.execute("UPDATE store_flags SET pruning = 1")
            removed = 0
            for _, _, table, record_id, action in old:
                if action == "insert" and table in RECORD_TABLES:
                    w.execute(f"DELETE FROM {table} WHERE id = ?", (record_id,))
                    removed += 1
            w.execute("DELETE FROM audit_log WHERE seq <= ?", (last_seq,))
            w.execute("UPDATE store_flags SET pruning = 0")
            anchor = f"{last_seq}:{last_hash}"
            chain.append(now(), actor, "prune", "audit_log", anchor, "", chain.records - removed)
            return len(old)

    # -- reads ---------------------------------------------------------------------------------

    def contact_id(self, thread_id: str) -> str | None:
        rows = self.db.query("SELECT id FROM contacts WHERE thread_id = ?", (thread_id,))
        return str(rows[0][0]) if rows else None

    def undecided_suggestion(self, contact_id: str) -> str | None:
        """The newest suggestion of the contact still waiting for a decision."""
        rows = self.db.query(
            "SELECT s.id FROM suggestions s LEFT JOIN decisions d ON d.suggestion_id = s.id "
            "WHERE s.contact_id = ? AND d.id IS NULL ORDER BY s.at DESC LIMIT 1",
            (contact_id,),
        )
        return str(rows[0][0]) if rows else None

    def suggestions(self, where: QueueFilter | None = None) -> list[dict[str, Any]]:
        """Suggestions with their decision and newest review, oldest first, filtered."""
        where = where or QueueFilter()
        sql, params = "SELECT * FROM suggestions WHERE 1 = 1", []
        for column, op, value in (
            ("id", "=", where.suggestion_id),
            ("at", ">=", where.since),
            ("at", "<", where.until),
            ("advisor", "=", where.advisor),
            ("category", "=", where.category),
            ("engine", "=", where.engine),
        ):
            if value:
                sql += f" AND {column} {op} ?"
                params.append(value)
        rows = self.db.columns(sql + " ORDER BY at", params)
        # decisions and reviews of the selected suggestions only
        chosen = sql.replace("SELECT *", "SELECT id", 1)
        decisions = {
            d["suggestion_id"]: d
            for d in self.db.columns(
                f"SELECT * FROM decisions WHERE suggestion_id IN ({chosen})", params
            )
        }
        reviews: dict[str, dict[str, Any]] = {}
        review_counts: Counter[str] = Counter()
        for review in self.db.columns(
            f"SELECT * FROM reviews WHERE suggestion_id IN ({chosen}) ORDER BY at", params
        ):
            reviews[review["suggestion_id"]] = review
            review_counts[review["suggestion_id"]] += 1
        out = []
        for row in rows:
            for key in ("flags", "citations", "unsupported", "unverified", "actions"):
                row[key] = json.loads(row[key] or "[]")
            row["decision"] = decisions.get(row["id"])
            row["review"] = reviews.get(row["id"])
            row["reviews"] = review_counts[row["id"]]  # an amendment adds one; the newest counts
            if _keep(row, where):
                out.append(row)
        return out

    def suggestion(self, suggestion_id: str) -> dict[str, Any] | None:
        """One suggestion with its decision and newest review, or None."""
        found = self.suggestions(QueueFilter(suggestion_id=suggestion_id))
        return found[0] if found else None

    def conversation(self, contact_id: str, until: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT role, text, at FROM turns WHERE contact_id = ?"
        params: list[Any] = [contact_id]
        if until:
            sql += " AND at <= ?"
            params.append(until)
        return self.db.columns(sql + " ORDER BY position", params)

    def summaries(self) -> list[dict[str, Any]]:
        rows = self.db.columns("SELECT * FROM summaries ORDER BY at")
        return [{**r, "summary": json.loads(r["summary"])} for r in rows]

    def verify(self, expected: Head | None = None) -> Verification:
        """The audit trail checked, against the head file and `expected` (an exported head)."""
        return verify(self.db, self.anchor, expected)

    def close(self) -> None:
        self.db.close()


def _keep(row: dict[str, Any], where: QueueFilter) -> bool:
    decision = row["decision"]
    if where.flag and where.flag not in row["flags"]:
        return False
    if where.kinds and (decision is None or decision["kind"] not in where.kinds):
        return False
    if where.min_edit_distance is not None and (
        decision is None or (decision["edit_distance"] or 0) < where.min_edit_distance
    ):
        return False
    return where.reviewed is None or where.reviewed == (row["review"] is not None)


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)
