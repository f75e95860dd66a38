"""Ranking metrics on hand-made rankings."""

from __future__ import annotations

import math

import pytest

from copilot.evaluation.metrics import (
    hit_at,
    ndcg_at,
    percentile,
    reciprocal_rank,
    unique_in_order,
)


def test_hit_and_reciprocal_rank() -> None:
    ranked = ["a", "b", "c", "d", "e", "f"]
    assert hit_at(ranked, {"c"}, 1) == 0.0
    assert hit_at(ranked, {"c"}, 3) == 1.0
    assert reciprocal_rank(ranked, {"c", "e"}, 10) == pytest.approx(1 / 3)
    assert reciprocal_rank(ranked, {"f"}, 5) == 0.0
    assert reciprocal_rank([], {"a"}, 10) == 0.0


def test_ndcg_binary() -> None:
    assert ndcg_at(["a", "b"], {"a"}, 10) == 1.0
    assert ndcg_at(["x", "a"], {"a"}, 10) == pytest.approx(1 / math.log2(3))
    # two relevant documents, found at ranks 1 and 3
    expected = (1 + 1 / math.log2(4)) / (1 + 1 / math.log2(3))
    assert ndcg_at(["a", "x", "b"], {"a", "b"}, 10) == pytest.approx(expected)
    assert ndcg_at(["a"], set(), 10) == 0.0


def test_percentile_and_unique() -> None:
    assert percentile([10, 20, 30, 40, 50], 50) == 30
    assert percentile([10, 20], 95) == pytest.approx(19.5)
    assert percentile([], 95) == 0.0
    assert unique_in_order(["d1", "d2", "d1", "d3"]) == ["d1", "d2", "d3"]
