"""The check step: which draft sentences lack support, and which figures appear nowhere.

A sentence is *unsupported* when it cites no passage and is more than a courtesy (greeting,
thanks, empathy). A figure (amount, percentage, duration, date, plain number) is *unverified*
when it appears neither in a passage the sentence cites (or any card, for a sentence that cites
none) nor in the conversation: this is what catches an invented "30 days". URLs and e-mail
addresses found in no passage and no turn are unverified too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý0-9<\"«(\-•])|\n+")
_CITATION = re.compile(r"\[(\d{1,2})\]")
_FIGURE = re.compile(r"(?<![\w<])(?:€\s?)?\d+(?:[.,\s]\d{3})*(?:[.,]\d+)?(?:\s?(?:€|%|eur\b))?")
_LINK = re.compile(r"https?://\S+|www\.\S+|[\w.+-]+@[\w-]+\.[\w.]+")
_PLACEHOLDER = re.compile(r"<[A-Z]+_\d+>")
_COURTESY = re.compile(
    r"\b(hello|hi|thanks?|thank you|sorry|understand|happy to help|welcome|glad|of course|"
    r"bonjour|merci|désolée?|je comprends|avec plaisir|bien sûr|n'hésitez|don't hesitate|"
    r"good (morning|afternoon)|bonne (journée|soirée))\b",
    re.IGNORECASE,
)


_UNFILLED_SLOT = re.compile(r"\[([a-z_]+)\?\]")


def unfilled_slots(text: str) -> list[str]:
    """Template slots the offline engine could not fill ("[days?]"): the advisor must fill
    them before the reply can be sent."""
    return _UNFILLED_SLOT.findall(text or "")


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


def cited(sentence: str) -> list[int]:
    return [int(n) for n in _CITATION.findall(sentence)]


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def figures(text: str) -> list[str]:
    """Figures in a text, as written (placeholders and citation marks excluded)."""
    clean = _CITATION.sub(" ", _PLACEHOLDER.sub(" ", text))
    return [m.group(0).strip() for m in _FIGURE.finditer(clean) if _digits(m.group(0))]


def _known_digits(texts: Iterable[str]) -> set[str]:
    return {_digits(f) for text in texts for f in figures(text)}


def is_courtesy(sentence: str) -> bool:
    return bool(_COURTESY.search(sentence)) and not figures(sentence)


def _policy_lines(text: str, advisory: tuple[str, ...]) -> str:
    """Drop a briefing's advisory parts (title, empathy cues, pitfalls, opening line): they
    coach the advisor and state no policy, so they need no citation."""
    if not advisory:
        return text
    kept: list[str] = []
    skipping = False
    for number, line in enumerate(text.splitlines()):
        stripped = line.strip()
        if number == 0 and stripped.startswith(advisory):
            continue
        if stripped.endswith(":") and not stripped.startswith("-"):
            skipping = stripped.rstrip(":").strip() in advisory
            continue
        if stripped.startswith(advisory):
            continue
        if not skipping:
            kept.append(line)
    return "\n".join(kept)


def check_draft(
    text: str, cards: dict[int, str], conversation: list[str], advisory: tuple[str, ...] = ()
) -> tuple[list[str], list[str]]:
    """Return (unsupported sentences, unverified figures or links) of a draft.

    `cards` maps citation numbers to passage texts; `conversation` holds the turns' texts;
    `advisory` names the headings of a briefing's coaching sections, which are not checked.
    """
    text = _policy_lines(text, advisory)
    unsupported: list[str] = []
    unverified: list[str] = []
    spoken = _known_digits(conversation)
    every_card = _known_digits(cards.values())
    known_links = {m.lower() for t in [*cards.values(), *conversation] for m in _LINK.findall(t)}
    for sentence in split_sentences(text):
        numbers = [n for n in cited(sentence) if n in cards]
        if not numbers and not is_courtesy(sentence) and not sentence.rstrip().endswith(":"):
            unsupported.append(sentence)
        allowed = (_known_digits(cards[n] for n in numbers) if numbers else every_card) | spoken
        for figure in figures(sentence):
            if _digits(figure) not in allowed and figure not in unverified:
                unverified.append(figure)
        for link in _LINK.findall(sentence):
            if link.lower().rstrip(".,)") not in {k.rstrip(".,)") for k in known_links}:
                unverified.append(link)
    return unsupported, unverified
