"""One card per article: an article's translation is not listed again below it.

The knowledge base holds many articles in French and English. Both versions match a question
(the multilingual model and the learnt lexicon see to that), so without this a short list of
cards spends two of its places on one article. Translations are the current articles sharing a
topic and an audience in different languages (the same grouping the bilingual lexicon learns
from). When the customer's language is known, that version takes the article's place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np


@dataclass(frozen=True)
class TranslationGroups:
    """For each chunk row, the article group it belongs to (-1 when it has no translation).
    A superseded version belongs to none: it is listed, marked, when asked for."""

    group: np.ndarray
    lang: np.ndarray
    articles: Mapping[str, str]
    """Document id -> its article ('topic/audience'), for documents that have a translation."""

    @classmethod
    def from_manifest(
        cls,
        docs: Mapping[str, Mapping[str, Any]],
        doc_of_row: Sequence[str],
        lang_of_row: np.ndarray,
    ) -> TranslationGroups:
        superseded = {
            old.strip()
            for record in docs.values()
            for old in str(record.get("supersedes") or "").split(",")
            if old.strip()
        }
        docs = {doc_id: r for doc_id, r in docs.items() if doc_id not in superseded}
        languages: dict[tuple[str, str], set[str]] = {}
        for record in docs.values():
            if record.get("topic"):
                key = (str(record["topic"]), str(record.get("audience", "")))
                languages.setdefault(key, set()).add(str(record.get("lang", "")))
        codes = {key: i for i, key in enumerate(k for k, v in languages.items() if len(v) > 1)}
        keys = {
            doc_id: (str(r["topic"]), str(r.get("audience", "")))
            for doc_id, r in docs.items()
            if r.get("topic")
        }
        keys = {doc_id: key for doc_id, key in keys.items() if key in codes}
        group = np.array([codes[keys[d]] if d in keys else -1 for d in doc_of_row], dtype=np.int64)
        articles = {doc_id: "/".join(key) for doc_id, key in keys.items()}
        return cls(group, lang_of_row, articles)

    def _version_in(
        self,
        group: int,
        lang: str,
        ranked: Sequence[int],
        scores: np.ndarray | None,
        allowed: np.ndarray | None,
    ) -> int | None:
        """The article's best chunk in `lang`: among `ranked` first, else among all allowed."""
        for r in ranked:
            if int(self.group[r]) == group and self.lang[r] == lang:
                return int(r)
        if scores is None or allowed is None:
            return None
        rows = np.flatnonzero((self.group == group) & (self.lang == lang) & allowed)
        return int(rows[np.argmax(scores[rows])]) if rows.size else None

    def article_of(self, doc_id: str) -> str:
        """The article a document is a language version of (itself when it has none)."""
        return self.articles.get(doc_id, doc_id)

    @cached_property
    def any(self) -> bool:
        return bool(self.group.size) and bool((self.group >= 0).any())

    def pick(
        self,
        ranked: Sequence[int],
        k: int,
        prefer_lang: str | None = None,
        scores: np.ndarray | None = None,
        allowed: np.ndarray | None = None,
    ) -> list[int]:
        """The first `k` rows of `ranked` once translations of an article already listed are
        dropped. An article takes its place at its best-ranked chunk; with `prefer_lang`, its
        best chunk in that language stands there: the first among `ranked`, else (given
        `scores` and the `allowed` mask) the best-scoring allowed one."""
        return [row for row, _ in self.placements(ranked, k, prefer_lang, scores, allowed)]

    def placements(
        self,
        ranked: Sequence[int],
        k: int,
        prefer_lang: str | None = None,
        scores: np.ndarray | None = None,
        allowed: np.ndarray | None = None,
    ) -> list[tuple[int, int]]:
        """`pick`'s rows, each with the row of `ranked` whose place it took (itself, or the
        article's best chunk in another language): that row's score is what ranks it."""
        claimed: dict[int, str] = {}
        used: set[int] = set()
        out: list[tuple[int, int]] = []
        for place in ranked:
            if len(out) == k:
                break
            row = place
            if row in used:
                continue
            group = int(self.group[row])
            if group < 0:
                out.append((row, place))
                continue
            lang = str(self.lang[row])
            if group not in claimed:
                if prefer_lang and lang != prefer_lang:
                    found = self._version_in(group, prefer_lang, ranked, scores, allowed)
                    row = row if found is None else found  # row 0 is a row, not "none"
                    lang = str(self.lang[row])
                claimed[group] = lang
            if claimed[group] == lang:
                used.add(row)
                out.append((row, place))
        return out
