"""What the supervisor's queue shows (`ReviewFilter`) and the dialog that sets it.

The filter follows the report's definitions: a draft superseded by the next customer turn is
undecided, not rejected, and a heavy edit is at least `HEAVY_EDIT_WORDS` words away from the
draft. Dates are days (YYYY-MM-DD) and both ends are included.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Select

from copilot.store import QueueFilter
from copilot.store.report import HEAVY_EDIT_WORDS, decision_kind
from copilot.understanding.routing import CATEGORIES, FLAGS

DECISIONS = {
    "accept": "accepted",
    "edit": "edited",
    "reject": "rejected",
    "regenerate": "regenerated",
    "undecided": "undecided or superseded",
}


@dataclass(frozen=True)
class ReviewFilter:
    """The queue's filter; None means any."""

    since: str | None = None
    until: str | None = None
    advisor: str | None = None
    category: str | None = None
    flag: str | None = None
    engine: str | None = None
    decision: str | None = None
    """One of DECISIONS."""
    heavy: int | None = None
    """Keep sent replies at least this many words away from the draft."""
    reviewed: bool | None = None

    def query(self) -> QueueFilter:
        """What the store can filter itself; `keeps` finishes the job."""
        until = self.until and (date.fromisoformat(self.until) + timedelta(days=1)).isoformat()
        return QueueFilter(
            since=self.since,
            until=until,
            advisor=self.advisor,
            category=self.category,
            flag=self.flag,
            engine=self.engine,
            kinds=(self.decision,) if self.decision and self.decision != "undecided" else (),
            min_edit_distance=self.heavy,
            reviewed=self.reviewed,
        )

    def keeps(self, row: dict[str, Any]) -> bool:
        if self.decision is None:
            return True
        kind = decision_kind(row)
        return kind is None if self.decision == "undecided" else kind == self.decision

    def toggled(self, **change: Any) -> ReviewFilter:
        """This filter with each given field set, or cleared when it already has that value."""
        return replace(self, **{k: None if getattr(self, k) == v else v for k, v in change.items()})

    def describe(self) -> str:
        parts = []
        if self.decision:
            parts.append(DECISIONS[self.decision])
        if self.heavy is not None:
            parts.append(f"edits ≥ {self.heavy} words")
        if self.reviewed is not None:
            parts.append("reviewed" if self.reviewed else "unreviewed")
        for value in (self.advisor, self.category, self.flag, self.engine):
            if value:
                parts.append(value)
        if self.since or self.until:
            parts.append(f"{self.since or '…'} to {self.until or 'today'}")
        return " · ".join(parts) or "all suggestions"


def _day(text: str, what: str) -> str | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError as exc:
        raise ValueError(f"{what}: {text!r} is not a day (YYYY-MM-DD)") from exc


class FilterScreen(ModalScreen[ReviewFilter | None]):
    """Every field of the filter; tab moves between them, ctrl+s applies."""

    BINDINGS = [
        Binding("ctrl+s", "apply", "Apply", priority=True),
        Binding("ctrl+r", "reset", "Reset", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, current: ReviewFilter, advisors: list[str], engines: list[str]) -> None:
        super().__init__()
        self.current = current
        self.advisors = advisors
        self.engines = engines

    def compose(self) -> ComposeResult:
        f = self.current
        with Vertical(classes="dialog") as box:
            box.border_title = "Filter the queue"
            with Grid(id="filter-fields"):
                yield Label("From")
                yield Input(f.since or "", placeholder="YYYY-MM-DD", id="filter-since")
                yield Label("To")
                yield Input(f.until or "", placeholder="YYYY-MM-DD", id="filter-until")
                yield Label("Decision")
                yield self._select("filter-decision", DECISIONS.items(), f.decision)
                yield Label("Heavy edits")
                yield Input(
                    "" if f.heavy is None else str(f.heavy),
                    placeholder=f"at least N words changed (heavy: {HEAVY_EDIT_WORDS})",
                    type="integer",
                    id="filter-heavy",
                )
                yield Label("Advisor")
                yield self._select("filter-advisor", [(a, a) for a in self.advisors], f.advisor)
                yield Label("Category")
                categories = [(c.value, i.label_en) for c, i in CATEGORIES.items()]
                yield self._select("filter-category", categories, f.category)
                yield Label("Flag")
                flags = [(k.value, i.label_en) for k, i in FLAGS.items()]
                yield self._select("filter-flag", flags, f.flag)
                yield Label("Engine")
                yield self._select("filter-engine", [(e, e) for e in self.engines], f.engine)
                yield Label("Review")
                reviewed = None if f.reviewed is None else ("yes" if f.reviewed else "no")
                yield self._select(
                    "filter-reviewed", [("yes", "reviewed"), ("no", "not reviewed")], reviewed
                )
            yield Label(
                "tab: next field · ctrl+s: apply · ctrl+r: clear · escape: cancel",
                classes="dialog-hint",
            )
        yield Footer(compact=True, show_command_palette=False)

    @staticmethod
    def _select(widget_id: str, choices: Any, value: str | None) -> Select[str]:
        options = [(label, key) for key, label in choices]
        known = value is not None and any(key == value for _, key in options)
        if value is not None and not known:
            options.append((value, value))
        select: Select[str] = Select(
            options, prompt="any", id=widget_id, value=value if value is not None else Select.NULL
        )
        return select

    def on_mount(self) -> None:
        self.query_one("#filter-decision", Select).focus()

    def _value(self, widget_id: str) -> str | None:
        value = self.query_one(f"#{widget_id}", Select).value
        return None if value is Select.NULL else str(value)

    def read(self) -> ReviewFilter:
        """The filter in the fields; ValueError says which field is wrong."""
        heavy = self.query_one("#filter-heavy", Input).value.strip()
        reviewed = self._value("filter-reviewed")
        since = _day(self.query_one("#filter-since", Input).value, "From")
        until = _day(self.query_one("#filter-until", Input).value, "To")
        if since and until and until < since:
            raise ValueError("To is before From")
        return ReviewFilter(
            since=since,
            until=until,
            advisor=self._value("filter-advisor"),
            category=self._value("filter-category"),
            flag=self._value("filter-flag"),
            engine=self._value("filter-engine"),
            decision=self._value("filter-decision"),
            heavy=max(1, int(heavy)) if heavy else None,
            reviewed=None if reviewed is None else reviewed == "yes",
        )

    @on(Input.Submitted)
    def action_apply(self) -> None:
        try:
            chosen = self.read()
        except ValueError as exc:
            self.notify(str(exc), title="Filter", severity="warning")
            return
        self.dismiss(chosen)

    def action_reset(self) -> None:
        for field_input in self.query(Input):
            field_input.value = ""
        for select in self.query(Select):
            select.clear()

    def action_cancel(self) -> None:
        self.dismiss(None)
