"""The first run's "n/N chunks, ETA" line: estimated from the rate after the first batch (which
also loads the model), shown as seconds or minutes."""

from __future__ import annotations

from tui.indexing import IndexingClock, format_eta


def test_the_eta_follows_the_rate_after_the_first_batch() -> None:
    clock = IndexingClock()
    assert clock.describe(32, 320, at=10.0).endswith("32/320 chunks, ETA …")
    assert clock.eta(64, 320, at=12.0) == (320 - 64) / 16  # 32 chunks in 2 s
    assert clock.describe(96, 320, at=14.0) == (
        "indexing the sample knowledge base: 96/320 chunks, ETA 14 s"
    )


def test_the_eta_reads_in_minutes() -> None:
    assert format_eta(None) == "ETA …"
    assert format_eta(42.4) == "ETA 42 s"
    assert format_eta(125) == "ETA 2 min 05 s"
