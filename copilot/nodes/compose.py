"""Draft, check and suggest actions: everything the advisor will review.

Drafting is its own node before the review node, because code before `interrupt()` runs again
on resume and a draft is the expensive step.
"""

from __future__ import annotations

import re
import time
from typing import Any

from langgraph.runtime import Runtime

from copilot.context import Context, context_of, redactor_of
from copilot.drafting.actions import suggest_actions
from copilot.drafting.grounding import check_draft
from copilot.engines.offline_text import ADVISORY_HEADINGS
from copilot.nodes.retrieve import card_of
from copilot.retrieval.search import Retriever
from copilot.state import Card, Draft, State
from copilot.understanding.routing import Route

_CITATION = re.compile(r"\[(\d{1,3})\]")


def draft(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    context = context_of(runtime)
    engine = context.engine
    route = Route.model_validate(state.route)
    cards = [Card.model_validate(c) for c in state.cards]
    answering = not (state.abstained or route.human_led)  # a briefing cites the cards only
    related = related_cards(context.retriever, cards, route.language) if answering else []
    result = engine.draft(
        turn=state.redacted_turn,
        route=route,
        cards=cards,
        transcript=state.transcript,
        abstained=state.abstained,
        instruction=state.instruction,
        on_token=context.on_token,
        redactor=redactor_of(runtime, state.redaction),
        related=related,
    )
    result = result.model_copy(update={"engine": engine.name, "model": engine.model})
    extra = [c for c in related if c.n in set(result.citations)]
    start = max((c.n for c in cards), default=0) + 1
    numbers = {c.n: n for n, c in enumerate(extra, start=start)}
    if numbers:  # the sections shown are numbered on from the cards, with no gaps

        def renumber(text: str) -> str:
            return _CITATION.sub(lambda m: f"[{numbers.get(int(m[1]), int(m[1]))}]", text)

        result = result.model_copy(
            update={
                "text": renumber(result.text),
                "notes": [renumber(note) for note in result.notes],
                "citations": sorted(numbers.get(n, n) for n in result.citations),
            }
        )
    shown = [*cards, *(c.model_copy(update={"n": numbers[c.n]}) for c in extra)]
    return {"draft": result.model_dump(), "cards": [c.model_dump() for c in shown]}


def related_cards(retriever: Retriever | None, cards: list[Card], lang: str) -> list[Card]:
    """The other sections of the customer articles in the customer's language that the cards
    come from, numbered after them: an approved template answering from the whole article
    cites the section that holds each of its sentences, and that section is then shown."""
    if retriever is None:
        return []
    docs = [c.doc_id for c in cards if c.audience == "customer" and c.lang == lang]
    have = {c.chunk_id for c in cards}
    hits = [h for h in retriever.passages_of(docs) if h.chunk_id not in have]
    start = max((c.n for c in cards), default=0) + 1
    return [card_of(n, h) for n, h in enumerate(hits, start=start)]


def check(state: State) -> dict[str, Any]:
    current = Draft.model_validate(state.draft)
    # a card's section heading is part of its passage: a briefing quotes a list item under it
    cards = {c["n"]: f"{c.get('section') or ''}\n{c['text']}".strip() for c in state.cards}
    # only what the customer said vouches for a figure: an earlier draft the advisor sent must
    # not verify the same figure invented again
    conversation = [t["text"] for t in state.transcript if t["role"] == "customer"]
    reply = current.mode == "reply"
    found = check_draft(
        current.text,
        cards,
        conversation,
        () if reply else ADVISORY_HEADINGS,
        audiences={c["n"]: c.get("audience", "customer") for c in state.cards},
        langs={c["n"]: c["lang"] for c in state.cards},
        reply_lang=(state.route or {}).get("language") if reply else None,
    )
    update = found._asdict()
    if current.no_policy_found:
        update["unsupported"] = []
    return {"draft": current.model_copy(update=update).model_dump()}


def act(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    route = Route.model_validate(state.route)
    actions = suggest_actions(route, context_of(runtime).actions)
    return {
        "actions": [a.model_dump() for a in actions],
        "latency_ms": round((time.perf_counter() - state.started_at) * 1000, 1),
    }
