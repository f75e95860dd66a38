"""Redact, then understand: the first two steps of a turn.

Redaction runs before anything else sees the text, with the contact's one `Redactor` (so a value
given earlier is recognised again), and the placeholder mapping stays in the state. Understanding
reads only the redacted text; sensitive data and the advisor's category correction are applied
on top of the engine's route.
"""

from __future__ import annotations

import time
from typing import Any

from langgraph.config import get_config
from langgraph.runtime import Runtime

from copilot.context import Context, context_of, redactor_of
from copilot.limits import clip_note, reading_window, redact_turn
from copilot.privacy import SENSITIVE_TYPES
from copilot.state import State
from copilot.understanding.routing import Category, Route, escalate
from copilot.understanding.screening import injection_flags, injection_reason


def redact(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    """Replace personal data by placeholders and add the turn to the transcript."""
    context = context_of(runtime)
    thread_id = get_config()["configurable"].get("thread_id") if context.recorder else None
    if context.recorder is not None and thread_id:
        # a draft still waiting was passed over (a server client sent this turn instead of a
        # decision): it goes on record as superseded, as the session records it before a turn
        context.recorder.superseded(str(thread_id), context.advisor)
    if not state.turn and state.category_override:  # a correction re-runs the last turn
        return {"started_at": time.perf_counter()}
    redactor = redactor_of(runtime, state.redaction)
    given = context.redacted  # the session redacted it already: once per turn
    if given is not None and given[0] == state.turn:
        result, full_length = given[1]
    else:
        result, full_length = redact_turn(redactor, state.turn)
    update: dict[str, Any] = {
        "redaction": redactor.mapping,
        "transcript": [{"role": state.role, "text": result.text}],
        "started_at": time.perf_counter(),
    }
    if state.role != "customer":  # an advisor's or a bot's turn goes on record here
        if context.recorder is not None and thread_id:
            transcript = [*state.transcript, *update["transcript"]]
            context.recorder.turns(str(thread_id), context.advisor, transcript)
    else:
        update |= {
            "injection": injection_flags(reading_window(state.turn), redactor),
            "redaction": redactor.mapping,
        }
        update |= {
            "redacted_turn": result.text,
            "pii_types": sorted({e.type for e in result.entities}),
            "category_override": None,
            "instruction": None,
            "clipped_from": full_length,
        }
    return update


def is_customer_turn(state: State) -> str:
    return "understand" if state.role == "customer" else "__end__"


def understand(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    """Language, intent, category, flags and sentiment of the newest customer turn."""
    earlier = state.transcript[:-1] if state.turn else state.transcript
    redactor = redactor_of(runtime, state.redaction)
    route = context_of(runtime).engine.understand(state.redacted_turn, earlier, redactor)
    sensitive = bool(SENSITIVE_TYPES & set(state.pii_types))
    category, moved = escalate(
        route.category, list(route.flags), sensitive_pii=sensitive, injection=bool(state.injection)
    )
    reasons = [*route.reasons, *moved]
    if state.clipped_from:
        reasons.insert(0, clip_note(state.clipped_from))
    if state.injection:
        reasons.append(injection_reason(state.injection))
    confidence = route.confidence
    if state.category_override:
        category = Category(state.category_override)
        reasons.append(f"advisor corrected the category to {category.value}")
        confidence = 1.0
    final = Route.model_validate(
        route.model_dump() | {"category": category, "reasons": reasons, "confidence": confidence}
    )
    if state.category_override and final.category != category:
        # flags may still force a human-led category: the correction is kept as asked
        final = final.model_copy(update={"category": category})
    dumped = final.model_dump(mode="json")
    return {"route": dumped, "routes": [dumped]}
