"""How much of one turn the copilot reads: the first `MAX_TURN_CHARS` characters.

A turn of megabytes (a paste accident or an attack) would otherwise be embedded, matched by
every rule and sent to the model whole, for minutes. The copilot redacts a little more than the
limit (so a card number straddling it is recognised whole and never half-sent), cuts the
redacted text at the limit, marks the cut with " […]", and the route tells the advisor.
"""

from __future__ import annotations

from dataclasses import replace

from copilot.privacy import Redaction, Redactor

MAX_TURN_CHARS = 4_000
"""Characters of a turn the copilot reads (about 1,000 model tokens; a long e-mail)."""
REDACTION_MARGIN = 200
"""Characters past the limit that redaction still sees, for values cut by the limit."""
CLIP_MARK = " […]"


def reading_window(text: str) -> str:
    """The part of a raw turn that any check needs to see."""
    return text[: MAX_TURN_CHARS + REDACTION_MARGIN]


def redact_turn(redactor: Redactor, text: str) -> tuple[Redaction, int]:
    """The turn redacted and cut to the limit, and its full length when it was cut (else 0).

    The cut is made in the raw text, moved past any value that straddles the limit (found by a
    probe over the reading window), and only that head is redacted: so no part of a value is
    ever cut off from the rest of it, whatever placeholders do to the text's length.
    """
    if len(text) <= MAX_TURN_CHARS:
        return redactor.redact(text), 0
    probe = Redactor(mapping=redactor.mapping).redact(reading_window(text))
    cut = MAX_TURN_CHARS
    for entity in probe.entities:
        if entity.start < cut < entity.end:
            cut = entity.end
    result = redactor.redact(probe.source[:cut])
    return replace(result, text=result.text.rstrip() + CLIP_MARK), len(text)


def clip_note(length: int) -> str:
    return (
        f"long turn: the copilot read its first {MAX_TURN_CHARS:,} of {length:,} characters; "
        "read the rest yourself"
    )
