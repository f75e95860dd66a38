"""Run-time dependencies of the graph, passed as LangGraph's `context` (never checkpointed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from copilot.engines.base import Engine, TokenCallback
from copilot.privacy import Redactor
from copilot.retrieval.search import Retriever
from knowledge_base.catalog import ActionSpec


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


@lru_cache(maxsize=1)
def default_context() -> Context:
    """Built from the settings when the caller gave none (LangGraph Studio, `langgraph dev`)."""
    from copilot.cli.assist import open_retriever
    from copilot.config import Settings
    from copilot.session import kb_actions, make_engine

    settings = Settings()
    retriever = open_retriever(settings)
    engine = make_engine(settings, embedder=retriever.kb.embedder, catalog=retriever.kb.catalog)
    return Context(engine=engine, retriever=retriever, actions=kb_actions(retriever))


def redactor_of(runtime: Any, mapping: dict[str, str]) -> Redactor:
    """The contact's redactor: the session's, or one resumed from the state's `mapping`."""
    redactor = context_of(runtime).redactor
    return redactor if redactor is not None else Redactor(mapping=mapping)


def context_of(runtime: Any) -> Context:
    """The run's context, or the default one when none was passed."""
    given = getattr(runtime, "context", None)
    return given if isinstance(given, Context) else default_context()
