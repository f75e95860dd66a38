"""The sample KB's shipped vectors: current with the articles, used when they match, ignored
when an article changed or the file does not check out."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from copilot.config import Settings
from knowledge_base.embeddings import E5Embedder, HashEmbedder
from knowledge_base.indexer import index_paths
from knowledge_base.shipped_vectors import (
    embedding_texts,
    sample_embedding_texts,
    shipped_keys,
    text_key,
    write_shipped,
)
from knowledge_base.store import KnowledgeBase
from tests.conftest import write_article


def test_the_shipped_file_matches_the_sample_articles() -> None:
    """Fails when an article or the chunker changed: run benchmarks/ship_sample_vectors.py."""
    model, keys = shipped_keys()
    assert model == E5Embedder.name
    texts = sample_embedding_texts(Settings().chunk_max_tokens)
    assert keys == {text_key(model, t) for t in texts}


def _ship_marked(path: Path, texts: list[str]) -> np.ndarray:
    """Shipped vectors that differ from what the hash model computes, so their use shows."""
    marked = -HashEmbedder().embed_passages(texts)
    write_shipped(path, HashEmbedder.name, texts, marked)
    return marked


def _vector_of(settings: Settings, doc_id: str) -> np.ndarray:
    kb = KnowledgeBase.open(settings)
    got = kb.collection.get(where={"doc_id": doc_id}, include=["embeddings"])
    return np.asarray(got["embeddings"][0])


@pytest.fixture
def shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "shipped" / "vectors.npz"
    monkeypatch.setattr("knowledge_base.shipped_vectors.SHIPPED_FILE", path)
    return path


def test_shipped_vectors_are_used_then_an_edited_article_is_embedded(
    tmp_path: Path, settings: Settings, shipped: Path
) -> None:
    docs = tmp_path / "docs"
    write_article(docs, "fees", "A late fee of 5 euros applies.")
    write_article(docs, "refunds", "Refunds are credited within 5 days.")
    marked = _ship_marked(shipped, embedding_texts([docs], settings.chunk_max_tokens))

    first = index_paths([docs], settings)
    assert (first.embedded_chunks, first.shipped_chunks) == (2, 2)
    assert np.allclose(_vector_of(settings, "fees"), marked[0], atol=1e-3)

    write_article(docs, "fees", "A late fee of 7 euros applies.")
    again = index_paths([docs], settings)
    assert (again.embedded_chunks, again.shipped_chunks) == (1, 0)
    text = embedding_texts([docs], settings.chunk_max_tokens)[0]
    computed = HashEmbedder().embed_passages([text])[0]
    assert np.allclose(_vector_of(settings, "fees"), computed, atol=1e-5)
    assert np.allclose(_vector_of(settings, "refunds"), marked[1], atol=1e-3)  # copied


def test_a_shipped_file_that_does_not_check_out_is_ignored(
    tmp_path: Path, settings: Settings, shipped: Path
) -> None:
    docs = tmp_path / "docs"
    write_article(docs, "fees", "A late fee of 5 euros applies.")
    texts = embedding_texts([docs], settings.chunk_max_tokens)
    _ship_marked(shipped, texts)
    with np.load(shipped) as data:
        parts = dict(data)
    parts["vectors"] = parts["vectors"] * 2  # changed after its digest was taken
    np.savez(shipped, **parts)
    summary = index_paths([docs], settings)
    assert (summary.embedded_chunks, summary.shipped_chunks) == (1, 0)
    computed = HashEmbedder().embed_passages(texts)[0]
    assert np.allclose(_vector_of(settings, "fees"), computed, atol=1e-5)
