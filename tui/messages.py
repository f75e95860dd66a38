"""What workers tell the workspace: each result of a session call or a feed arrives as a message.

Every agent message carries the `Op` it answers, so the screen can ignore what a newer turn has
made stale and can put an advisor's text back when a call fails.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from copilot.session import Suggestion
from copilot.state import HandoverBrief, Summary
from tui.contact import Op, TokenBatch


@dataclass
class TurnArrived(Message):
    """A turn from the replay or stdin feed."""

    role: str
    text: str
    source: str


@dataclass
class FeedNotice(Message):
    """The feed ended, or skipped a line that is not a turn."""

    source: str
    text: str
    error: bool = False


@dataclass
class ContactOpened(Message):
    """The session is open; a resumed contact brings its transcript and waiting suggestion."""

    op: Op
    thread_id: str
    transcript: list[dict[str, str]]
    pending: Suggestion | None


@dataclass
class IndexingProgress(Message):
    """The first run indexes the sample knowledge base: `done` of `total` chunks embedded."""

    bubble = False

    done: int
    total: int
    at: float
    """time.perf_counter() when the indexer reported it (the UI may handle it later)."""


@dataclass
class DraftStreamed(Message):
    """Draft text streamed since the last of these: `tokens.take()` it."""

    bubble = False  # only the screen wants tokens

    op: Op
    tokens: TokenBatch


@dataclass
class SuggestionReady(Message):
    op: Op
    suggestion: Suggestion


@dataclass
class DecisionRecorded(Message):
    op: Op


@dataclass
class TurnRecorded(Message):
    op: Op


@dataclass
class HandoverReady(Message):
    op: Op
    brief: HandoverBrief


@dataclass
class SummaryReady(Message):
    op: Op
    summary: Summary


@dataclass
class AgentFailed(Message):
    """A session call failed: `error` says what happened and what to do."""

    op: Op
    error: str
    severity: str = "error"
    """"warning" when the advisor can simply redo what they asked (`error_severity`)."""


@dataclass
class SummarySaved(Message):
    """The approved summary was written (`path`), or could not be (`error`)."""

    path: str | None
    error: str | None = None
