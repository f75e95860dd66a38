"""A run of the real e5 model in a fresh data directory, on one engine, with or without the
shipped sample vectors (shared by the engine benchmarks)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import knowledge_base.shipped_vectors as shipped_vectors


@contextmanager
def fresh_e5_run(backend: str, shipped: bool) -> Iterator[Path]:
    """Environment for one run: a new data dir, `e5` on `backend`; the shipped vectors off
    unless `shipped`, so every chunk is computed by that engine."""
    original = shipped_vectors.SHIPPED_FILE
    with tempfile.TemporaryDirectory(prefix="bench-e5-") as data_dir:
        os.environ.update(
            COPILOT_DATA_DIR=data_dir, COPILOT_EMBEDDINGS="e5", COPILOT_EMBEDDINGS_BACKEND=backend
        )
        if not shipped:
            shipped_vectors.SHIPPED_FILE = Path(data_dir) / "no-shipped-vectors.npz"
        try:
            yield Path(data_dir)
        finally:
            shipped_vectors.SHIPPED_FILE = original
