"""Retrieve: the knowledge cards for the newest customer turn.

The query is the redacted turn. Earlier customer turns contribute context words (their nouns and
numbers, not their whole text) to the lexical query, and their already-computed vectors to the
dense context query; the retriever weighs both below the turn itself.
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from copilot.context import Context, context_of
from copilot.retrieval.search import Hit, SearchFilters
from copilot.state import Card, State
from knowledge_base.lexical import tokenize_query

CONTEXT_TURNS = 2
CONTEXT_WORDS = 8


def earlier_turns(transcript: list[dict[str, Any]]) -> list[str]:
    """The customer turns just before the newest one (at most CONTEXT_TURNS), oldest first."""
    return [t["text"] for t in transcript if t["role"] == "customer"][-CONTEXT_TURNS - 1 : -1]


def context_words(transcript: list[dict[str, Any]], turn: str) -> str:
    """A few distinctive words from the previous customer turns that the new turn lacks."""
    have = set(tokenize_query(turn))
    earlier = earlier_turns(transcript)
    words: list[str] = []
    for text in reversed(earlier):
        for word in text.split():
            clean = word.strip(".,;:!?()«»\"'").lower()
            stems = set(tokenize_query(clean))
            if len(clean) > 3 and stems and not stems & have and clean not in words:
                words.append(clean)
    return " ".join(words[:CONTEXT_WORDS])


def card_of(n: int, hit: Hit) -> Card:
    """A retrieved passage as the knowledge card numbered `n`."""
    return Card(
        n=n,
        doc_id=hit.doc_id,
        chunk_id=hit.chunk_id,
        title=hit.title,
        section=hit.section,
        lang=hit.lang,
        effective_date=hit.effective_date,
        version=hit.version,
        superseded=hit.superseded,
        audience=hit.audience,
        text=hit.text,
    )


def retrieve(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    retriever = context_of(runtime).retriever
    if retriever is None:
        return {"cards": [], "abstained": True, "retrieval_confidence": 0.0}
    route = state.route or {}
    result = retriever.search(
        state.redacted_turn,
        k=context_of(runtime).cards,
        filters=SearchFilters(audience=context_of(runtime).audience),
        prefer_lang=route.get("language"),
        context=context_words(state.transcript, state.redacted_turn) or None,
        # their vectors were computed when they were the newest turn: no new embedding
        context_texts=earlier_turns(state.transcript) or None,
    )
    cards = [card_of(i, h).model_dump() for i, h in enumerate(result.hits, start=1)]
    return {
        "cards": cards,
        "abstained": result.abstained,
        "retrieval_confidence": round(result.confidence, 3),
    }
