"""Review: the advisor decides. Nothing reaches the customer without this interrupt.

The payload is the whole suggestion; the resume value is a `Decision`. Regenerate goes back to
the draft node with the instruction; every other decision is recorded with the final text, and
an accepted or edited reply (not a briefing) joins the transcript as the advisor's turn.
"""

from __future__ import annotations

import time
from typing import Any

from langgraph.config import get_config
from langgraph.runtime import Runtime
from langgraph.types import interrupt

from copilot.context import Context, context_of, redactor_of
from copilot.drafting.prose import customer_text
from copilot.privacy import Redactor
from copilot.state import Decision, Draft, State


def final_text(decision: Decision, draft: dict[str, Any] | None) -> str | None:
    """The text a decision settles on (accept: the draft; edit: the advisor's version). A reply
    is kept as the customer receives it: no citation marks, slot markers or markup."""
    final = decision.text
    if decision.kind == "accept" and final is None:
        final = (draft or {}).get("text")
    sent = decision.kind in ("accept", "edit") and (draft or {}).get("mode") == "reply"
    return customer_text(final) if final is not None and sent else final


def suggestion_payload(state: State) -> dict[str, Any]:
    """What the advisor is shown (placeholders are restored by the session, not here)."""
    return {
        "route": state.route,
        "cards": state.cards,
        "draft": state.draft,
        "actions": state.actions,
        "abstained": state.abstained,
        "retrieval_confidence": state.retrieval_confidence,
        "latency_ms": state.latency_ms,
        "pii_types": state.pii_types,
        "injection": state.injection,
    }


def review(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    context = context_of(runtime)
    thread_id = str(get_config()["configurable"].get("thread_id", ""))
    recorder = context.recorder if thread_id else None
    shown = suggestion_payload(state)
    if recorder is not None:  # runs again on resume: the recorder does not record twice
        recorder.shown(
            thread_id, context.advisor, shown | {"turn": state.redacted_turn}, state.transcript
        )
    decision = Decision.model_validate(interrupt(shown))
    refusal = Draft.model_validate(state.draft).one_key_refusal if state.draft else None
    while decision.kind == "accept" and refusal:
        # accepting as it stands would send what is not for the customer: the draft waits
        # again, saying why (the session refuses before resuming; a server client learns here)
        decision = Decision.model_validate(interrupt(shown | {"refused": refusal}))
    # cleaned first (a citation mark inside a value hides it from detection), then redacted:
    # the advisor typed real values (an edit, a reason, an instruction): only placeholders go on
    decision = decision.model_copy(update={"text": final_text(decision, state.draft)})
    redactor = redactor_of(runtime, state.redaction)
    decision = redacted_decision(decision, redactor)
    recorded, mapping = decision.model_dump(), redactor.mapping
    if recorder is not None:
        recorder.decided(thread_id, context.advisor, decision)
    if decision.kind == "regenerate":
        return regenerate_update(recorded, decision.instruction) | {"redaction": mapping}
    final = decision.text
    # a briefing prepares the advisor and is never sent: only a reply becomes their turn
    is_reply = (state.draft or {}).get("mode") == "reply"
    sent = decision.kind in ("accept", "edit") and bool(final) and is_reply
    reply = [{"role": "advisor", "text": final}] if sent else []
    if recorder is not None:
        recorder.turns(thread_id, context.advisor, [*state.transcript, *reply])
    return {
        # what the advisor sent is part of the conversation the next turns are read against
        "transcript": reply,
        "decision": recorded,
        "instruction": None,
        "redaction": mapping,
        "suggestions": [
            {**suggestion_payload(state), "turn": state.redacted_turn, "decision": recorded}
        ],
    }


def regenerate_update(decision: dict[str, Any], instruction: str | None) -> dict[str, Any]:
    """Back to the draft node. The clock restarts: a regenerated suggestion's latency runs from
    the regenerate request, never including the time the advisor spent reading the draft."""
    return {"decision": decision, "instruction": instruction, "started_at": time.perf_counter()}


def redacted_decision(decision: Decision, redactor: Redactor) -> Decision:
    """The decision with its advisor-typed texts (final text, reason, instruction) redacted."""
    fields = {"text": decision.text, "reason": decision.reason, "instruction": decision.instruction}
    return decision.model_copy(
        update={k: redactor.redact(v).text for k, v in fields.items() if v is not None}
    )


def after_review(state: State) -> str:
    return "draft" if (state.decision or {}).get("kind") == "regenerate" else "__end__"
