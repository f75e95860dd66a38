"""The routing model: category and flag tables, the rule of escalation, `Route` validation."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from copilot.understanding.routing import (
    AI_SUITABLE,
    CATEGORIES,
    FLAGS,
    HUMAN_LED,
    Category,
    Flag,
    Route,
    escalate,
)


def make_route(**overrides: object) -> Route:
    fields: dict[str, object] = {
        "category": "simple_question",
        "confidence": 0.8,
        "flags": [],
        "intent": "plan_explanation",
        "intent_confidence": 0.7,
        "language": "fr",
        "sentiment": "neutral",
        "sentiment_score": 0.0,
        "sentiment_trend": "stable",
        "reasons": [],
    }
    fields.update(overrides)
    return Route.model_validate(fields)


def test_tables_cover_every_category_and_flag() -> None:
    assert set(CATEGORIES) == set(Category)
    assert set(FLAGS) == set(Flag)
    assert len(Category) == 7 and len(Flag) == 5
    for category in CATEGORIES.values():
        assert category.label_en and category.label_fr and category.description
    for flag in FLAGS.values():
        assert flag.label_en and flag.label_fr and flag.description


def test_ai_suitable_and_human_led_partition_the_categories() -> None:
    assert {Category.SIMPLE_QUESTION, Category.STANDARD_PROCEDURE} == AI_SUITABLE
    assert set(Category) == AI_SUITABLE | HUMAN_LED
    assert not AI_SUITABLE & HUMAN_LED
    assert all(CATEGORIES[c].human_led for c in HUMAN_LED)


@pytest.mark.parametrize("start", list(Category))
def test_fraud_always_routes_to_sensitive_data(start: Category) -> None:
    category, reasons = escalate(start, [Flag.FRAUD_SUSPECTED, Flag.LEGAL_THREAT])
    assert category is Category.SENSITIVE_DATA
    assert bool(reasons) == (start is not Category.SENSITIVE_DATA)


@pytest.mark.parametrize("start", list(Category))
def test_legal_threat_routes_to_complaint(start: Category) -> None:
    assert escalate(start, [Flag.LEGAL_THREAT])[0] is Category.COMPLAINT


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (Category.SIMPLE_QUESTION, Category.PERSONAL_ADVICE),
        (Category.STANDARD_PROCEDURE, Category.PERSONAL_ADVICE),
        (Category.COMPLEX_PROBLEM, Category.PERSONAL_ADVICE),
        (Category.SENSITIVE_DATA, Category.PERSONAL_ADVICE),
        (Category.COMPLAINT, Category.COMPLAINT),
        (Category.PROACTIVE_OPPORTUNITY, Category.PROACTIVE_OPPORTUNITY),
        (Category.PERSONAL_ADVICE, Category.PERSONAL_ADVICE),
    ],
)
def test_vulnerable_customer_is_led_by_an_advisor(start: Category, expected: Category) -> None:
    assert escalate(start, [Flag.VULNERABLE_CUSTOMER])[0] is expected


def test_sensitive_personal_data_moves_routine_and_complex_turns() -> None:
    for start in (*AI_SUITABLE, Category.COMPLEX_PROBLEM):
        assert escalate(start, [], sensitive_pii=True)[0] is Category.SENSITIVE_DATA
    assert escalate(Category.COMPLAINT, [], sensitive_pii=True)[0] is Category.COMPLAINT


def test_asks_for_human_never_stays_ai_suitable() -> None:
    for start in AI_SUITABLE:
        category, _ = escalate(start, [Flag.ASKS_FOR_HUMAN])
        assert category is Category.COMPLEX_PROBLEM
        category, _ = escalate(start, [Flag.ASKS_FOR_HUMAN], intent_category=Category.COMPLAINT)
        assert category is Category.COMPLAINT
        # an AI-suitable intent category is no way out
        category, _ = escalate(start, ["asks_for_human"], intent_category="standard_procedure")
        assert category is Category.COMPLEX_PROBLEM
    assert escalate(Category.SENSITIVE_DATA, [Flag.ASKS_FOR_HUMAN])[0] is Category.SENSITIVE_DATA


def test_churn_risk_alone_moves_nothing() -> None:
    assert escalate(Category.STANDARD_PROCEDURE, [Flag.CHURN_RISK]) == (
        Category.STANDARD_PROCEDURE,
        [],
    )


@pytest.mark.parametrize(
    ("flag", "expected"),
    [
        ("fraud_suspected", Category.SENSITIVE_DATA),
        ("legal_threat", Category.COMPLAINT),
        ("vulnerable_customer", Category.PERSONAL_ADVICE),
        ("asks_for_human", Category.COMPLEX_PROBLEM),
    ],
)
def test_route_enforces_the_escalation_rule(flag: str, expected: Category) -> None:
    route = make_route(flags=[flag], reasons=["intent plan_explanation"])
    assert route.category is expected
    assert route.human_led
    assert route.reasons[0] == "intent plan_explanation"
    assert "simple_question ->" in route.reasons[-1]


def test_route_orders_and_deduplicates_flags() -> None:
    route = make_route(category="complaint", flags=["churn_risk", "legal_threat", "churn_risk"])
    assert route.flags == [Flag.LEGAL_THREAT, Flag.CHURN_RISK]
    assert route.category is Category.COMPLAINT and route.reasons == []


def test_route_is_ai_suitable_without_flags() -> None:
    route = make_route()
    assert route.category is Category.SIMPLE_QUESTION and not route.human_led


def test_route_is_frozen() -> None:
    route = make_route()
    with pytest.raises(ValidationError):
        route.category = Category.COMPLAINT  # type: ignore[misc]


@pytest.mark.parametrize(
    "bad",
    [
        {"category": "urgent"},
        {"confidence": 1.5},
        {"intent_confidence": -0.1},
        {"flags": ["angry"]},
        {"language": "de"},
        {"sentiment": "furious"},
        {"sentiment_score": -2.0},
        {"sentiment_trend": "up"},
    ],
)
def test_route_rejects_invalid_values(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        make_route(**bad)


def test_route_round_trips_through_json() -> None:
    route = make_route(flags=["fraud_suspected"], language="en")
    again = Route.model_validate_json(route.model_dump_json())
    assert again == route and again.category is Category.SENSITIVE_DATA
