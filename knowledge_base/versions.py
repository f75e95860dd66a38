"""Which policy versions are current, and the chunk metadata that lets retrieval filter on it.

A document is superseded when a newer one names it in `supersedes`, or when a document of the
same topic, language and audience has a later effective date. Retrieval returns only current
versions by default and marks any superseded one it is asked to show.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from knowledge_base.documents import Chunk, Document


def current_flags(records: dict[str, dict[str, Any]]) -> dict[str, dict[str, str]]:
    """doc id -> {"superseded_by": id or ""} for every document record of a generation."""
    superseded_by: dict[str, str] = {}
    for doc_id, rec in records.items():
        if rec.get("supersedes") and rec["supersedes"] in records:
            superseded_by[rec["supersedes"]] = doc_id
    groups: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for doc_id, rec in records.items():
        if rec.get("topic") and rec.get("effective_date"):
            groups[(rec["topic"], rec["lang"], rec["audience"])].append(doc_id)
    for members in groups.values():
        latest = max(members, key=lambda d: (records[d]["effective_date"], records[d]["version"]))
        for doc_id in members:
            if (
                doc_id != latest
                and records[doc_id]["effective_date"] < records[latest]["effective_date"]
            ):
                superseded_by.setdefault(doc_id, latest)
    return {doc_id: {"superseded_by": superseded_by.get(doc_id, "")} for doc_id in records}


def chunk_metadata(doc: Document, chunk: Chunk, doc_hash: str) -> dict[str, Any]:
    """Chroma metadata of a chunk: scalars only, '' for absent values."""
    effective = doc.effective_date
    return {
        "doc_id": doc.id,
        "title": doc.title,
        "section": chunk.section,
        "position": chunk.position,
        "lang": doc.lang,
        "product": doc.product,
        "audience": doc.audience,
        "effective_date": effective.isoformat() if effective else "",
        "effective_day": int(effective.strftime("%Y%m%d")) if effective else 0,
        "version": doc.version,
        "supersedes": doc.supersedes or "",
        "topic": doc.topic or "",
        "intents": ",".join(doc.intents),
        "source": doc.source,
        "doc_hash": doc_hash,
    }
