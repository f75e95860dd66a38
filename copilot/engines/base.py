"""The contract both engines fulfil: the same typed outputs from the same redacted inputs.

Every argument an engine receives is already redacted (placeholders such as <CARD_1>), so an
engine that calls a model cannot leak what it never saw. `redactor` is the contact's own: an
engine that builds model messages passes conversation text through it once more (None: a fresh
one, for a caller outside a contact). Engines return Pydantic models from
`copilot.state`; `copilot.understanding.routing.Route` for understanding.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from copilot.errors import EngineError as EngineError  # re-exported: engines raise it
from copilot.privacy import Redactor
from copilot.state import Card, Draft, HandoverBrief, Summary
from copilot.understanding.routing import Route

TokenCallback = Callable[[str], None]
"""Receives the draft's text as it streams, piece by piece."""


class Engine(Protocol):
    name: str
    """'offline' or 'llm'."""
    model: str | None
    """Model name for the llm engine; None offline."""

    def understand(
        self, text: str, transcript: list[dict[str, Any]], redactor: Redactor | None = None
    ) -> Route: ...

    def draft(
        self,
        *,
        turn: str,
        route: Route,
        cards: list[Card],
        transcript: list[dict[str, Any]],
        abstained: bool,
        instruction: str | None,
        on_token: TokenCallback | None = None,
        redactor: Redactor | None = None,
        related: list[Card] | None = None,
    ) -> Draft: ...

    """`related`: the other sections of the cards' articles, which an approved template may
    cite (numbered after the cards); the caller keeps the ones the draft cites."""

    def summarize(
        self,
        transcript: list[dict[str, Any]],
        routes: list[dict[str, Any]],
        suggestions: list[dict[str, Any]],
        redactor: Redactor | None = None,
    ) -> Summary: ...

    def handover(
        self,
        transcript: list[dict[str, Any]],
        redactor: Redactor | None = None,
        routes: list[dict[str, Any]] | None = None,
    ) -> HandoverBrief: ...

    """`routes`: the customer turns' routes when the contact has them (None: the engine reads
    each customer turn itself, for the sentiment and its trend)."""


def customer_routes(
    engine: Engine, transcript: list[dict[str, Any]], redactor: Redactor | None = None
) -> list[dict[str, Any]]:
    """Every customer turn's route, each read with the turns before it."""
    return [
        engine.understand(str(t.get("text", "")), transcript[:i], redactor).model_dump(mode="json")
        for i, t in enumerate(transcript)
        if t.get("role") == "customer" and str(t.get("text", "")).strip()
    ]
