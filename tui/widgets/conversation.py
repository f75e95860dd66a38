"""The conversation pane and the line where the advisor enters turns."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive, reactive
from textual.widgets import Input, Label, Static

ROLE_LABELS = {"customer": "Customer", "advisor": "Advisor", "bot": "Bot"}
ROLE_STYLES = {"customer": "bold $text-accent", "advisor": "bold $text-primary", "bot": "bold"}


class TurnView(Static):
    """One turn, or a note about the contact (a decision, a correction)."""

    def __init__(self, role: str, text: str, *, note: bool = False) -> None:
        self.role = role
        self.text = text
        if note:
            content = Content.styled(text, "italic $text-muted")
        else:
            content = Content.assemble((f"{ROLE_LABELS[role]} ", ROLE_STYLES[role]), text)
        super().__init__(content, classes=f"-{role}" + (" -note" if note else ""))

    def mark_failed(self) -> None:
        self.add_class("-failed")
        self.tooltip = "Not processed: the text is back in the input line."


class Conversation(VerticalScroll, can_focus=False):
    """The contact's turns, oldest first, kept scrolled to the newest."""

    def on_mount(self) -> None:
        self.anchor()  # stays at the newest turn, even when the hand-over brief takes room

    def add_turn(self, role: str, text: str) -> TurnView:
        view = TurnView(role, text)
        self.mount(view)
        self.scroll_end(animate=False)
        return view

    def add_note(self, text: str) -> None:
        self.mount(TurnView("advisor", text, note=True))
        self.scroll_end(animate=False)

    def load(self, transcript: list[dict[str, str]]) -> None:
        self.remove_children()
        self.mount_all(TurnView(t["role"], t["text"]) for t in transcript)
        self.scroll_end(animate=False)


class TurnInput(Input):
    """The input line. Each keystroke changes an input's virtual size (its text width), which
    Textual answers with a layout of the whole screen: 10-20 ms of the UI thread per key while
    the agent runs. The line has a fixed size, so a repaint is all a keystroke needs."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), repaint=True)


class TurnEntry(Horizontal):
    """Who is speaking, and what they said; enter sends it."""

    BINDINGS = [Binding("escape", "screen.command_mode", "Suggestions")]

    role: reactive[str] = reactive("customer")

    @dataclass
    class Submitted(Message):
        entry: TurnEntry
        role: str
        text: str

    def compose(self) -> ComposeResult:
        yield Label(id="role-label")
        yield TurnInput(id="turn-input", select_on_focus=False)

    @property
    def input(self) -> Input:
        return self.query_one("#turn-input", Input)

    def watch_role(self, role: str) -> None:
        self.query_one("#role-label", Label).update(f"{ROLE_LABELS[role]} ›")
        self.set_class(role == "advisor", "-advisor")
        self.input.placeholder = (
            "what the customer says · enter sends"
            if role == "customer"
            else "your own reply · enter sends"
        )

    def toggle_role(self) -> None:
        self.role = "advisor" if self.role == "customer" else "customer"

    def restore(self, text: str) -> None:
        """Put back text a failed call did not process, keeping anything typed since."""
        current = self.input.value
        self.input.value = text if not current.strip() else f"{text} {current}"
        self.input.cursor_position = len(self.input.value)

    @on(Input.Submitted, "#turn-input")
    def _send(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if text:
            self.input.value = ""
            self.post_message(self.Submitted(self, self.role, text))
