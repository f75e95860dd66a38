"""Index batches are embedded one ahead of their storage, in order, and a model error surfaces
at its own batch, after the earlier ones were handed over."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from knowledge_base.embedding_pipeline import embedded_batches


class RecordingEmbedder:
    name = "recording"

    def __init__(self, fail_on: str | None = None) -> None:
        self.calls: list[list[str]] = []
        self.threads: set[str] = set()
        self.fail_on = fail_on

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        self.threads.add(threading.current_thread().name)
        if self.fail_on in texts:
            raise ConnectionError("embedding endpoint unreachable")
        return np.array([[float(t[1:]), 1.0] for t in texts], dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        raise AssertionError("not used")


def test_batches_come_back_in_order_with_their_own_vectors() -> None:
    items = [f"t{i}" for i in range(10)]
    embedder = RecordingEmbedder()
    got = list(embedded_batches(embedder, items, lambda t: t, 4))
    assert [list(part) for part, _, _ in got] == [items[0:4], items[4:8], items[8:10]]
    for part, vectors, seconds in got:
        assert [int(v[0]) for v in vectors] == [int(t[1:]) for t in part]
        assert seconds >= 0
    assert embedder.threads and all(name.startswith("embed-ahead") for name in embedder.threads)


def test_the_next_batch_is_computed_while_the_caller_stores_this_one() -> None:
    embedder = RecordingEmbedder()
    batches = embedded_batches(embedder, [f"t{i}" for i in range(9)], lambda t: t, 3)
    next(batches)
    # the caller holds batch 1; batch 2 is already asked of the model
    for _ in range(200):
        if len(embedder.calls) == 2:
            break
        threading.Event().wait(0.01)
    assert len(embedder.calls) == 2
    batches.close()


def test_a_model_error_surfaces_at_its_batch() -> None:
    embedder = RecordingEmbedder(fail_on="t5")
    batches = embedded_batches(embedder, [f"t{i}" for i in range(9)], lambda t: t, 3)
    first = next(batches)
    assert list(first[0]) == ["t0", "t1", "t2"]
    with pytest.raises(ConnectionError, match="unreachable"):
        next(batches)


def test_nothing_to_embed_yields_nothing() -> None:
    assert list(embedded_batches(RecordingEmbedder(), [], lambda t: t, 4)) == []
