"""Advisor decisions turned into labelled retrieval cases: the loop back to the harness.

An accepted or edited reply is the advisor's word that the passages it still cites answer the
customer's turn. Each becomes a query row in the harness's format (`id`, `query`, `lang`,
`relevant_ids`), so `copilot eval retrieval --queries OUT.jsonl` measures retrieval against what
advisors actually sent. Replies that cite nothing are skipped (they label nothing).
"""

from __future__ import annotations

import re
from typing import Any

from copilot.store.report import decision_kind

_CITATION = re.compile(r"\[(\d+)\]")


def feedback_cases(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """(cases, skipped) from suggestions with their decisions."""
    cases: list[dict[str, Any]] = []
    skipped = 0
    for row in rows:
        kind = decision_kind(row)
        if kind not in ("accept", "edit"):
            continue
        final = row["decision"]["final_text"] or ""
        by_number = {int(c["n"]): c for c in row.get("citations", []) if c.get("n") is not None}
        # what was sent carries no [n] (it is cleaned for the customer): the draft's citations
        # say which passages the advisor accepted or edited from
        marked = final if _CITATION.search(final) else row.get("draft_text") or ""
        cited = [by_number[int(n)] for n in _CITATION.findall(marked) if int(n) in by_number]
        if not cited or not row.get("turn"):
            skipped += 1
            continue
        cases.append(
            {
                "id": row["id"],
                "query": row["turn"],
                "lang": row.get("language") or "",
                "relevant_ids": sorted({str(c["doc_id"]) for c in cited}),
                "relevant_chunks": sorted({f"{c['chunk_id']}@v{c.get('version')}" for c in cited}),
                "decision": kind,
                "draft": row.get("draft_text"),
                "final": final,
                "category": row.get("category"),
                "intent": row.get("intent"),
                "kb_version": row.get("kb_version"),
            }
        )
    return cases, skipped
