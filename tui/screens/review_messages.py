"""What the supervisor workspace's workers report: each store call's result arrives as a message.

They live apart from `tui.messages`, which imports the agent's session: the review workspace
never loads the agent, so it opens in a fraction of the time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message


def describe_failure(exc: BaseException) -> str:
    """One line for a notification: a StoreError says what to do; anything else says what."""
    from copilot.store import StoreError

    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if isinstance(exc, StoreError):
        return first[:1].upper() + first[1:]
    if isinstance(exc, OSError):
        return f"{exc.strerror or first}: {exc.filename or ''}".rstrip(": ")
    return f"{type(exc).__name__}: {first}"


@dataclass
class QueueLoaded(Message):
    """The suggestions the filter keeps, oldest first."""

    rows: list[dict[str, Any]]


@dataclass
class ConversationLoaded(Message):
    """The redacted turns up to a suggestion."""

    suggestion_id: str
    turns: list[dict[str, Any]]


@dataclass
class ReviewSaved(Message):
    """A verdict was recorded; `row` is the suggestion as the store now has it."""

    suggestion_id: str
    row: dict[str, Any]


@dataclass
class KbFixesExported(Message):
    """`count` KB fixes written to `path` (None: there was none to write)."""

    path: str | None
    count: int


@dataclass
class StoreFailed(Message):
    """A store call failed: `what` the supervisor was doing, `error` what went wrong."""

    what: str
    error: str
    suggestion_id: str | None = None
