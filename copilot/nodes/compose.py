"""Draft, check and suggest actions: everything the advisor will review.

Drafting is its own node before the review node, because code before `interrupt()` runs again
on resume and a draft is the expensive step.
"""

from __future__ import annotations

import time
from typing import Any

from langgraph.runtime import Runtime

from copilot.actions import suggest_actions
from copilot.context import Context, context_of, redactor_of
from copilot.engines.offline_text import ADVISORY_HEADINGS
from copilot.grounding import check_draft
from copilot.routing import Route
from copilot.state import Card, Draft, State


def draft(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    engine = context_of(runtime).engine
    result = engine.draft(
        turn=state.redacted_turn,
        route=Route.model_validate(state.route),
        cards=[Card.model_validate(c) for c in state.cards],
        transcript=state.transcript,
        abstained=state.abstained,
        instruction=state.instruction,
        on_token=context_of(runtime).on_token,
        redactor=redactor_of(runtime, state.redaction),
    )
    result = result.model_copy(update={"engine": engine.name, "model": engine.model})
    return {"draft": result.model_dump()}


def check(state: State) -> dict[str, Any]:
    current = Draft.model_validate(state.draft)
    cards = {c["n"]: c["text"] for c in state.cards}
    # only what the customer said vouches for a figure: an earlier draft the advisor sent must
    # not verify the same figure invented again
    conversation = [t["text"] for t in state.transcript if t["role"] == "customer"]
    advisory = ADVISORY_HEADINGS if current.mode == "briefing" else ()
    unsupported, unverified = check_draft(current.text, cards, conversation, advisory)
    if current.no_policy_found:
        unsupported = []
    current = current.model_copy(update={"unsupported": unsupported, "unverified": unverified})
    return {"draft": current.model_dump()}


def act(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    route = Route.model_validate(state.route)
    actions = suggest_actions(route, context_of(runtime).actions)
    return {
        "actions": [a.model_dump() for a in actions],
        "latency_ms": round((time.perf_counter() - state.started_at) * 1000, 1),
    }
