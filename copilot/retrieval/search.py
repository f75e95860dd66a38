"""Hybrid search over the knowledge base: dense (e5 in Chroma) and lexical (BM25), fused.

Each mode also runs alone. Filters come from chunk metadata: audience, product, language, and
policy version — by default only current versions (not superseded, already in effect) are
returned; asked for superseded ones, each hit says so. A hit keeps its language, so a reply can
say that its source is written in another language than the customer's.

Fusion adds standardised scores; `abstain` says when nothing relevant was found. Articles the
knowledge base holds in two languages teach it a small bilingual lexicon, through which a query
also searches the passages written in the other language. An article's translation is not
listed again below it (`copilot.retrieval.translations`): one card per article.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Sequence
from datetime import date

import numpy as np

from copilot.retrieval.abstention import (
    AbstentionSignals,
    content_words,
    count_unknown,
    probability_answerable,
)
from copilot.retrieval.lexicons import learn_lexicons
from copilot.retrieval.passages import Passages
from copilot.retrieval.results import (
    MODES,
    FusionWeights,
    Hit,
    Mode,
    RetrievalResult,
    SearchFilters,
)
from copilot.retrieval.scoring import AllowedChunks, DocumentSoftMax, standardise
from copilot.retrieval.translations import TranslationGroups
from knowledge_base.language import detect_language
from knowledge_base.lexical import tokenize
from knowledge_base.store import KnowledgeBase

__all__ = ["MODES", "FusionWeights", "Hit", "Mode", "RetrievalResult", "Retriever", "SearchFilters"]


class Retriever:
    """Search one opened knowledge base.

    Dense scores are exact cosines against the generation's vectors (held in memory: 100k
    chunks x 384 dims is 150 MB and one matrix product of about 8 ms here); BM25 scores come
    from bm25s. Hybrid standardises each signal over the allowed chunks and adds them with
    `FusionWeights`. A conversation's earlier words enter as `context`: they join the lexical
    and one dense query, while the latest turn alone keeps its own dense weight, so old topics
    cannot drown the current question.
    """

    def __init__(self, kb: KnowledgeBase, weights: FusionWeights | None = None):
        self.kb = kb
        self.weights = weights or FusionWeights()
        catalog = kb.lexical.catalog
        self._ids = kb.lexical.ids
        self._vectors = kb.vectors
        self._lang = np.array([c["lang"] for c in catalog], dtype=object)
        self._audience = np.array([c["audience"] for c in catalog], dtype=object)
        self._product = np.array([c["product"] for c in catalog], dtype=object)
        self._superseded = np.array([bool(c["superseded_by"]) for c in catalog], dtype=bool)
        self._day = np.array([int(c["effective_day"] or 0) for c in catalog], dtype=np.int64)
        languages = sorted(set(self._lang.tolist()))
        self._lang_code = np.array([languages.index(x) for x in self._lang], dtype=np.int64)
        self._is_lang = {lang: self._lang_code == i for i, lang in enumerate(languages)}
        self._masks: dict[tuple[SearchFilters, int], AllowedChunks] = {}
        doc_of = [c["doc_id"] for c in catalog]
        doc_codes = {doc: i for i, doc in enumerate(dict.fromkeys(doc_of))}
        self._documents = DocumentSoftMax(
            np.array([doc_codes[d] for d in doc_of], dtype=np.int64), self.weights.doc_softmax_tau
        )
        self._translations = TranslationGroups.from_manifest(
            kb.manifest.get("docs") or {}, doc_of, self._lang
        )
        self._query_cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._passages = Passages(kb)
        # "No policy found" was measured on hybrid searches with e5; with other embedders the
        # retriever never abstains until measured (a wrong 'no policy found' is as bad as a
        # wrong answer).
        self._calibrated = kb.embedder.name.startswith("e5")
        self._lexicons = (
            learn_lexicons(kb, self._vectors, self._ids, self._superseded)
            if self.weights.translated
            else {}
        )

    def _translated_scores(
        self, full: str, mask: np.ndarray | AllowedChunks, lang: str
    ) -> np.ndarray:
        """Standardised BM25 of the query translated into each other language of the KB, on
        that language's passages only (zero elsewhere)."""
        out = np.zeros(len(self._ids), dtype=np.float32)
        for (src, tgt), lexicon in self._lexicons.items():
            if src != lang:
                continue
            words = [lexicon[t] for t in tokenize(full, src) if t in lexicon]
            if words:
                scores = self.kb.lexical.token_scores(words)
                z = self._standardise(scores, mask, self.weights.lexical_per_language)
                out += np.where(self._is_lang[tgt], z, 0.0).astype(np.float32)
        return out

    def _allowed(self, filters: SearchFilters) -> AllowedChunks:
        """The chunks these filters allow, with per-language counts (kept per filters and day:
        the same filters come back turn after turn)."""
        as_of = int((filters.as_of or date.today()).strftime("%Y%m%d"))
        key = (filters, as_of)
        if key not in self._masks:
            if len(self._masks) >= 32:
                self._masks.clear()
            self._masks[key] = AllowedChunks.build(
                self._build_mask(filters, as_of), self._lang_code
            )
        return self._masks[key]

    def _build_mask(self, filters: SearchFilters, as_of: int) -> np.ndarray:
        mask = np.ones(len(self._ids), dtype=bool)
        if filters.audience:
            mask &= self._audience == filters.audience
        if filters.product:
            mask &= (self._product == filters.product) | (self._product == "general")
        if filters.lang:
            mask &= self._lang == filters.lang
        if not filters.include_superseded:
            mask &= ~self._superseded
            mask &= self._day <= as_of
        return mask

    def _standardise(
        self, scores: np.ndarray, mask: np.ndarray | AllowedChunks, per_language: bool | None = None
    ) -> np.ndarray:
        """z-scores within each language of the knowledge base.

        The multilingual model (and BM25 even more) scores passages in the query's own
        language higher whatever they say; standardising per language removes that offset, so
        an English-only article can win a French question (cross-lingual hit@5 on the sample
        KB rose from 0.21 to the figure in the README with this).
        """
        if not (self.weights.per_language if per_language is None else per_language):
            return standardise(scores, mask.mask if isinstance(mask, AllowedChunks) else mask)
        if isinstance(mask, AllowedChunks):
            return mask.standardise(scores, self._lang_code)
        return AllowedChunks.build(mask, self._lang_code).standardise(scores, self._lang_code)

    def _with_context(self, turn_vec: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        context = np.mean([self.embed_query(t) for t in texts], axis=0)
        norm = float(np.linalg.norm(context))
        if not norm:
            return turn_vec
        vector = turn_vec + self.weights.context_share * context / norm
        return (vector / float(np.linalg.norm(vector))).astype(np.float32)

    def article_of(self, doc_id: str) -> str:
        """The article this document is a language version of (itself when it has none)."""
        return self._translations.article_of(doc_id)

    def passages_of(self, doc_ids: Sequence[str]) -> list[Hit]:
        """Every current chunk of these documents, in index order: the other sections of an
        article a card comes from, for an approved template that cites the whole article."""
        wanted = set(doc_ids)
        rows = [
            row
            for row, meta in enumerate(self.kb.lexical.catalog)
            if meta["doc_id"] in wanted and not self._superseded[row]
        ]
        return self._passages.hits([(row, 0.0) for row in rows])

    def embed_query(self, query: str) -> np.ndarray:
        cached = self._query_cache.get(query)
        if cached is not None:
            self._query_cache.move_to_end(query)
            return cached
        vector = np.asarray(self.kb.embedder.embed_query(query), dtype=np.float32)
        norm = float(np.linalg.norm(vector))
        vector = vector / norm if norm else vector
        self._query_cache[query] = vector
        if len(self._query_cache) > 256:
            self._query_cache.popitem(last=False)
        return vector

    def search(
        self,
        query: str,
        k: int = 10,
        mode: Mode = "hybrid",
        filters: SearchFilters | None = None,
        prefer_lang: str | None = None,
        context: str | None = None,
        context_texts: Sequence[str] | None = None,
    ) -> RetrievalResult:
        """Rank chunks for the latest turn `query`, helped by `context` words from earlier turns.

        `context_texts` (the earlier turns themselves) make the dense context query from their
        vectors, cached when they were the newest turn, instead of embedding "query + context".
        `prefer_lang` lifts same-language hits slightly (a preference, not a filter).
        """
        filters = filters or SearchFilters()
        started = time.perf_counter()
        w = self.weights
        scale = self._allowed(filters)
        mask = scale.mask
        full = f"{query} {context}".strip() if context else query
        timings: dict[str, float] = {}
        fused = np.zeros(len(self._ids), dtype=np.float32)
        bm25: np.ndarray | None = None
        dense_full = np.zeros(len(self._ids), dtype=np.float32)
        if mode in ("dense", "hybrid") and len(self._ids):
            t0 = time.perf_counter()
            turn_vec = self.embed_query(query)
            if context_texts:
                full_vec = self._with_context(turn_vec, context_texts)
            else:
                full_vec = self.embed_query(full) if full != query else turn_vec
            timings["embed_ms"] = (time.perf_counter() - t0) * 1000
            t0 = time.perf_counter()
            dense_full = self._vectors @ full_vec
            if mode == "dense":  # one cosine: the turn's vector with its context's
                fused = dense_full
            else:
                dense_turn = self._vectors @ turn_vec if full_vec is not turn_vec else dense_full
                z_full = self._standardise(dense_full, scale)
                if dense_turn is dense_full:  # no context: one query vector, one z-score
                    fused += (w.dense_full + w.dense_turn) * z_full
                else:
                    fused += w.dense_full * z_full
                    fused += w.dense_turn * self._standardise(dense_turn, scale)
            timings["dense_ms"] = (time.perf_counter() - t0) * 1000
        if mode in ("lexical", "hybrid") and len(self._ids):
            t0 = time.perf_counter()
            bm25 = self.kb.lexical.scores(full)
            if mode == "lexical":
                fused = bm25.copy()
                mask = mask & (bm25 > 0)
            else:
                fused += w.lexical * self._standardise(bm25, scale, w.lexical_per_language)
                if self._lexicons:
                    lang = detect_language(query, prefer_lang or "en")
                    fused += w.translated * self._translated_scores(full, scale, lang)
            timings["lexical_ms"] = (time.perf_counter() - t0) * 1000
        if mode == "hybrid":
            fused = self._documents.lift(fused, mask)
        if prefer_lang and w.same_lang_boost and mode == "hybrid":
            fused = fused + w.same_lang_boost * (self._lang == prefer_lang)
        allowed = np.flatnonzero(mask)
        top: list[int] = []
        if allowed.size:
            # room for the translations that one-card-per-article drops
            pool = k * 3 + 8 if self._translations.any else k
            n = min(pool, allowed.size)
            part = allowed[np.argpartition(-fused[allowed], n - 1)[:n]]
            top = [int(i) for i in part[np.argsort(-fused[part])]]
            top = self._translations.pick(top, k, prefer_lang, fused, mask)
        hits = self._passages.hits([(i, float(fused[i])) for i in top])
        if bm25 is None:
            bm25 = self.kb.lexical.scores(full) if self._calibrated else np.zeros(0)
        confidence = self.confidence(dense_full, bm25, mask, full, mode)
        return RetrievalResult(
            query=full,
            mode=mode,
            hits=hits,
            confidence=confidence,
            abstained=not hits or confidence < w.abstain_below,
            latency_ms=(time.perf_counter() - started) * 1000,
            embed_ms=timings.get("embed_ms", 0.0),
            timings=timings,
        )

    def confidence(
        self, dense: np.ndarray, bm25: np.ndarray, mask: np.ndarray, query: str, mode: Mode
    ) -> float:
        """Estimated probability (0..1) that the knowledge base answers the query.

        `copilot.retrieval.abstention`'s logistic model over the query's words the KB never uses
        and the
        best BM25 score, fitted on the sample KB's answerable and deliberately unanswerable
        questions with cross-validation (benchmarks/tune_abstention.py). It was measured on
        hybrid searches with e5 only; other embedders and lexical mode report 1.0 and never
        abstain until measured.
        """
        if mode == "lexical" or not self._calibrated or not mask.any():
            return 1.0 if mask.any() else 0.0
        words = content_words(query)
        top_cosine, pair = None, ("", "")
        if dense.size and dense.any():
            rows = np.flatnonzero(mask)
            best = int(rows[np.argmax(dense[rows])])
            top_cosine = float(dense[best])
            pair = (detect_language(query, "en"), str(self._lang[best]))
        signals = AbstentionSignals(
            best_bm25=float(bm25[mask].max()) if bm25.size else 0.0,
            content_words=len(words),
            unknown_words=count_unknown(words, self.kb.lexical.vocabulary),
            kb_chunks=len(self._ids),
            top_cosine=top_cosine,
            language_pair=pair,
        )
        return probability_answerable(signals)
