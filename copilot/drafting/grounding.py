"""The check step: which draft sentences lack support, and which figures appear nowhere.

A sentence is *unsupported* when it is more than a courtesy (greeting, thanks, empathy) and no
passage it cites backs it: at least half of its content words must be found in the passages it
cites. In a reply, only a customer-audience passage in the reply's language backs a sentence;
a reply citing a passage for advisors only is *internal*, and a cited piece that is no whole
sentence of prose (a table row, a list stub, markup) is a *fragment*. A figure (amount,
percentage, duration, date, plain number) is *unverified* when no passage the draft cites and
no customer turn holds it: this is what catches an invented "30 days". URLs and e-mail
addresses found in no passage and no turn are unverified too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from copilot.drafting.prose import is_prose, split_sentences
from copilot.state import UNFILLED_SLOT
from knowledge_base.language import detect_language
from knowledge_base.lexical import tokenize_query

SUPPORT_SHARE = 0.5
"""Share of a sentence's content words its cited passages must hold for it to be supported."""
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


class DraftCheck(NamedTuple):
    """What the check step found wrong with a draft (all empty: every sentence has a source)."""

    unsupported: list[str]
    unverified: list[str]
    internal: list[int]
    fragments: list[str]


def _word_stems(sentence: str) -> list[set[str]]:
    clean = UNFILLED_SLOT.sub(" ", _CITATION.sub(" ", _PLACEHOLDER.sub(" ", sentence)))
    words = [w for w in re.findall(r"[^\W\d_]{3,}", clean)]
    return [stems for w in words if (stems := set(tokenize_query(w)))]


def supports(sentence: str, passages: Iterable[str]) -> bool:
    """Whether the passages hold at least SUPPORT_SHARE of the sentence's content words."""
    words = _word_stems(sentence)
    if not words:
        return True
    held = {t for p in passages for t in tokenize_query(p)}
    return sum(1 for stems in words if stems & held) >= SUPPORT_SHARE * len(words)


def check_draft(
    text: str,
    cards: Mapping[int, str],
    conversation: list[str],
    advisory: tuple[str, ...] = (),
    *,
    audiences: Mapping[int, str] | None = None,
    langs: Mapping[int, str] | None = None,
    reply_lang: str | None = None,
) -> DraftCheck:
    """Check a draft against the passages it cites.

    `cards` maps citation numbers to passage texts; `conversation` holds the customer's turns;
    `advisory` names the headings of a briefing's coaching sections, which are not checked.
    For a reply, `reply_lang` is the customer's language, and `audiences` and `langs` give each
    card's audience and language: a sentence must cite a customer passage in that language.
    """
    text = _policy_lines(text, advisory)
    audiences = audiences or {}
    langs = langs or {}
    unsupported: list[str] = []
    unverified: list[str] = []
    internal: list[int] = []
    fragments: list[str] = []
    sentences = split_sentences(text)
    draft_cites = {n for s in sentences for n in cited(s) if n in cards}
    allowed = _known_digits(cards[n] for n in draft_cites) | _known_digits(conversation)
    known_links = {m.lower() for t in [*cards.values(), *conversation] for m in _LINK.findall(t)}
    for sentence in sentences:
        numbers = [n for n in cited(sentence) if n in cards]
        if reply_lang:
            internal += [n for n in numbers if audiences.get(n, "customer") != "customer"]
            numbers = [
                n
                for n in numbers
                if audiences.get(n, "customer") == "customer"
                and langs.get(n, reply_lang) == reply_lang
            ]
            if numbers and not is_prose(sentence):
                fragments.append(sentence)
        courtesy = is_courtesy(sentence) or sentence.rstrip().endswith(":")
        foreign = reply_lang and detect_language(sentence, default=reply_lang) != reply_lang
        backed = bool(numbers) and supports(sentence, (cards[n] for n in numbers))
        if foreign or not (courtesy or backed):
            unsupported.append(sentence)
        for figure in figures(sentence):
            if _digits(figure) not in allowed and figure not in unverified:
                unverified.append(figure)
        for link in _LINK.findall(sentence):
            if link.lower().rstrip(".,)") not in {k.rstrip(".,)") for k in known_links}:
                unverified.append(link)
    return DraftCheck(unsupported, unverified, sorted(set(internal)), fragments)
