"""Finding personal data in one text: candidates from every finder, overlaps resolved.

See :mod:`copilot.privacy` for the entity types.  Numbers live in
:mod:`copilot.privacy.numbers`, secrets in :mod:`copilot.privacy.spoken_secrets`; this
module holds the text-shaped finders (e-mails, dates of birth, addresses, Orvane
identifiers, names) and :func:`detect`, which runs them all once over the text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass

from knowledge_base.text_folding import strip_invisible

from . import numbers as N
from . import patterns as P
from . import spoken_numbers as W
from . import spoken_secrets as S

#: Types whose presence makes a turn "sensitive" (see :func:`has_sensitive_data`).
SENSITIVE_TYPES = frozenset(
    {"CARD", "IBAN", "NIR", "DOB", "ACCOUNT", "PASSWORD", "PIN", "OTP", "CVV", "EXPIRY"}
)
# When two candidates overlap, the lower rank wins, then the longer span.
_RANK = {"CARD": 0, "IBAN": 0, "NIR": 0, "EMAIL": 1, "ACCOUNT": 1, "ORDER": 1}
for _secret in ("PASSWORD", "PIN", "OTP", "CVV", "EXPIRY"):
    _RANK[_secret] = 1  # a cue said what the value is: it wins over a phone or a date shape


@dataclass(frozen=True)
class Entity:
    type: str
    start: int
    end: int
    value: str


def has_sensitive_data(entities: Iterable[Entity]) -> bool:
    """True when a financial, identity or secret datum is present.

    Rule: any entity of :data:`SENSITIVE_TYPES` (card, IBAN, NIR, date of birth, account,
    password, PIN, one-time code, CVV, expiry date) makes a turn sensitive.  Contact
    details (``PHONE``, ``EMAIL``, ``ADDRESS``), ``NAME`` and ``ORDER`` references are
    still redacted but are routine in a customer-service conversation, so they alone do
    not flag it.
    """
    return any(e.type in SENSITIVE_TYPES for e in entities)


def _simple(text: str) -> Iterable[tuple[str, int, int]]:
    simple = (P.EMAIL, P.ACCOUNT, P.ORDER)
    for typ, rx in zip(("EMAIL", "ACCOUNT", "ORDER"), simple, strict=True):
        for m in rx.finditer(text):
            yield typ, m.start(), m.end()
    for m in P.EMAIL_PROVIDER_ONLY.finditer(text):
        yield "EMAIL", m.start(), m.end()
    for m in P.EMAIL_SPOKEN.finditer(text):
        if P.BARE_AT.fullmatch(m.group("at")) and not (
            P.EMAIL_LIKE_LOCAL.search(m.group("local")) or P.MAIL_PROVIDER.match(m.group("domain"))
        ):
            continue
        yield "EMAIL", m.start(), m.end()
    for m in P.DOB.finditer(text):
        yield "DOB", m.start("date"), m.end("date")
    for rx in (P.ADDRESS_FR, P.ADDRESS_EN):
        for m in rx.finditer(text):
            street = m.group("type") + m.group("name")
            if m.group("type").casefold() in P.AMBIGUOUS_STREET_TYPES and street.islower():
                continue
            end = m.end()
            while text[end - 1] in "-'’":  # never end on a dangling hyphen/apostrophe
                end -= 1
            yield "ADDRESS", m.start(), end


def _names(text: str) -> Iterable[tuple[str, int, int]]:
    for trig in P.NAME_TRIGGER.finditer(text):
        pos, start, end, count = trig.end(), None, None, 0
        while count < 4:
            m = P.NAME_STEP.match(text, pos)
            if not m or (count == 0 and m.group("sep")) or (count and not m.group("sep")):
                break
            tok = m.group("tok").casefold()
            if count and tok in P.CAPITAL_PARTICLES:  # "de La Fontaine": kept if a name follows
                pos, count = m.end(), count + 1
                continue
            if tok in P.NOT_NAMES or len(tok) < 2:
                break
            if start is None:
                if m.group("part"):
                    break
                start = m.start("tok")
            end, pos, count = m.end(), m.end(), count + 1
        if start is None and P.STRONG_TRIGGER.search(trig.group()):
            start, end = _lower_name(text, trig.end())
        if start is None or end is None:
            continue
        word = re.sub(r"[\s:]+", " ", trig.group().strip(" :")).casefold()
        if word in P.WEAK_TRIGGERS and not (
            P.WEAK_BEFORE.search(text, max(0, trig.start() - 40), trig.start())
            or P.WEAK_AFTER.match(text, end)
        ):
            continue
        yield "NAME", start, end
        spelled = P.SPELLED_AFTER_NAME.match(text, end)
        if spelled:
            yield "NAME", spelled.start("sp"), spelled.end("sp")


def _lower_name(text: str, pos: int) -> tuple[int | None, int | None]:
    """One or two lower-case words after a sure trigger ("my surname is smith."), when the
    sentence ends or goes on with a joining word after them ("mon nom est resté ..." is no name).
    """
    words = []
    for _ in range(2):
        m = P.LOWER_NAME.match(text, pos)
        if not m or m.group() in P.NOT_NAMES or m.group() in P.NOT_LOWER_NAMES:
            break
        words.append(m)
        if not re.match(r" (?=[a-zà-ÿ])", text[m.end() : m.end() + 2]):
            break
        pos = m.end() + 1
    for last in reversed(words):
        if P.AFTER_LOWER_NAME.match(text, last.end()):
            return words[0].start(), last.end()
    return None, None


def detect(text: str) -> list[Entity]:
    """Return non-overlapping entities of ``strip_invisible(text)``, sorted by start.

    Overlaps are resolved in favour of checksum-validated types (CARD, IBAN,
    NIR), then cued or structured ones (secrets, EMAIL, ACCOUNT, ORDER), then
    the longer span.
    """
    return detect_with_chains(strip_invisible(text))[0]


def detect_with_chains(text: str) -> tuple[list[Entity], list[N.Chain]]:
    """:func:`detect` on an already stripped text, with the digit chains it found."""
    chains = list(N.digit_chains(text))
    candidates: set[tuple[str, int, int]] = set()
    for found in (
        N.cards(text, chains),
        N.ibans(text),
        N.nirs(text),
        N.phones(text, chains),
        S.secrets(text),
        _simple(text),
        _names(text),
    ):
        candidates.update(found)
    candidates.update(_said_in_words(text))
    for card_end in [end for typ, _, end in candidates if typ == "CARD"]:
        candidates.update(S.after_card(text, card_end))
    return [Entity(t, s, e, text[s:e]) for t, s, e in _without_overlaps(candidates)], chains


def _said_in_words(text: str) -> Iterable[tuple[str, int, int]]:
    """Numbers and secrets said in words ("quatre-neuf soixante-dix ...", "zero eight")."""
    converted = W.digits_text(text)
    if converted is None:
        return
    words, starts, ends = converted
    chains = list(N.digit_chains(words))
    for found in (N.cards(words, chains), N.nirs(words), N.phones(words, chains), S.secrets(words)):
        for typ, s, e in found:
            yield typ, starts[s], ends[e - 1]


def _without_overlaps(candidates: Iterable[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Best candidates first; each kept unless it overlaps one kept before (log time each)."""
    ordered = sorted(candidates, key=lambda c: (_RANK.get(c[0], 2), c[1] - c[2], c[1]))
    starts: list[int] = []
    chosen: list[tuple[str, int, int]] = []  # sorted by start, never overlapping
    for typ, s, e in ordered:
        if e <= s:
            continue
        k = bisect_left(starts, s)
        if (k and chosen[k - 1][2] > s) or (k < len(chosen) and chosen[k][1] < e):
            continue
        starts.insert(k, s)
        chosen.insert(k, (typ, s, e))
    return chosen
