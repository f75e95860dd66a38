"""PII detection and reversible redaction for French / English customer turns.

Detected entity types (also used in placeholders such as ``<CARD_1>``):

``CARD``     payment card numbers, 13-19 digits, Luhn-checked, plausible brand prefix/length
``IBAN``     any IBAN country known to python-stdnum, mod-97 and national checks
``NIR``      French social-security number (Corsica 2A/2B), control key checked
``PHONE``    French (0X.., +33, 0033) and international (+CC / 00CC) numbers
``EMAIL``    e-mail addresses
``DOB``      dates of birth, only when introduced as such ("née le", "date of birth")
``ADDRESS``  street number + street type + name, optional postcode and city
``ACCOUNT``  Orvane customer accounts, ``ORV-`` + 8 digits
``ORDER``    Orvane order references, ``CMD-`` + 6 digits + 1 letter
``NAME``     person names, only after an introduction ("je m'appelle", "my name is")

Hidden characters (Unicode tags, zero-width and bidi controls) are removed by
:func:`strip_invisible` before anything else, so they cannot split a number.
All positions returned by :func:`detect` and :meth:`Redactor.redact` therefore
refer to ``strip_invisible(text)`` (exposed as ``Redaction.source``), which is
the original text whenever it contained no such characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from stdnum import iban as _iban
from stdnum import luhn as _luhn
from stdnum.fr import nir as _nir

from knowledge_base.injection import strip_invisible

from . import privacy_patterns as P

__all__ = [
    "SENSITIVE_TYPES",
    "Entity",
    "Redaction",
    "Redactor",
    "detect",
    "has_sensitive_data",
    "strip_invisible",
]

#: Types whose presence makes a turn "sensitive" (see :func:`has_sensitive_data`).
SENSITIVE_TYPES = frozenset({"CARD", "IBAN", "NIR", "DOB", "ACCOUNT"})
# When two candidates overlap, the lower rank wins, then the longer span.
_RANK = {"CARD": 0, "IBAN": 0, "NIR": 0, "EMAIL": 1, "ACCOUNT": 1, "ORDER": 1}


@dataclass(frozen=True)
class Entity:
    type: str
    start: int
    end: int
    value: str


@dataclass(frozen=True)
class Redaction:
    """Result of :meth:`Redactor.redact`.

    ``entities`` refer to positions in ``source`` (the input after
    :func:`strip_invisible`), ``text`` is ``source`` with placeholders.
    """

    text: str
    entities: list[Entity] = field(default_factory=list)
    source: str = ""


def has_sensitive_data(entities: Iterable[Entity]) -> bool:
    """True when a financial or identity datum is present.

    Rule: any ``CARD``, ``IBAN``, ``NIR``, ``DOB`` or ``ACCOUNT`` entity makes a
    turn sensitive.  Contact details (``PHONE``, ``EMAIL``, ``ADDRESS``),
    ``NAME`` and ``ORDER`` references are still redacted but are routine in a
    customer-service conversation, so they alone do not flag it.
    """
    return any(e.type in SENSITIVE_TYPES for e in entities)


# ------------------------------------------------------------------- validators
def _card_ok(d: str) -> bool:
    """13-19 digits, a brand prefix compatible with the length, Luhn check."""
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
    return ok and 13 <= n <= 19 and _luhn.is_valid(d)


def _cards(text: str) -> Iterable[tuple[str, int, int]]:
    for run in P.DIGIT_RUN.finditer(text):
        if P.MIXED_TOKEN_BEFORE.search(text, max(0, run.start() - 12), run.start()):
            continue
        groups = [(g.start(), g.end(), g.group()) for g in P.GROUP.finditer(run.group())]
        if len(groups) > 1 and re.match(r"/\d", text[run.end() : run.end() + 2]):
            groups.pop()  # "... 1788 06/30": the last group is an expiry month
        if sum(len(g[2]) for g in groups) < 13:
            continue
        i = 0
        # Windows aligned on group boundaries, longest first: the whole run, or a
        # card followed by an expiry/CVV ("4970 ... 0006 12"), or several numbers.
        while i < len(groups):
            ends, acc = [], ""
            for j in range(i, len(groups)):
                acc += groups[j][2]
                if len(acc) > 19:
                    break
                ends.append((j, acc))
            for j, acc in reversed(ends):
                whole = i == 0 and j == len(groups) - 1
                sizes = [len(g[2]) for g in groups[i : j + 1]]
                if not whole and len(sizes) > 1 and sizes[-1] <= 2 < max(sizes):  # "1788 06/30"
                    continue
                if _card_ok(acc) and (whole or _cue_before(text, run.start()) != "ref"):
                    yield "CARD", run.start() + groups[i][0], run.start() + groups[j][1]
                    i = j
                    break
            i += 1


def _ibans(text: str) -> Iterable[tuple[str, int, int]]:
    for m in P.IBAN_CANDIDATE.finditer(text):
        chunk = m.group()
        pos = [k for k, c in enumerate(chunk) if c.isalnum()]
        for n in range(min(len(pos), 34), 14, -1):
            end = pos[n - 1] + 1
            nxt = chunk[end : end + 1]
            if nxt.isalnum():  # would cut a token in half
                continue
            # mod-97 + national BBAN structure; stdnum's bank-code registries are
            # not consulted (they lag behind real banks and would cost recall)
            if _iban.is_valid("".join(chunk[k] for k in pos[:n]).upper(), check_country=False):
                yield "IBAN", m.start(), m.start() + end
                break


def _nirs(text: str) -> Iterable[tuple[str, int, int]]:
    for m in P.NIR_CANDIDATE.finditer(text):
        if _nir.is_valid(re.sub(r"\W", "", m.group()).upper()):
            yield "NIR", m.start(), m.end()


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


def _phones(text: str) -> Iterable[tuple[str, int, int]]:
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


def _simple(text: str) -> Iterable[tuple[str, int, int]]:
    simple = (P.EMAIL, P.EMAIL_SPOKEN, P.ACCOUNT, P.ORDER)
    for typ, rx in zip(("EMAIL", "EMAIL", "ACCOUNT", "ORDER"), simple, strict=True):
        for m in rx.finditer(text):
            yield typ, m.start(), m.end()
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
        if start is None or end is None:
            continue
        word = re.sub(r"[\s:]+", " ", trig.group().strip(" :")).casefold()
        if word in P.WEAK_TRIGGERS and not (
            P.WEAK_BEFORE.search(text, 0, trig.start()) or P.WEAK_AFTER.match(text[end:])
        ):
            continue
        yield "NAME", start, end


_FINDERS = (_cards, _ibans, _nirs, _phones, _simple, _names)


def detect(text: str) -> list[Entity]:
    """Return non-overlapping entities of ``strip_invisible(text)``, sorted by start.

    Overlaps are resolved in favour of checksum-validated types (CARD, IBAN,
    NIR), then structured identifiers (EMAIL, ACCOUNT, ORDER), then the longer
    span.
    """
    text = strip_invisible(text)
    candidates = {c for finder in _FINDERS for c in finder(text)}
    ordered = sorted(candidates, key=lambda c: (_RANK.get(c[0], 2), c[1] - c[2], c[1]))
    chosen: list[tuple[str, int, int]] = []
    for typ, s, e in ordered:
        if e > s and all(e <= cs or s >= ce for _, cs, ce in chosen):
            chosen.append((typ, s, e))
    chosen.sort(key=lambda c: c[1])
    return [Entity(t, s, e, text[s:e]) for t, s, e in chosen]


# ---------------------------------------------------------------------- redactor
_PLACEHOLDER = re.compile(r"<([A-Z]+)_(\d+)>")


def _norm(typ: str, value: str) -> str:
    """Letters and digits only, case-folded; French phones in national form."""
    key = "".join(c for c in value if c.isalnum()).casefold()
    if typ == "PHONE":
        key = key.removeprefix("00")
        if key.startswith("33") and len(key) in (11, 12):  # +33 6.., +33 (0)6..
            key = "0" + key[2:].removeprefix("0")
    return key


class Redactor:
    """Reversible redaction, stable within one conversation.

    Placeholders look like ``<CARD_1>``, ``<IBAN_1>``, ``<PHONE_2>``.  The same
    value (normalised: letters and digits only, case-folded; ``+33 6..`` and
    ``06..`` are the same phone) of the same type always maps to the same
    placeholder within one Redactor, and a value the contact gave once is found again
    without its cue ("Thanks Paul Martin", "Mr Martin" after "my name is Paul Martin"), so
    keep one Redactor per contact.  ``mapping``
    (placeholder -> raw value) is JSON-serialisable; pass it back to the
    constructor to resume a conversation, numbering continues where it stopped.
    """

    def __init__(self, mapping: dict[str, str] | None = None) -> None:
        self._raw: dict[str, str] = {}
        self._index: dict[tuple[str, str], str] = {}
        self._next: dict[str, int] = {}
        self._memory: tuple[int, re.Pattern[str], dict[str, str]] | None = None
        for placeholder, raw in (mapping or {}).items():
            m = _PLACEHOLDER.fullmatch(placeholder)
            if not m:
                raise ValueError(f"not a placeholder: {placeholder!r}")
            typ, num = m.group(1), int(m.group(2))
            self._raw[placeholder] = raw
            self._index.setdefault((typ, _norm(typ, raw)), placeholder)
            self._next[typ] = max(self._next.get(typ, 1), num + 1)

    def _placeholder(self, typ: str, value: str) -> str:
        key = (typ, _norm(typ, value))
        found = self._index.get(key)
        if found is None:
            num = self._next.get(typ, 1)
            self._next[typ] = num + 1
            found = f"<{typ}_{num}>"
            self._index[key] = found
            self._raw[found] = value
        return found

    def redact(self, text: str) -> Redaction:
        source = strip_invisible(text)
        entities = detect(source)
        if self._raw:  # values this contact already gave are found again without their cue
            entities = _merged(entities, self._remembered(source))
        parts, last = [], 0
        for ent in entities:
            parts += [source[last : ent.start], self._placeholder(ent.type, ent.value)]
            last = ent.end
        parts.append(source[last:])
        return Redaction(text="".join(parts), entities=entities, source=source)

    def _remembered(self, source: str) -> list[Entity]:
        """Values this contact gave earlier, repeated in `source` (see `_remembered_forms`)."""
        if self._memory is None or self._memory[0] != len(self._raw):
            self._memory = (len(self._raw), *_remembered_forms(self._raw))
        _, rx, types = self._memory
        found = []
        for m in rx.finditer(source):
            typ = types.get(" ".join(m.group().split()).casefold())
            if typ and (typ != "NAME" or m.group()[0].isupper()):
                found.append(Entity(typ, m.start(), m.end(), m.group()))
        return found

    def restore(self, text: str) -> str:
        return _PLACEHOLDER.sub(lambda m: self._raw.get(m.group(), m.group()), text)

    @property
    def mapping(self) -> dict[str, str]:
        return dict(self._raw)

    @property
    def count(self) -> int:
        return len(self._raw)


_NOT_PARTS = P.CAPITAL_PARTICLES | P.NOT_NAMES


def _remembered_forms(raw: dict[str, str]) -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern for the values of a mapping as whole words (any spacing, any case): each value
    as given, and each part of a name alone ("Martin", "Paul"), which must then be capitalised;
    with the type of each form (keyed by its spacing-normalised, case-folded text)."""
    forms = {(_PLACEHOLDER.fullmatch(p).group(1), v) for p, v in raw.items()}  # type: ignore[union-attr]
    forms |= {("NAME", part) for typ, v in forms if typ == "NAME" for part in v.split()}
    forms = {(t, v) for t, v in forms if len(v) >= 3 and v.casefold() not in _NOT_PARTS}
    ordered = sorted(forms, key=lambda f: -len(f[1]))  # longest first: "Paul Martin" > "Paul"
    pattern = "|".join(r"\s+".join(map(re.escape, v.split())) for _, v in ordered) or "(?!)"
    types = {" ".join(v.split()).casefold(): t for t, v in ordered}
    return re.compile(rf"(?<!\w)(?:{pattern})(?!\w)", re.IGNORECASE), types


