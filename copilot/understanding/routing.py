"""The routing model: the seven categories a customer turn can fall in, the flags, and `Route`.

This module is the one source of truth for both lists. Two categories are AI-suitable (the
copilot drafts a complete reply for the advisor to check); the five others are human-led (the
copilot prepares the advisor with a briefing instead).

Rule of escalation, applied by `escalate` and enforced by every `Route` (a route built with a
flag and a category the flag forbids has its category moved, and says why in `reasons`):

1. `fraud_suspected` -> `sensitive_data`.
2. `legal_threat` -> `complaint`.
3. `vulnerable_customer` -> `personal_advice`, unless the route already is `complaint`,
   `personal_advice` or `proactive_opportunity` (a hardship sign before a missed payment).
4. Sensitive personal data detected in the turn (card number, IBAN, NIR, date of birth, account
   number; see `copilot.privacy.has_sensitive_data`) -> `sensitive_data`, unless the route is
   already `complaint`, `personal_advice` or `proactive_opportunity`, which say more about how the
   advisor should lead. This one is not a flag, so only `escalate(..., sensitive_pii=True)` applies
   it; `Route` cannot see the text.
5. `asks_for_human` never leaves an AI-suitable category: the intent's own category when it is
   human-led, else `complex_problem`.
6. A possible prompt injection in the turn (`knowledge_base.injection.scan_turn`) ->
   `sensitive_data` when the route is still AI-suitable: the advisor leads with a briefing,
   never a ready-to-send reply. Like rule 4 it is not a flag: `escalate(..., injection=True)`.

The rules are applied in that order, so fraud wins over a legal threat (the account is secured
first; the threat stays visible as a flag). `churn_risk` moves nothing by itself: closing an
account is a routine procedure, and the flag tells the advisor to look for a better offer.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Category(StrEnum):
    """Where a customer turn is routed."""

    SIMPLE_QUESTION = "simple_question"
    STANDARD_PROCEDURE = "standard_procedure"
    COMPLEX_PROBLEM = "complex_problem"
    COMPLAINT = "complaint"
    PERSONAL_ADVICE = "personal_advice"
    SENSITIVE_DATA = "sensitive_data"
    PROACTIVE_OPPORTUNITY = "proactive_opportunity"


class Flag(StrEnum):
    """What an advisor must notice in a turn, whatever its category."""

    VULNERABLE_CUSTOMER = "vulnerable_customer"
    FRAUD_SUSPECTED = "fraud_suspected"
    ASKS_FOR_HUMAN = "asks_for_human"
    LEGAL_THREAT = "legal_threat"
    CHURN_RISK = "churn_risk"


Emotion = Literal["calm", "satisfied", "mildly_annoyed", "angry", "distressed", "anxious"]
"""How a customer feels in a turn (the polarity and intensity each allows:
`copilot.understanding.turn_labels.EMOTIONS`)."""


def default_feeling(sentiment: str) -> tuple[Emotion, int]:
    """Emotion and intensity for a route that gives only a polarity (an LLM's guess)."""
    if sentiment == "negative":
        return "mildly_annoyed", 1
    return ("satisfied", 1) if sentiment == "positive" else ("calm", 0)


@dataclass(frozen=True)
class CategoryInfo:
    label_en: str
    label_fr: str
    human_led: bool
    description: str


@dataclass(frozen=True)
class FlagInfo:
    label_en: str
    label_fr: str
    description: str


CATEGORIES: dict[Category, CategoryInfo] = {
    Category.SIMPLE_QUESTION: CategoryInfo(
        "Simple question", "Question simple", False, "A quick factual answer from the policies."
    ),
    Category.STANDARD_PROCEDURE: CategoryInfo(
        "Standard procedure",
        "Procédure standard",
        False,
        "A routine step-by-step process the customer or advisor follows.",
    ),
    Category.COMPLEX_PROBLEM: CategoryInfo(
        "Complex problem",
        "Problème complexe",
        True,
        "Several issues, a dispute or a merchant failure that needs investigation.",
    ),
    Category.COMPLAINT: CategoryInfo(
        "Complaint",
        "Réclamation",
        True,
        "Dissatisfaction with the company, a formal complaint or a legal threat.",
    ),
    Category.PERSONAL_ADVICE: CategoryInfo(
        "Personal advice",
        "Conseil personnalisé",
        True,
        "High-stakes advice on the customer's own situation, financial difficulty included.",
    ),
    Category.SENSITIVE_DATA: CategoryInfo(
        "Sensitive data",
        "Données sensibles",
        True,
        "Identity, fraud, security, or personal and financial data.",
    ),
    Category.PROACTIVE_OPPORTUNITY: CategoryInfo(
        "Proactive opportunity",
        "Opportunité proactive",
        True,
        "A need to anticipate: hardship signs before a missed payment, a better plan.",
    ),
}
"""Every category with its labels, whether an advisor leads it, and what it means."""

FLAGS: dict[Flag, FlagInfo] = {
    Flag.VULNERABLE_CUSTOMER: FlagInfo(
        "Vulnerable customer",
        "Client vulnérable",
        "Job loss, illness, bereavement, separation, distress or inability to pay.",
    ),
    Flag.FRAUD_SUSPECTED: FlagInfo(
        "Fraud suspected",
        "Suspicion de fraude",
        "An unrecognised payment, a hacked account, phishing or identity theft.",
    ),
    Flag.ASKS_FOR_HUMAN: FlagInfo(
        "Asks for a person",
        "Demande un conseiller",
        "The customer wants to talk to a person rather than a bot.",
    ),
    Flag.LEGAL_THREAT: FlagInfo(
        "Legal threat",
        "Menace juridique",
        "A lawyer, court, police complaint, mediator or consumer association is invoked.",
    ),
    Flag.CHURN_RISK: FlagInfo(
        "Churn risk",
        "Risque de départ",
        "The customer says they will close the account or leave for a competitor.",
    ),
}
"""Every flag with its labels and what raises it."""

NO_INTENT = "other"
"""The intent of a turn that no intent of the KB's catalogue fits (or the KB has none)."""

AI_SUITABLE: frozenset[Category] = frozenset(c for c, i in CATEGORIES.items() if not i.human_led)
HUMAN_LED: frozenset[Category] = frozenset(c for c, i in CATEGORIES.items() if i.human_led)

_LEAD_KEEPS = frozenset(
    {Category.COMPLAINT, Category.PERSONAL_ADVICE, Category.PROACTIVE_OPPORTUNITY}
)
"""Human-led categories that say how to lead, so vulnerability and personal data keep them."""


def escalate(
    category: Category | str,
    flags: list[Flag] | list[str],
    *,
    sensitive_pii: bool = False,
    intent_category: Category | str | None = None,
    injection: bool = False,
) -> tuple[Category, list[str]]:
    """Apply the rule of escalation; return the category and why it moved (empty if it did not).

    `intent_category` is the intent's default category, used when `asks_for_human` has to
    leave an AI-suitable category.
    """
    current = Category(category)
    present = {Flag(f) for f in flags}
    reasons: list[str] = []

    def move(to: Category, why: str) -> None:
        nonlocal current
        if current is not to:
            reasons.append(f"{why}: {current.value} -> {to.value}")
            current = to

    if Flag.FRAUD_SUSPECTED in present:
        move(Category.SENSITIVE_DATA, "fraud suspected")
    elif Flag.LEGAL_THREAT in present:
        move(Category.COMPLAINT, "legal threat")
    elif Flag.VULNERABLE_CUSTOMER in present and current not in _LEAD_KEEPS:
        move(Category.PERSONAL_ADVICE, "vulnerable customer")
    elif sensitive_pii and current not in _LEAD_KEEPS:
        move(Category.SENSITIVE_DATA, "sensitive personal data in the message")
    if Flag.ASKS_FOR_HUMAN in present and current in AI_SUITABLE:
        fallback = Category(intent_category) if intent_category else Category.COMPLEX_PROBLEM
        move(fallback if fallback in HUMAN_LED else Category.COMPLEX_PROBLEM, "asks for a person")
    if injection and current in AI_SUITABLE:
        move(Category.SENSITIVE_DATA, "possible prompt injection in the message")
    return current, reasons


class Route(BaseModel):
    """Where one customer turn goes, how sure the copilot is, and why; always escalation-safe."""

    model_config = ConfigDict(frozen=True)

    category: Category
    """The routing category (after the rule of escalation)."""
    confidence: float = Field(ge=0.0, le=1.0)
    """How sure the copilot is of the category."""
    flags: list[Flag] = Field(default_factory=list)
    """What the advisor must notice, in `Flag` order, no duplicates."""
    intent: str
    """Intent id from the KB's intent catalogue, or `NO_INTENT`."""
    intent_confidence: float = Field(ge=0.0, le=1.0)
    """How sure the copilot is of the intent."""
    language: Literal["fr", "en"]
    """Language of the turn."""
    sentiment: Literal["negative", "neutral", "positive"]
    """Polarity of the turn."""
    sentiment_score: float = Field(ge=-1.0, le=1.0)
    """-1 very negative .. 1 very positive."""
    sentiment_trend: Literal["improving", "stable", "worsening"] = "stable"
    """This turn against the customer's earlier turns."""
    emotion: Emotion | None = None
    """How the customer feels: calm, satisfied, mildly annoyed, angry, distressed or anxious
    (left out: the usual one for the polarity, `sentiment.default_feeling`)."""
    intensity: int | None = Field(default=None, ge=0, le=3)
    """How strongly: 0 calm .. 3 angry or distressed (left out: as for `emotion`)."""
    reasons: list[str] = Field(default_factory=list)
    """Short human-readable reasons (which rule fired), shown to the advisor."""

    @model_validator(mode="after")
    def _enforce_escalation(self) -> Route:
        if self.emotion is None or self.intensity is None:
            emotion, intensity = default_feeling(self.sentiment)
            object.__setattr__(self, "emotion", self.emotion or emotion)
            if self.intensity is None:
                object.__setattr__(self, "intensity", intensity)
        ordered = [f for f in Flag if f in set(self.flags)]
        category, moved = escalate(self.category, ordered)
        # frozen model: the validator is the one place allowed to normalise it
        object.__setattr__(self, "flags", ordered)
        if moved:
            object.__setattr__(self, "category", category)
            object.__setattr__(self, "reasons", [*self.reasons, *moved])
        return self

    @property
    def human_led(self) -> bool:
        """True when an advisor leads the reply (the copilot prepares a briefing)."""
        return CATEGORIES[self.category].human_led
