"""Score arithmetic of the hybrid ranking: z-scores over the allowed chunks (per language), and
the document-level soft maximum that lets a document with several matching passages edge out
one with a single lucky chunk."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def standardise(scores: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """z-scores over the allowed rows, so dense and BM25 scores add on one scale."""
    allowed = scores[mask]
    if allowed.size < 2:
        return np.zeros_like(scores)
    std = float(allowed.std())
    return (scores - float(allowed.mean())) / (std if std > 1e-9 else 1.0)


@dataclass(frozen=True)
class AllowedChunks:
    """A filter's allowed chunks and how many of each language, for per-language z-scores."""

    mask: np.ndarray
    weight: np.ndarray
    """1.0 on allowed rows, 0.0 elsewhere."""
    counts: np.ndarray
    """Allowed chunks per language code."""

    @classmethod
    def build(cls, mask: np.ndarray, codes: np.ndarray) -> AllowedChunks:
        weight = mask.astype(np.float64)
        groups = int(codes.max()) + 1 if codes.size else 0
        return cls(mask, weight, np.bincount(codes, weights=weight, minlength=groups))

    def standardise(self, scores: np.ndarray, codes: np.ndarray) -> np.ndarray:
        """z-scores within each language over the allowed rows, in one pass (moments by
        bincount): a language with fewer than 5 allowed chunks keeps the global scale, and
        fewer than 2 allowed chunks in all give zeros, as `standardise` does."""
        total = float(self.counts.sum()) if self.counts.size else 0.0
        if total < 2:
            return np.zeros_like(scores)
        x = scores.astype(np.float64)
        wx = x * self.weight
        sums = np.bincount(codes, weights=wx, minlength=self.counts.size)
        squares = np.bincount(codes, weights=wx * x, minlength=self.counts.size)
        small = self.counts < 5  # too few chunks of a language: keep the global scale
        counts = np.where(small, total, self.counts)
        sums = np.where(small, sums.sum(), sums)
        squares = np.where(small, squares.sum(), squares)
        mean = sums / counts
        std = np.sqrt(np.maximum(squares / counts - mean * mean, 0.0))
        std = np.where(std > 1e-9, std, 1.0)
        return ((x - mean[codes]) / std[codes]).astype(scores.dtype)


class DocumentSoftMax:
    """Lift each document's best chunk to a soft maximum over its three best chunks:

        D = s1 + tau * ln(1 + exp((s2 - s1) / tau) + exp((s3 - s1) / tau))

    so an article whose several passages match outranks one with a single lucky passage, but
    by at most tau * ln 3 (a 200-chunk manual gains no more than a 3-chunk article). Only the
    best chunk takes D; the others keep their scores. One-chunk documents never change, so
    only the rows of documents with several chunks are computed (grouped once, at start).
    """

    def __init__(self, doc_codes: np.ndarray, tau: float):
        self.tau = tau
        sizes = np.bincount(doc_codes) if doc_codes.size else np.zeros(0, dtype=np.int64)
        rows = np.flatnonzero(sizes[doc_codes] > 1) if doc_codes.size else doc_codes
        self._rows = rows[np.argsort(doc_codes[rows], kind="stable")]
        """Rows of documents with several chunks, grouped by document."""
        groups = doc_codes[self._rows]
        self._starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]]) if rows.size else rows
        self._group = np.cumsum(np.r_[False, groups[1:] != groups[:-1]]) if rows.size else rows

    def lift(self, fused: np.ndarray, mask: np.ndarray) -> np.ndarray:
        if not self._rows.size or self.tau <= 0:
            return fused
        v = np.where(mask[self._rows], fused[self._rows], -np.inf)
        group, starts = self._group, self._starts
        best = np.maximum.reduceat(v, starts)
        rest = np.where(v >= best[group], -np.inf, v)
        second = np.maximum.reduceat(rest, starts)
        rest = np.where(rest >= second[group], -np.inf, rest)
        third = np.maximum.reduceat(rest, starts)
        live = np.isfinite(best)
        safe_best = np.where(live, best, 0.0)
        with np.errstate(invalid="ignore", over="ignore"):
            total = (
                1.0
                + np.exp((second - safe_best) / self.tau)  # exp(-inf) = 0 for a missing chunk
                + np.exp((third - safe_best) / self.tau)
            )
        lifted = safe_best + self.tau * np.log(total)
        top = live[group] & (v == best[group])
        out = fused.copy()
        out[self._rows[top]] = lifted[group[top]].astype(fused.dtype)
        return out
