"""The sessions screen: contacts in the checkpointer, newest first; enter resumes one.

Quitting mid-contact loses nothing: every turn and waiting draft is checkpointed, so resuming
shows the conversation and the suggestion still waiting for a decision.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label

from tui.contact import describe_error
from tui.history import ContactRow, list_contacts
from tui.widgets.review_table import fill_table

COLUMNS = ("Contact", "Last activity", "Turns", "Status", "Opening")

TimeFormat = Callable[[str], str]


def format_time(iso: str) -> str:
    """'2026-03-02T14:05:09.123+00:00' -> '2026-03-02 14:05'."""
    return iso[:16].replace("T", " ")


@dataclass
class ContactsLoaded(Message):
    rows: list[ContactRow]


@dataclass
class ContactsFailed(Message):
    error: str


class SessionsScreen(Screen[str | None]):
    """Pick a contact to resume (dismisses with its thread id), or start a new one ("")."""

    BINDINGS = [
        Binding("enter", "resume", "Resume", priority=True),
        Binding("ctrl+n", "new", "New contact"),
        Binding("r", "refresh", "Refresh"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(
        self,
        checkpointer: Callable[[], Any],
        summaries: Path,
        current: str | None,
        time_format: TimeFormat = format_time,
    ) -> None:
        super().__init__()
        self.checkpointer = checkpointer
        self.summaries = summaries
        self.current = current
        self.time_format = time_format
        self.rows: list[ContactRow] = []

    def compose(self) -> ComposeResult:
        yield Label("Contacts", id="sessions-title")
        table: DataTable[str] = DataTable(
            id="sessions-table", cursor_type="row", zebra_stripes=True
        )
        table.add_columns(*COLUMNS)
        yield table
        yield Label("Loading…", id="sessions-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="sessions")
    def load(self) -> None:
        try:
            rows = list_contacts(self.checkpointer(), self.summaries)
        except Exception as exc:  # reported to the advisor, never raised into the UI
            self.post_message(ContactsFailed(describe_error(exc)))
            return
        self.post_message(ContactsLoaded(rows))

    @on(ContactsLoaded)
    def _show(self, event: ContactsLoaded) -> None:
        self.rows = event.rows
        # widths measured from the cells: auto widths would paint truncated until a repaint
        fill_table(
            self.query_one(DataTable),
            COLUMNS,
            [
                (
                    row.thread_id + (" ●" if row.thread_id == self.current else ""),
                    self.time_format(row.updated_at),
                    str(row.turns),
                    row.status,
                    row.opening[:48] or "—",
                )
                for row in event.rows
            ],
            keys=[row.thread_id for row in event.rows],
        )
        hint = f"{len(event.rows)} contact{'s' * (len(event.rows) != 1)}"
        self.query_one("#sessions-hint", Label).update(
            f"{hint} · enter: resume · n: new contact · escape: back to the workspace"
        )

    @on(ContactsFailed)
    def _failed(self, event: ContactsFailed) -> None:
        self.query_one("#sessions-hint", Label).update("Could not list the contacts.")
        self.notify(event.error, title="Sessions", severity="error", timeout=10)

    def action_resume(self) -> None:
        # queued behind the arrow keys the table has not handled yet (a fast Down Down Enter)
        self.query_one(DataTable).call_later(self._resume_current)

    def _resume_current(self) -> None:
        table = self.query_one(DataTable)
        if self.rows and 0 <= table.cursor_row < len(self.rows):
            self.dismiss(self.rows[table.cursor_row].thread_id)

    def action_new(self) -> None:
        self.dismiss("")

    def action_refresh(self) -> None:
        self.load()

    def action_back(self) -> None:
        self.dismiss(None)
