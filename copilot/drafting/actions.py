"""Next best actions from the KB's action catalogue: suggestions, each with its reason.

The copilot executes nothing: an action is a checklist item the advisor confirms or ignores.
Flags weigh most (fraud, vulnerability, a legal threat need their procedure first), then the
intent, then the category.
"""

from __future__ import annotations

from copilot.state import NextAction
from copilot.understanding.routing import CATEGORIES, FLAGS, Category, Flag, Route
from knowledge_base.catalog import ActionSpec


def suggest_actions(route: Route, catalog: list[ActionSpec], limit: int = 4) -> list[NextAction]:
    """Actions whose flags, intent or category match the route, best reasons first."""
    french = route.language == "fr"
    scored: list[tuple[int, int, NextAction]] = []
    for order, spec in enumerate(catalog):
        reasons: list[str] = []
        weight = 0
        for flag in route.flags:
            if flag.value in spec.flags:
                flag_info = FLAGS[Flag(flag)]
                reasons.append(
                    ("signal : " if french else "flag: ")
                    + (flag_info.label_fr if french else flag_info.label_en)
                )
                weight += 3
        if route.intent in spec.intents:
            reasons.append(("intention : " if french else "intent: ") + route.intent)
            weight += 2
        if route.category.value in spec.categories:
            info = CATEGORIES[Category(route.category)]
            reasons.append(
                ("catégorie : " if french else "category: ")
                + (info.label_fr if french else info.label_en)
            )
            weight += 1
        if not weight:
            continue
        if spec.preconditions:
            reasons.append(("avant : " if french else "check first: ") + spec.preconditions[0])
        scored.append(
            (
                weight,
                -order,
                NextAction(
                    id=spec.id,
                    title=spec.title_fr if french else spec.title,
                    reason="; ".join(reasons),
                    articles=list(spec.articles),
                ),
            )
        )
    scored.sort(key=lambda item: (-item[0], -item[1]))
    return [action for _, _, action in scored[:limit]]
