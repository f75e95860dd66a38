"""The route panel: category, intent, language, sentiment (emotion, intensity) and trend, flags,
confidence."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from copilot.understanding.routing import CATEGORIES, FLAGS, Category, Route
from copilot.understanding.sentiment import describe_feeling
from tui.widgets.text import replace_text

CATEGORY_KEYS: dict[Category, str] = {c: str(i) for i, c in enumerate(CATEGORIES, start=1)}
"""The digit that selects each category in the correction dialog, in catalogue order."""
TREND_MARKS = {"improving": "↗", "stable": "→", "worsening": "↘"}
SENTIMENT_STYLES = {"negative": "$text-error", "neutral": "", "positive": "$text-success"}


def route_content(route: Route, injection: list[dict[str, str]]) -> Content:
    info = CATEGORIES[route.category]
    lead = "advisor leads: briefing" if route.human_led else "AI-suitable: reply"
    parts: list[tuple[str, str] | str] = [
        (
            f"{CATEGORY_KEYS[route.category]} {info.label_en}",
            "bold $text-warning" if route.human_led else "bold $text-success",
        ),
        f" {route.confidence:.0%} · {lead}\n",
        (route.intent.replace("_", " "), "bold"),
        f" · {route.language} · ",
        (
            describe_feeling(route.sentiment, route.emotion, route.intensity),
            SENTIMENT_STYLES[route.sentiment],
        ),
        f" {TREND_MARKS[route.sentiment_trend]} {route.sentiment_trend}",
    ]
    if route.flags:
        labels = ", ".join(FLAGS[f].label_en for f in route.flags)
        parts += ["\n", (f"⚑ {labels}", "bold $text-error")]
    if injection:
        kinds = ", ".join(sorted({f.get("kind", "?") for f in injection}))
        parts += [
            "\n",
            (f"⚠ the customer's text tries to instruct the AI ({kinds})", "bold $text-error"),
        ]
    if route.reasons:
        parts += ["\n", (f"why: {'; '.join(route.reasons)}", "$text-muted")]
    return Content.assemble(*parts)


class RoutePanel(Static):
    """Where the newest customer turn is routed, and why."""

    def show(self, route: Route | None, injection: list[dict[str, str]] | None = None) -> None:
        if route is None:
            replace_text(self, Content.styled("No turn yet", "$text-muted"))
        else:
            replace_text(self, route_content(route, injection or []))
