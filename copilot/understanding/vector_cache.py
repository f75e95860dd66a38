"""Query embeddings of many texts, kept on disk between runs (training, evaluation, benchmarks).

A matrix is stored per embedder and per list of texts (`<embedder>-<sha256 of the texts>.npy`),
written atomically, so two processes that embed the same set at once leave one good file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from knowledge_base.atomic import load_array_or_none, save_array_atomic
from knowledge_base.embeddings import Embedder


def embed_queries(embedder: Embedder, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
    """Query embeddings of `texts`, batched when the embedder can (`embed_queries`)."""
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    batch = getattr(embedder, "embed_queries", None)
    model = getattr(embedder, "model", None)
    parts: list[np.ndarray] = []
    for start in range(0, len(texts), batch_size):
        chunk = list(texts[start : start + batch_size])
        if callable(batch):
            parts.append(np.asarray(batch(chunk), dtype=np.float32))
        elif callable(model) and hasattr(embedder, "embed_passages"):  # e5: one call per batch
            parts.append(np.asarray(model().query(chunk), dtype=np.float32).reshape(len(chunk), -1))
        else:
            parts.append(np.stack([np.asarray(embedder.embed_query(t)) for t in chunk]))
    return np.concatenate(parts).astype(np.float32)


def cached_queries(
    embedder: Embedder, texts: Sequence[str], cache_dir: Path | None, label: str = "texts"
) -> np.ndarray:
    """`embed_queries`, read from / saved to `cache_dir` when given."""
    name = getattr(embedder, "name", type(embedder).__name__)
    digest = hashlib.sha256("\n".join([name, *texts]).encode()).hexdigest()[:16]
    safe = "".join(c if c.isalnum() else "-" for c in name)
    path = Path(cache_dir) / f"{label}-{safe}-{digest}.npy" if cache_dir else None
    if path is not None:
        matrix = load_array_or_none(path)
        if matrix is not None and matrix.shape[0] == len(texts):
            return matrix
    matrix = embed_queries(embedder, texts)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        save_array_atomic(path, matrix)
    return matrix
