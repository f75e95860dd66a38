"""BM25 lexical index (bm25s) with French/English stemming, stop words and accent folding.

Each chunk is stemmed with the stemmer of its own language; a query is stemmed with both, since
an advisor may type either language. The index is saved next to the Chroma collection it
mirrors, under a name tied to that collection's generation, so the two never drift apart.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import Stemmer

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    # English
    "a an and are as at be been but by can could did do does for from had has have how i if in "
    "into is it its me my no not of on or our so than that the their them then there these they "
    "this to was we were what when where which who why will with would you your yours am "
    # French (accents folded)
    "au aux avec ce ces cette c d dans de des du elle elles en est et etre eu il ils j je l la "
    "le les leur leurs lui m ma mais me mes moi mon n ne nos notre nous on ont ou par pas pour "
    "qu que qui s sa se ses si son sont sur t ta te tes toi ton tu un une vos votre vous y a "
    "ai as avez avons etes suis sommes peut peux puis comment pourquoi quand quel quelle".split()
)
_STEMMERS = {"en": "english", "fr": "french"}


def fold(text: str) -> str:
    """Lower-case and strip accents: 'Remboursé' -> 'rembourse'."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=4)
def _stemmer(lang: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(_STEMMERS.get(lang, "english"))


def tokenize(text: str, lang: str) -> list[str]:
    """Folded, stop-word-free, stemmed tokens of a passage in a known language."""
    words = [w for w in _WORD.findall(fold(text)) if w not in _STOP]
    return _stemmer(lang).stemWords(words)


def tokenize_query(text: str, langs: tuple[str, ...] = ("fr", "en")) -> list[str]:
    """Query tokens stemmed in every language, without duplicates, in order."""
    words = [w for w in _WORD.findall(fold(text)) if w not in _STOP]
    seen: dict[str, None] = {}
    for lang in langs:
        for token in _stemmer(lang).stemWords(words):
            seen.setdefault(token, None)
    return list(seen)


CATALOG_FIELDS = (
    "doc_id",
    "title",
    "section",
    "lang",
    "audience",
    "product",
    "superseded_by",
    "effective_date",
    "effective_day",
    "version",
)
"""Chunk metadata kept beside BM25 so filters and cards need no round trip to Chroma."""


class LexicalIndex:
    """BM25 over chunk texts, addressed by chunk id, with each chunk's catalog entry."""

    def __init__(self, ids: list[str], model: bm25s.BM25, catalog: list[dict]):
        self.ids = ids
        self.model = model
        self.catalog = catalog
        self._vocab: dict[str, int] = getattr(model, "vocab_dict", None) or {}

    @classmethod
    def build(
        cls,
        ids: list[str],
        texts: list[str],
        metadatas: list[dict],
        k1: float = 1.2,
        b: float = 0.75,
    ) -> LexicalIndex:
        corpus = [
            tokenize(text, meta.get("lang", "en")) or [""]
            for text, meta in zip(texts, metadatas, strict=True)
        ]
        model = bm25s.BM25(k1=k1, b=b)
        if corpus:
            model.index(corpus, show_progress=False)
        catalog = [{key: meta.get(key, "") for key in CATALOG_FIELDS} for meta in metadatas]
        return cls(list(ids), model, catalog)

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def vocabulary(self) -> dict[str, int]:
        """Every indexed stem (with its column in the BM25 matrix)."""
        return self._vocab

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk for the query (zeros when no query word is indexed)."""
        return self.token_scores(tokenize_query(query))

    def token_scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every chunk for tokens already folded and stemmed."""
        known = [t for t in dict.fromkeys(tokens) if t in self._vocab]
        if not known or not self.ids:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(self.model.get_scores(known), dtype=np.float32)

    def chunk_terms(self) -> list[np.ndarray]:
        """The token ids of each chunk, read back from the BM25 matrix (tokens by column)."""
        matrix = getattr(self.model, "scores", None)
        if not self.ids or not matrix or "indptr" not in matrix:
            return [np.zeros(0, dtype=np.int64) for _ in self.ids]
        indptr = np.asarray(matrix["indptr"])
        rows = np.asarray(matrix["indices"])
        tokens = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
        order = np.argsort(rows, kind="stable")
        bounds = np.searchsorted(rows[order], np.arange(len(self.ids) + 1))
        return [tokens[order[bounds[i] : bounds[i + 1]]] for i in range(len(self.ids))]

    def search(self, query: str, k: int = 10) -> list[tuple[str, float]]:
        """Top-k (chunk id, score) pairs with a positive score."""
        scores = self.scores(query)
        if not len(scores):
            return []
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        if self.ids:
            self.model.save(str(directory), show_progress=False)
        (directory / "catalog.json").write_text(json.dumps(self.catalog, ensure_ascii=False))
        (directory / "ids.json").write_text(json.dumps(self.ids))

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        ids = json.loads((directory / "ids.json").read_text())
        catalog = json.loads((directory / "catalog.json").read_text())
        model = bm25s.BM25.load(str(directory), show_progress=False) if ids else bm25s.BM25()
        return cls(ids, model, catalog)


MAX_ALIGNED_UNITS = 20_000
"""Aligned passage pairs read to learn a lexicon: bounds its memory on a very large KB."""


def derive_lexicon(
    index: LexicalIndex, aligned: list[tuple[int, int]], min_units: int = 2, min_dice: float = 0.3
) -> dict[str, str]:
    """Word translations learnt from aligned passages: (source row, target row) pairs of chunks
    that say the same thing in two languages (the knowledge base's own translated articles).

    Each source stem maps to the target stem it co-occurs with most (Dice coefficient over the
    aligned pairs, at least `min_units` pairs together); stems spelt alike in both languages
    are left out, since BM25 already matches them.
    """
    if not aligned:
        return {}
    aligned = aligned[:: max(1, len(aligned) // MAX_ALIGNED_UNITS)]
    terms = index.chunk_terms()
    vocab = {i: t for t, i in index._vocab.items()}

    def presence(rows: list[int]) -> tuple[np.ndarray, np.ndarray]:
        counts = np.bincount(np.concatenate([terms[r] for r in rows]), minlength=len(vocab))
        # Ordered by spelling, so ties resolve the same way whatever order chunks were indexed in.
        kept = np.array(sorted(np.flatnonzero(counts >= min_units), key=lambda t: vocab[int(t)]))
        column = {int(t): j for j, t in enumerate(kept)}
        matrix = np.zeros((len(rows), len(kept)), dtype=np.float32)
        for u, r in enumerate(rows):
            cols = [column[int(t)] for t in terms[r] if int(t) in column]
            matrix[u, cols] = 1.0
        return matrix, kept

    source, source_ids = presence([s for s, _ in aligned])
    target, target_ids = presence([t for _, t in aligned])
    if not source_ids.size or not target_ids.size:
        return {}
    target_count = target.sum(axis=0)
    lexicon: dict[str, str] = {}
    for start in range(0, source_ids.size, 1024):
        block = source[:, start : start + 1024]
        together = block.T @ target
        dice = 2 * together / (block.sum(axis=0)[:, None] + target_count[None, :])
        dice[together < min_units] = 0.0
        best = dice.argmax(axis=1)
        for j, b in enumerate(best):
            word, translation = vocab[int(source_ids[start + j])], vocab[int(target_ids[b])]
            if dice[j, b] >= min_dice and word != translation:
                lexicon[word] = translation
    return lexicon
