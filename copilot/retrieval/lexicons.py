"""The small bilingual lexicons a knowledge base teaches itself from its translated articles:
through them a query also searches the passages written in another language."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from knowledge_base.lexical import derive_lexicon
from knowledge_base.store import KnowledgeBase


def learn_lexicons(
    kb: KnowledgeBase, vectors: np.ndarray, ids: Sequence[str], superseded: np.ndarray
) -> dict[tuple[str, str], dict[str, str]]:
    """Word translations for each language pair, from the KB's translated articles.

    Current articles sharing a topic and an audience in two languages are translations of
    each other; each passage is paired with its nearest passage (by vector) in the other
    version, and `derive_lexicon` counts which words travel together across those pairs.
    """
    docs = kb.manifest.get("docs") or {}
    if not docs or vectors.shape[0] != len(ids):
        return {}
    doc_of = np.array([c["doc_id"] for c in kb.lexical.catalog], dtype=object)
    current = ~superseded
    groups: dict[tuple[str, str], dict[str, np.ndarray]] = {}
    for doc_id, record in docs.items():
        rows = np.flatnonzero((doc_of == doc_id) & current)
        if record.get("topic") and rows.size:
            key = (str(record["topic"]), str(record.get("audience", "")))
            groups.setdefault(key, {})[str(record.get("lang", ""))] = rows
    aligned: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for versions in groups.values():
        for src, tgt in ((a, b) for a in versions for b in versions if a < b):
            a_rows, b_rows = versions[src], versions[tgt]
            sim = vectors[a_rows] @ vectors[b_rows].T
            pairs = [(int(a_rows[i]), int(b_rows[j])) for i, j in enumerate(sim.argmax(1))]
            pairs += [(int(a_rows[i]), int(b_rows[j])) for j, i in enumerate(sim.argmax(0))]
            aligned.setdefault((src, tgt), []).extend(pairs)
            aligned.setdefault((tgt, src), []).extend((b, a) for a, b in pairs)
    lexicons = {langs: derive_lexicon(kb.lexical, pairs) for langs, pairs in aligned.items()}
    return {langs: lexicon for langs, lexicon in lexicons.items() if lexicon}
