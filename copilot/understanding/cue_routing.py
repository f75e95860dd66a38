"""What the cue rules (`copilot.understanding.rules`) do to a route: the categories they raise
and the flags they set, with the words that fired them as reasons.

A cue only ever raises a category (to a human-led one, or from one human-led category to the
one that says more, a complaint); it never moves a turn down to a routine category.
"""

from __future__ import annotations

from copilot.understanding import rules
from copilot.understanding.route_model import LearnedReading
from copilot.understanding.routing import AI_SUITABLE, Category, Flag

_FLAG_CUES = {
    "fraud": Flag.FRAUD_SUSPECTED,
    "legal": Flag.LEGAL_THREAT,
    "vulnerable": Flag.VULNERABLE_CUSTOMER,
    "human": Flag.ASKS_FOR_HUMAN,
    "churn": Flag.CHURN_RISK,
}
_STICKY = (Flag.VULNERABLE_CUSTOMER, Flag.FRAUD_SUSPECTED, Flag.LEGAL_THREAT)
_RAISING_CUES = frozenset({"complex", "lost_stolen", "proactive", "advice", "complaint"})
ESCALATING_FLAGS = frozenset(
    {Flag.FRAUD_SUSPECTED, Flag.LEGAL_THREAT, Flag.VULNERABLE_CUSTOMER, Flag.ASKS_FOR_HUMAN}
)
"""Flags the rule of escalation never leaves on a routine category (`churn_risk` moves nothing)."""


def cues_raise(text: str) -> bool:
    """True when the cue rules alone take a routine turn to a human-led category: a raising
    cue (`apply_cues`) or the cue of a flag in `ESCALATING_FLAGS`. The routing training tunes
    the learned human-led threshold on the decision these make together with the heads."""
    cues = rules.find_cues(rules.normalize(text))
    escalating = {cue for cue, flag in _FLAG_CUES.items() if flag in ESCALATING_FLAGS}
    return any(cue in _RAISING_CUES or cue in escalating for cue in cues)


def apply_cues(
    category: Category, cues: dict[str, str], reasons: list[str]
) -> tuple[Category, bool]:
    """Raise the category by the cue rules, weakest first (never to a routine category); say
    which fired."""
    fired = False

    def to(new: Category, cue: str, why: str) -> None:
        nonlocal category, fired
        if category is not new:
            reasons.append(f"{why}: '{cues[cue]}' -> {new.value}")
            category, fired = new, True

    if "complex" in cues and category in AI_SUITABLE:
        to(Category.COMPLEX_PROBLEM, "complex", "complex situation")
    if "lost_stolen" in cues and category in AI_SUITABLE | {Category.COMPLEX_PROBLEM}:
        to(Category.SENSITIVE_DATA, "lost_stolen", "lost or stolen card or phone")
    if "proactive" in cues and category in AI_SUITABLE:
        to(Category.PROACTIVE_OPPORTUNITY, "proactive", "need to anticipate")
    if "advice" in cues and category in AI_SUITABLE:
        to(Category.PERSONAL_ADVICE, "advice", "advice asked")
    if "complaint" in cues:
        to(Category.COMPLAINT, "complaint", "complaint language")
    return category, fired


def cue_flags(
    cues: dict[str, str], learned: LearnedReading | None, earlier: list[str], reasons: list[str]
) -> list[Flag]:
    """The cue rules' flags, the learned heads' and the sticky ones of earlier turns."""
    flags = [flag for cue, flag in _FLAG_CUES.items() if cue in cues]
    for cue, flag in _FLAG_CUES.items():
        if cue in cues:
            reasons.append(f"{flag.value}: '{cues[cue]}'")
    for flag, p in (learned.flags if learned else {}).items():
        if flag not in flags:
            flags.append(flag)
            reasons.append(f"{flag.value}: learned ({p:.2f})")
    for flag in _STICKY:
        if flag not in flags and any(_has_flag(t, flag) for t in earlier):
            flags.append(flag)
            reasons.append(f"{flag.value}: earlier in the conversation")
    return flags


def _has_flag(text: str, flag: Flag) -> bool:
    cue = next(c for c, f in _FLAG_CUES.items() if f is flag)
    return cue in rules.find_cues(rules.normalize(text))
