"""The chunk texts of one generation beside its vectors, read on demand.

Search needs the texts of its few hits only. Asking Chroma for them costs a round trip per
search (about 2 ms embedded, more over the network), so the indexer also writes them into the
generation's sidecar: one UTF-8 file and the byte offset of each chunk, memory-mapped, in the
row order of the BM25 index and the vectors.
"""

from __future__ import annotations

import mmap
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from knowledge_base.atomic import load_array_or_none

DATA = "texts.bin"
OFFSETS = "texts-offsets.npy"


class ChunkTexts:
    """Chunk texts by row, from a memory-mapped file (nothing is read until asked)."""

    def __init__(self, data: mmap.mmap | bytes, offsets: np.ndarray):
        self._data = data
        self._offsets = offsets

    @staticmethod
    def save(directory: Path, texts: Sequence[str]) -> None:
        encoded = [text.encode("utf-8") for text in texts]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(chunk) for chunk in encoded], out=offsets[1:])
        (directory / DATA).write_bytes(b"".join(encoded))
        np.save(directory / OFFSETS, offsets)

    @classmethod
    def load(cls, directory: Path, rows: int) -> ChunkTexts | None:
        """The texts saved in `directory`, or None when absent (a generation indexed before
        they were kept), unreadable or not matching the `rows` chunks of the generation."""
        data_path, offsets_path = directory / DATA, directory / OFFSETS
        offsets = load_array_or_none(offsets_path)
        if offsets is None or not data_path.is_file():
            return None
        size = data_path.stat().st_size
        if offsets.shape != (rows + 1,) or int(offsets[-1]) != size:
            return None
        if size == 0:
            return cls(b"", offsets)
        with data_path.open("rb") as handle:
            return cls(mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ), offsets)

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, row: int) -> str:
        start, end = int(self._offsets[row]), int(self._offsets[row + 1])
        return bytes(self._data[start:end]).decode("utf-8")
