"""`CopilotSession`: one contact, as the CLI and the terminal UI drive it.

It runs the graph per turn up to the advisor's review, hands back a `Suggestion` with personal
data restored for the advisor's eyes, and resumes the graph with the advisor's `Decision`. A
contact is a checkpointer thread: quitting and reopening with the same `thread_id` resumes it.

The session holds the contact's one `Redactor` (resumed from the checkpoint's mapping) and hands
it to the graph and the engine alike (the graph's review node puts what is shown and decided
on record): whatever the advisor types (an edit, an
instruction, a reason, an approved summary) is redacted with the same placeholders as the
customer's turns before it reaches a model or a record. Real values are restored for display
only.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, Protocol

from langgraph.types import Command
from pydantic import BaseModel, Field

from copilot.context import Context
from copilot.engines.base import Engine, TokenCallback
from copilot.errors import DraftNotSendable, NothingToDecide
from copilot.limits import redact_turn
from copilot.nodes.review import final_text, redacted_decision, regenerate_update
from copilot.privacy import Redaction, Redactor, StreamingRestorer
from copilot.recording import Recorder
from copilot.state import (
    SUPERSEDED,
    Card,
    Decision,
    Draft,
    HandoverBrief,
    NextAction,
    Summary,
    unfilled_slot_note,
)
from copilot.tracing import private_tracing_callbacks
from copilot.understanding.routing import Route
from knowledge_base.catalog import ActionSpec
from knowledge_base.errors import KnowledgeBaseError


class Suggestion(BaseModel):
    """Everything shown to the advisor for one customer turn (personal data restored)."""

    route: Route
    cards: list[Card]
    draft: Draft
    actions: list[NextAction]
    abstained: bool
    retrieval_confidence: float
    latency_ms: float
    engine: str
    pii_redacted: int = 0
    """How many distinct personal values this contact has redacted so far."""
    pii_types: list[str] = Field(default_factory=list)
    injection: list[dict[str, str]] = Field(default_factory=list)
    """Signs the customer's text tries to instruct the AI: a warning for the advisor."""
    action_catalogue: bool = True
    """False when the knowledge base has no action catalogue (so no action can be suggested)."""


class SessionParts(Protocol):
    """What a session runs on: the composition root (`copilot.assembly.Copilot`) provides it."""

    engine: Engine
    retriever: Any
    actions: list[ActionSpec]
    graph: Any
    recorder: Recorder | None
    advisor: str

    def context(
        self,
        on_token: TokenCallback | None = None,
        redactor: Redactor | None = None,
        redacted: tuple[str, tuple[Redaction, int]] | None = None,
    ) -> Context: ...

    def session(self, thread_id: str | None = None) -> CopilotSession: ...


