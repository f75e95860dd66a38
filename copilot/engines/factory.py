"""The configured engine: built by the composition root (`copilot/assembly.py`), and alone by the
commands that need no knowledge base (`classify`, `summarize`)."""

from __future__ import annotations

from typing import Any

from copilot.config import Settings
from copilot.engines.base import Engine
from copilot.errors import EngineError
from knowledge_base.catalog import Catalog
from knowledge_base.errors import KnowledgeBaseError


def make_engine(settings: Settings, embedder: Any = None, catalog: Catalog | None = None) -> Engine:
    """The configured engine; `auto` means llm when a model is configured, else offline.

    `catalog` is the knowledge base's own (`KnowledgeBase.catalog`): its intents and macros.
    Without one the engine routes by the cue rules and drafts without templates.
    """
    from copilot.understanding.pipeline import Understanding, parse_intents

    if embedder is None:
        from knowledge_base.embeddings import make_embedder

        embedder = make_embedder(
            settings.embeddings, settings.embeddings_model, settings.embeddings_base_url
        )
    try:
        intents = parse_intents(list(catalog.intents), catalog.source) if catalog else []
    except ValueError as exc:
        raise KnowledgeBaseError(f"{exc} (fix the catalogue and re-index the KB)") from exc
    understanding = Understanding(embedder, intents, cache_dir=settings.data_dir / "cache")
    wants_llm = settings.engine == "llm" or (settings.engine == "auto" and settings.llm_model)
    if wants_llm:
        if not settings.llm_model:
            raise EngineError(
                "engine 'llm' needs COPILOT_LLM_MODEL (and usually COPILOT_LLM_BASE_URL)"
            )
        from copilot.engines.llm import LLMEngine

        return LLMEngine(settings, understanding=understanding)
    from copilot.engines.offline import OfflineEngine

    return OfflineEngine(understanding, macros=catalog.macros if catalog else ())
