"""The verdict dialog: good / coaching needed / policy gap / AI error, a note, and for a policy
gap the KB fix, tied to one of the passages the draft cited.

It dismisses with (save, draft): escape keeps what was typed for later instead of losing it,
and the detail screen holds the draft until the store has recorded it.

Keys do what the hint says whatever the order: a digit picks the verdict and moves to the note,
so the tab that follows (the supervisor's "next field") stays on the note; on the verdict list,
a letter starts the note instead of being lost. Digits typed in the note are text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, OptionList, TextArea
from textual.widgets.option_list import Option

from copilot.store import VERDICTS
from tui.widgets.text import type_into

POLICY_GAP = "policy gap"
VERDICT_KEYS = {verdict: str(n) for n, verdict in enumerate(VERDICTS, start=1)}
DIGIT_VERDICTS = {key: verdict for verdict, key in VERDICT_KEYS.items()}
VERDICT_LABELS = {
    "good": "Good",
    "coaching needed": "Coaching",
    "policy gap": "Gap",
    "AI error": "AI error",
}
VERDICT_HELP = {
    "good": "the suggestion and the advisor's use of it were right",
    "coaching needed": "the advisor should have used the draft differently",
    "policy gap": "the knowledge base is missing or wrong: propose a fix",
    "AI error": "the copilot got it wrong although the KB was right",
}


@dataclass
class VerdictDraft:
    """What the supervisor typed, saved or not."""

    verdict: str | None = None
    note: str = ""
    passage: int | None = None
    """Index of the cited passage the KB fix is about."""
    change: str = ""

    def kb_fix(self, citations: list[dict[str, Any]]) -> dict[str, Any] | None:
        """The fix proposed to the KB owners: the exact passage cited and the change."""
        if self.verdict != POLICY_GAP:
            return None
        cited = citations[self.passage] if self.passage is not None and citations else {}
        fix = {
            k: cited.get(k)
            for k in ("chunk_id", "doc_id", "version", "effective_date", "title", "section")
        }
        return {**fix, "change": self.change.strip()}


class VerdictScreen(ModalScreen[tuple[bool, VerdictDraft]]):
    """Pick a verdict (digit or arrows), type a note, and for a policy gap the fix."""

    BINDINGS = [
        *(
            Binding(key, f"pick('{verdict}')", VERDICT_LABELS[verdict])
            for verdict, key in VERDICT_KEYS.items()
        ),
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "back", "Back"),
        Binding("tab", "next_field", "Next field", show=False, priority=True),
        Binding("shift+tab", "previous_field", "Previous field", show=False, priority=True),
    ]

    def __init__(
        self,
        draft: VerdictDraft,
        citations: list[dict[str, Any]],
        title: str,
        *,
        picked: bool = False,
    ) -> None:
        """`picked`: a digit on the detail screen chose the verdict, so the note is next."""
        super().__init__()
        self.picked = picked
        self.draft = draft
        self.citations = citations
        self.title_text = title
        self._picked_into_note: str | None = None
        """The note's text when a digit moved the focus there (None: moved since)."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -verdict") as box:
            box.border_title = self.title_text
            yield OptionList(
                *(
                    Option(
                        Content.assemble(
                            (f" {key} ", "bold reverse"),
                            (f" {verdict}", "bold"),
                            (f"  {VERDICT_HELP[verdict]}", "$text-muted"),
                        ),
                        id=verdict,
                    )
                    for verdict, key in VERDICT_KEYS.items()
                ),
                id="verdict-choice",
            )
            yield Label("Note", classes="verdict-label")
            yield TextArea(
                self.draft.note, id="verdict-note", placeholder="for the advisor or the team"
            )
            with Vertical(id="verdict-fix"):
                yield Label("KB fix · the cited passage to change:", classes="verdict-label")
                yield OptionList(*self._passages(), id="fix-passage")
                yield Label("Proposed change:", classes="verdict-label -joined")
                yield Input(
                    self.draft.change,
                    placeholder="the change you propose to the KB owners",
                    id="fix-change",
                )
            yield Label(
                "1-4: verdict · tab: next field · ctrl+s: save · escape: back (kept)",
                classes="dialog-hint",
            )
        yield Footer(compact=True, show_command_palette=False)

    def _passages(self) -> list[Option]:
        if not self.citations:
            return [Option("no passage cited: the fix is a new passage", id="new")]
        return [
            Option(
                Content.assemble(
                    (f"[{c.get('n')}] ", "bold $text-primary"),
                    f"{c.get('doc_id')} · {c.get('chunk_id')} · v{c.get('version')}",
                    (f" · {c.get('effective_date') or '–'}", "$text-muted"),
                    (" · ⚠ superseded", "bold $text-error") if c.get("superseded") else "",
                ),
                id=str(i),
            )
            for i, c in enumerate(self.citations)
        ]

    def on_mount(self) -> None:
        choice = self.query_one("#verdict-choice", OptionList)
        if self.draft.verdict in VERDICT_KEYS:
            choice.highlighted = list(VERDICT_KEYS).index(self.draft.verdict)
        self.query_one("#fix-passage", OptionList).highlighted = self.draft.passage or 0
        self._show_fix()
        if self.picked and self.draft.verdict is not None:
            note = self.query_one("#verdict-note", TextArea)
            note.focus()
            note.move_cursor(note.document.end)
            self._picked_into_note = note.text
        else:  # a verdict kept or saved before stays highlighted, ready to be changed
            choice.focus()

    def _show_fix(self) -> None:
        self.query_one("#verdict-fix").display = self.draft.verdict == POLICY_GAP

    @on(OptionList.OptionHighlighted, "#verdict-choice")
    def _chosen(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_index != event.option_list.highlighted:
            return  # overtaken by a digit pressed since (the list's first highlight, say)
        self.draft.verdict = event.option.id
        self._show_fix()

    @on(OptionList.OptionSelected, "#verdict-choice")
    def _to_note(self) -> None:
        self.query_one("#verdict-note", TextArea).focus()

    @on(Input.Submitted, "#fix-change")
    def _submitted(self) -> None:
        self.action_save()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pick":
            return not isinstance(self.focused, Input | TextArea)  # digits belong to the text
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def action_pick(self, verdict: str) -> None:
        self.query_one("#verdict-choice", OptionList).highlighted = list(VERDICT_KEYS).index(
            verdict
        )
        self.draft.verdict = verdict
        self._show_fix()
        note = self.query_one("#verdict-note", TextArea)
        self.set_focus(note)  # at once: keys right behind the digit are the note's
        note.move_cursor(note.document.end)  # typing adds to a kept note, after its text
        self._picked_into_note = note.text

    def action_next_field(self) -> None:
        note = self.query_one("#verdict-note", TextArea)
        picked, self._picked_into_note = self._picked_into_note, None
        if self.focused is note and picked == note.text:
            return  # the pick already moved to the next field: the note
        self.focus_next()

    def action_previous_field(self) -> None:
        self._picked_into_note = None
        self.focus_previous()

    def on_key(self, event: events.Key) -> None:
        """A letter typed on the verdict list starts the note rather than vanishing; a key that
        reaches the screen while the note has the focus was sent in the burst that moved it
        there (to the list, focused then): it is typed in the note."""
        if not event.is_printable or event.character is None:
            return
        choice = self.query_one("#verdict-choice", OptionList)
        note = self.query_one("#verdict-note", TextArea)
        if self.focused is choice:
            if event.character == " ":
                return  # the list's own key
            picked = DIGIT_VERDICTS.get(event.character)
            if picked is not None:  # here, not by the binding: that one is checked only once
                event.stop()  # the rest of the burst has been handled, with the focus moved
                self.action_pick(picked)
                return
            if event.character.isdigit():
                return
            self.set_focus(note)  # at once: the next keys of the burst are typed there too
            note.move_cursor(note.document.end)
        elif self.focused is not note:
            return
        event.stop()
        event.prevent_default()
        type_into(note, event.character)

    def _read(self) -> VerdictDraft:
        self.draft.note = self.query_one("#verdict-note", TextArea).text
        self.draft.change = self.query_one("#fix-change", Input).value
        passage = self.query_one("#fix-passage", OptionList).highlighted
        self.draft.passage = passage if self.citations else None
        return self.draft

    def action_save(self) -> None:
        draft = self._read()
        if draft.verdict is None:
            self.notify("Pick a verdict: 1 to 4.", title="Verdict", severity="warning")
            self.query_one("#verdict-choice").focus()
            return
        if draft.verdict == POLICY_GAP and not draft.change.strip():
            self.notify(
                "A policy gap needs the change you propose to the KB owners.",
                title="Verdict",
                severity="warning",
            )
            self.query_one("#fix-change").focus()
            return
        self.dismiss((True, draft))

    def action_back(self) -> None:
        self.dismiss((False, self._read()))
