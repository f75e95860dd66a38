"""The advisor's decisions on a draft, the category correction and the wrap-up: the review
half of the workspace, kept apart from the turn and worker plumbing in `workspace.py`.

Every decision answers the draft on screen (its op number travels with it), so a decision can
never land on a suggestion the advisor has not seen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work

from copilot.state import Decision, Summary, unfilled_slots
from copilot.understanding.routing import CATEGORIES, Category
from tui.contact import Op, describe_error
from tui.messages import SummarySaved
from tui.screens.dialogs import CardScreen, CategoryScreen, ReasonScreen, SummaryScreen
from tui.widgets.conversation import Conversation
from tui.widgets.reference import CardsPanel, HandoverPanel
from tui.wrapup import parse_summary_text, save_summary

if TYPE_CHECKING:
    from tui.app import CopilotApp
    from tui.contact import Contact
    from tui.widgets.draft import DraftPanel
    from tui.widgets.status import StatusBar


class ReviewActions:
    """Mixed into `WorkspaceScreen`: the actions behind a, e, x, g, c, o, h and w."""

    if TYPE_CHECKING:
        app: CopilotApp
        contact: Contact

        @property
        def draft(self) -> DraftPanel: ...
        @property
        def status(self) -> StatusBar: ...

        latest_suggestion: int
        shown: int
        deciding: bool
        brief_stale: bool
        summary: Summary | None
        summary_edit: str | None

        def _submit(self, kind: Any, **fields: Any) -> Op: ...
        def _request_brief(self) -> None: ...
        def refuse(self, message: str, edit: bool = False) -> None: ...
        def notify(self, message: str, **kwargs: Any) -> None: ...
        def query_one(self, selector: Any, expect_type: Any = None) -> Any: ...
        def post_message(self, message: Any) -> bool: ...

    def _slots_filled(self) -> bool:
        """A reply with a template slot left open ("[days?]") cannot go to the customer."""
        suggestion = self.draft.suggestion
        if suggestion is None or suggestion.draft.mode != "reply":
            return True
        text = self.draft.edited_text() or suggestion.draft.text
        missing = unfilled_slots(text)
        if missing:
            slots = ", ".join(f"[{slot}?]" for slot in missing)
            self.refuse(f"Fill {slots} before sending, in the editor.", edit=True)
        return not missing

    def _can_decide(self) -> bool:
        if self.draft.suggestion is None:
            self.refuse("No draft yet: enter what the customer says first.")
        elif self.latest_suggestion > self.shown:
            self.refuse("A newer suggestion is on its way.")
        elif self.deciding:
            self.refuse("The last decision is still being recorded.")
        elif self.draft.decided:
            self.refuse(
                "This draft is already decided"
                + (": g drafts a new one." if self.draft.decided == "reject" else ".")
            )
        else:
            return True
        return False

    def _decide(self, decision: Decision) -> None:
        self.deciding = True
        self._submit("decide", decision=decision, target=self.shown)
        if decision.kind == "regenerate":
            self.draft.begin("regenerating…")
        else:
            self.draft.border_subtitle = "recording…"

    def _sendable_as_is(self) -> bool:
        """A note for the advisor, or a reply citing a passage for advisors only, goes out only
        as the advisor's edit (the rule is the draft's own: `Draft.one_key_refusal`)."""
        suggestion = self.draft.suggestion
        refusal = suggestion.draft.one_key_refusal if suggestion else None
        if refusal is None or self.draft.edited_text() is not None:
            return True
        self.refuse(f"{refusal[0].upper()}{refusal[1:]}.", edit=True)
        return False

    def action_accept(self) -> None:
        if self._can_decide() and self._slots_filled() and self._sendable_as_is():
            edited = self.draft.edited_text()
            self._decide(Decision(kind="edit", text=edited) if edited else Decision(kind="accept"))

    def action_edit(self) -> None:
        if self._can_decide():
            self.draft.start_edit()

    def action_send_edit(self) -> None:
        if self._can_decide() and self._slots_filled() and self._sendable_as_is():
            edited = self.draft.edited_text()
            self._decide(Decision(kind="edit", text=edited) if edited else Decision(kind="accept"))

    def action_reject(self) -> None:
        if self._can_decide():
            self.app.push_screen(
                ReasonScreen(
                    "Reject the draft: why?",
                    "wrong policy · wrong tone · not relevant",
                    required=True,
                ),
                self._rejected,
            )

    def _can_regenerate(self) -> bool:
        """A draft waiting for a decision, or a rejected one: the advisor wants another."""
        if self.draft.decided == "reject" and self.latest_suggestion <= self.shown:
            if self.deciding:
                self.refuse("The last decision is still being recorded.")
                return False
            return True
        return self._can_decide()

    def action_regenerate(self) -> None:
        if self._can_regenerate():
            self.app.push_screen(
                ReasonScreen(
                    "Regenerate: instruction",
                    "shorter · more empathetic · in English",
                    required=False,
                ),
                self._regenerate_with,
            )

    def _rejected(self, reason: str | None) -> None:
        if reason:
            self._decide(Decision(kind="reject", reason=reason))

    def _regenerate_with(self, text: str | None) -> None:
        if text is not None:  # escape cancels; an empty instruction regenerates as is
            self._decide(Decision(kind="regenerate", instruction=text or None))

    def action_category(self) -> None:
        suggestion = self.draft.suggestion
        if suggestion is None:
            self.refuse("No customer turn to correct yet.")
            return
        self.app.push_screen(CategoryScreen(suggestion.route.category), self.correct_category)

    def correct_category(self, category: Category | None) -> None:
        if category is None:
            return
        self._submit("correct", category=category.value)
        self.draft.begin(f"re-running as {CATEGORIES[category].label_en}…")
        self.query_one(Conversation).add_note(f"⇄ category → {CATEGORIES[category].label_en}")

    def action_open_card(self, n: int | None = None) -> None:
        cards = self.query_one(CardsPanel)
        if n is None and cards.highlighted is not None and cards.cards:
            n = cards.cards[cards.highlighted].n
        card = cards.card(n) if n else None
        if card:
            self.app.push_screen(CardScreen(card))

    def action_handover(self) -> None:
        panel = self.query_one(HandoverPanel)
        if self.brief_stale or panel.brief is None:
            self._request_brief()
        else:
            panel.display = not panel.display

    def action_wrap_up(self) -> None:
        if self.summary_edit is not None and self.summary is not None:
            self.app.push_screen(SummaryScreen(self.summary_edit), self._summary_closed)
        else:
            self.status.set(busy="summarizing…")
            self._submit("summary")

    def _summary_closed(self, result: tuple[bool, str] | None) -> None:
        if result is None:
            return
        approved, text = result
        self.summary_edit = text
        if approved and self.summary is not None:
            self.store_summary(self.summary, text)

    @work(thread=True, exit_on_error=False, group="save")
    def store_summary(self, summary: Summary, text: str) -> None:
        try:
            edited = parse_summary_text(text, summary)
            session = self.contact.session
            if session is not None:  # on record and on disk redacted, like every record
                edited, text = session.approve_summary(edited), session.private(text)
            path = save_summary(
                self.app.summaries, self.contact.thread_id or "contact", edited, text
            )
        except Exception as exc:  # reported; the edit stays in `summary_edit`
            self.post_message(SummarySaved(None, describe_error(exc)))
            return
        self.post_message(SummarySaved(str(path)))
