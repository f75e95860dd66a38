"""What each search mode ranks by."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from copilot.config import Settings
from tests.agent_fakes import tiny_kb


def test_dense_mode_ranks_by_the_turn_with_its_context(tmp_path: Path, settings: Settings) -> None:
    retriever = tiny_kb(tmp_path / "kb", settings)
    earlier = ["I paid late last month"]
    result = retriever.search(
        "what about my card", k=50, mode="dense", context="paid late", context_texts=earlier
    )
    query = retriever._with_context(retriever.embed_query("what about my card"), earlier)
    cosines = retriever._vectors @ query
    assert len(result.hits) == len(cosines) >= 2
    assert [h.score for h in result.hits] == pytest.approx(sorted(cosines, reverse=True))
    # the turn alone no longer counts twice: its own cosine ranks differently
    alone = retriever._vectors @ retriever.embed_query("what about my card")
    assert not np.allclose(alone, cosines)
