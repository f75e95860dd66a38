"""Hybrid search over the knowledge base: dense (e5 in Chroma) and lexical (BM25), fused.

Each mode also runs alone. Filters come from chunk metadata: audience, product, language, and
policy version — by default only current versions (not superseded, already in effect) are
returned; asked for superseded ones, each hit says so. A hit keeps its language, so a reply can
say that its source is written in another language than the customer's.

Fusion is a weighted reciprocal-rank fusion; `abstain` says when nothing relevant was found.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import numpy as np

from knowledge_base.store import KnowledgeBase

Mode = Literal["hybrid", "dense", "lexical"]
MODES: tuple[Mode, ...] = ("hybrid", "dense", "lexical")


@dataclass(frozen=True)
class SearchFilters:
    """Which chunks may be returned."""

    audience: str | None = None
    """'customer' keeps only customer-facing articles; None allows internal ones too."""
    product: str | None = None
    """Keep only this product (and 'general' articles)."""
    lang: str | None = None
    """Keep only this language (a strict filter; see `prefer_lang` for a preference)."""
    include_superseded: bool = False
    """Also return superseded versions (each hit is marked)."""
    as_of: date | None = None
    """Policies in effect on this day (default: today)."""


@dataclass(frozen=True)
class Hit:
    """One retrieved passage, ready to be shown as a knowledge card and cited."""

    chunk_id: str
    doc_id: str
    title: str
    section: str
    lang: str
    text: str
    score: float
    effective_date: str
    version: int
    audience: str
    product: str
    superseded_by: str

    @property
    def superseded(self) -> bool:
        return bool(self.superseded_by)

    def as_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "chunk_id": self.chunk_id,
            "title": self.title,
            "section": self.section,
            "lang": self.lang,
            "effective_date": self.effective_date,
            "version": self.version,
            "audience": self.audience,
            "superseded": self.superseded,
            "superseded_by": self.superseded_by or None,
            "score": round(self.score, 5),
            "text": self.text,
        }


@dataclass
class RetrievalResult:
    """Ranked hits plus the abstention signal and timings."""

    query: str
    mode: Mode
    hits: list[Hit]
    confidence: float
    """0..1: how likely the top hit answers the query."""
    abstained: bool
    """True when nothing relevant was found: the copilot must say so, not answer."""
    latency_ms: float
    embed_ms: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class FusionWeights:
    """Tunable knobs of the hybrid ranking (measured on the evaluation sets)."""

    dense: float = 1.0
    lexical: float = 1.0
    rrf_k: float = 60.0
    candidates: int = 60
    same_lang_boost: float = 0.0
    abstain_below: float = 0.5


class Retriever:
    """Search one opened knowledge base."""

    def __init__(self, kb: KnowledgeBase, weights: FusionWeights | None = None):
        self.kb = kb
        self.weights = weights or FusionWeights()
        catalog = kb.lexical.catalog
        self._ids = kb.lexical.ids
        self._row = {cid: i for i, cid in enumerate(self._ids)}
        self._lang = np.array([c["lang"] for c in catalog], dtype=object)
        self._audience = np.array([c["audience"] for c in catalog], dtype=object)
        self._product = np.array([c["product"] for c in catalog], dtype=object)
        self._superseded = np.array([bool(c["superseded_by"]) for c in catalog], dtype=bool)
        self._day = np.array([int(c["effective_day"] or 0) for c in catalog], dtype=np.int64)
        self._query_cache: OrderedDict[str, np.ndarray] = OrderedDict()

    def _mask(self, filters: SearchFilters) -> np.ndarray:
        mask = np.ones(len(self._ids), dtype=bool)
        if filters.audience:
            mask &= self._audience == filters.audience
        if filters.product:
            mask &= (self._product == filters.product) | (self._product == "general")
        if filters.lang:
            mask &= self._lang == filters.lang
        if not filters.include_superseded:
            mask &= ~self._superseded
            as_of = int((filters.as_of or date.today()).strftime("%Y%m%d"))
            mask &= self._day <= as_of
        return mask

    def _where(self, filters: SearchFilters) -> dict[str, Any] | None:
        clauses: list[dict[str, Any]] = []
        if filters.audience:
            clauses.append({"audience": filters.audience})
        if filters.product:
            clauses.append({"product": {"$in": [filters.product, "general"]}})
        if filters.lang:
            clauses.append({"lang": filters.lang})
        if not filters.include_superseded:
            clauses.append({"superseded_by": ""})
            as_of = int((filters.as_of or date.today()).strftime("%Y%m%d"))
            clauses.append({"effective_day": {"$lte": as_of}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def embed_query(self, query: str) -> np.ndarray:
        cached = self._query_cache.get(query)
        if cached is not None:
            self._query_cache.move_to_end(query)
            return cached
        vector = self.kb.embedder.embed_query(query)
        self._query_cache[query] = vector
        if len(self._query_cache) > 256:
            self._query_cache.popitem(last=False)
        return vector

    def dense_ranking(
        self, vector: np.ndarray, filters: SearchFilters, n: int
    ) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) best first."""
        if not self._ids:
            return []
        got = self.kb.collection.query(
            query_embeddings=[vector.tolist()],
            n_results=min(n, len(self._ids)),
            where=self._where(filters),
            include=["distances"],
        )
        return [
            (cid, 1.0 - float(dist))
            for cid, dist in zip(got["ids"][0], got["distances"][0], strict=True)
        ]

    def lexical_ranking(self, query: str, mask: np.ndarray, n: int) -> list[tuple[str, float]]:
        scores = self.kb.lexical.scores(query)
        if not len(scores):
            return []
        scores = np.where(mask, scores, 0.0)
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top])]
        return [(self._ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def search(
        self,
        query: str,
        k: int = 10,
        mode: Mode = "hybrid",
        filters: SearchFilters | None = None,
        prefer_lang: str | None = None,
    ) -> RetrievalResult:
        """Rank chunks for the query; `prefer_lang` lifts same-language hits slightly."""
        filters = filters or SearchFilters()
        started = time.perf_counter()
        w = self.weights
        timings: dict[str, float] = {}
        dense: list[tuple[str, float]] = []
        lexical: list[tuple[str, float]] = []
        if mode in ("dense", "hybrid"):
            t0 = time.perf_counter()
            vector = self.embed_query(query)
            timings["embed_ms"] = (time.perf_counter() - t0) * 1000
            t0 = time.perf_counter()
            dense = self.dense_ranking(vector, filters, w.candidates)
            timings["dense_ms"] = (time.perf_counter() - t0) * 1000
        if mode in ("lexical", "hybrid"):
            t0 = time.perf_counter()
            lexical = self.lexical_ranking(query, self._mask(filters), w.candidates)
            timings["lexical_ms"] = (time.perf_counter() - t0) * 1000

        fused: dict[str, float] = {}
        if mode == "dense":
            fused = dict(dense)
        elif mode == "lexical":
            fused = dict(lexical)
        else:
            for rank, (cid, _) in enumerate(dense):
                fused[cid] = fused.get(cid, 0.0) + w.dense / (w.rrf_k + rank + 1)
            for rank, (cid, _) in enumerate(lexical):
                fused[cid] = fused.get(cid, 0.0) + w.lexical / (w.rrf_k + rank + 1)
        if prefer_lang and w.same_lang_boost:
            for cid in fused:
                if self.kb.lexical.catalog[self._row[cid]]["lang"] == prefer_lang:
                    fused[cid] *= 1.0 + w.same_lang_boost
        ranked = sorted(fused.items(), key=lambda item: -item[1])[:k]
        hits = self._hits(ranked)
        confidence = self.confidence(dense, lexical)
        latency = (time.perf_counter() - started) * 1000
        return RetrievalResult(
            query=query,
            mode=mode,
            hits=hits,
            confidence=confidence,
            abstained=not hits or confidence < w.abstain_below,
            latency_ms=latency,
            embed_ms=timings.get("embed_ms", 0.0),
            timings=timings,
        )

    def confidence(self, dense: list[tuple[str, float]], lexical: list[tuple[str, float]]) -> float:
        """A 0..1 relevance signal from the top dense similarity and lexical agreement."""
        if not dense and not lexical:
            return 0.0
        top_dense = dense[0][1] if dense else 0.0
        agree = bool(dense and lexical and lexical[0][0] in {c for c, _ in dense[:3]})
        # e5 cosine similarities crowd in 0.75..0.92; map that band onto 0..1.
        score = (top_dense - 0.78) / 0.10 if dense else 0.5
        score += 0.15 if agree else 0.0
        return float(min(1.0, max(0.0, score)))

    def _hits(self, ranked: list[tuple[str, float]]) -> list[Hit]:
        if not ranked:
            return []
        got = self.kb.collection.get(ids=[cid for cid, _ in ranked], include=["documents"])
        texts = dict(zip(got["ids"], got["documents"], strict=True))
        hits = []
        for cid, score in ranked:
            meta = self.kb.lexical.catalog[self._row[cid]]
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
