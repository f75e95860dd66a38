"""Numbers said in words, turned into digits so the number finders can check them.

"zero eight twenty-seven" -> "0 8 27", "quarante-neuf soixante-dix" -> "49 70",
"quatre-vingt-dix-neuf" -> "99".  Units, teens and tens up to 99 in English and French
(hundreds and thousands are not how card numbers or codes are dictated).  :func:`digits_text`
returns the converted text and, for each of its characters, the span of the source it
came from, so an entity found in the converted text maps back to the words.
"""

from __future__ import annotations

import re

_UNITS = {
    "zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "zéro": 0, "un": 1, "une": 1, "deux": 2,
    "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8, "neuf": 9,
}  # fmt: skip
_TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "dix": 10, "onze": 11,
    "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50,
    "soixante": 60, "quatre-vingt": 80, "quatre-vingts": 80,
}  # fmt: skip
_WORDS = sorted([*_UNITS, *_TENS, *_TEENS, "vingts"], key=len, reverse=True)
NUMBER_WORD = re.compile(rf"(?i)(?<!\w)(?:{'|'.join(_WORDS)})(?![\w])")
_JOIN = re.compile(r"-|\s+|\s+et\s+|-et-")
_SMALL = {**_UNITS, **_TEENS}
_TWENTY_BASED = (60, 80)  # soixante-dix-neuf, quatre-vingt-dix-neuf: tens + 10..19


def _phrases(text: str) -> list[tuple[int, int, str]]:
    """(start, end, digits) of each number said in words, tens and units put together."""
    words = [(m.start(), m.end(), m.group().casefold()) for m in NUMBER_WORD.finditer(text)]
    out: list[tuple[int, int, str]] = []
    i = 0
    while i < len(words):
        s, e, w = words[i]
        j = i + 1

        def joined(k: int) -> bool:
            return k < len(words) and bool(_JOIN.fullmatch(text, words[k - 1][1], words[k][0]))

        if w == "quatre" and joined(j) and words[j][2] in ("vingt", "vingts"):
            w, e, j = "quatre-vingt", words[j][1], j + 1
        if w in _TENS or w == "vingts":
            tens = _TENS.get(w, 20)
            small = None
            if joined(j) and words[j][2] in _SMALL:
                small, e2, k = _SMALL[words[j][2]], words[j][1], j + 1
                if small == 10 and joined(k) and words[k][2] in ("sept", "huit", "neuf"):
                    small, e2, k = 10 + _UNITS[words[k][2]], words[k][1], k + 1
                limit = 20 if tens in _TWENTY_BASED else 10
                if 0 < small < limit:
                    out.append((s, e2, f"{tens + small:02d}"))
                    i = k
                    continue
            out.append((s, e, str(tens)))
            i = j
            continue
        if w in ("zero", "zéro", "oh") and joined(j) and words[j][2] in _UNITS:
            out.append((s, words[j][1], f"0{_UNITS[words[j][2]]}"))  # "oh eight": 08
            i = j + 1
            continue
        if w == "dix" and joined(j) and words[j][2] in ("sept", "huit", "neuf"):
            out.append((s, words[j][1], str(10 + _UNITS[words[j][2]])))
            i = j + 1
            continue
        out.append((s, e, str(_SMALL[w])))
        i = j
    return out


def digits_text(text: str) -> tuple[str, list[int], list[int]] | None:
    """(converted text, source start of each char, source end of each char), or None.

    None when the text holds fewer than two number words (nothing a finder could use).
    """
    found = _phrases(text)
    if len(found) < 2:
        return None
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    last = 0
    for start, end, digits in found:
        out.append(text[last:start])
        starts.extend(range(last, start))
        ends.extend(range(last + 1, start + 1))
        out.append(digits)
        starts.extend([start] * len(digits))
        ends.extend([end] * len(digits))
        last = end
    out.append(text[last:])
    starts.extend(range(last, len(text)))
    ends.extend(range(last + 1, len(text) + 1))
    return "".join(out), starts, ends
