"""The copilot's settings, one place: `COPILOT_*` environment variables over defaults.

Extends the knowledge-base settings so the indexer, the agent and the UI read the same values.
"""

from __future__ import annotations

import getpass
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_core import PydanticCustomError

from knowledge_base.settings import KnowledgeBaseSettings


def default_advisor() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in some containers
        return "advisor"


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
    """postgresql://... for a shared store (records and contacts); unset means SQLite files
    under data_dir. Any other scheme is an error, never a silent fallback to SQLite."""
    audit_key: SecretStr | None = None
    """Key of the audit trail's MACs (at least 16 characters); unset: the key file audit.key in
    data_dir, created on the first write. Set it alike on every machine sharing a PostgreSQL
    store."""
    contacts_key: SecretStr | None = None
    """Key that encrypts saved contacts (checkpoints) at rest, at least 32 characters; unset: the
    key file contacts.key in data_dir, created on first use. Set it alike on every machine
    sharing a PostgreSQL store."""
    advisor: str = Field(default_factory=default_advisor)
    """Who decides in this workspace (recorded with every decision); default: the OS user."""
    retention_days: int | None = Field(default=None, ge=1)
    """Records older than this are pruned by `copilot audit prune`; unset keeps everything."""

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, url: str | None) -> str | None:
        from copilot.store.database import normalise_database_url

        try:
            return normalise_database_url(url)
        except ValueError as exc:
            raise PydanticCustomError("database_url", str(exc)) from exc
