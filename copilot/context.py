"""Run-time dependencies of the graph, passed as LangGraph's `context` (never checkpointed)."""

from __future__ import annotations

from dataclasses import dataclass, field

from copilot.engines.base import Engine, TokenCallback
from copilot.retrieval import Retriever
from knowledge_base.catalog import ActionSpec


@dataclass
class Context:
    """What nodes read through `runtime.context`."""

    engine: Engine
    """Produces understanding, drafts, summaries (offline or llm)."""
    retriever: Retriever | None
    """Search over the knowledge base; None when no KB is indexed (drafts say so)."""
    actions: list[ActionSpec] = field(default_factory=list)
    """The next-best-action catalogue."""
    cards: int = 4
    """How many knowledge cards a turn gets."""
    audience: str | None = None
    """'customer' to keep internal procedures out of the cards."""
    on_token: TokenCallback | None = None
    """Receives the draft as it streams."""
