"""Knowledge cards, next actions and the hand-over brief: what the advisor checks and confirms."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, SelectionList, Static
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from copilot.state import NO_ACTION_CATALOGUE, Card, HandoverBrief, NextAction
from tui.widgets.draft import citation_style


def card_content(card: Card) -> Content:
    parts: list[tuple[str, str] | str] = [
        (f"[{card.n}] ", citation_style(card.n)),
        (card.title, "bold"),
    ]
    if card.section and card.section != card.title:
        parts.append(f" › {card.section}")
    parts += ["\n    ", (f"{card.lang} · {card.effective_date} · v{card.version}", "$text-muted")]
    if card.superseded:
        parts.append((" · ⚠ superseded", "bold $text-error"))
    if card.audience == "customer":
        parts.append((" · for customers", "$text-muted"))
    else:
        parts.append((f" · ⚠ {card.audience}: advisors only", "bold $text-warning"))
    return Content.assemble(*parts)


class CardsPanel(OptionList):
    """The cited passages, numbered like the draft's citations; enter opens one."""

    @dataclass
    class Opened(Message):
        card: Card

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.cards: list[Card] = []

    def show(self, cards: list[Card]) -> None:
        if cards == self.cards:
            return  # same passages: keep the list as it is (and the advisor's highlight)
        self.cards = list(cards)
        self.clear_options()
        self.add_options(Option(card_content(c), id=str(c.n)) for c in cards)
        self.border_subtitle = "" if cards else "no passage retrieved"
        if cards:
            self.highlighted = 0

    def card(self, n: int) -> Card | None:
        return next((c for c in self.cards if c.n == n), None)

    @on(OptionList.OptionSelected)
    def _open(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        card = self.card(int(event.option_id or 0))
        if card:
            self.post_message(self.Opened(card))


class ActionsPanel(SelectionList[str]):
    """Suggested next actions as a checklist: the advisor ticks what they did (space)."""

    actions: list[NextAction] = []

    def show(self, actions: list[NextAction], catalogue: bool = True) -> None:
        """`catalogue` False: the KB has no action catalogue, and the panel says so."""
        self.border_subtitle = "" if catalogue else NO_ACTION_CATALOGUE
        if actions == self.actions:
            return  # same suggestions: keep what the advisor ticked
        self.actions = list(actions)
        self.clear_options()
        self.add_options(
            Selection(Content.assemble((a.title, "bold"), " — ", (a.reason, "$text-muted")), a.id)
            for a in actions
        )
        self.titles = {a.id: a.title for a in actions}

    def confirmed(self) -> list[str]:
        titles = getattr(self, "titles", {})
        return [titles[v] for v in self.selected if v in titles]


def brief_content(brief: HandoverBrief) -> Content:
    parts: list[tuple[str, str] | str] = [("Goal ", "bold"), brief.customer_goal]
    sections = [
        ("Already done", brief.already_done),
        ("Open questions", brief.open_questions),
        ("Identifiers given", brief.identifiers),
        ("Do not ask again", brief.do_not_ask_again),
    ]
    for heading, items in sections:
        if items:
            parts += ["\n", (f"{heading}: ", "bold"), "; ".join(items)]
    parts += ["\n", ("Sentiment ", "bold"), f"{brief.sentiment} ({brief.sentiment_trend})"]
    if brief.emotion:
        parts += [" — ", brief.emotion]
    return Content.assemble(*parts)


class HandoverPanel(Static):
    """What the bot already did, shown when a contact arrives from it."""

    brief: HandoverBrief | None = None

    def show(self, brief: HandoverBrief) -> None:
        self.brief = brief
        self.update(brief_content(brief))
        self.display = True