def _merged(found: list[Entity], remembered: list[Entity]) -> list[Entity]:
    """`found` plus the remembered entities that overlap none of them, sorted by start."""
    extra = [r for r in remembered if all(r.end <= f.start or r.start >= f.end for f in found)]
    return sorted(found + extra, key=lambda e: e.start)


_PARTIAL_PLACEHOLDER = re.compile(r"<[A-Z]*(?:_\d*)?")


class StreamingRestorer:
    """Restores placeholders in text that arrives in chunks, such as a streamed draft.

    A model's tokens cut placeholders anywhere (``"... card <CA"`` then ``"RD_1> ..."``), so
    :meth:`feed` returns the restored text up to the last point that cannot start a placeholder
    and holds back only that possible start; :meth:`flush` returns what is held when the stream
    ends.  Placeholders the mapping does not know pass through, as with :meth:`Redactor.restore`.
    """

    MAX_HELD = 32
    """Longer than any placeholder: a ``<`` further back than this starts ordinary text."""

    def __init__(self, mapping: dict[str, str]) -> None:
        self._restore = Redactor(mapping=mapping).restore
        self._held = ""

    def feed(self, chunk: str) -> str:
        text = self._held + chunk
        start = text.rfind("<")
        if (
            start >= 0
            and len(text) - start <= self.MAX_HELD
            and _PARTIAL_PLACEHOLDER.fullmatch(text, start)
        ):
            self._held, text = text[start:], text[:start]
        else:
            self._held = ""
        return self._restore(text)

    def flush(self) -> str:
        text, self._held = self._held, ""
        return self._restore(text)
