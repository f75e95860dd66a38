"""The sample knowledge base's e5 vectors, shipped with the package so a first run need not
embed them.

Each vector is keyed by the SHA-256 of the embedding model's id and the exact text the model
reads (`Chunk.embedding_text`), so a vector is only ever used for the same text under the same
model: an article a user edits produces other texts, which are embedded as usual. The file holds
float16 vectors (cosine to the float32 ones above 0.99999) and a digest of its own content,
checked when it is loaded; a file that fails the check is ignored, never half-used.
`benchmarks/ship_sample_vectors.py` regenerates it after the sample articles change (a unit test
fails while it is stale).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from knowledge_base.embeddings import Embedder

SHIPPED_FILE = Path(__file__).resolve().parent / "shipped" / "sample-e5-vectors.npz"


def text_key(model: str, text: str) -> str:
    return hashlib.sha256(f"{model}\0{text}".encode()).hexdigest()


def _digest(model: str, keys: np.ndarray, vectors: np.ndarray) -> str:
    h = hashlib.sha256(model.encode())
    h.update(keys.astype("S64").tobytes())
    h.update(np.ascontiguousarray(vectors, dtype=np.float16).tobytes())
    return h.hexdigest()


def write_shipped(path: Path, model: str, texts: list[str], vectors: np.ndarray) -> None:
    keys = np.array(sorted({text_key(model, t) for t in texts}), dtype="S64")
    by_key = {text_key(model, t): v for t, v in zip(texts, vectors, strict=True)}
    rows = np.stack([by_key[k.decode()] for k in keys]).astype(np.float16)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez_compressed(
        tmp,
        model=np.array(model),
        keys=keys,
        vectors=rows,
        digest=np.array(_digest(model, keys, rows)),
    )
    tmp.replace(path)


def sample_embedding_texts(max_tokens: int) -> list[str]:
    """What an index of the sample articles gives the model to read, in order."""
    from knowledge_base import SAMPLES_DIR

    return embedding_texts([SAMPLES_DIR / "articles"], max_tokens)


def embedding_texts(paths: list[Path], max_tokens: int) -> list[str]:
    """What an index of `paths` gives the model to read, in order."""
    from knowledge_base.chunking import chunk_document
    from knowledge_base.indexer import _screen
    from knowledge_base.loaders import load_paths

    report = load_paths(paths)
    _screen(report, allow=False)
    return [
        chunk.embedding_text(doc.title)
        for doc in report.documents
        for chunk in chunk_document(doc, max_tokens)
    ]


def shipped_keys(path: Path | None = None) -> tuple[str, set[str]]:
    """The model id and keys a shipped file holds (no digest check: for staleness tests)."""
    with np.load(path or SHIPPED_FILE, allow_pickle=False) as data:
        return str(data["model"]), {k.decode() for k in data["keys"]}


@lru_cache(maxsize=4)
def load_shipped(path: Path, model: str) -> dict[str, np.ndarray]:
    """key -> float32 vector, or {} when the file is missing, for another model, or corrupt."""
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["model"]) != model:
                return {}
            keys, vectors = data["keys"], data["vectors"]
            if str(data["digest"]) != _digest(model, keys, vectors):
                return {}
    except (OSError, KeyError, ValueError):
        return {}
    rows = vectors.astype(np.float32)
    rows /= np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-6)
    return {k.decode(): row for k, row in zip(keys, rows, strict=True)}


class ShippedFirst:
    """An embedder that takes a text's vector from the shipped file when it holds that text,
    and asks the wrapped embedder for the others. `reused` counts the vectors taken."""

    def __init__(self, embedder: Embedder, path: Path | None = None) -> None:
        self.embedder = embedder
        self.name = embedder.name
        self.known = load_shipped(path or SHIPPED_FILE, embedder.name)
        self.reused = 0

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        found = [self.known.get(text_key(self.name, t)) for t in texts]
        missing = [i for i, v in enumerate(found) if v is None]
        fresh: Any = self.embedder.embed_passages([texts[i] for i in missing]) if missing else []
        for i, vector in zip(missing, fresh, strict=True):
            found[i] = np.asarray(vector, dtype=np.float32)
        self.reused += len(texts) - len(missing)
        if not texts:
            return self.embedder.embed_passages([])
        return np.stack(found)  # type: ignore[arg-type]

    def embed_query(self, text: str) -> np.ndarray:
        return self.embedder.embed_query(text)
