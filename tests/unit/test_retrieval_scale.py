"""Score arithmetic: per-language z-scores in one pass, and the document soft maximum."""

from __future__ import annotations

import numpy as np
import pytest

from copilot.retrieval.scoring import AllowedChunks, DocumentSoftMax, standardise


def reference(scores: np.ndarray, mask: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """z within each language over allowed rows; a language with < 5 allowed rows keeps the
    global scale (the definition the retriever documents)."""
    out = standardise(scores, mask)
    for code in np.unique(codes):
        group = mask & (codes == code)
        if group.sum() >= 5:
            out = np.where(codes == code, standardise(scores, group), out)
    return out


def test_matches_the_definition_with_a_small_language_and_filtered_rows() -> None:
    rng = np.random.default_rng(3)
    codes = np.array([0] * 40 + [1] * 30 + [2] * 4, dtype=np.int64)  # language 2: too few
    mask = rng.random(codes.size) < 0.8
    scores = (rng.random(codes.size) * 10 + codes * 5).astype(np.float32)
    got = AllowedChunks.build(mask, codes).standardise(scores, codes)
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
    assert not AllowedChunks.build(everything, codes).standardise(flat, codes).any()
    one_row = np.zeros(20, dtype=bool)
    one_row[3] = True
    varied = np.arange(20, dtype=np.float32)
    assert not AllowedChunks.build(one_row, codes).standardise(varied, codes).any()


def soft_max_reference(fused: np.ndarray, mask: np.ndarray, docs: np.ndarray, tau: float):
    """Each document's best allowed chunk takes s1 + tau * ln(sum over its 3 best of
    exp((s - s1) / tau)); everything else is unchanged."""
    out = fused.astype(np.float64).copy()
    for doc in np.unique(docs):
        rows = np.flatnonzero((docs == doc) & mask)
        if rows.size < 2:
            continue
        ranked = rows[np.argsort(-fused[rows], kind="stable")]
        best = float(fused[ranked[0]])
        top3 = fused[ranked[:3]].astype(np.float64)
        out[ranked[0]] = best + tau * np.log(np.exp((top3 - best) / tau).sum())
    return out


def test_a_document_with_several_matching_chunks_edges_out_a_lucky_single_chunk() -> None:
    #                  doc 0: four chunks         doc 1: one chunk
    fused = np.array([2.0, 1.5, 1.0, 0.5, 2.5], dtype=np.float32)
    docs = np.array([0, 0, 0, 0, 1], dtype=np.int64)
    everything = np.ones(5, dtype=bool)
    lifted = DocumentSoftMax(docs, tau=1.0).lift(fused, everything)
    expected = 2.0 + np.log(1 + np.exp(-0.5) + np.exp(-1.0))  # the fourth chunk is not counted
    assert lifted[0] == pytest.approx(expected, abs=1e-5)
    assert lifted[0] > lifted[4] == 2.5  # the one-chunk document keeps its score
    np.testing.assert_array_equal(lifted[1:4], fused[1:4])  # only the best chunk is lifted
    # the gain is bounded: tau * ln 3 at most, however many chunks tie with the best
    ties = DocumentSoftMax(np.zeros(50, dtype=np.int64), tau=1.0)
    flat = np.ones(50, dtype=np.float32)
    assert ties.lift(flat, np.ones(50, dtype=bool)).max() <= 1.0 + np.log(3) + 1e-5


def test_soft_max_matches_the_definition_and_ignores_filtered_chunks() -> None:
    rng = np.random.default_rng(5)
    docs = rng.integers(0, 40, size=300).astype(np.int64)
    fused = rng.normal(size=300).astype(np.float32)
    mask = rng.random(300) < 0.7
    got = DocumentSoftMax(docs, tau=3.0).lift(fused, mask)
    want = soft_max_reference(fused, mask, docs, tau=3.0)
    np.testing.assert_allclose(got[mask], want[mask], rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(got[~mask], fused[~mask])  # never ranked anyway: untouched
    assert DocumentSoftMax(docs, tau=0.0).lift(fused, mask) is fused  # switched off
