"""One suggestion in full for the supervisor: the conversation up to it, the draft against what
the advisor sent, the checks, the cited passages with their versions, and the verdict.

The conversation is read in a worker; the verdict is saved in another. A typed verdict stays in
the app's `unsaved` drafts until the store has recorded it, so a failed save, escape, or moving
to the next suggestion never loses the note.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from copilot.store import VERDICTS, QueueFilter, Store
from tui.review_fixes import kb_fix_of
from tui.screens.review_messages import (
    ConversationLoaded,
    ReviewSaved,
    StoreFailed,
    describe_failure,
)
from tui.screens.review_verdict import VerdictDraft, VerdictScreen
from tui.widgets.conversation import ROLE_LABELS, Conversation, TurnView
from tui.widgets.review_suggestion import (
    checks_content,
    citations_content,
    decision_content,
    diff_content,
    heading_content,
    review_content,
)

if TYPE_CHECKING:
    from tui.review import ReviewDisplay, ReviewState

PANELS = {
    "#detail-conversation": "Conversation",
    "#detail-diff": "Draft → sent",
    "#detail-checks": "Checks",
    "#detail-citations": "Cited passages",
    "#detail-review": "Review",
}


def draft_from_review(row: dict[str, Any]) -> VerdictDraft:
    """A new verdict starts from the newest review, so a second one amends the first."""
    review = row.get("review") or {}
    fix = kb_fix_of(review) or {}
    chunks = [c.get("chunk_id") for c in row.get("citations") or []]
    return VerdictDraft(
        verdict=review.get("verdict"),
        note=review.get("note") or "",
        passage=chunks.index(fix["chunk_id"]) if fix.get("chunk_id") in chunks else None,
        change=fix.get("change") or "",
    )


def same_verdict(a: VerdictDraft, b: VerdictDraft) -> bool:
    return (a.verdict, a.note.strip(), a.change.strip()) == (
        b.verdict,
        b.note.strip(),
        b.change.strip(),
    )


class DetailScreen(Screen[None]):
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    BINDINGS = [
        Binding("v", "verdict", "Verdict"),
        *(
            Binding(str(n), f"verdict('{verdict}')", verdict, show=False)
            for n, verdict in enumerate(VERDICTS, start=1)
        ),
        Binding("n", "move(1)", "Next"),
        Binding("p", "move(-1)", "Previous"),
        Binding("escape", "back", "Queue"),
    ]

    def __init__(
        self,
        store: Store,
        supervisor: str,
        state: ReviewState,
        display: ReviewDisplay,
        rows: list[dict[str, Any]],
        index: int,
    ) -> None:
        super().__init__()
        self.store = store
        self.supervisor = supervisor
        self.state = state
        self.display_options = display
        self.rows = rows
        self.index = index
        self.saving: str | None = None

    @property
    def row(self) -> dict[str, Any]:
        return self.rows[self.index]

    def compose(self) -> ComposeResult:
        yield Static(id="detail-heading")
        with Grid(id="detail-body"):
            with Vertical(id="detail-conversation"):
                yield Conversation(id="conversation")
            with VerticalScroll(id="detail-panels"):
                yield Static(id="detail-decision")
                yield Static(id="detail-diff")
                yield Static(id="detail-checks")
                yield Static(id="detail-citations")
                yield Static(id="detail-review")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        for selector, title in PANELS.items():
            self.query_one(selector).border_title = title
        self.query_one("#detail-panels").focus()
        self.show()

    def show(self) -> None:
        row, time_format = self.row, self.display_options.time
        position = f"Suggestion {self.index + 1}/{len(self.rows)}"
        self.query_one("#detail-heading", Static).update(
            heading_content(row, position, time_format)
        )
        self.query_one("#detail-decision", Static).update(decision_content(row, time_format))
        self.query_one("#detail-diff", Static).update(diff_content(row))
        self.query_one("#detail-checks", Static).update(checks_content(row))
        self.query_one("#detail-citations", Static).update(citations_content(row))
        self._show_review()
        self.query_one("#detail-panels").scroll_home(animate=False)
        self.query_one(Conversation).remove_children()
        self.query_one("#detail-conversation").border_subtitle = "loading…"
        self.load_conversation(row["id"], row["contact_id"], row["at"])

    def _show_review(self) -> None:
        unsaved = self.row["id"] in self.state.unsaved
        self.query_one("#detail-review", Static).update(
            review_content(self.row, self.display_options.time, unsaved)
        )
        self.query_one("#detail-review").border_subtitle = "saving…" if self.saving else ""

    # ---------------------------------------------------------------- workers
    @work(thread=True, exclusive=True, exit_on_error=False, group="conversation")
    def load_conversation(self, suggestion_id: str, contact_id: str, at: str) -> None:
        try:
            turns = self.store.conversation(contact_id, until=at)
        except Exception as exc:  # reported to the supervisor, never raised into the UI
            self.post_message(StoreFailed("Conversation", describe_failure(exc), suggestion_id))
            return
        self.post_message(ConversationLoaded(suggestion_id, turns))

    @work(thread=True, exclusive=True, exit_on_error=False, group="review")
    def save(self, row: dict[str, Any], draft: VerdictDraft) -> None:
        kb_fix = draft.kb_fix(row.get("citations") or [])
        try:
            self.store.record_review(
                row["id"], self.supervisor, str(draft.verdict), draft.note.strip(), kb_fix
            )
        except Exception as exc:
            self.post_message(StoreFailed("Verdict", describe_failure(exc), row["id"]))
            return
        if self.state.unsaved.get(row["id"]) is draft:  # saved, even if the screen is gone
            del self.state.unsaved[row["id"]]
        saved = {
            **row,
            "review": {
                "verdict": draft.verdict,
                "note": draft.note.strip(),
                "kb_fix": json.dumps(kb_fix) if kb_fix else None,
                "supervisor": self.supervisor,
                "at": datetime.now(UTC).isoformat(),
            },
        }
        try:  # the row as the store has it now; the one above if it cannot be read back
            same = QueueFilter(since=row["at"], advisor=row["advisor"])
            saved = next((r for r in self.store.suggestions(same) if r["id"] == row["id"]), saved)
        except Exception:  # noqa: S110 - the verdict is saved; the reread only refreshes the view
            pass
        self.post_message(ReviewSaved(row["id"], saved))

    # ---------------------------------------------------------------- results
    @on(ConversationLoaded)
    def _conversation(self, event: ConversationLoaded) -> None:
        if event.suggestion_id != self.row["id"]:
            return
        conversation = self.query_one(Conversation)
        conversation.remove_children()
        conversation.mount_all(
            TurnView(t["role"] if t["role"] in ROLE_LABELS else "bot", t["text"])
            for t in event.turns
        )
        conversation.scroll_end(animate=False)
        count = len(event.turns)
        self.query_one("#detail-conversation").border_subtitle = (
            f"{count} turn{'s' * (count != 1)} up to the suggestion" if count else "no turn stored"
        )

    @on(ReviewSaved)
    def _saved(self, event: ReviewSaved) -> None:
        self.saving = None
        self.state.unsaved.pop(event.suggestion_id, None)
        for i, row in enumerate(self.rows):
            if row["id"] == event.suggestion_id:
                self.rows[i] = event.row
        self._show_review()
        verdict = (event.row.get("review") or {}).get("verdict", "")
        self.notify(f"Verdict saved: {verdict}.", title="Review")

    @on(StoreFailed)
    def _failed(self, event: StoreFailed) -> None:
        if event.what == "Verdict":
            self.saving = None
            self._show_review()
            message = f"{event.error}\nYour verdict and note are kept: press v to retry."
        else:
            self.query_one("#detail-conversation").border_subtitle = "not loaded"
            message = event.error
        self.notify(message, title=event.what, severity="error", timeout=12)

    # ---------------------------------------------------------------- actions
    def action_verdict(self, verdict: str | None = None) -> None:
        if self.saving:
            self.notify("The last verdict is still being saved.", severity="warning")
            return
        row = self.row
        draft = self.state.unsaved.get(row["id"])
        if draft is None:
            draft = draft_from_review(row)
        if verdict:
            draft.verdict = verdict
        self.state.unsaved[row["id"]] = draft
        title = f"Verdict · suggestion {self.index + 1}/{len(self.rows)}"
        self.app.push_screen(
            VerdictScreen(draft, row.get("citations") or [], title, picked=verdict is not None),
            lambda result: self._verdict_closed(row, result),
        )

    def _verdict_closed(
        self, row: dict[str, Any], result: tuple[bool, VerdictDraft] | None
    ) -> None:
        if result is None:
            return
        save, draft = result
        if not save and same_verdict(draft, draft_from_review(row)):
            self.state.unsaved.pop(row["id"], None)  # nothing typed: nothing to keep
        if save:
            self.saving = row["id"]
            self.save(row, draft)
        self._show_review()

    def action_move(self, step: int) -> None:
        target = self.index + step
        if not 0 <= target < len(self.rows):
            self.notify("No more suggestions in this queue.", severity="information", timeout=3)
            return
        self.index = target
        self.show()

    def action_back(self) -> None:
        self.dismiss()
