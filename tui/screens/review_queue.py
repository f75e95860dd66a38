"""The supervisor's queue: suggestions, reviewed or not, oldest first, with the filter on top.

Single keys toggle the filters a supervisor reaches for most (rejections, heavy edits,
unreviewed); `f` opens every field. Enter opens a suggestion, `d` the dashboard over the
queue, `k` exports the KB fixes of policy-gap reviews for the KB owners.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static
from textual.worker import get_current_worker

from copilot.store import QueueFilter, Store
from copilot.store.report import HEAVY_EDIT_WORDS
from tui.review_fixes import kb_fixes, write_kb_fixes
from tui.screens.review_dashboard import DashboardScreen
from tui.screens.review_detail import DetailScreen
from tui.screens.review_filter import FilterScreen, ReviewFilter
from tui.screens.review_messages import KbFixesExported, QueueLoaded, StoreFailed, describe_failure
from tui.widgets.review_suggestion import category_label, decision_label, flag_label
from tui.widgets.review_table import fill_table

if TYPE_CHECKING:
    from tui.review import ReviewDisplay, ReviewState

COLUMNS = ("#", "When", "Advisor", "Category", "Decision", "Δw", "Review", "Flags", "ms", "Turn")


class QueueTable(DataTable[str | Content]):
    """The queue's rows; enter opens the one under the cursor (`RowSelected`)."""

    BINDINGS = [Binding("enter", "select_cursor", "Open")]


