"""A small French/English language guess for texts that do not declare their language.

Counts frequent function words; good enough for policy text and customer turns, and costs
microseconds. Texts in neither language fall back to the given default.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[a-zàâäçéèêëîïôöùûüÿœæ']+", re.IGNORECASE)

_FRENCH = frozenset(
    "le la les un une des du de et est sont pour pas que qui sur dans avec vous votre vos je "
    "mon ma mes nous notre ce cette ces il elle ils au aux en ne plus mais ou où quand comment "
    "pourquoi bonjour merci carte paiement remboursement compte frais été avez suis ai j'ai "
    "c'est n'est qu'il d'un d'une l'".split()
)
_ENGLISH = frozenset(
    "the a an and is are for not that which on in with you your i my we our this these it "
    "they to of be have has was were or when how why what can will do does did hello thanks "
    "thank please card payment refund account fee fees been am i'm don't it's".split()
)
_FRENCH_ONLY_CHARS = re.compile(r"[àâçéèêëîïôùûœ]", re.IGNORECASE)


def detect_language(text: str, default: str = "en") -> str:
    """Return 'fr' or 'en' for the text, or `default` when there is no evidence either way."""
    words = [w.lower() for w in _WORD.findall(text)]
    fr = float(sum(1 for w in words if w in _FRENCH))
    en = float(sum(1 for w in words if w in _ENGLISH))
    fr += 0.5 * len(_FRENCH_ONLY_CHARS.findall(text))
    if fr == en:
        return default
    return "fr" if fr > en else "en"
