"""What one rule of the table is (`Rule`), and the anchor-word lists several rules share.

The table itself is in the `rules_*` modules, one per kind, assembled by `scanning.RULES`.
Patterns are written for the folded view (lower case, no accents); a space is any gap, %w one
free word, {NAME} a vocabulary of `vocabulary`. Add a phrasing together with a corpus case
(benchmarks/data/injection_corpus.jsonl) and a hard negative next to it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from knowledge_base.injection.findings import Channel, InjectionKind

Check = Callable[[re.Match[str], str], bool]

# Anchors: the words that wake a rule up (see `Rule.anchors`).
AI_EN_WORDS = (
    "ai$|a.i.|artificial|assistant|chatbot|bot$|bots$|llm|language model|model|copilot|co-pilot|"
    "gpt|chatgpt|claude|gemini|mistral|automated|virtual"
)
AI_FR_WORDS = (
    "ia$|i.a.|intelligence artificielle|assistant|chatbot|bot$|bots$|robot|modele|llm|copilote|"
    "gpt|chatgpt"
)
ABSOLUTE_WORDS = (
    "regardless|whatever|no questions|without|in all cases|to every|to all|to any|to each|"
    "every time|unconditionally|systematically|automatically|for everyone|always|quel que|"
    "quelle que|quels que|quelles que|sans condition|sans verif|sans justificatif|sans exception|"
    "sans question|sans controle|a tous|a chaque|a tout le monde|dans tous les cas|"
    "systematiquement|automatiquement|toujours"
)
NOT_FOLLOW_WORDS = "|".join(
    f"{neg} {verb}"
    for neg in ("not", "t", "stop", "longer", "never")
    for verb in ("follow", "obey", "heed", "apply", "respect")
)
AS_WORDS = "only as|only like|exclusively as|now as|as if|as though|" + "|".join(
    f"{verb} {link}"
    for verb in ("act", "behave", "respond", "answer", "reply", "speak", "talk", "write")
    for link in ("as", "like")
)
COMME_WORDS = "comme si|desormais|maintenant|dorenavant|" + "|".join(
    f"{verb} {link}"
    for verb in "agis agissez agir reponds repondez parle parlez ecris ecrivez".split()
    for link in ("comme", "en")
)


@dataclass(frozen=True)
class Rule:
    kind: InjectionKind
    anchors: str
    """'|'-separated words, one of which every match contains (a space stands for any gap, a
    trailing $ for the end of a word); the pattern only runs around them."""
    pattern: re.Pattern[str]
    check: Check | None = None
    channels: tuple[Channel, ...] = ("turn", "document")
