"""What a :class:`~copilot.privacy.Redactor` remembers across the turns of one contact.

* **Name parts.**  Once "my name is Paul Martin" gave ``<NAME_1>``, each part ("Paul",
  "Martin") is a whole word to find later, case-insensitive and accent-folded: "Thanks
  PAUL", "Mr Martin", "martin" all become ``<NAME_1>``.  Parts that are everyday words
  ("Will", "Rose", "Mark") are only matched capitalised.  The parts are derived from the
  NAME values of the mapping, so a Redactor rebuilt from ``mapping`` remembers them too.
  Parts next to each other ("Paul Martin" typed again without an introduction) make one
  placeholder.  Restoring gives the name as first recorded: "Thanks <NAME_1>" reads
  "Thanks Paul Martin" once restored.
* **A number cut over two turns.**  A turn that ends with a digit run nobody recognised
  (4-15 digits, "ma carte c'est le 4970 1012") leaves that run as the *carry*; when the
  next redacted text starts with a digit run ("... 3456 7896"), the joined digits are
  checked as a card (Luhn and brand).  The earlier part has already gone out, unredacted,
  with the earlier turn; what this can do is redact the second part (as ``<CARD_n>``),
  record the whole number as that placeholder's value, and flag the turn as sensitive.
  The carry is kept in ``mapping`` under :data:`CARRY_KEY` (not a placeholder any text
  uses), is replaced by the next text that ends on an unrecognised run, and dropped by a
  text with another unrecognised run of 4 or more digits (an advisor's "the last 8 digits?"
  keeps it).
* **A date of birth asked for.**  A text that asks for a date of birth without giving one
  (the bot's "What is your date of birth?", the advisor's "pouvez-vous me donner votre date de
  naissance ?") leaves an *ask*; in the next text a bare date ("14/03/1986", "le 3 mai 1979")
  is that date of birth, even with no cue of its own.  Only dates at least 12 years old count,
  so "I paid on 02/11/2026" stays a date.  The ask is kept in ``mapping`` under
  :data:`ASKED_KEY` and lasts for one text.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from datetime import date
from itertools import accumulate

from . import numbers as N
from . import patterns as P

CARRY_KEY = "<CARRY_0>"
ASKED_KEY = "<ASKED_0>"
_DOB_QUESTION = re.compile(
    r"(?i:\bdate\s+(?:de|of)\s+(?:naissance|birth)\b|\bbirth\s*date\b|\bD\.?O\.?B\b|"
    r"\bwhen\s+were\s+you\s+born\b|\bn[ée]e?\(?e?\)?\s+quand\b|\bquand\s+[êe]tes[- ]vous\s+n[ée]|"
    r"\bbirthday\b|\bDDN\b)"
)
_BARE_DATE = re.compile(rf"(?<![\w/.\-])(?:{P.DATE})")
_DOB_MIN_AGE = 12
_NAME_GAP = re.compile(r"[\s\-]+(?:(?:de|du|des|la|le|van|von|der|da|di|del)\s+)?|\s*d['’]\s*")
_CARRY_DIGITS = (4, 15)
_LEAD = 40  # the continued run must start this close to the start of the next text
_PARTICLES = P.CAPITAL_PARTICLES | {"d", "l", "ben", "bin", "el", "al", "dos", "mc"}
# First names that are also everyday words: matched later only when capitalised.
_WORD_NAMES = frozenset(
    """will may mark bill grace rose joy hope faith jean pierre marine olive ruby amber
    summer april june august victoire clement constant rene prudence patience dawn guy
    miles frank sunny mercedes""".split()
)


def fold(text: str) -> str:
    """Lower case without accents, one character for one (positions are kept)."""
    out = []
    for c in text:
        base = unicodedata.normalize("NFD", c)[0].lower()
        out.append(base if len(base) == 1 else c)
    return "".join(out)


def name_parts(value: str) -> list[str]:
    """Folded words of a name that can be recognised on their own later."""
    words = re.findall(r"[^\W\d_]+", fold(value))
    return [w for w in words if len(w) >= 2 and w not in _PARTICLES and w not in P.NOT_NAMES]


class NameMemory:
    """Folded name part -> placeholder, first name wins when two names share a part."""

    def __init__(self) -> None:
        self._parts: dict[str, str] = {}
        self._rx: re.Pattern[str] | None = None

    def add(self, placeholder: str, value: str) -> None:
        for part in name_parts(value):
            if part not in self._parts:
                self._parts[part] = placeholder
                self._rx = None

    def placeholder_for(self, value: str) -> str | None:
        """The placeholder when every part of ``value`` is one known name's part."""
        found = {self._parts.get(p) for p in name_parts(value)}
        return found.pop() if len(found) == 1 and None not in found else None

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """Known parts as whole words in ``text``: (start, end, placeholder)."""
        if not self._parts:
            return []
        if self._rx is None:
            alts = "|".join(sorted(map(re.escape, self._parts), key=len, reverse=True))
            self._rx = re.compile(rf"(?<!\w)(?:{alts})(?!\w)")
        hits: list[tuple[int, int, str]] = []
        for m in self._rx.finditer(fold(text)):
            s, e = m.span()
            if m.group() in _WORD_NAMES and not text[s].isupper():
                continue
            placeholder = self._parts[m.group()]
            if hits and hits[-1][2] == placeholder and _NAME_GAP.fullmatch(text, hits[-1][1], s):
                hits[-1] = (hits[-1][0], e, placeholder)  # "Paul Martin" again: one placeholder
                continue
            hits.append((s, e, placeholder))
        return hits