class QueueScreen(Screen[None]):
    BINDINGS = [
        Binding("f", "filter", "Filter"),
        Binding("r", "rejections", "Reject"),
        Binding("h", "heavy", "Heavy"),
        Binding("u", "unreviewed", "Unrev"),
        Binding("c", "clear", "All"),
        Binding("d", "dashboard", "Dash"),
        Binding("k", "export_fixes", "Fixes"),
        Binding("ctrl+r", "reload", "Reload"),
    ]

    def __init__(
        self,
        store: Store,
        supervisor: str,
        state: ReviewState,
        display: ReviewDisplay,
        *,
        fixes_path: Path,
        heavy_edit_words: int = HEAVY_EDIT_WORDS,
    ) -> None:
        super().__init__()
        self.store = store
        self.supervisor = supervisor
        self.state = state
        self.display_options = display
        self.fixes_path = fixes_path
        self.heavy_edit_words = heavy_edit_words
        self.filter = ReviewFilter()
        self.rows: list[dict[str, Any]] = []
        self.advisors: set[str] = set()
        self.engines: set[str] = set()
        self.loaded = False
        self.stale = False

    def compose(self) -> ComposeResult:
        yield Static(id="queue-bar")
        yield QueueTable(id="queue-table", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self._show_bar("loading…")
        self.load(self.filter)

    def on_screen_resume(self) -> None:
        if self.stale:  # a verdict may have been given on the screen just closed
            self.stale = False
            self.load(self.filter)

    # ---------------------------------------------------------------- workers
    @work(thread=True, exclusive=True, exit_on_error=False, group="queue")
    def load(self, where: ReviewFilter) -> None:
        worker = get_current_worker()
        try:
            rows = [r for r in self.store.suggestions(where.query()) if where.keeps(r)]
        except Exception as exc:  # reported to the supervisor, never raised into the UI
            self.post_message(StoreFailed("Queue", describe_failure(exc)))
            return
        if not worker.is_cancelled:
            self.post_message(QueueLoaded(rows))

    @work(thread=True, exclusive=True, exit_on_error=False, group="export")
    def export_fixes(self) -> None:
        try:
            entries = kb_fixes(self.store.suggestions(QueueFilter(reviewed=True)))
            if entries:
                write_kb_fixes(self.fixes_path, entries)
        except Exception as exc:
            self.post_message(StoreFailed("KB fixes", describe_failure(exc)))
            return
        self.post_message(KbFixesExported(str(self.fixes_path) if entries else None, len(entries)))

    # ---------------------------------------------------------------- results
    @on(QueueLoaded)
    def _loaded(self, event: QueueLoaded) -> None:
        self.loaded = True
        table = self.query_one(DataTable)
        current = self.rows[table.cursor_row]["id"] if self._has_cursor() else None
        self.rows = event.rows
        self.advisors |= {str(r["advisor"]) for r in event.rows if r.get("advisor")}
        self.engines |= {str(r["engine"]) for r in event.rows if r.get("engine")}
        fill_table(
            table,
            COLUMNS,
            [self._cells(n, row) for n, row in enumerate(event.rows, start=1)],
            keys=[row["id"] for row in event.rows],
        )
        if current and current in {r["id"] for r in event.rows}:
            table.move_cursor(row=table.get_row_index(current), animate=False)
        self._show_bar()

    def _cells(self, n: int, row: dict[str, Any]) -> list[str | Content]:
        decision = row.get("decision") or {}
        review = row.get("review")
        if review:
            verdict: str | Content = str(review["verdict"])
        elif row["id"] in self.state.unsaved:
            verdict = Content.styled("✎ unsaved", "$text-warning")
        else:
            verdict = Content.styled("—", "$text-muted")
        distance = decision.get("edit_distance")
        return [
            str(n),
            self.display_options.time(str(row["at"])),
            str(row.get("advisor") or "–"),
            category_label(row.get("category")),
            decision_label(row),
            ""
            if distance is None or decision.get("kind") not in ("accept", "edit")
            else str(distance),
            verdict,
            ", ".join(flag_label(f) for f in row.get("flags") or []),
            "" if row.get("latency_ms") is None else f"{float(row['latency_ms']):.0f}",
            " ".join(str(row.get("turn") or "").split())[:60],
        ]

    def _show_bar(self, note: str = "") -> None:
        rows = self.rows
        reviewed = sum(1 for r in rows if r.get("review"))
        counted = f"{len(rows)} suggestion{'s' * (len(rows) != 1)} · {reviewed} reviewed"
        active = self.filter != ReviewFilter()
        self.query_one("#queue-bar", Static).update(
            Content.assemble(
                ("Review queue", "bold"),
                (f"  {note or counted}  ", ""),
                ("filter: ", "$text-muted"),
                (self.filter.describe(), "bold $text-accent" if active else "$text-muted"),
            )
        )

    @on(KbFixesExported)
    def _exported(self, event: KbFixesExported) -> None:
        if event.path is None:
            self.notify(
                "No policy-gap review proposes a KB fix yet: nothing written.",
                title="KB fixes",
                severity="warning",
            )
            return
        self.notify(
            f"{event.count} KB fix{'es' * (event.count != 1)} written to {event.path}",
            title="KB fixes",
        )

    @on(StoreFailed)
    def _failed(self, event: StoreFailed) -> None:
        if event.what == "Queue" and not self.loaded:
            self._show_bar("could not load the queue: ctrl+r to retry")
        self.notify(event.error, title=event.what, severity="error", timeout=12)

    # ---------------------------------------------------------------- actions
    def _has_cursor(self) -> bool:
        table = self.query_one(DataTable)
        return bool(self.rows) and 0 <= table.cursor_row < len(self.rows)

    def _refilter(self, where: ReviewFilter) -> None:
        self.filter = where
        self._show_bar("loading…")
        self.load(where)

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.open_suggestion(event.cursor_row)

    def open_suggestion(self, index: int) -> None:
        if not 0 <= index < len(self.rows):
            return
        self.stale = True
        self.app.push_screen(
            DetailScreen(
                self.store,
                self.supervisor,
                self.state,
                self.display_options,
                self.rows,
                index,
            )
        )

    def action_filter(self) -> None:
        def chosen(where: ReviewFilter | None) -> None:
            if where is not None:
                self._refilter(where)

        self.app.push_screen(
            FilterScreen(self.filter, sorted(self.advisors), sorted(self.engines)), chosen
        )

    def action_rejections(self) -> None:
        self._refilter(self.filter.toggled(decision="reject"))

    def action_heavy(self) -> None:
        self._refilter(self.filter.toggled(heavy=self.heavy_edit_words))

    def action_unreviewed(self) -> None:
        self._refilter(self.filter.toggled(reviewed=False))

    def action_clear(self) -> None:
        self._refilter(ReviewFilter())

    def action_reload(self) -> None:
        self._refilter(self.filter)

    def action_dashboard(self) -> None:
        self.stale = True
        self.app.push_screen(
            DashboardScreen(
                list(self.rows), self.filter.describe(), self.display_options, self.filter.since
            )
        )

    def action_export_fixes(self) -> None:
        self.export_fixes()
