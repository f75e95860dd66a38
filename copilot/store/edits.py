"""How far the advisor's final text is from the AI draft, in words.

The store keeps the word-level edit distance of every decision (the supervisor's "heavy edits"
filter and the dashboard's distribution read it); the review screen shows the same comparison
as a word diff.
"""

from __future__ import annotations

import difflib
import re
from typing import Literal

_WORD = re.compile(r"\S+")

DiffOp = tuple[Literal["same", "removed", "added"], str]


def words(text: str | None) -> list[str]:
    return _WORD.findall(text or "")


def edit_distance(draft: str | None, final: str | None) -> int:
    """Levenshtein distance between the two texts counted in words (insert, delete, replace)."""
    a, b = words(draft), words(final)
    if not a or not b:
        return max(len(a), len(b))
    previous = list(range(len(b) + 1))
    for i, word in enumerate(a, start=1):
        current = [i]
        for j, other in enumerate(b, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (word != other))
            )
        previous = current
    return previous[-1]


def word_diff(draft: str | None, final: str | None) -> list[DiffOp]:
    """The draft turned into the final text: runs of kept, removed and added words."""
    a, b = words(draft), words(final)
    ops: list[DiffOp] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            ops.append(("same", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            ops.append(("removed", " ".join(a[i1:i2])))
        if j2 > j1:
            ops.append(("added", " ".join(b[j1:j2])))
    return ops
