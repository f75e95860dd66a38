"""How one recorded suggestion reads to the supervisor: its heading, the advisor's decision, the
draft against the text sent as a word diff, the checks, the cited passages and the review.

Removed words are struck through in the error colour and added words underlined in the success
colour, so the diff also reads without colour. Styles use the theme's variables: the same text
works in the light and the dark theme.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.content import Content

from copilot.state import SUPERSEDED
from copilot.store.edits import word_diff
from copilot.understanding.routing import CATEGORIES, FLAGS, Category, Flag
from tui.review_fixes import kb_fix_of

REMOVED_STYLE = "strike $text-error"
ADDED_STYLE = "underline bold $text-success"
Part = tuple[str, str] | str


def decision_label(row: dict[str, Any]) -> str:
    """A short word for the queue's decision column."""
    decision = row.get("decision")
    if decision is None:
        return "—"
    if decision["kind"] == "reject" and decision.get("reason") == SUPERSEDED:
        return "superseded"
    return "regen" if decision["kind"] == "regenerate" else str(decision["kind"])


def category_label(value: str | None) -> str:
    try:
        return CATEGORIES[Category(value or "")].label_en
    except ValueError:
        return value or "–"


def human_led(value: str | None) -> bool:
    try:
        return CATEGORIES[Category(value or "")].human_led
    except ValueError:
        return False


def flag_label(value: str) -> str:
    try:
        return FLAGS[Flag(value)].label_en
    except ValueError:
        return value


def heading_content(
    row: dict[str, Any], position: str, time_format: Callable[[str], str]
) -> Content:
    led = human_led(row.get("category"))
    engine = " ".join(str(v) for v in (row.get("engine"), row.get("model")) if v) or "–"
    latency = row.get("latency_ms")
    parts: list[Part] = [
        (position, "bold"),
        f" · {time_format(str(row['at']))} · ",
        (str(row.get("advisor") or "–"), "bold"),
        " · ",
        (
            category_label(row.get("category")),
            "bold $text-warning" if led else "bold $text-success",
        ),
        (" (advisor leads)" if led else " (AI-suitable)", "$text-muted"),
        "\n",
        (str(row.get("intent") or "–").replace("_", " "), "bold"),
        f" · {row.get('language') or '–'} · {engine}",
        (" · prompt ", "$text-muted"),
        str(row.get("prompt_version") or "–"),
        (" · KB ", "$text-muted"),
        str(row.get("kb_version") or "–"),
        (" · ", "$text-muted"),
        "–" if latency is None else f"{float(latency):.0f} ms",
    ]
    return Content.assemble(*parts)


def decision_content(row: dict[str, Any], time_format: Callable[[str], str]) -> Content:
    decision = row.get("decision")
    if decision is None:
        return Content.styled("· no decision: the draft was still waiting", "$text-muted")
    kind = decision_label(row)
    distance = decision.get("edit_distance")
    text = {
        "accept": ("✓ accepted as drafted", "bold $text-success"),
        "edit": (f"✎ edited: {distance} word{'s' * (distance != 1)} changed", "bold $text-warning"),
        "reject": (
            f"✗ rejected: {decision.get('reason') or 'no reason given'}",
            "bold $text-error",
        ),
        "regen": (
            f"↻ regenerated: {decision.get('instruction') or 'no instruction'}",
            "bold $text-accent",
        ),
        "superseded": ("… superseded: the next customer turn came first", "$text-muted"),
    }[kind]
    by = f"  by {decision.get('advisor') or '–'}, {time_format(str(decision.get('at') or ''))}"
    return Content.assemble(text, (by, "$text-muted"))


def diff_content(row: dict[str, Any]) -> Content:
    """The draft turned into what was sent; the draft alone when nothing was sent."""
    draft = str(row.get("draft_text") or "")
    decision = row.get("decision") or {}
    final = decision.get("final_text") if decision.get("kind") in ("accept", "edit") else None
    if final is None:
        return Content.assemble(
            draft, ("\n(nothing was sent from this draft)", "italic $text-muted")
        )
    parts: list[Part] = []
    for op, text in word_diff(draft, final):
        if parts:
            parts.append(" ")
        if op == "removed":
            parts.append((text, REMOVED_STYLE))
        elif op == "added":
            parts.append((text, ADDED_STYLE))
        else:
            parts.append(text)
    return Content.assemble(*parts)


def checks_content(row: dict[str, Any]) -> Content:
    lines: list[list[Part]] = []
    flags = row.get("flags") or []
    if flags:
        lines.append([(f"⚑ {', '.join(flag_label(f) for f in flags)}", "bold $text-error")])
    if row.get("abstained"):
        lines.append([("∅ no policy found: retrieval abstained", "bold $text-warning")])
    for sentence in row.get("unsupported") or []:
        lines.append([("unsupported ", "bold $text-warning"), str(sentence)])
    for figure in row.get("unverified") or []:
        lines.append([("unverified figure ", "bold $text-error"), str(figure)])
    if not lines:
        return Content.styled(
            "no flag · every sentence supported · every figure found", "$text-muted"
        )
    parts: list[Part] = []
    for line in lines:
        parts += [*line, "\n"]
    return Content.assemble(*parts[:-1])


def citations_content(row: dict[str, Any]) -> Content:
    citations = row.get("citations") or []
    if not citations:
        return Content.styled("no passage cited", "$text-muted")
    parts: list[Part] = []
    for c in citations:
        if parts:
            parts.append("\n")
        parts += [(f"[{c.get('n')}] ", "bold $text-primary"), (str(c.get("title") or "–"), "bold")]
        if c.get("section") and c.get("section") != c.get("title"):
            parts.append(f" › {c['section']}")
        parts.append(
            (
                f"\n    {c.get('doc_id')} · chunk {c.get('chunk_id')} · v{c.get('version')}"
                f" · effective {c.get('effective_date') or '–'} · {c.get('lang') or '–'}",
                "$text-muted",
            )
        )
        if c.get("superseded"):
            parts.append((" · ⚠ superseded", "bold $text-error"))
    return Content.assemble(*parts)


def review_content(
    row: dict[str, Any], time_format: Callable[[str], str], unsaved: bool = False
) -> Content:
    review = row.get("review")
    parts: list[Part] = []
    if review is None:
        parts.append(("not reviewed yet · v or 1-4: give a verdict", "$text-muted"))
    else:
        parts += [
            (str(review["verdict"]), "bold $text-accent"),
            (
                f"  by {review.get('supervisor')}, {time_format(str(review.get('at') or ''))}",
                "$text-muted",
            ),
        ]
        earlier = int(row.get("reviews") or 1) - 1
        if earlier:
            parts.append(
                (f"  · amends {earlier} earlier review{'s' * (earlier > 1)}", "$text-muted")
            )
        if review.get("note"):
            parts.append(f"\n{review['note']}")
        fix = kb_fix_of(review)
        if fix:
            passage = (
                f"{fix.get('chunk_id')} v{fix.get('version')}"
                if fix.get("chunk_id")
                else "new passage"
            )
            parts += [
                ("\nKB fix ", "bold"),
                (f"{passage}: ", "$text-muted"),
                str(fix.get("change") or ""),
            ]
    if unsaved:
        parts.append(
            ("\n✎ a verdict you typed is not saved yet: v to finish it", "bold $text-warning")
        )
    return Content.assemble(*parts)
