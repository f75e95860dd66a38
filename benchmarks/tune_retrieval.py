"""Measure ranking variants on a retrieval set without re-embedding: every query is embedded once
(cached on disk), then fusion recipes are scored in numpy, with doc-grouped cross-validation
for any tuned knob. Used to choose `FusionWeights`; prints tables, changes nothing.

    python benchmarks/tune_retrieval.py --docs ../shared/eval/or_sharc/docs.jsonl \
        --queries ../shared/eval/or_sharc/queries_dev.jsonl
    python benchmarks/tune_retrieval.py            # the sample KB and its questions
"""

from __future__ import annotations

import argparse
import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from copilot.config import Settings
from copilot.evaluation.metrics import hit_at, reciprocal_rank
from copilot.evaluation.retrieval_eval import default_queries, prepare_kb, read_jsonl
from copilot.retrieval.search import Retriever
from knowledge_base.language import detect_language


@dataclass
class Prepared:
    """One query's raw channels over every chunk."""

    row: dict[str, Any]
    turn: str
    full: str
    turn_vec: np.ndarray
    full_vec: np.ndarray
    bm25_full: np.ndarray
    bm25_turn: np.ndarray
    lang: str


def prepare(retriever: Retriever, rows: list[dict[str, Any]], cache: Path) -> list[Prepared]:
    texts: list[tuple[str, str]] = []
    for row in rows:
        if row.get("question") and row.get("scenario"):
            turn = str(row["question"])
            full = f"{turn} {row['scenario']}"
        else:
            turn = full = str(row["query"])
        texts.append((turn, full))
    unique = sorted({t for pair in texts for t in pair})
    key = hashlib.sha256("\n".join(unique).encode()).hexdigest()[:12]
    path = cache / f"queryvecs-{key}.npz"
    if path.exists():
        stored = np.load(path)
        vecs = dict(zip(unique, stored["v"], strict=True))
    else:
        vecs = {t: retriever.embed_query(t) for t in unique}
        np.savez(path, v=np.stack([vecs[t] for t in unique]))
    lex = retriever.kb.lexical
    return [
        Prepared(
            row,
            turn,
            full,
            vecs[turn],
            vecs[full],
            lex.scores(full),
            lex.scores(turn),
            detect_language(turn),
        )
        for row, (turn, full) in zip(rows, texts, strict=True)
    ]


Recipe = Callable[[Prepared], np.ndarray]


def doc_ranking(scores: np.ndarray, doc_ids: np.ndarray, k: int = 10) -> list[str]:
    order = np.argsort(-scores)
    ranked: list[str] = []
    for i in order:
        d = doc_ids[i]
        if d not in ranked:
            ranked.append(d)
            if len(ranked) == k:
                break
    return ranked


def metric_row(ranked: list[str], relevant: set[str]) -> list[float]:
    """hit@1, hit@5, hit@10 and RR@10 of one ranked list of document ids."""
    return [
        hit_at(ranked, relevant, 1),
        hit_at(ranked, relevant, 5),
        hit_at(ranked, relevant, 10),
        reciprocal_rank(ranked, relevant, 10),
    ]


def per_query(preps: list[Prepared], recipe: Recipe, doc_ids: np.ndarray) -> np.ndarray:
    """(n, 4): hit@1, hit@5, hit@10, RR@10 per answerable query."""
    out = []
    for p in preps:
        rel = set(p.row.get("relevant_ids") or [])
        if not rel:
            continue
        out.append(metric_row(doc_ranking(recipe(p), doc_ids), rel))
    return np.array(out)


def fmt(m: np.ndarray) -> str:
    v = m.mean(axis=0)
    return f"h@1 {v[0]:.3f}  h@5 {v[1]:.3f}  h@10 {v[2]:.3f}  mrr {v[3]:.3f}"


def folds_by_doc(preps: list[Prepared], n: int = 5, seed: int = 0) -> list[int]:
    answerable = [p for p in preps if p.row.get("relevant_ids")]
    docs = sorted({p.row["relevant_ids"][0] for p in answerable})
    random.Random(seed).shuffle(docs)
    fold_of = {d: i % n for i, d in enumerate(docs)}
    return [fold_of[p.row["relevant_ids"][0]] for p in answerable]


def cross_validate(
    preps: list[Prepared], grid: dict[str, Recipe], doc_ids: np.ndarray, n: int = 5
) -> tuple[np.ndarray, list[str]]:
    """Pick the grid point with the best hit@5+MRR on the other folds; score the held-out one."""
    table = {name: per_query(preps, r, doc_ids) for name, r in grid.items()}
    folds = np.array(folds_by_doc(preps, n))
    held = np.zeros_like(next(iter(table.values())))
    chosen = []
    for f in range(n):
        train = folds != f
        best = max(table, key=lambda name: table[name][train][:, [1, 3]].sum())
        chosen.append(best)
        held[~train] = table[best][~train]
    return held, chosen


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=Path)
    parser.add_argument("--queries", type=Path)
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    settings = Settings()
    kb = prepare_kb(args.docs, settings)
    rows = read_jsonl(args.queries) if args.queries else default_queries()
    retriever = Retriever(kb)
    preps = prepare(retriever, rows, settings.data_dir)
    import tune_recipes  # noqa: PLC0415  (experiments live beside this file)

    doc_ids = np.array([c["doc_id"] for c in kb.lexical.catalog], dtype=object)
    tune_recipes.run(retriever, preps, doc_ids, args.only, per_query, cross_validate, fmt)


if __name__ == "__main__":
    main()
