"""The retriever keeps the chunk texts it fetched: a passage seen before costs no Chroma read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import copilot.retrieval
from copilot.config import Settings
from tests.agent_fakes import tiny_kb


def spy_on_reads(retriever: copilot.retrieval.Retriever, monkeypatch: pytest.MonkeyPatch) -> list:
    reads: list[Any] = []
    collection = type(retriever.kb.collection)
    real_get = collection.get

    def get(self: Any, *args: Any, **kwargs: Any) -> Any:
        reads.append(kwargs.get("ids"))
        return real_get(self, *args, **kwargs)

    monkeypatch.setattr(collection, "get", get)
    return reads


def test_a_repeated_search_reads_no_text_again(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    retriever = tiny_kb(tmp_path / "kb", settings)
    reads = spy_on_reads(retriever, monkeypatch)
    first = retriever.search("late fee grace period", k=2)
    second = retriever.search("late fee grace period", k=2)
    assert len(reads) == 1
    assert [h.text for h in second.hits] == [h.text for h in first.hits]
    assert all("€" in h.text or "card" in h.text for h in first.hits)


def test_the_text_cache_is_bounded_and_refetches_what_it_dropped(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    retriever = tiny_kb(tmp_path / "kb", settings)
    monkeypatch.setattr(copilot.retrieval, "TEXT_CACHE_CHUNKS", 1)
    reads = spy_on_reads(retriever, monkeypatch)
    first = retriever.search("stolen card", k=2)
    again = retriever.search("stolen card", k=2)
    assert len(first.hits) == 2
    assert len(retriever._texts) == 1
    assert [h.text for h in again.hits] == [h.text for h in first.hits]
    assert reads[1] == [first.hits[0].chunk_id]  # only the dropped text is read again
