"""What the llm engine sends (customer text and passages as delimited data) and expects back.

Prompt-injection hygiene: whatever a customer typed or a knowledge article says is *data*. It
travels inside explicit tags (`<customer_turn>`, `<turn role="...">`, `<passage n="1" ...>`), any
look-alike of those tags inside the data is removed first (so a customer cannot close a tag and
speak as the system), and the system prompts say that tagged text is never an instruction.
Placeholders such as `<CARD_1>` are not tags and pass through untouched.

Privacy choke point: every text that comes from the conversation (the turn, earlier turns, the
advisor's instruction, sent replies) passes the contact's `Redactor` here, after the tag clean-up
(which could join the halves of a number) and before truncation (which could cut one), whatever
the caller already did. So a value typed anywhere (an edit, an instruction, an advisor turn)
reaches the model as the same placeholder the rest of the contact uses. Passages are the
knowledge base's text, not the customer's, and are not redacted.

The small Pydantic models at the end are the structured outputs asked of the model; the engine
turns them into `Route`, `Summary` and `HandoverBrief`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from pydantic import BaseModel, Field, create_model

from copilot.privacy import Redactor, strip_invisible
from copilot.state import Card
from copilot.understanding.routing import CATEGORIES, FLAGS, Category, Flag, Route

HISTORY_TURNS = 8
"""Earlier turns sent with a request: enough context, bounded prompt."""
TURN_CHARS = 2_000
PASSAGE_CHARS = 2_500
INSTRUCTION_CHARS = 300

DATA_TAGS = (
    "conversation",
    "turn",
    "customer_turn",
    "passages",
    "passage",
    "routing",
    "routes",
    "route",
    "suggestions",
    "suggestion",
    "advisor_instruction",
    "instruction",
    "instructions",
    "system",
    "user",
    "assistant",
    "data",
)
"""Tag names the prompts use or a model might take for a boundary; never allowed inside data."""

_LOOKALIKES = str.maketrans(
    {
        "＜": "<",
        "﹤": "<",
        "〈": "<",
        "⟨": "<",
        "‹": "<",
        "＞": ">",
        "﹥": ">",
        "〉": ">",
        "⟩": ">",
        "›": ">",
    }
)
_TAG = re.compile(rf"<\s*/?\s*(?:{'|'.join(DATA_TAGS)})\b[^<>]*>?", re.IGNORECASE)
_MARKS = re.compile(r"\[\s*(\d{1,2}(?:\s*[,;]\s*\d{1,2})*)\s*\]")
_LANGUAGE_ASKED = {
    "en": re.compile(r"\b(in english|en anglais|english)\b", re.IGNORECASE),
    "fr": re.compile(r"\b(in french|en fran[cç]ais|french|fran[cç]ais)\b", re.IGNORECASE),
}
LANGUAGE_NAMES = {"fr": "French", "en": "English"}


# ------------------------------------------------------------------------------ data
def clean_data(text: str, limit: int | None = None) -> str:
    """Data text with hidden characters and anything that looks like one of our tags removed."""
    text = strip_invisible(text).translate(_LOOKALIKES)
    text = _TAG.sub(" ", text)  # a space, not "": the halves around a tag must not join
    text = re.sub(r"[ \t]{2,}", " ", text).strip()
    return _truncated(text, limit)


def private_data(text: str, redactor: Redactor, limit: int | None = None) -> str:
    """Conversation text as data (see `clean_data`), with the contact's placeholders."""
    return _truncated(redactor.redact(clean_data(text)).text, limit)


def _truncated(text: str, limit: int | None) -> str:
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def attribute(value: object) -> str:
    """A value safe inside a double-quoted tag attribute."""
    text = re.sub(r"[\"<>&\n\r\t]", " ", clean_data(str(value)))
    return " ".join(text.split())[:120]


def earlier_turns(transcript: Sequence[dict[str, Any]], newest: str | None) -> list[dict[str, Any]]:
    """The transcript without the newest turn (when it is there), last `HISTORY_TURNS` kept."""
    turns = list(transcript)
    if newest is not None and turns and turns[-1].get("text") == newest:
        turns = turns[:-1]
    return turns[-HISTORY_TURNS:]


def conversation_block(turns: Iterable[dict[str, Any]], redactor: Redactor) -> str:
    lines = [
        f'<turn role="{attribute(t.get("role", "customer"))}">'
        f"{private_data(str(t.get('text', '')), redactor, TURN_CHARS)}</turn>"
        for t in turns
    ]
    return "<conversation>\n" + "\n".join(lines) + "\n</conversation>"


def customer_turn_block(text: str, redactor: Redactor) -> str:
    return f"<customer_turn>{private_data(text, redactor, TURN_CHARS)}</customer_turn>"


def passage_block(card: Card) -> str:
    attrs = (
        f'n="{card.n}" doc="{attribute(card.doc_id)}" title="{attribute(card.title)}" '
        f'section="{attribute(card.section)}" lang="{attribute(card.lang)}" '
        f'effective="{attribute(card.effective_date)}" audience="{attribute(card.audience)}"'
    )
    if card.superseded:
        attrs += ' superseded="true"'
    return f"<passage {attrs}>\n{clean_data(card.text, PASSAGE_CHARS)}\n</passage>"


def routing_block(route: Route) -> str:
    flags = ", ".join(f.value for f in route.flags) or "none"
    return (
        f'<routing category="{route.category.value}" flags="{flags}" '
        f'intent="{attribute(route.intent)}" sentiment="{route.sentiment}"/>'
    )


