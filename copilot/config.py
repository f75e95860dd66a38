"""The copilot's settings, one place: `COPILOT_*` environment variables over defaults.

Extends the knowledge-base settings so the indexer, the agent and the UI read the same values.
"""

from __future__ import annotations

from typing import Literal

from pydantic import SecretStr

from knowledge_base.settings import KnowledgeBaseSettings


class Settings(KnowledgeBaseSettings):
    """Everything configurable, with its environment variable `COPILOT_<NAME>`."""

    engine: Literal["auto", "offline", "llm"] = "auto"
    """auto: llm when COPILOT_LLM_MODEL is set, else offline. Never falls back silently."""
    llm_model: str | None = None
    """Chat model name at the OpenAI-compatible endpoint."""
    llm_base_url: str | None = None
    """Base URL of the OpenAI-compatible chat endpoint (None: OpenAI's default)."""
    llm_api_key: SecretStr | None = None
    """API key for the chat endpoint (falls back to OPENAI_API_KEY)."""
    llm_timeout_s: float = 30.0
    """Seconds before a model call is abandoned and reported."""
    retrieval_mode: Literal["hybrid", "dense", "lexical"] = "hybrid"
    """How knowledge cards are found."""
    database_url: str | None = None
    """postgresql://... for a shared store; unset means SQLite under data_dir."""