def continued_card(
    carry: str, text: str, chains: list[N.Chain], taken: list[tuple[int, int]]
) -> tuple[int, int, str] | None:
    """(start, end, whole number) when the text's first run completes the carried digits."""
    chain = next(iter(chains), None)
    if chain is None or chain.start > _LEAD or overlaps(chain.start, chain.end, taken):
        return None
    digits = [text[s:e] for s, e in chain.groups]
    cum = [0, *accumulate(map(len, digits))]
    joined = "".join(digits)
    for j in range(min(len(digits), 19) - 1, -1, -1):  # longest continuation first
        for t in range(len(carry), 0, -1):
            number = carry[-t:] + joined[: cum[j + 1]]
            if 13 <= len(number) <= 19 and N.card_ok(number):
                return chain.groups[0][0], chain.groups[j][1], number
    return None


def next_carry(
    carry: str | None, text: str, chains: list[N.Chain], taken: list[tuple[int, int]]
) -> str | None:
    """The carry after ``text``: its trailing unrecognised run of 4-15 digits; else the same
    carry when the text has no other unrecognised run of 4+ digits ("the last 8 digits?" and
    a redacted value keep it), else none.
    """
    free = [c for c in chains if c.digits >= _CARRY_DIGITS[0] and not _covered(c.start, taken)]
    if not free:
        return carry
    last = free[-1]
    at_end = not text[last.end :].strip(" \t\n.,;:!?…-")
    if at_end and last.digits <= _CARRY_DIGITS[1]:
        return "".join(text[s:e] for s, e in last.groups)
    return None


def asks_for_birth_date(text: str, found_types: set[str]) -> bool:
    """Whether a text asks for a date of birth (and does not give one itself)."""
    return "DOB" not in found_types and bool(_DOB_QUESTION.search(text))


def answered_birth_dates(text: str, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans of bare dates in an answer to "your date of birth?" that can be one (old enough)."""
    latest = date.today().year - _DOB_MIN_AGE
    return [
        m.span()
        for m in _BARE_DATE.finditer(text)
        if 1900 <= _year_of(m.group(), latest) <= latest and not overlaps(*m.span(), taken)
    ]


def _year_of(found: str, latest: int) -> int:
    """The year of a date as written: "1986-03-14", "14/03/86" (a 2-digit year is the latest
    century that keeps the person old enough), "3 mai 1979"."""
    numbers = re.findall(r"\d+", found)
    if not numbers:
        return 0
    if len(numbers[0]) == 4:
        return int(numbers[0])
    year = int(numbers[-1])
    if len(numbers[-1]) == 2:
        year += 2000 if 2000 + year <= latest else 1900
    return year


def overlaps(start: int, end: int, taken: list[tuple[int, int]]) -> bool:
    """Whether [start, end) meets one of ``taken`` (sorted, non-overlapping spans)."""
    k = bisect_right(taken, (start, float("inf")))
    return (k > 0 and taken[k - 1][1] > start) or (k < len(taken) and taken[k][0] < end)


def _covered(pos: int, taken: list[tuple[int, int]]) -> bool:
    """Whether ``pos`` falls in one of ``taken`` (sorted, non-overlapping spans)."""
    k = bisect_right(taken, (pos, float("inf"))) - 1
    return k >= 0 and taken[k][0] <= pos < taken[k][1]
