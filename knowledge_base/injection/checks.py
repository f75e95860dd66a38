"""Checks run on a rule's match: negation, reported speech, orders, owned data."""

from __future__ import annotations

import re

from knowledge_base.injection.vocabulary import (
    ABSOLUTE,
    ADDRESSED_FR,
    ALWAYS_FULL,
    CLAUSE_END,
    FIRST_PERSON,
    MODAL_END,
    NEGATION,
    OWN_DESTINATION,
    OWNER_RX,
    QUALIFIER,
    REPORTED,
    SECRET_RX,
    SUBJECT_END,
)


def override_ok(m: re.Match[str], view: str) -> bool:
    fill = m.group("fill") or ""
    if FIRST_PERSON.search(fill):  # "ignore my previous instructions": the customer's own
        return False
    reported = REPORTED.search(view, max(0, m.start() - 40), m.start())
    if reported and not reported.group("speaker"):  # "a scam message asks you to ignore..."
        return False
    if m.group("mod"):  # "ignore the fee policy above": a modifier needs a qualifier or a tail
        return bool(QUALIFIER.search(fill)) or bool(m.group("tail"))
    if m.group("weak"):
        return bool(fill.strip()) or bool(m.group("tail"))
    return bool(QUALIFIER.search(fill)) or bool(m.group("tail"))


def not_negated(m: re.Match[str], view: str) -> bool:
    before = view[max(0, m.start() - 50) : m.start()]
    return not NEGATION.search(before)


def directive(m: re.Match[str], view: str) -> bool:
    """Not negated, and not a statement with a subject ("we tell every customer...")."""
    before = view[max(0, m.start() - 30) : m.start()]
    return not_negated(m, view) and not SUBJECT_END.search(before)


def imperative(m: re.Match[str], view: str) -> bool:
    """The match opens a clause (an order), or follows "tu vas" / "je veux que tu"."""
    start = m.start()
    before = ("\n" if start < 60 else "") + view[max(0, start - 60) : start]
    return bool(CLAUSE_END.search(before) or ADDRESSED_FR.search(before))


def commanded(m: re.Match[str], view: str) -> bool:
    """An order or a modal addressed to the reader, with an absolute ("in all cases"...)."""
    start = m.start()
    before = ("\n" if start < 60 else "") + view[max(0, start - 60) : start]
    ordered = CLAUSE_END.search(before) or MODAL_END.search(before)
    return bool(ordered) and _absolute(m, view)


def _sentence(m: re.Match[str], view: str) -> str:
    start = max(view.rfind(".", 0, m.start()), view.rfind("\n", 0, m.start())) + 1
    ends = [i for i in (view.find(".", m.end()), view.find("\n", m.end())) if i >= 0]
    return view[start : min(ends) if ends else len(view)]


def _absolute(m: re.Match[str], view: str) -> bool:
    sentence = _sentence(m, view)
    strong = ABSOLUTE.search(sentence) or ALWAYS_FULL.search(sentence)
    return bool(strong) and not_negated(m, view)


def owned_or_secret(m: re.Match[str], view: str) -> bool:
    """Someone else's data, or a secret nobody legitimately sends anywhere (a customer may ask
    for their own transcript: a first-person destination is theirs)."""
    text = m.group()
    if not not_negated(m, view):
        return False
    if OWNER_RX.search(text):
        return True
    return bool(SECRET_RX.search(text)) and not OWN_DESTINATION.search(text)


_URL_DATA = re.compile(
    r"[{<\[$]|%7b|%3c|%s\b|[?&](?:q|d|c|p|u|m|t|s|x|data|card\w*|iban|email|mail|e_?mail|name|"
    r"user|msg|message|text|chat|conv\w*|history|info|pii|secret|token|leak|log|payload|phone|"
    r"dob|summary|content|context)="
)


def image_carries_data(m: re.Match[str], view: str) -> bool:
    """The image URL carries a template or a data-looking parameter (a logo's ?v=3 does not)."""
    text = m.group()
    url = text[text.index("](") + 2 :] if "](" in text else text[text.find("src") :]
    return bool(_URL_DATA.search(url))


_REPLY_ELEMENT = re.compile(
    r"\b(?:every|each|your|all|any|the) (?:answers?|repl(?:y|ies)|responses?|messages?|drafts?)\b"
    r"|\b(?:chaque|ta|votre|tes|vos|toutes? les?|la) (?:reponses?|messages?|brouillons?)\b"
    r"|\bbefore (?:answering|replying|responding)\b|\bavant (?:de |d')(?:repondre|ecrire)\b"
)
_NEGATED_BETWEEN = re.compile(r"\b(?:never|not|n't|no longer|jamais|ne|n'|pas)\b")


def leak_requested(m: re.Match[str], view: str) -> bool:
    """A request to copy out the assistant's instructions: an unambiguous target ("your
    configuration text"), or "the instructions you were given" in a sentence about replies."""
    if not not_negated(m, view):
        return False
    strong = any(m.groupdict().get(g) for g in ("strong", "strong_fr", "strong_noun"))
    return strong or bool(_REPLY_ELEMENT.search(_sentence(m, view)))


def lifts_checks(m: re.Match[str], view: str) -> bool:
    """A code word and the checks it lifts, with no negation between them ("a security word
    never replaces identity checks" is policy)."""
    return not _NEGATED_BETWEEN.search(m.group()) and not_negated(m, view)
