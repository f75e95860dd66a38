"""The graph's state and the typed outputs every engine produces.

State fields hold plain JSON-able values (dicts and lists), so any checkpointer can store them;
the Pydantic models below validate what enters and leaves each step. Customer text is kept only
in redacted form; the placeholder mapping that restores it for the advisor lives in the state
(on this machine's checkpointer) and is never sent to a model.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

Role = Literal["customer", "advisor", "bot"]
DecisionKind = Literal["accept", "edit", "reject", "regenerate"]
SUPERSEDED = "superseded by a newer turn"
"""The rejection reason recorded when the advisor moved on without deciding on a draft."""


class Card(BaseModel):
    """A knowledge card: one cited passage, numbered [n] in the draft."""

    n: int
    doc_id: str
    chunk_id: str
    title: str
    section: str
    lang: str
    effective_date: str
    version: int
    superseded: bool = False
    audience: str = "customer"
    text: str


class Draft(BaseModel):
    """A reply for the advisor to send, or a briefing to prepare them."""

    mode: Literal["reply", "briefing"]
    text: str
    citations: list[int] = Field(default_factory=list)
    """Card numbers the text cites."""
    unsupported: list[str] = Field(default_factory=list)
    """Sentences with no supporting passage (filled by the check step)."""
    unverified: list[str] = Field(default_factory=list)
    """Numbers, amounts, durations or dates found in no cited passage nor the conversation."""
    internal: list[int] = Field(default_factory=list)
    """Cards for advisors only that a reply cites (filled by the check step): such a reply is
    not sent without an edit."""
    fragments: list[str] = Field(default_factory=list)
    """Cited pieces that are no whole sentence of prose: table rows, list stubs, markup."""
    notes: list[str] = Field(default_factory=list)
    """For the advisor only, never sent: what an internal passage or a passage in another
    language says that the reply could not quote."""
    macro_id: str | None = None
    """The approved template the reply was built from (offline engine)."""
    engine: str = "offline"
    model: str | None = None
    prompt_version: str | None = None
    no_policy_found: bool = False
    """True when retrieval abstained: the draft says so instead of answering."""

    @property
    def one_key_refusal(self) -> str | None:
        """Why accepting this draft as it stands would send the customer what is not for them
        (it needs the advisor's edit), or None. The one rule for the CLI, the session and TUI."""
        if self.no_policy_found:
            return "no policy found: this text is a note for you; write the reply yourself (e)"
        if self.mode == "reply" and self.internal:
            cited = ", ".join(f"[{n}]" for n in self.internal)
            return f"this reply cites a passage for advisors only ({cited}): edit it before sending"
        return None

    @property
    def sendable(self) -> bool:
        """No check stands between this reply and a single key: every sentence has a source
        the customer may read, every figure is found, nothing is internal or a fragment."""
        return self.mode == "reply" and not (
            self.unsupported or self.unverified or self.internal or self.fragments
        )


NO_ACTION_CATALOGUE = "no action catalogue for this knowledge base"
"""What the Next actions panel and `copilot assist` say when the KB has no actions."""


class NextAction(BaseModel):
    """A suggested next best action: the advisor confirms it, the copilot executes nothing."""

    id: str
    title: str
    reason: str
    articles: list[str] = Field(default_factory=list)


class Decision(BaseModel):
    """What the advisor decided about a draft."""

    kind: DecisionKind
    text: str | None = None
    """The final text (accept: the draft; edit: the advisor's version)."""
    reason: str | None = None
    """Why a draft was rejected."""
    instruction: str | None = None
    """For regenerate: 'shorter', 'more empathetic', 'in English'..."""


class Summary(BaseModel):
    """The structured wrap-up of a contact, edited and approved by the advisor."""

    text: str = ""
    """The case note's paragraph (2-3 sentences): what the customer wanted, what was done or
    promised, what remains."""
    reason_for_contact: str
    """Why the customer got in touch, in their own words."""
    key_facts: list[str] = Field(default_factory=list)
    actions_taken: list[str] = Field(default_factory=list)
    commitments: list[str] = Field(default_factory=list)
    """Promises with their deadlines."""
    follow_ups: list[str] = Field(default_factory=list)
    identifiers: list[str] = Field(default_factory=list)
    """Placeholders of the identifiers given during the contact (never restored: the advisor
    reveals one on demand)."""
    sentiment_start: str = "neutral"
    sentiment_end: str = "neutral"
    sentiment_trend: str = "stable"
    """improving, stable or worsening over the customer's turns."""
    engine: str = "offline"


class HandoverBrief(BaseModel):
    """What the advisor needs when a contact arrives from a bot or a colleague."""

    customer_goal: str
    already_done: list[str] = Field(default_factory=list)
    open_questions: list[str] = Field(default_factory=list)
    identifiers: list[str] = Field(default_factory=list)
    """Placeholders of the identifiers already given, such as <ORDER_1> (never restored: the
    advisor reveals one on demand)."""
    sentiment: str = "neutral"
    sentiment_trend: str = "stable"
    """improving, stable or worsening over the customer's turns."""
    emotion: str = ""
    """The customer's state in words, with the turn that shows it ("angry: «...»")."""
    do_not_ask_again: list[str] = Field(default_factory=list)
    """What the customer already gave or answered, which nobody asks again."""
    engine: str = "offline"


@dataclass(kw_only=True)
class InputState:
    """What the outside world gives the graph for one turn."""

    turn: str = ""
    """The newest turn as typed or transcribed (raw: it may hold personal data)."""
    role: Role = "customer"
    """Who said it: only customer turns produce suggestions."""
    category_override: str | None = None
    """The advisor's correction of the routing category; re-runs the turn."""


@dataclass(kw_only=True)
class State(InputState):
    """Everything a contact accumulates between turns."""

    transcript: Annotated[list[dict[str, Any]], operator.add] = field(default_factory=list)
    """Redacted turns {role, text}, oldest first."""
    redaction: dict[str, str] = field(default_factory=dict)
    """Placeholder -> raw value for this contact; stays local, restores text for the advisor."""
    redacted_turn: str = ""
    """The newest turn with personal data replaced by placeholders."""
    pii_types: list[str] = field(default_factory=list)
    """Entity types found in the newest turn."""
    clipped_from: int = 0
    """The newest customer turn's length when it was cut to copilot.limits.MAX_TURN_CHARS."""
    injection: list[dict[str, str]] = field(default_factory=list)
    """Signs that the newest turn tries to instruct the AI ({kind, excerpt}, redacted): the
    text stays data; the advisor is warned."""
    route: dict[str, Any] | None = None
    """Route of the newest customer turn (copilot.understanding.routing.Route as a dict)."""
    routes: Annotated[list[dict[str, Any]], operator.add] = field(default_factory=list)
    """Every customer turn's route, for the sentiment trend and the summary."""
    cards: list[dict[str, Any]] = field(default_factory=list)
    """Knowledge cards retrieved for the newest turn (Card dicts)."""
    abstained: bool = False
    """True when retrieval found no relevant policy."""
    retrieval_confidence: float = 0.0
    draft: dict[str, Any] | None = None
    """The current Draft as a dict."""
    instruction: str | None = None
    """The advisor's regenerate instruction for the next draft."""
    actions: list[dict[str, Any]] = field(default_factory=list)
    """NextAction dicts for the newest turn."""
    decision: dict[str, Any] | None = None
    """The advisor's Decision on the current draft."""
    suggestions: Annotated[list[dict[str, Any]], operator.add] = field(default_factory=list)
    """Each reviewed suggestion with its decision: the record of the contact."""
    latency_ms: float = 0.0
    """Time from the turn to a complete suggestion set."""
    started_at: float = 0.0
