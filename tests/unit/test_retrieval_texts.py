"""Hit texts come from the generation's sidecar, with no Chroma read; for a generation indexed
before the sidecar kept them, the retriever keeps what it fetched from Chroma."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import copilot.retrieval.passages
from copilot.config import Settings
from knowledge_base.chunk_texts import ChunkTexts
from tests.agent_fakes import tiny_kb


def spy_on_reads(
    retriever: copilot.retrieval.search.Retriever, monkeypatch: pytest.MonkeyPatch
) -> list:
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
    retriever.kb.texts = None  # an older generation: texts only in Chroma
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
    retriever.kb.texts = None
    monkeypatch.setattr(copilot.retrieval.passages, "TEXT_CACHE_CHUNKS", 1)
    reads = spy_on_reads(retriever, monkeypatch)
    first = retriever.search("stolen card", k=2)
    again = retriever.search("stolen card", k=2)
    assert len(first.hits) == 2
    assert len(retriever._passages._cache) == 1
    assert [h.text for h in again.hits] == [h.text for h in first.hits]
    assert reads[1] == [first.hits[0].chunk_id]  # only the dropped text is read again


def test_hit_texts_come_from_the_sidecar_and_match_chroma(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    retriever = tiny_kb(tmp_path / "kb", settings)
    assert retriever.kb.texts is not None
    stored = retriever.kb.collection.get(include=["documents"])
    reads = spy_on_reads(retriever, monkeypatch)
    hits = retriever.search("late fee grace period", k=3).hits
    assert hits and reads == []
    by_id = dict(zip(stored["ids"], stored["documents"], strict=True))
    assert [h.text for h in hits] == [by_id[h.chunk_id] for h in hits]


def test_chunk_texts_round_trip_and_refuse_a_mismatch(tmp_path: Path) -> None:
    texts = ["Frais de retard : 5 € au plus.", "", "card \u2014 stolen? 🙂"]
    ChunkTexts.save(tmp_path, texts)
    loaded = ChunkTexts.load(tmp_path, rows=3)
    assert loaded is not None and len(loaded) == 3
    assert [loaded[i] for i in range(3)] == texts
    assert ChunkTexts.load(tmp_path, rows=4) is None  # not this generation's rows
    assert ChunkTexts.load(tmp_path / "missing", rows=3) is None
    ChunkTexts.save(tmp_path, [])
    empty = ChunkTexts.load(tmp_path, rows=0)
    assert empty is not None and len(empty) == 0
