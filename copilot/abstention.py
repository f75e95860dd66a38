"""Whether the knowledge base answers a question at all: the "no policy found" model.

A logistic regression over two lexical signals of one search: the share of the question's
content words that appear nowhere in the knowledge base ("Bitcoin wallet" in a payments KB),
and the best BM25 score divided by the square root of the number of content words. Fitted by
`benchmarks/tune_abstention.py` on the sample KB's 257 answerable and 36 deliberately
unanswerable questions (numpy IRLS, L2 1.0 on standardised features). With folds grouped by
intent (paraphrases never straddle folds), 6 folds x 10 splits, abstaining below 0.3 had an
out-of-fold precision of 0.91 and recall of 0.29, wrongly abstaining on 1.0 of the 257
answerable questions per split; choosing the threshold inside each training part (nested) gave
0.87 / 0.28 / 1.5. The e5 cosine features tried (top cosine, its z-value, the gap to the next
document) added nothing under cross-validation: with the top cosine added, nested 0.79 / 0.20.
"""

from __future__ import annotations

import math
import re
from collections.abc import Container
from dataclasses import dataclass

from knowledge_base.lexical import tokenize_query

_WORD_BREAKS = re.compile(r"[\W_]+")

INTERCEPT = 0.2583
UNKNOWN_WORD_SHARE = -6.7073
BM25_PER_SQRT_WORD = 1.7169


@dataclass(frozen=True)
class AbstentionSignals:
    """What one search says about whether the knowledge base covers the question."""

    best_bm25: float
    """Highest BM25 score of an allowed passage for the query (0 when no word matches)."""
    content_words: int
    """Words of the query that are neither stop words nor bare numbers."""
    unknown_words: int
    """How many of those no passage of the knowledge base contains, in any language."""


def probability_answerable(signals: AbstentionSignals) -> float:
    """Estimated probability (0..1) that the knowledge base answers the question."""
    words = max(1, signals.content_words)
    logit = (
        INTERCEPT
        + UNKNOWN_WORD_SHARE * signals.unknown_words / words
        + BM25_PER_SQRT_WORD * signals.best_bm25 / math.sqrt(words)
    )
    if logit >= 0:
        return 1.0 / (1.0 + math.exp(-logit))
    odds = math.exp(logit)
    return odds / (1.0 + odds)


def content_words(query: str) -> list[tuple[str, ...]]:
    """Each content word of the query as its stems in every language (stop words and bare
    numbers left out: an amount says nothing about the topic)."""
    words = []
    for piece in _WORD_BREAKS.split(query):
        stems = tuple(tokenize_query(piece))
        if stems and not piece.isdigit():
            words.append(stems)
    return words


def count_unknown(words: list[tuple[str, ...]], vocabulary: Container[str]) -> int:
    """Words none of whose stems is in `vocabulary` (the knowledge base's BM25 vocabulary)."""
    return sum(not any(stem in vocabulary for stem in stems) for stems in words)
