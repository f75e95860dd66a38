"""Dialogs over the workspace: a card's passage, a reason or instruction, the category, the
wrap-up summary. Each dismisses with its answer, or None when the advisor backs out."""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static, TextArea

from copilot.state import Card
from copilot.understanding.routing import CATEGORIES, Category
from tui.widgets.reference import card_content
from tui.widgets.route import CATEGORY_KEYS


class CardScreen(ModalScreen[None]):
    """The full passage behind a card."""

    BINDINGS = [Binding("escape,enter,q", "dismiss", "Close")]

    def __init__(self, card: Card) -> None:
        super().__init__()
        self.card = card

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -wide") as box:
            box.border_title = f"Card [{self.card.n}] · {self.card.doc_id}"
            yield Static(card_content(self.card), classes="dialog-heading")
            with VerticalScroll(classes="dialog-body"):
                yield Static(Content(self.card.text), id="card-text")
        yield Footer(compact=True)


class ReasonScreen(ModalScreen[str | None]):
    """One line of text: a rejection reason or a regeneration instruction."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, placeholder: str, *, required: bool, value: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.placeholder = placeholder
        self.required = required
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = self.title_text
            yield Input(self.value, placeholder=self.placeholder, id="reason-input")
            yield Label(
                "enter: confirm · escape: cancel" + ("" if self.required else " · empty: plain"),
                classes="dialog-hint",
            )
        yield Footer(compact=True)

    @on(Input.Submitted, "#reason-input")
    def _confirm(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if self.required and not text:
            self.notify("Say why, in a few words.", severity="warning")
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class CategoryScreen(ModalScreen[Category | None]):
    """The seven categories; one digit picks the correction."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        *(
            Binding(key, f"pick('{category.value}')", CATEGORIES[category].label_en, show=False)
            for category, key in CATEGORY_KEYS.items()
        ),
    ]

    def __init__(self, current: Category | None) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = "Correct the category"
            for category, key in CATEGORY_KEYS.items():
                info = CATEGORIES[category]
                mark = " ◀ now" if category == self.current else ""
                lead = "briefing" if info.human_led else "reply"
                yield Static(
                    Content.assemble(
                        (f" {key} ", "bold reverse"),
                        f" {info.label_en}",
                        (f"  {lead}{mark}", "$text-muted"),
                    ),
                    classes="category-line",
                )
            yield Label(
                "digit: re-run the turn with that category · escape: cancel", classes="dialog-hint"
            )
        yield Footer(compact=True)

    def action_pick(self, value: str) -> None:
        self.dismiss(Category(value))

    def action_cancel(self) -> None:
        self.dismiss(None)


class SummaryScreen(ModalScreen[tuple[bool, str]]):
    """The wrap-up summary in an editor: dismisses with (approved, text), so escape keeps the
    edit for later instead of losing it."""

    BINDINGS = [
        Binding("ctrl+s", "approve", "Approve", priority=True),
        Binding("escape", "later", "Later"),
    ]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -wide -tall") as box:
            box.border_title = "Wrap-up summary"
            yield TextArea(self.text, id="summary-editor", soft_wrap=True)
            yield Label(
                "ctrl+s: approve and save · escape: back (your edit is kept)", classes="dialog-hint"
            )
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    @property
    def edited(self) -> str:
        return self.query_one(TextArea).text

    def action_approve(self) -> None:
        self.dismiss((True, self.edited))

    def action_later(self) -> None:
        self.dismiss((False, self.edited))


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question before leaving the open contact. Only enter (or the same key again)
    says yes: any other key says no, so text typed by mistake never confirms anything."""

    BINDINGS = [
        Binding("enter", "answer(True)", "Yes"),
        Binding("escape", "answer(False)", "No, stay"),
    ]

    def __init__(self, title: str, question: str, yes: str, again: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.question = question
        self.yes = yes
        self.again = again

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = self.title_text
            yield Static(self.question, id="confirm-question")
            yield Label(f"enter: {self.yes} · escape: stay", classes="dialog-hint")
        yield Footer(compact=True)

    def on_key(self, event: events.Key) -> None:
        if event.key == self.again:
            event.stop()
            self.dismiss(True)
        elif event.is_printable:
            event.stop()
            self.dismiss(False)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