class CopilotSession:
    """Drive one contact through the copilot graph."""

    def __init__(self, parts: SessionParts, thread_id: str | None = None):
        self.parts = parts
        self.engine = parts.engine
        self.retriever = parts.retriever
        self.thread_id = thread_id or uuid.uuid4().hex[:12]
        self.actions = parts.actions
        """The KB's own next-best-action catalogue (empty: it has none)."""
        self.graph = parts.graph
        self.advisor = parts.advisor
        self._redactor: Redactor | None = None

    @property
    def redactor(self) -> Redactor:
        """The contact's one redactor, resumed from the checkpoint's mapping on first use."""
        if self._redactor is None:
            self._redactor = Redactor(mapping=self._values().get("redaction", {}))
        return self._redactor

    def private(self, text: str) -> str:
        """`text` as it may be stored or sent to a model: the contact's placeholders."""
        return self.redactor.redact(text).text

    @property
    def _config(self) -> dict[str, Any]:
        config: dict[str, Any] = {"configurable": {"thread_id": self.thread_id}}
        if callbacks := private_tracing_callbacks():  # tracing on: runs are scrubbed first
            config["callbacks"] = callbacks
        return config

    def _context(
        self,
        on_token: TokenCallback | None,
        redacted: tuple[str, tuple[Redaction, int]] | None = None,
    ) -> Context:
        return self.parts.context(on_token, self.redactor, redacted)

    def _values(self) -> dict[str, Any]:
        return dict(self.graph.get_state(self._config).values or {})

    def _run(self, payload: Any, on_token: TokenCallback | None) -> Suggestion | None:
        if on_token is None:
            self.graph.invoke(payload, self._config, context=self._context(None))
            return self.pending()
        # The draft streams with placeholders: the advisor sees the values as they come, this
        # turn's own included. It is redacted here, once: the redact node takes this result.
        redacted = None
        if isinstance(payload, dict) and payload.get("turn"):
            redacted = (payload["turn"], redact_turn(self.redactor, payload["turn"]))
        restorer = StreamingRestorer(self.redactor.mapping)
        send = on_token

        def restored(piece: str) -> None:
            if text := restorer.feed(piece):
                send(text)

        self.graph.invoke(payload, self._config, context=self._context(restored, redacted))
        if tail := restorer.flush():
            send(tail)
        return self.pending()

    def pending(self) -> Suggestion | None:
        """The suggestion waiting for the advisor's decision, if any (after a restart too)."""
        snapshot = self.graph.get_state(self._config)
        for task in snapshot.tasks:
            for pending in task.interrupts:
                return self._suggestion(pending.value, snapshot.values or {})
        return None

    def _waiting(self) -> bool:
        """Whether a draft waits for a decision (cheaper than building it)."""
        return any(task.interrupts for task in self.graph.get_state(self._config).tasks)

    def _suggestion(self, payload: dict[str, Any], values: dict[str, Any]) -> Suggestion:
        restore = self.redactor.restore
        draft = Draft.model_validate(payload["draft"])
        draft = draft.model_copy(
            update={
                "text": restore(draft.text),
                "unsupported": [restore(s) for s in draft.unsupported],
                "unverified": [restore(s) for s in draft.unverified],
                "fragments": [restore(s) for s in draft.fragments],
                "notes": [restore(s) for s in draft.notes],
            }
        )
        return Suggestion(
            route=Route.model_validate(payload["route"]),
            cards=[Card.model_validate(c) for c in payload["cards"]],
            draft=draft,
            actions=[NextAction.model_validate(a) for a in payload["actions"]],
            abstained=payload["abstained"],
            retrieval_confidence=payload["retrieval_confidence"],
            latency_ms=payload["latency_ms"],
            engine=self.engine.name,
            pii_redacted=self.redactor.count,
            pii_types=payload.get("pii_types", []),
            injection=[{k: restore(v) for k, v in f.items()} for f in payload.get("injection", [])],
            action_catalogue=bool(self.actions),
        )

    def _close_pending(self) -> None:
        """A new turn while a draft waits: the advisor moved on, so it is recorded as rejected."""
        if self._waiting():
            decision = Decision(kind="reject", reason=SUPERSEDED)
            self.graph.invoke(Command(resume=decision), self._config, context=self._context(None))

    def customer_turn(self, text: str, on_token: TokenCallback | None = None) -> Suggestion:
        if not text.strip():
            raise KnowledgeBaseError("an empty customer turn has nothing to answer")
        self._close_pending()
        result = self._run({"turn": text, "role": "customer"}, on_token)
        assert result is not None
        return result

    def add_turn(self, role: str, text: str) -> None:
        """An advisor or bot turn: recorded (redacted), no suggestion."""
        self._close_pending()
        self.graph.invoke({"turn": text, "role": role}, self._config, context=self._context(None))

    def decide(
        self, decision: Decision, on_token: TokenCallback | None = None
    ) -> Suggestion | None:
        """Resume with the advisor's decision; regenerate returns the new suggestion.

        With a record store, the review node commits the decision before anything else runs:
        once this returns (or a regenerated draft fails after the commit), it is on record.
        """
        waiting = self.pending()
        if waiting is None and decision.kind == "regenerate":
            return self._redraft(decision.instruction, on_token)
        if waiting is None:
            raise NothingToDecide("no draft is waiting for a decision")
        refusal = waiting.draft.one_key_refusal
        if decision.kind == "accept" and refusal:
            raise DraftNotSendable(refusal)
        if decision.kind == "edit" and (open_slots := unfilled_slot_note(decision.text or "")):
            raise DraftNotSendable(open_slots)
        # cleaned, then redacted: the graph gets no raw value, even one a citation mark split
        cleaned = final_text(decision, self._values().get("draft"))
        decision = redacted_decision(decision.model_copy(update={"text": cleaned}), self.redactor)
        return self._run(Command(resume=decision.model_dump()), on_token)

    def _redraft(self, instruction: str | None, on_token: TokenCallback | None) -> Suggestion:
        """A new draft for the newest customer turn once its draft was decided (a rejected draft
        regenerated): the graph resumes as if the review had asked for it."""
        values = self._values()
        if not values.get("redacted_turn") or values.get("route") is None:
            raise NothingToDecide("no customer turn has been drafted yet: nothing to regenerate")
        instruction = self.private(instruction) if instruction else None
        decision = Decision(kind="regenerate", instruction=instruction).model_dump()
        update = regenerate_update(decision, instruction) | {"redaction": self.redactor.mapping}
        self.graph.update_state(self._config, update, as_node="review")
        result = self._run(None, on_token)
        assert result is not None
        return result

    def correct_category(self, category: str, on_token: TokenCallback | None = None) -> Suggestion:
        """The advisor's correction re-runs the last customer turn with that category."""
        self._close_pending()
        result = self._run(
            {"turn": "", "role": "customer", "category_override": category}, on_token
        )
        assert result is not None
        return result

    def approve_summary(self, summary: Summary) -> Summary:
        """The advisor approved the wrap-up: it goes on record redacted, as it is returned."""
        redacted = _map_texts(summary, self.private)
        self._keep_mapping()
        if self.parts.recorder is not None:
            self.parts.recorder.summary(self.thread_id, self.advisor, redacted.model_dump())
        return redacted

    def _keep_mapping(self) -> None:
        """Checkpoint placeholders the session made (in an approved summary) between graph runs,
        so a resumed contact numbers new values after them. A run that waits for a decision
        checkpoints them itself when it resumes."""
        values = self._values()
        if values and values.get("redaction") != self.redactor.mapping and not self._waiting():
            self.graph.update_state(self._config, {"redaction": self.redactor.mapping})

    def transcript(self) -> list[dict[str, str]]:
        restore = self.redactor.restore
        return [
            {"role": t["role"], "text": restore(t["text"])}
            for t in self._values().get("transcript", [])
        ]

    def summary(self) -> Summary:
        values = self._values()
        summary = self.engine.summarize(
            values.get("transcript", []),
            values.get("routes", []),
            values.get("suggestions", []),
            redactor=self.redactor,
        )
        return _map_texts(summary, self.redactor.restore, keep=("identifiers",))

    def handover(self) -> HandoverBrief:
        """The brief for the advisor taking the contact over; identifiers stay placeholders
        (in `identifiers` and "do not ask again") until the advisor reveals one."""
        values = self._values()
        transcript = values.get("transcript", [])
        routes = values.get("routes", [])
        customer_turns = sum(1 for t in transcript if t.get("role") == "customer")
        brief = self.engine.handover(
            transcript,
            redactor=self.redactor,
            routes=routes if len(routes) == customer_turns else None,
        )
        return _map_texts(brief, self.redactor.restore, keep=("identifiers", "do_not_ask_again"))

    def reveal(self, placeholder: str) -> str:
        """The value a placeholder of this contact stands for (the advisor asked to see it)."""
        return self.redactor.restore(placeholder)

    def records(self) -> list[dict[str, Any]]:
        """Reviewed suggestions with decisions, redacted (what a store or audit trail keeps)."""
        return list(self._values().get("suggestions", []))


def _map_texts(model: Any, change: Callable[[str], str], keep: tuple[str, ...] = ()) -> Any:
    """A copy of a summary or brief with `change` applied to each of its texts but `keep`."""
    data = model.model_dump()
    for key, value in data.items():
        if key in keep:
            continue
        if isinstance(value, str):
            data[key] = change(value)
        elif isinstance(value, list):
            data[key] = [change(v) if isinstance(v, str) else v for v in value]
    return type(model).model_validate(data)
