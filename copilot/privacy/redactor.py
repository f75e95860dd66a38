"""Reversible redaction with placeholders, stable for a whole contact.

:class:`Redactor` turns detected entities into placeholders (``<CARD_1>``) and back;
:class:`StreamingRestorer` restores placeholders in a streamed draft.  What the Redactor
remembers between turns (name parts, a number cut over two turns) is in
:mod:`copilot.privacy.contact_memory` and travels in ``mapping``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge_base.injection import strip_invisible

from . import contact_memory as M
from .detection import Entity, detect_with_chains

_PLACEHOLDER = re.compile(r"<([A-Z]+)_(\d+)>")


@dataclass(frozen=True)
class Redaction:
    """Result of :meth:`Redactor.redact`.

    ``entities`` refer to positions in ``source`` (the input after
    :func:`strip_invisible`), ``text`` is ``source`` with placeholders.
    """

    text: str
    entities: list[Entity] = field(default_factory=list)
    source: str = ""


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
    placeholder within one Redactor; a value the contact gave once is found again without
    its cue ("12/03/1985" after "born on 12/03/1985").  A part of a known name said alone later
    ("Thanks Paul", "Mr MARTIN") gets that name's placeholder, and a card number
    cut over two turns is caught on the second (see :mod:`.contact_memory`).
    ``mapping`` (placeholder -> raw value, plus the carried digits under
    ``CARRY_KEY``) is JSON-serialisable; pass it back to the constructor to
    resume a conversation, numbering and memory continue where they stopped.
    """

    def __init__(self, mapping: dict[str, str] | None = None) -> None:
        self._raw: dict[str, str] = {}
        self._index: dict[tuple[str, str], str] = {}
        self._next: dict[str, int] = {}
        self._names = M.NameMemory()
        self._carry: str | None = None
        self._asked: str | None = None  # "DOB" when the last text asked for a date of birth
        self._values_rx: tuple[int, re.Pattern[str]] | None = None  # rebuilt when values grow
        for placeholder, raw in (mapping or {}).items():
            if placeholder == M.CARRY_KEY:
                self._carry = raw
                continue
            if placeholder == M.ASKED_KEY:
                self._asked = raw
                continue
            m = _PLACEHOLDER.fullmatch(placeholder)
            if not m:
                raise ValueError(f"not a placeholder: {placeholder!r}")
            typ, num = m.group(1), int(m.group(2))
            self._raw[placeholder] = raw
            self._index.setdefault((typ, _norm(typ, raw)), placeholder)
            self._next[typ] = max(self._next.get(typ, 1), num + 1)
            if typ == "NAME":
                self._names.add(placeholder, raw)

    def _placeholder(self, typ: str, value: str) -> str:
        key = (typ, _norm(typ, value))
        found = self._index.get(key)
        if found is None and typ == "NAME":
            found = self._names.placeholder_for(value)  # "je m'appelle Paul" after "Paul Martin"
        if found is None:
            num = self._next.get(typ, 1)
            self._next[typ] = num + 1
            found = f"<{typ}_{num}>"
            self._index[key] = found
            self._raw[found] = value
            if typ == "NAME":
                self._names.add(found, value)
        return found

    def redact(self, text: str) -> Redaction:
        source = strip_invisible(text)
        entities, chains = detect_with_chains(source)
        # text redacted once may be redacted again (the model's input, the record): a
        # placeholder is never a value ("my password is <PASSWORD_1>")
        held = [m.span() for m in _PLACEHOLDER.finditer(source)] if "<" in source else []
        if held:
            entities = [e for e in entities if not M.overlaps(e.start, e.end, held)]
        chosen = {(e.start, e.end): self._placeholder(e.type, e.value) for e in entities}
        taken = sorted(chosen)
        if self._carry and (hit := M.continued_card(self._carry, source, chains, taken)):
            start, end, number = hit
            entities.append(Entity("CARD", start, end, source[start:end]))
            chosen[(start, end)] = self._placeholder("CARD", number)
            taken = sorted(chosen)
        if self._asked == "DOB":
            for start, end in M.answered_birth_dates(source, taken):
                entities.append(Entity("DOB", start, end, source[start:end]))
                chosen[(start, end)] = self._placeholder("DOB", source[start:end])
            taken = sorted(chosen)
        for start, end, placeholder in self._remembered_values(source):
            if not M.overlaps(start, end, taken):
                typ = _PLACEHOLDER.fullmatch(placeholder).group(1)  # type: ignore[union-attr]
                entities.append(Entity(typ, start, end, source[start:end]))
                chosen[(start, end)] = placeholder
        taken = sorted(chosen)
        for start, end, placeholder in self._names.find(source):
            if not M.overlaps(start, end, taken):
                entities.append(Entity("NAME", start, end, source[start:end]))
                chosen[(start, end)] = placeholder
        entities.sort(key=lambda e: e.start)
        taken = sorted(chosen)
        self._carry = M.next_carry(self._carry, source, chains, taken)
        found = {e.type for e in entities}
        self._asked = "DOB" if M.asks_for_birth_date(source, found) else None
        parts, last = [], 0
        for ent in entities:
            parts += [source[last : ent.start], chosen[(ent.start, ent.end)]]
            last = ent.end
        parts.append(source[last:])
        return Redaction(text="".join(parts), entities=entities, source=source)

    def _remembered_values(self, source: str) -> list[tuple[int, int, str]]:
        """Values (not names: see NameMemory) this contact gave once, repeated without their
        cue ("12/03/1985" after "born on 12/03/1985"): whole words, any spacing or case."""
        values = {v: p for p, v in self._raw.items() if not p.startswith("<NAME_") and len(v) >= 3}
        if not values:
            return []
        if self._values_rx is None or self._values_rx[0] != len(self._raw):
            ordered = sorted(values, key=len, reverse=True)
            alts = "|".join(r"\s+".join(map(re.escape, v.split())) for v in ordered)
            compiled = re.compile(rf"(?<!\w)(?:{alts})(?!\w)", re.IGNORECASE)
            self._values_rx = (len(self._raw), compiled)
        rx = self._values_rx[1]
        keys = {" ".join(v.split()).casefold(): p for v, p in values.items()}
        hits = []
        for m in rx.finditer(source):
            placeholder = keys.get(" ".join(m.group().split()).casefold())
            if placeholder:
                hits.append((m.start(), m.end(), placeholder))
        return hits

    def restore(self, text: str) -> str:
        return _PLACEHOLDER.sub(lambda m: self._raw.get(m.group(), m.group()), text)

    @property
    def mapping(self) -> dict[str, str]:
        carry = {M.CARRY_KEY: self._carry} if self._carry else {}
        asked = {M.ASKED_KEY: self._asked} if self._asked else {}
        return dict(self._raw) | carry | asked

    @property
    def count(self) -> int:
        return len(self._raw)


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
