"""Passages as knowledge cards: the ranked rows of a search turned into `Hit`s with their text
and metadata (the text from the indexer's sidecar, or fetched from Chroma once and kept)."""

from __future__ import annotations

from collections import OrderedDict

from copilot.retrieval.results import Hit
from knowledge_base.store import KnowledgeBase

TEXT_CACHE_CHUNKS = 4_096
"""Chunk texts kept in memory once fetched: the same policy passages come back turn after turn."""


class Passages:
    """Reads one opened knowledge base's chunks as hits."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._cache: OrderedDict[str, str] = OrderedDict()

    def _chunk_texts(self, ids: list[str]) -> dict[str, str]:
        """The texts of these chunks from Chroma, for a generation indexed before the sidecar
        kept them. A generation never changes, so a text fetched once (a round trip per turn,
        over the network with a Chroma server) is kept."""
        missing = [cid for cid in ids if cid not in self._cache]
        if missing:
            got = self.kb.collection.get(ids=missing, include=["documents"])
            for cid, text in zip(got["ids"], got["documents"] or [], strict=True):
                self._cache[cid] = text or ""
        texts = {}
        for cid in ids:
            if cid in self._cache:
                self._cache.move_to_end(cid)
                texts[cid] = self._cache[cid]
        while len(self._cache) > TEXT_CACHE_CHUNKS:
            self._cache.popitem(last=False)
        return texts

    def hits(self, ranked: list[tuple[int, float]]) -> list[Hit]:
        if not ranked:
            return []
        ids = [self.kb.lexical.ids[row] for row, _ in ranked]
        if self.kb.texts is not None:  # kept beside the vectors by the indexer
            texts = {cid: self.kb.texts[row] for (row, _), cid in zip(ranked, ids, strict=True)}
        else:
            texts = self._chunk_texts(ids)
        hits = []
        for (row, score), cid in zip(ranked, ids, strict=True):
            meta = self.kb.lexical.catalog[row]
            hits.append(
                Hit(
                    chunk_id=cid,
                    doc_id=meta["doc_id"],
                    title=meta["title"],
                    section=meta["section"],
                    lang=meta["lang"],
                    text=texts.get(cid, ""),
                    score=score,
                    effective_date=meta["effective_date"],
                    version=int(meta["version"] or 1),
                    audience=meta["audience"],
                    product=meta["product"],
                    superseded_by=meta["superseded_by"],
                )
            )
        return hits
