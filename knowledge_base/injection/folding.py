"""Text folding for the screen: look-alikes and l33t undone.

`strip_invisible` (hidden characters removed, NFKC) lives in `knowledge_base.text_folding`, which
personal-data detection shares; `fold` and `deobfuscated` build the two views the rules are
matched on, one character per source character.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from knowledge_base.text_folding import INVISIBLE, INVISIBLE_RUN, strip_invisible

__all__ = ["INVISIBLE", "INVISIBLE_RUN", "deobfuscated", "fold", "strip_invisible"]


def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in range(0xC0, 0x250):
        base = unicodedata.normalize("NFD", chr(cp))[0]
        if base != chr(cp) and base.isascii():
            table[cp] = base
    pairs = {"øØłŁđĐıſ": "oOlLdDis", "’‘`´ʼʹ′": "'" * 7}
    # Cyrillic and Greek letters drawn like Latin ones
    pairs["аеорсухіјѕԁԛԝАВЕКМНОРСТХІЅΑΒΕΖΗΙΚΜΝΟΡΤΥΧαεικνορτυ"] = (
        "aeopcyxijsdqwABEKMHOPCTXISABEZHIKMNOPTYXaeikvoptu"
    )
    for chars, repl in pairs.items():
        table.update({ord(c): r for c, r in zip(chars, repl, strict=True)})
    return table


_FOLD = _fold_table()
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_LEET = str.maketrans("0134579@$", "oieastgas")
_LEET_WORD = re.compile(r"(?<![\w@$])(?:[a-z]+[0134579@$]|[0134579@$]+[a-z])[a-z0-9@$]*(?![\w@$])")
_NOT_LEET = re.compile(  # units, ordinals, versions: "24h", "1er", "3ds", "v2", "mp3"
    r"\d+(?:h|j|e|er|re|ere|eme|nd|st|rd|th|x|k|m|km|kg|g|go|mo|ko|min|ms|s|am|pm|ds|d|ans?|mois|"
    r"jours?|days?)|[a-z]{1,2}\d+|[\w.+-]*@[\w-]+"
)
_SPACED = re.compile(r"(?<![^\W_])(?:[^\W_][ .\-_*]{1,3}){3,}[^\W_](?![^\W_])")
_MARK = re.compile(r"[\u0300-\u036f]")
_MARKED = re.compile(
    r"(?:[^\s\u0300-\u036f]*[\u0300-\u036f]+)+[^\s\u0300-\u036f]*(?:\s+(?:[^\s\u0300-\u036f]*[\u0300-\u036f]+)+[^\s\u0300-\u036f]*)*"
)


def fold(source: str) -> str:
    """Lower case, accents and look-alikes folded; one character per source character."""
    folded = source.lower() if source.isascii() else _NON_ASCII.sub(_fold_char, source).lower()
    if len(folded) != len(source):  # "İ".lower() has two characters
        folded = "".join(c if len(c) == 1 else c[0] for c in (ch.lower() for ch in source))
    return folded


def _fold_char(match: re.Match[str]) -> str:
    return _FOLD.get(ord(match.group()), match.group())


def _unleet(match: re.Match[str]) -> str:
    word = match.group()
    return word if len(word) < 3 or _NOT_LEET.fullmatch(word) else word.translate(_LEET)


def _collapse(match: re.Match[str]) -> str:
    run = match.group()
    # letters joined by dots or dashes ("o.u.b.l.i.e l.e.s"): a single space then parts words
    breaks = r"\s+" if re.search(r"[^\W_][.\-_*][^\W_]", run) else r"\s{2,}"
    words = [
        re.sub(r"[ .\-_*]", "", w) for w in re.split(rf"{breaks}|\s*[/|]\s*|[.\-_*]{{2,}}", run)
    ]
    joined = " ".join(w for w in words if w)
    return joined + " " * (len(run) - len(joined))


def _unmark(match: re.Match[str]) -> str:
    token = match.group()
    bare = re.sub(r"[\u0300-\u036f]", "", token)
    return bare + " " * (len(token) - len(bare))


def deobfuscated(folded: str) -> tuple[str, list[tuple[int, int]]]:
    """l33t digits inside words, letter spacing and stacked accents undone, length kept; with
    the spans that changed."""
    spans: list[tuple[int, int]] = []

    def noting(repl: Callable[[re.Match[str]], str]) -> Callable[[re.Match[str]], str]:
        def sub(match: re.Match[str]) -> str:
            new = repl(match)
            if new != match.group():
                spans.append(match.span())
            return new

        return sub

    view = _LEET_WORD.sub(noting(_unleet), folded)
    view = _SPACED.sub(noting(_collapse), view)
    if _MARK.search(view):
        view = _MARKED.sub(noting(_unmark), view)
    return view, spans
