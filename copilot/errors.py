"""The errors a user can act on, by kind. All derive from `CopilotError`: the CLI and the TUI catch
that one type and show its one-line message; nothing recognises an error by its wording."""

from __future__ import annotations

from knowledge_base.errors import CopilotError, DocumentError, KnowledgeBaseError, NotIndexedError

__all__ = [
    "CopilotError",
    "DocumentError",
    "DraftNotSendable",
    "EngineError",
    "FeedError",
    "KnowledgeBaseError",
    "NotIndexedError",
    "NothingToDecide",
    "StoreError",
]


class EngineError(CopilotError):
    """A generative step failed (endpoint down, no key, timeout, invalid output): shown to the
    advisor, and printed as one line by the command line like every user-facing error."""


class StoreError(CopilotError):
    """The record store cannot be opened or written."""


class FeedError(CopilotError):
    """A live feed or replay line is not a turn, or the feed cannot be read."""


class DraftNotSendable(CopilotError):
    """A reply that a check forbids sending with one key: it needs the advisor's edit."""


class NothingToDecide(CopilotError):
    """A decision arrived while no draft waits for one (and, for a regenerate, no customer turn
    has been drafted yet)."""
