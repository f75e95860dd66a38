"""Text folding for the screen: hidden characters removed, look-alikes and l33t undone.

`strip_invisible` is public (copilot.privacy folds personal data with it too); `fold` and
`deobfuscated` build the two views the rules are matched on, one character per source character.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

_TAGS = "\U000e0000-\U000e007f"
_INVISIBLE_SET = (
    f"{_TAGS}\U000e0100-\U000e01ef\u200b-\u200f\u2060-\u2064\ufeff\u202a-\u202e\u2066-\u2069"
    "\u00ad\u180e"
)
INVISIBLE = re.compile(f"[{_INVISIBLE_SET}]")
INVISIBLE_RUN = re.compile(f"[{_INVISIBLE_SET}]+")
_TYPOGRAPHIC = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\u2026]")


def strip_invisible(text: str) -> str:
    """Remove hidden characters, then fold compatibility look-alikes (NFKC).

    Removed: Unicode tag characters U+E0000-U+E007F, zero-width characters U+200B-U+200F,
    U+2060-U+2064 and U+FEFF, bidi controls U+202A-U+202E and U+2066-U+2069, and three more
    invisibles used the same way: soft hyphen U+00AD, U+180E and variation selectors
    U+E0100-U+E01EF.

    Then NFKC: full-width and mathematical letters and digits become ASCII ("ｉｇｎｏｒｅ",
    "𝐢𝐠𝐧𝐨𝐫𝐞" -> "ignore"), ligatures split ("ﬁ" -> "fi"), superscripts and circled letters
    fold, decomposed accents are composed. Typographic spaces (no-break, narrow no-break, thin...)
    and the ellipsis are kept: French text is full of them, they disguise no letter, and
    personal-data values found in the result stay exactly as the customer typed them.
    ASCII text is returned unchanged.
    """
    if text.isascii():
        return text
    text = INVISIBLE.sub("", text)
    if unicodedata.is_normalized("NFKC", text):
        return text
    pieces = _TYPOGRAPHIC.split(text)
    kept = _TYPOGRAPHIC.findall(text) + [""]
    return "".join(
        unicodedata.normalize("NFKC", piece) + sep for piece, sep in zip(pieces, kept, strict=True)
    )


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