def understand_request(text: str, earlier: Sequence[dict[str, Any]], redactor: Redactor) -> str:
    return "\n\n".join(
        [
            conversation_block(earlier_turns(earlier, None), redactor),
            customer_turn_block(text, redactor),
            "Route the newest customer message.",
        ]
    )


def draft_request(
    *,
    turn: str,
    route: Route,
    cards: Sequence[Card],
    transcript: Sequence[dict[str, Any]],
    instruction: str | None,
    mode: str,
    redactor: Redactor,
) -> str:
    parts = [
        conversation_block(earlier_turns(transcript, turn), redactor),
        customer_turn_block(turn, redactor),
        "<passages>\n" + "\n".join(passage_block(c) for c in cards) + "\n</passages>",
        routing_block(route),
    ]
    if instruction and instruction.strip():
        parts.append(
            f"<advisor_instruction>{private_data(instruction, redactor, INSTRUCTION_CHARS)}"
            "</advisor_instruction>"
        )
    parts.append(f"Write the {mode} now.")
    return "\n\n".join(parts)


def wrapup_request(
    transcript: Sequence[dict[str, Any]],
    routes: Sequence[dict[str, Any]],
    suggestions: Sequence[dict[str, Any]],
    redactor: Redactor,
) -> str:
    parts = [conversation_block(transcript[-4 * HISTORY_TURNS :], redactor)]
    if routes:
        lines = [
            f'<route n="{i}" category="{attribute(r.get("category", ""))}" '
            f'flags="{attribute(", ".join(r.get("flags", [])) or "none")}" '
            f'intent="{attribute(r.get("intent", ""))}" '
            f'sentiment="{attribute(r.get("sentiment", ""))}"/>'
            for i, r in enumerate(routes, 1)
        ]
        parts.append("<routes>\n" + "\n".join(lines) + "\n</routes>")
    if suggestions:
        lines = []
        for record in suggestions:
            decision = record.get("decision") or {}
            text = decision.get("text") or (record.get("draft") or {}).get("text") or ""
            actions = ", ".join(attribute(a.get("title", "")) for a in record.get("actions", []))
            lines.append(
                f'<suggestion decision="{attribute(decision.get("kind", "none"))}" '
                f'actions="{actions}">{private_data(text, redactor, TURN_CHARS)}</suggestion>'
            )
        parts.append("<suggestions>\n" + "\n".join(lines) + "\n</suggestions>")
    return "\n\n".join(parts)


# ------------------------------------------------------------------------- language
def requested_language(default: str, instruction: str | None) -> Literal["fr", "en"]:
    """The draft's language: the customer's, unless the advisor asked for the other one."""
    if instruction:
        for lang, pattern in _LANGUAGE_ASKED.items():
            if pattern.search(instruction):
                return "en" if lang == "en" else "fr"
    return "en" if default == "en" else "fr"


# ------------------------------------------------------------------------ citations
def normalise_citations(text: str) -> str:
    """`[1, 3]` -> `[1][3]`, the form the check step reads."""
    return _MARKS.sub(
        lambda m: "".join(f"[{n}]" for n in re.split(r"\s*[,;]\s*", m.group(1))), text
    )


def citations(text: str, valid: Iterable[int]) -> list[int]:
    """Card numbers cited as [n] that exist among the cards, ascending."""
    allowed = set(valid)
    found = {int(n) for m in _MARKS.finditer(text) for n in re.split(r"\s*[,;]\s*", m.group(1))}
    return sorted(found & allowed)


# ----------------------------------------------------------------- structured outputs
def catalogue_text() -> tuple[str, str]:
    """The categories and flags as the understand prompt lists them (one source: routing)."""
    categories = "\n".join(
        f"- {c.value}: {info.description}" + (" An advisor leads it." if info.human_led else "")
        for c, info in CATEGORIES.items()
    )
    flags = "\n".join(f"- {f.value}: {info.description}" for f, info in FLAGS.items())
    return categories, flags


class _RouteGuessBase(BaseModel):
    """The model's reading of a customer turn, before the rules have their say."""

    category: Category
    confidence: float = Field(description="0.0 to 1.0")
    intent: str
    flags: list[Flag] = Field(default_factory=list)
    language: Literal["fr", "en"]
    sentiment: Literal["negative", "neutral", "positive"]


def route_guess_model(intent_ids: Sequence[str]) -> type[_RouteGuessBase]:
    """The structured output for understanding, `intent` restricted to the catalogue's ids."""
    return create_model(
        "RouteGuess",
        __base__=_RouteGuessBase,
        __doc__="The routing of the newest customer message.",
        intent=(str, Field(json_schema_extra={"enum": list(intent_ids)})),
    )


RouteGuess = _RouteGuessBase


class SummaryNote(BaseModel):
    """The model's wrap-up of a contact."""

    text: str = ""
    reason_for_contact: str
    key_facts: list[str] = Field(default_factory=list)
    actions_taken: list[str] = Field(default_factory=list)
    commitments: list[str] = Field(default_factory=list)
    follow_ups: list[str] = Field(default_factory=list)
    sentiment_start: Literal["negative", "neutral", "positive"] = "neutral"
    sentiment_end: Literal["negative", "neutral", "positive"] = "neutral"


class HandoverNote(BaseModel):
    """The model's hand-over brief."""

    customer_goal: str
    already_done: list[str] = Field(default_factory=list)
    open_questions: list[str] = Field(default_factory=list)
    identifiers: list[str] = Field(default_factory=list)
    sentiment: Literal["negative", "neutral", "positive"] = "neutral"
    emotion: str = ""
    do_not_ask_again: list[str] = Field(default_factory=list)
