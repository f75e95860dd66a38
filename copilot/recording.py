"""What the graph puts on record: the turns, each suggestion as shown and the advisor's decision.

The review node calls it, so every way of running the graph (the workspace, the CLI, LangGraph
Server) lands in the same record store and audit chain. Everything it receives is already
redacted: the transcript, the interrupt payload, the decision as the node cleaned and redacted it.
A contact is found by its checkpointer thread; every write is idempotent, so the review node
running again on resume records nothing twice.
"""

from __future__ import annotations

from typing import Any

from copilot.state import SUPERSEDED, Decision
from copilot.store import Store


class Recorder:
    """Writes one copilot's contacts into its record store."""

    def __init__(self, store: Store, engine: str, kb_version: str) -> None:
        self.store = store
        self.engine = engine
        """The engine's name, kept with each contact."""
        self.kb_version = kb_version
        """The knowledge base and its generation, kept with each contact and suggestion."""

    def contact(self, thread_id: str, advisor: str) -> str:
        return self.store.start_contact(thread_id, advisor, self.engine, self.kb_version)

    def turns(self, thread_id: str, advisor: str, transcript: list[dict[str, Any]]) -> None:
        """The redacted transcript so far (turns already stored are not added again)."""
        self.store.add_turns(self.contact(thread_id, advisor), transcript, advisor)

    def shown(
        self,
        thread_id: str,
        advisor: str,
        payload: dict[str, Any],
        transcript: list[dict[str, Any]],
    ) -> None:
        """The suggestion in front of the advisor, unless one is already waiting on record."""
        contact = self.contact(thread_id, advisor)
        self.store.add_turns(contact, transcript, advisor)
        if self.store.undecided_suggestion(contact) is None:
            self.store.record_suggestion(contact, advisor, payload, self.kb_version)

    def decided(self, thread_id: str, advisor: str, decision: Decision) -> None:
        """The advisor's decision on the waiting suggestion (none waiting: nothing to record)."""
        suggestion_id = self.store.undecided_suggestion(self.contact(thread_id, advisor))
        if suggestion_id is None:
            return
        self.store.record_decision(
            suggestion_id,
            advisor,
            decision.kind,
            final_text=decision.text,
            reason=decision.reason,
            instruction=decision.instruction,
        )

    def superseded(self, thread_id: str, advisor: str) -> None:
        """A suggestion left waiting when a new turn came: rejected as superseded (read first,
        so a turn with nothing waiting writes nothing)."""
        contact = self.store.contact_id(thread_id)
        if contact is not None and self.store.undecided_suggestion(contact) is not None:
            self.decided(thread_id, advisor, Decision(kind="reject", reason=SUPERSEDED))

    def summary(self, thread_id: str, advisor: str, summary: dict[str, Any]) -> None:
        """An approved wrap-up, redacted."""
        self.store.record_summary(self.contact(thread_id, advisor), advisor, summary)
