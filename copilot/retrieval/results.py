"""What a search takes and gives: filters, hits, the result with its abstention signal, and the
fusion weights of the hybrid ranking (`copilot.retrieval.search.Retriever`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

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
    """Tunable knobs of the hybrid ranking, chosen on OR-ShARC dev with cross-validation
    (benchmarks/tune_retrieval.py) and checked on the sample KB."""

    dense_full: float = 1.0
    """Dense similarity of the turn with its context (see `context_share`)."""
    context_share: float = 0.5
    """With earlier turns' texts given, the context query is the turn's vector plus this share
    of their mean vector, re-normalised: vectors already computed, so no second embedding per
    turn. On OR-ShARC dev (scenario as the earlier text) 0.5 gave hit@5 0.944 / MRR 0.841
    against 0.939 / 0.841 for embedding "turn + context" (1.0: 0.941 / 0.842)."""
    dense_turn: float = 1.0
    """Dense similarity of the latest turn alone: it says what is asked now."""
    lexical: float = 0.5
    """BM25 of the turn with its context words."""
    per_language: bool = True
    """Standardise dense scores within each language (removes the same-language bias)."""
    lexical_per_language: bool = True
    """The same for BM25 scores."""
    translated: float = 1.0
    """BM25 of the query's words translated through the KB's own bilingual lexicon, added on
    passages in another language than the query's (chosen by doc-grouped cross-validation on
    the sample KB: cross-lingual hit@5 0.775 -> 0.888)."""
    doc_softmax_tau: float = 3.0
    """Each document's best chunk is lifted to a soft maximum over its three best chunks
    (`copilot.retrieval.scoring.DocumentSoftMax`; 0 switches it off). Chosen by doc-grouped
    cross-validation on the sample KB (hit@5 0.934 -> 0.942, cross-lingual 0.887 -> 0.925,
    MRR 0.779 -> 0.808, held-out figures); OR-ShARC's one-chunk documents are unchanged."""
    same_lang_boost: float = 0.0
    """Added (in standard deviations) to hits in the preferred language."""
    abstain_below: float = 0.3
    """Confidence under which the result says 'no policy found' (P(no answer) > 0.7): chosen
    for precision, since a wrong 'no policy found' is as bad as a wrong answer (grouped
    cross-validation on the sample KB: precision 0.91, recall 0.29;
    copilot/retrieval/abstention.py)."""
