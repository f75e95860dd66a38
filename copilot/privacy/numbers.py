"""Checksummed and phone numbers as people type and say them: cards, IBANs, NIRs, phones.

Every finder here takes the text and yields ``(type, start, end)`` candidates.  Cards
are found on *chains*: digit groups joined by a separator (tight: one space, dot or
dash; loose: ", ", "...", " - ", "/", " et ", " and ").  All scans are single passes:
a card window is checked for Luhn in O(1) from prefix sums, so a 100k-character line
of digits costs the same per character as a short turn.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import accumulate

from stdnum import iban as _iban
from stdnum import luhn as _luhn
from stdnum.fr import nir as _nir

from . import patterns as P

Candidate = tuple[str, int, int]
_LOOSE_SLASH_MIN = 3  # "/" joins card groups ("4970/1010"), not "06/30"
_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)
_FR_NUMBER = re.compile(r"0[1-9]\d{8}")


@dataclass
class Chain:
    """Digit groups of one number-like run: spans in the text and which joins are loose."""

    groups: list[tuple[int, int]]
    loose: list[bool]  # loose[k]: the join before group k+1
    digits: int  # how many digits in all

    @property
    def start(self) -> int:
        return self.groups[0][0]

    @property
    def end(self) -> int:
        return self.groups[-1][1]


def digit_chains(text: str) -> Iterator[Chain]:
    """Maximal runs of digit groups (one regex pass; Python work only inside multi-group runs)."""
    for run in P.DIGIT_CHAIN.finditer(text):
        s, e = run.span()
        if run.group().isdigit():
            yield Chain([(s, e)], [], e - s)
            continue
        spans = [m.span() for m in P.GROUP.finditer(text, s, e)]
        groups: list[tuple[int, int]] = [spans[0]]
        loose: list[bool] = []
        for prev, cur in zip(spans, spans[1:], strict=False):
            gap = text[prev[1] : cur[0]]
            if "/" in gap and min(prev[1] - prev[0], cur[1] - cur[0]) < _LOOSE_SLASH_MIN:
                yield Chain(groups, loose, sum(b - a for a, b in groups))  # "06/30" is no join
                groups, loose = [cur], []
                continue
            groups.append(cur)
            loose.append(not P.TIGHT_GAP.fullmatch(gap))
        yield Chain(groups, loose, sum(b - a for a, b in groups))


# ------------------------------------------------------------------------ cards
def card_ok(d: str) -> bool:
    """13-19 digits, a brand prefix compatible with the length, Luhn check."""
    return brand_ok(d) and _luhn.is_valid(d)


def brand_ok(d: str) -> bool:
    """A brand prefix compatible with the length (13-19 digits)."""
    n, p2 = len(d), d[:2]
    if d[0] == "4":  # Visa
        ok = n in (13, 16, 19)
    elif p2 in ("34", "37"):  # Amex
        ok = n == 15
    elif "51" <= p2 <= "55" or "2221" <= d[:4] <= "2720":  # Mastercard
        ok = n == 16
    elif p2 in ("30", "36", "38", "39"):  # Diners
        ok = n >= 14
    elif p2 in ("50", "56", "57", "58", "67") or d[:4] in ("6304", "6759"):  # Maestro
        ok = True
    else:  # Discover, UnionPay, JCB, other 6xxx
        ok = (d[0] == "6" or p2 == "35") and n >= 16
    return ok and 13 <= n <= 19


def _card_shaped(sizes: list[int]) -> bool:
    """Groups as card numbers are written or said: 4-4-4-4(-3), 4-6-5, or one size throughout."""
    body = sizes[:-1]
    return (len(set(body)) <= 1 and 1 <= sizes[-1] <= max(body or sizes)) or sizes[:2] == [4, 6]


class _LuhnWindows:
    """Luhn sum of any digit window in O(1): prefix sums of plain and doubled digits by parity."""

    def __init__(self, digits: str) -> None:
        vals = list(map(int, digits))
        doubled = [_DOUBLED[v] for v in vals]
        self._plain, self._dbl = [], []
        for par in (0, 1):  # keep the positions of one parity, zero the others (C-speed slices)
            plain, dbl = vals[:], doubled[:]
            plain[1 - par :: 2] = [0] * len(plain[1 - par :: 2])
            dbl[1 - par :: 2] = [0] * len(dbl[1 - par :: 2])
            self._plain.append([0, *accumulate(plain)])
            self._dbl.append([0, *accumulate(dbl)])

    def valid(self, a: int, b: int) -> bool:
        q = (b - 1) % 2
        plain, dbl = self._plain[q], self._dbl[1 - q]
        return (plain[b] - plain[a] + dbl[b] - dbl[a]) % 10 == 0


def cards(text: str, chains: list[Chain]) -> Iterable[Candidate]:
    for chain in chains:
        if chain.digits < 13:
            continue
        groups, loose = list(chain.groups), list(chain.loose)
        if P.MIXED_TOKEN_BEFORE.search(text, max(0, chain.start - 12), chain.start):
            continue
        if len(groups) > 1 and re.match(r"/\d", text[chain.end : chain.end + 2]):
            groups.pop()  # "... 1788 06/30": the last group is an expiry month
            loose.pop()
        digits = "".join(text[s:e] for s, e in groups)
        if len(digits) < 13:
            continue
        cum = [0, *accumulate(e - s for s, e in groups)]
        loose_before = [0, *accumulate(loose)]  # loose joins among the first k groups
        luhn = _LuhnWindows(digits)
        cue = None
        n = len(groups)
        phones = french_phone_cuts(text, chain)  # numbers back to back: no card inside them
        i = phones[-1] if phones else 0
        while i < n:
            if digits[cum[i]] not in "23456":
                i += 1
                continue
            lo = bisect_left(cum, cum[i] + 13) - 1  # last group index j: cum[j+1]-cum[i] >= 13
            hi = bisect_right(cum, cum[i] + 19) - 2
            for j in range(hi, max(lo, i) - 1, -1):
                if not luhn.valid(cum[i], cum[j + 1]) or not brand_ok(digits[cum[i] : cum[j + 1]]):
                    continue
                whole = i == 0 and j == n - 1
                sizes = [e - s for s, e in groups[i : j + 1]]
                if not whole and len(sizes) > 1 and sizes[-1] <= 2 < max(sizes):  # "1788 06/30"
                    continue
                if cue is None:
                    cue = _cue_before(text, chain.start) or ""
                if not whole and cue == "ref":
                    continue
                if loose_before[j] - loose_before[i] and not (
                    _card_shaped(sizes)
                    or P.CARD_CUE.search(text, max(0, chain.start - 60), chain.start)
                ):
                    continue
                yield "CARD", groups[i][0], groups[j][1]
                i = j
                break
            i += 1


# ------------------------------------------------------------------------ IBANs
def _mod97_ok(code: str) -> bool:
    moved = code[4:] + code[:4]
    try:
        return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1
    except ValueError:
        return False


def ibans(text: str) -> Iterable[Candidate]:
    for m in P.IBAN_CANDIDATE.finditer(text):
        chunk = m.group()
        pos = [k for k, c in enumerate(chunk) if c.isalnum()]
        for n in range(min(len(pos), 34), 14, -1):
            end = pos[n - 1] + 1
            if chunk[end : end + 1].isalnum():  # would cut a token in half
                continue
            code = "".join(chunk[k] for k in pos[:n]).upper()
            # mod-97 first (cheap), then stdnum's national BBAN structure; its bank-code
            # registries are not consulted (they lag behind real banks and would cost recall)
            if _mod97_ok(code) and _iban.is_valid(code, check_country=False):
                yield "IBAN", m.start(), m.start() + end
                break


# ------------------------------------------------------------------------- NIRs
def _nir_structure_ok(body: str) -> bool:
    """A 13-character NIR body without its key: sex, month, department, commune, order."""
    month, dept, commune, order = int(body[3:5]), body[5:7], body[7:10], body[10:13]
    if not (1 <= month <= 12 or month >= 20) or dept == "00":
        return False
    return commune != "000" and order != "000"


def nirs(text: str) -> Iterable[Candidate]:
    for m in P.NIR_CANDIDATE.finditer(text):
        body = re.sub(r"\W", "", m.group("body")).upper()
        if m.group("key"):  # glued, separated or said apart, the key decides
            if _nir.is_valid(body + re.sub(r"\D", "", m.group("key"))):
                yield "NIR", m.start(), m.end()
            continue
        if not _nir_structure_ok(body):
            continue
        cue = P.NIR_CUE.search(text, max(0, m.start() - 60), m.start())
        if cue or P.NIR_GROUPED.search(m.group("body")):
            yield "NIR", m.start(), m.end("body")


# ----------------------------------------------------------------------- phones
def _cue_before(text: str, start: int) -> str | None:
    window = text[max(0, start - 50) : start]
    breaks = list(P.SENTENCE_BREAK.finditer(window))
    if breaks:
        window = window[breaks[-1].end() :]
    cues = list(P.CONTEXT_CUES.finditer(window))
    last = cues[-1] if cues else None
    if last is None or (last.lastgroup == "ref" and len(window) - last.end() > 30):
        return None  # a reference cue only counts when it is close to the number
    return last.lastgroup


def phones(text: str, chains: list[Chain]) -> Iterable[Candidate]:
    seen = set()
    for m in P.PHONE_CUE.finditer(text):
        seen.add(m.start(1))
        yield "PHONE", m.start(1), m.end(1)
    for rx in (P.PHONE_FR, P.PHONE_INTL):
        for m in rx.finditer(text):
            if m.start() in seen:
                continue
            digits = re.sub(r"\D", "", m.group())
            if rx is P.PHONE_INTL:
                local = digits[2:] if m.group().startswith("00") else digits
                if not 8 <= len(local) <= 15 or (m.group()[0] == "0" and len(local) < 10):
                    continue
            if _cue_before(text, m.start()) == "ref":
                continue
            yield "PHONE", m.start(), m.end()
    yield from _back_to_back(text, chains)


def _back_to_back(text: str, chains: list[Chain]) -> Iterable[Candidate]:
    """Two or more French numbers in one run ("06 12 34 56 78 07 98 76 54 32")."""
    for chain in chains:
        cuts = french_phone_cuts(text, chain)
        for a, b in zip(cuts, cuts[1:], strict=False):
            yield "PHONE", chain.groups[a][0], chain.groups[b - 1][1]


def french_phone_cuts(text: str, chain: Chain) -> list[int]:
    """Group indexes cutting the start of the chain into 2+ French numbers (0X + 8 digits).

    The longest such prefix is taken ("06 12 34 56 78 07 98 76 54 32 and 5"); [] when the
    chain does not start with two numbers whose limits fall between groups.
    """
    if chain.digits < 20:
        return []
    cuts, size = [0], 0
    for k, (s, e) in enumerate(chain.groups):
        size += e - s
        if size > 10:
            break
        if size == 10:
            digits = "".join(text[a:b] for a, b in chain.groups[cuts[-1] : k + 1])
            if not _FR_NUMBER.fullmatch(digits):
                break
            cuts.append(k + 1)
            size = 0
    return cuts if len(cuts) >= 3 else []
