"""The retrieval evaluation harness behind `copilot eval retrieval`.

Indexes a docs.jsonl into a knowledge base named after its content hash (so a second run finds
it already built and embeds nothing), runs every query, and reports hit@1/5/10, MRR@10,
nDCG@10, latency percentiles and n, overall and per group (`lang`, `cross_lingual`). Queries with
no relevant id measure abstention: the copilot should say no policy was found.

Relevance is judged per article: when the knowledge base holds an article in two languages,
a question labelled with both versions has one relevant article, and the search lists it once
(`copilot.retrieval.translations`); nDCG's ideal ranking counts it once too.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from copilot.config import Settings
from copilot.evaluation.metrics import (
    hit_at,
    ndcg_at,
    percentile,
    reciprocal_rank,
    unique_in_order,
)
from copilot.inputs import numbered_jsonl, read_jsonl
from copilot.retrieval.search import FusionWeights, Mode, Retriever
from knowledge_base import SAMPLES_DIR as SAMPLES
from knowledge_base.atomic import write_text_atomic
from knowledge_base.errors import KnowledgeBaseError
from knowledge_base.indexer import index_paths
from knowledge_base.store import KnowledgeBase

GROUP_KEYS = ("lang", "cross_lingual")
DOCS_SHAPE = '{"id": ..., "title": ..., "text": ..., "lang": "fr"|"en"}'
QUERY_SHAPE = '{"query": ..., "relevant_ids": ["doc-id", ...]}'


@dataclass
class QueryOutcome:
    id: str
    ranked: list[str]
    relevant: set[str]
    latency_ms: float
    abstained: bool
    confidence: float
    record: dict[str, Any]
    articles: Mapping[str, str] = field(default_factory=dict)
    """Document id -> its article, for documents held in several languages."""

    def ranked_articles(self) -> list[str]:
        return unique_in_order([self.articles.get(d, d) for d in self.ranked])

    def relevant_articles(self) -> set[str]:
        return {self.articles.get(d, d) for d in self.relevant}


def read_queries(path: Path) -> list[dict[str, Any]]:
    """Labelled queries: each line needs a `query` (or a `question`) and may list
    `relevant_ids`; a line without them names its file and line."""
    rows = []
    for number, row in numbered_jsonl(path):
        text = row.get("query") or row.get("question")
        if not isinstance(text, str) or not text.strip():
            raise KnowledgeBaseError(
                f'{path}:{number}: a query needs "query": "..." (or "question"); '
                f"expected {QUERY_SHAPE} a line"
            )
        if not isinstance(row.get("relevant_ids") or [], list):
            raise KnowledgeBaseError(f'{path}:{number}: "relevant_ids" must be a list of ids')
        rows.append(row)
    return rows


def check_labels(
    rows: list[dict[str, Any]], queries: Path, kb: KnowledgeBase, docs: Path | None
) -> None:
    """Queries that could only score zero are an error, not a table of zeros: none lists
    `relevant_ids`, or none of the ids names a document of the knowledge base."""
    labelled = [set(row.get("relevant_ids") or []) for row in rows]
    if not any(labelled):
        raise KnowledgeBaseError(
            f"{queries}: no query lists relevant_ids, so nothing can be scored "
            f"(expected {QUERY_SHAPE} a line)"
        )
    known = set(kb.manifest["docs"])
    if not any(ids & known for ids in labelled):
        example = ", ".join(sorted(known)[:3])
        raise KnowledgeBaseError(
            f"{queries}: none of its relevant_ids names a document of "
            f"{docs or 'the sample knowledge base'} (its ids look like {example})"
        )


def eval_kb_name(docs: Path, settings: Settings) -> str:
    digest = hashlib.sha256(docs.read_bytes() + settings.embeddings.encode()).hexdigest()[:12]
    return f"eval-{digest}"


def prepare_kb(
    docs: Path | None, settings: Settings, progress: Callable[[int, int], None] | None = None
) -> KnowledgeBase:
    """Index (or find already indexed) the documents to evaluate on."""
    if docs is None:
        index_paths([SAMPLES / "articles"], settings, kb="sample", progress=progress)
        return KnowledgeBase.open(settings, "sample")
    if not docs.exists():
        raise KnowledgeBaseError(f"no such file: {docs}")
    name = eval_kb_name(docs, settings)
    summary = index_paths([docs], settings, kb=name, progress=progress)
    if summary.chunks == 0:
        raise KnowledgeBaseError(
            f"nothing could be indexed from {docs}: expected {DOCS_SHAPE} a line (or documents "
            "that `copilot kb index` reads)"
        )
    return KnowledgeBase.open(settings, name)


def default_queries() -> list[dict[str, Any]]:
    rows = read_jsonl(SAMPLES / "questions.jsonl")
    extra = SAMPLES / "questions_unanswerable.jsonl"
    return rows + (read_jsonl(extra) if extra.exists() else [])


def run_queries(
    retriever: Retriever, queries: list[dict[str, Any]], k: int, mode: Mode
) -> list[QueryOutcome]:
    outcomes: list[QueryOutcome] = []
    for row in queries:
        # Rows that separate the question from its scenario (OR-ShARC) are searched the way a
        # conversation is: the question as the turn, the scenario as context words.
        if row.get("question") and row.get("scenario"):
            result = retriever.search(
                str(row["question"]),
                k=k * 3,
                mode=mode,
                context=str(row["scenario"]),
                context_texts=[str(row["scenario"])],
            )
        else:
            result = retriever.search(str(row.get("query") or row["question"]), k=k * 3, mode=mode)
        ranked = unique_in_order([hit.doc_id for hit in result.hits])[:k]
        relevant = set(row.get("relevant_ids") or [])
        articles = {d: retriever.article_of(d) for d in relevant.union(ranked)}
        outcomes.append(
            QueryOutcome(
                id=str(row.get("id", len(outcomes))),
                ranked=ranked,
                relevant=relevant,
                latency_ms=result.latency_ms,
                abstained=result.abstained,
                confidence=result.confidence,
                record=row,
                articles={d: a for d, a in articles.items() if a != d},
            )
        )
    return outcomes


def summarise(outcomes: list[QueryOutcome]) -> dict[str, Any]:
    """Metrics over the answerable queries among `outcomes`."""
    answerable = [o for o in outcomes if o.relevant]
    n = len(answerable)
    latencies = [o.latency_ms for o in outcomes]

    def mean(values: list[float]) -> float:
        return round(sum(values) / len(values), 4) if values else 0.0

    return {
        "n": n,
        "hit@1": mean([hit_at(o.ranked, o.relevant, 1) for o in answerable]),
        "hit@5": mean([hit_at(o.ranked, o.relevant, 5) for o in answerable]),
        "hit@10": mean([hit_at(o.ranked, o.relevant, 10) for o in answerable]),
        "mrr@10": mean([reciprocal_rank(o.ranked, o.relevant, 10) for o in answerable]),
        "ndcg@10": mean(
            [ndcg_at(o.ranked_articles(), o.relevant_articles(), 10) for o in answerable]
        ),
        "latency_ms": {
            "p50": round(percentile(latencies, 50), 2),
            "p95": round(percentile(latencies, 95), 2),
        },
    }


def abstention_figures(outcomes: list[QueryOutcome]) -> dict[str, Any] | None:
    """Precision/recall of 'no policy found' (positive: the KB has no answer)."""
    unanswerable = [o for o in outcomes if not o.relevant]
    if not unanswerable:
        return None
    true_pos = sum(o.abstained for o in unanswerable)
    false_pos = sum(o.abstained for o in outcomes if o.relevant)
    predicted = true_pos + false_pos
    return {
        "n_unanswerable": len(unanswerable),
        "precision": round(true_pos / predicted, 4) if predicted else 0.0,
        "recall": round(true_pos / len(unanswerable), 4),
        "answerable_wrongly_abstained": false_pos,
    }


def evaluate(outcomes: list[QueryOutcome], mode: Mode, k: int) -> dict[str, Any]:
    report: dict[str, Any] = {"mode": mode, "k": k, **summarise(outcomes)}
    groups: dict[str, dict[str, Any]] = {}
    for key in GROUP_KEYS:
        buckets: dict[str, list[QueryOutcome]] = defaultdict(list)
        for o in outcomes:
            if key in o.record:
                buckets[str(o.record[key]).lower()].append(o)
        if len(buckets) > 1 or key == "lang":
            for value, members in sorted(buckets.items()):
                groups[f"{key}={value}"] = summarise(members)
    report["by_group"] = groups
    abstention = abstention_figures(outcomes)
    if abstention:
        report["abstention"] = abstention
    return report


def write_predictions(outcomes: list[QueryOutcome], path: Path) -> None:
    lines = [
        json.dumps(
            {
                "id": o.id,
                "ranked_ids": o.ranked,
                "relevant_ids": sorted(o.relevant),
                "hit@5": hit_at(o.ranked, o.relevant, 5) if o.relevant else None,
                "abstained": o.abstained,
                "confidence": round(o.confidence, 4),
            },
            ensure_ascii=False,
        )
        + "\n"
        for o in outcomes
    ]
    write_text_atomic(path, "".join(lines))


def evaluate_retrieval(
    settings: Settings,
    docs: Path | None,
    queries: Path | None,
    k: int,
    mode: Mode,
    weights: FusionWeights | None = None,
    predictions: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    rows = read_queries(queries) if queries else default_queries()
    kb = prepare_kb(docs, settings, progress)
    if not rows:
        raise KnowledgeBaseError("no queries to evaluate")
    if queries:
        check_labels(rows, queries, kb, docs)
    retriever = Retriever(kb, weights)
    outcomes = run_queries(retriever, rows, k, mode)
    if predictions:
        write_predictions(outcomes, predictions)
    return evaluate(outcomes, mode, k)
