"""PII detection and reversible redaction for French / English customer turns.

Detected entity types (also used in placeholders such as ``<CARD_1>``):

``CARD``     payment card numbers, 13-19 digits, Luhn-checked, plausible brand prefix/length;
             groups may be joined by spaces, dots, dashes, ", ", "...", " - ", "/", " et ",
             " and " (loose joins need card-shaped groups or a card cue)
``IBAN``     any IBAN country known to python-stdnum, mod-97 and national checks; also
             "DE 89 ...", spelled "F R 76 ...", no-break spaces, dashes
``NIR``      French social-security number (Corsica 2A/2B), control key checked, the key
             glued, spaced or said apart ("clé 42", "key 42"); without its key only when the
             13 characters have a NIR's structure (sex, month, department, commune, order)
             and either a cue ("sécu", "NIR", "social security") or NIR grouping
``PHONE``    French (0X.., +33, 0033) and international (+CC / 00CC) numbers, also two
             numbers back to back
``EMAIL``    e-mail addresses, also dictated ("john dot smith at gmail dot com",
             "jean point dupont arobase orange point fr")
``DOB``      dates of birth, only when introduced as such ("née le", "date of birth")
``ADDRESS``  street number + street type + name, optional postcode and city
``ACCOUNT``  Orvane customer accounts, ``ORV-`` + 8 digits
``ORDER``    Orvane order references, ``CMD-`` + 6 digits + 1 letter
``NAME``     person names, only after an introduction ("je m'appelle", "my name is", "my
             surname is", "mon nom de famille est", "nom : X"), with the spelling that
             follows ("D-U-P-O-N-T"); later, any part of a known name alone ("Thanks Paul")
``PASSWORD`` ``PIN`` ``OTP`` ``CVV`` ``EXPIRY``
             secrets said aloud or typed, each after its cue words ("mot de passe", "code
             PIN", "code reçu par SMS", "cryptogramme", "date d'expiration", ...); see
             :mod:`copilot.privacy.spoken_secrets`

``SENSITIVE_TYPES`` (card, IBAN, NIR, DOB, account and the five secrets) route a turn to
``sensitive_data`` (:func:`has_sensitive_data`).

Hidden characters (Unicode tags, zero-width and bidi controls) are removed by
:func:`strip_invisible` before anything else, so they cannot split a number.
All positions returned by :func:`detect` and :meth:`Redactor.redact` therefore
refer to ``strip_invisible(text)`` (exposed as ``Redaction.source``), which is
the original text whenever it contained no such characters.

Every scan is linear in the length of the text: a 100k-character line is redacted in well
under a second (``benchmarks/bench_privacy.py`` measures it).
"""

from __future__ import annotations

from knowledge_base.text_folding import strip_invisible

from .detection import SENSITIVE_TYPES, Entity, detect, has_sensitive_data
from .redactor import Redaction, Redactor, StreamingRestorer

__all__ = [
    "SENSITIVE_TYPES",
    "Entity",
    "Redaction",
    "Redactor",
    "StreamingRestorer",
    "detect",
    "has_sensitive_data",
    "strip_invisible",
]
