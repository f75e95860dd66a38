"""Per-language z-scores computed in one pass match the plain definition."""

from __future__ import annotations

import numpy as np

from copilot.retrieval import _Allowed, _standardise


def reference(scores: np.ndarray, mask: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """z within each language over allowed rows; a language with < 5 allowed rows keeps the
    global scale (the definition the retriever documents)."""
    out = _standardise(scores, mask)
    for code in np.unique(codes):
        group = mask & (codes == code)
        if group.sum() >= 5:
            out = np.where(codes == code, _standardise(scores, group), out)
    return out


def test_matches_the_definition_with_a_small_language_and_filtered_rows() -> None:
    rng = np.random.default_rng(3)
    codes = np.array([0] * 40 + [1] * 30 + [2] * 4, dtype=np.int64)  # language 2: too few
    mask = rng.random(codes.size) < 0.8
    scores = (rng.random(codes.size) * 10 + codes * 5).astype(np.float32)
    got = _Allowed.build(mask, codes).standardise(scores, codes)
    want = reference(scores, mask, codes)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    # each big language is centred on its own allowed rows
    for code in (0, 1):
        rows = mask & (codes == code)
        assert abs(float(got[rows].mean())) < 1e-5
        assert abs(float(got[rows].std()) - 1.0) < 1e-4


def test_constant_scores_and_nearly_empty_masks_give_finite_zeros() -> None:
    codes = np.array([0] * 10 + [1] * 10, dtype=np.int64)
    flat = np.full(20, 0.7, dtype=np.float32)
    everything = np.ones(20, dtype=bool)
    assert not _Allowed.build(everything, codes).standardise(flat, codes).any()
    one_row = np.zeros(20, dtype=bool)
    one_row[3] = True
    varied = np.arange(20, dtype=np.float32)
    assert not _Allowed.build(one_row, codes).standardise(varied, codes).any()
