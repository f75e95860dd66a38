"""Run-time dependencies of the graph, passed as LangGraph's `context` (never checkpointed).

`Context` carries the live parts (engine, retriever, record store) into the nodes; the
composition root (`copilot/assembly.py`) builds it. A caller that cannot hand over live objects
(LangGraph Server, which gets its context as JSON) passes `RunOptions` or nothing: the nodes then
use the context the served process opened from its settings, with those options applied.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from copilot.engines.base import Engine, TokenCallback
from copilot.privacy import Redaction, Redactor
from copilot.recording import Recorder
from copilot.retrieval.search import Retriever
from knowledge_base.catalog import ActionSpec
from knowledge_base.errors import CopilotError


@dataclass
class RunOptions:
    """What a caller over HTTP may set per run (LangGraph Server's `context`)."""

    cards: int = 4
    """How many knowledge cards a turn gets."""
    audience: str | None = None
    """'customer' to keep internal procedures out of the cards."""
    advisor: str | None = None
    """Who decides, kept with every record of the contact (None: the server's COPILOT_ADVISOR)."""


@dataclass
class Context:
    """What nodes read through `runtime.context`."""

    engine: Engine
    """Produces understanding, drafts, summaries (offline or llm)."""
    retriever: Retriever | None
    """Search over the knowledge base; None when no KB is indexed (drafts say so)."""
    actions: list[ActionSpec] = field(default_factory=list)
    """The knowledge base's own next-best-action catalogue (empty: it has none)."""
    cards: int = 4
    """How many knowledge cards a turn gets."""
    audience: str | None = None
    """'customer' to keep internal procedures out of the cards."""
    on_token: TokenCallback | None = None
    """Receives the draft as it streams."""
    redactor: Redactor | None = None
    """The contact's one redactor (the session holds it); None: rebuilt from the state's mapping."""
    redacted: tuple[str, tuple[Redaction, int]] | None = None
    """The newest turn as the session already redacted it (to stream the draft with its values):
    (raw turn, `redact_turn`'s result), reused by the redact node instead of redacting again."""
    recorder: Recorder | None = None
    """Where what is shown and decided goes on record (None: only the checkpointer keeps it)."""
    advisor: str = "advisor"
    """Who decides, as recorded."""


_served: Callable[[], Context] | None = None
"""The served process's context, set by `copilot.server` (LangGraph Server)."""


def serve(opener: Callable[[], Context]) -> None:
    """Runs given no `Context` use `opener()`'s (called on each such run; it caches)."""
    global _served
    _served = opener


def redactor_of(runtime: Any, mapping: dict[str, str]) -> Redactor:
    """The contact's redactor: the session's, or one resumed from the state's `mapping`."""
    redactor = context_of(runtime).redactor
    return redactor if redactor is not None else Redactor(mapping=mapping)


def context_of(runtime: Any) -> Context:
    """The run's context; under LangGraph Server, the served one with the run's options."""
    given = getattr(runtime, "context", None)
    if isinstance(given, Context):
        return given
    if _served is None:
        raise CopilotError(
            "the copilot graph ran without its parts: open it with copilot.assembly.Copilot "
            "(or serve copilot/server.py:graph with `langgraph dev`)"
        )
    options = given if isinstance(given, RunOptions) else RunOptions()
    chosen = {k: v for k, v in dataclasses.asdict(options).items() if k != "advisor" or v}
    return dataclasses.replace(_served(), **chosen)
