"""How often "no policy found" is right: the sample KB and two small KBs of other companies.

Indexes the sample (`knowledge_base/samples`) and the two other samples
(`knowledge_base/samples_other`: Velomondo, 20 chunks; Lumerie, 9 chunks) with the configured
embedder (abstention is calibrated for e5), searches every labelled question as the copilot
does (hybrid) and prints, per KB, the precision and recall of abstaining on the unanswerable
questions and the rate of wrong abstention on answerable ones, same-language and
cross-lingual apart (a question is cross-lingual when no relevant article is in its language).

    COPILOT_DATA_DIR=/tmp/abst COPILOT_EMBEDDINGS=e5 python benchmarks/bench_abstention.py
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from copilot.config import Settings
from copilot.retrieval.search import Retriever
from knowledge_base import SAMPLES_DIR
from knowledge_base.indexer import index_paths
from knowledge_base.store import KnowledgeBase

OTHER = SAMPLES_DIR.parent / "samples_other"


def read_rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def labelled_sets() -> dict[str, tuple[Path, list[dict[str, Any]]]]:
    sample = read_rows(SAMPLES_DIR / "questions.jsonl")
    sample += read_rows(SAMPLES_DIR / "questions_unanswerable.jsonl")
    sets = {"sample": (SAMPLES_DIR / "articles", sample)}
    other = read_rows(OTHER / "questions.jsonl")
    for kb in ("velomondo", "lumerie"):
        sets[kb] = (OTHER / kb, [r for r in other if r["kb"] == kb])
    return sets


def group_of(row: dict[str, Any]) -> str:
    if not row["relevant_ids"]:
        return "unanswerable"
    return "cross-lingual" if row.get("cross_lingual") else "same language"


def main() -> None:
    settings = Settings()
    table = Table(title=f"abstention ({settings.embeddings} embeddings, hybrid search)")
    for column in ("KB", "unanswerable", "precision", "recall", "same-lang wrong", "cross wrong"):
        table.add_column(column, justify="right")
    for kb, (folder, rows) in labelled_sets().items():
        index_paths([folder], settings, kb=kb)
        retriever = Retriever(KnowledgeBase.open(settings, kb))
        count: dict[str, list[int]] = {}
        for row in rows:
            result = retriever.search(row["query"], k=4)
            tally = count.setdefault(group_of(row), [0, 0])
            tally[0] += 1
            tally[1] += int(result.abstained)
        n_un, right = count.get("unanswerable", [0, 0])
        wrong = {g: count.get(g, [0, 0]) for g in ("same language", "cross-lingual")}
        abstained = right + sum(w[1] for w in wrong.values())
        table.add_row(
            kb,
            str(n_un),
            f"{right / abstained:.2f}" if abstained else "-",
            f"{right / n_un:.2f}" if n_un else "-",
            *(f"{w[1]}/{w[0]}" for w in wrong.values()),
        )
    Console().print(table)


if __name__ == "__main__":
    main()
