"""The workspace: conversation on the left, the copilot's suggestion on the right.

Every session call runs in the `agent` worker group (see `tui.contact`); results come back as
messages from `tui.messages`. The screen keeps the numbers of the ops it is waiting for, so a
suggestion a newer turn has overtaken is dropped, a decision always answers the draft on
screen, and text whose call failed goes back where the advisor typed it.
"""

from __future__ import annotations

import gc
import time
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import Screen
from textual.widgets import Input, TextArea
from textual.worker import get_current_worker

from copilot.drafting.prose import customer_text
from copilot.session import Suggestion
from copilot.state import Summary
from tui.commands import WorkspaceCommands
from tui.contact import (
    ConfiguredSessions,
    Contact,
    Op,
    TokenBatch,
    describe_error,
    error_severity,
)
from tui.indexing import IndexingClock
from tui.messages import (
    AgentFailed,
    ContactOpened,
    DecisionRecorded,
    DraftStreamed,
    FeedNotice,
    HandoverReady,
    IndexingProgress,
    SuggestionReady,
    SummaryReady,
    SummarySaved,
    TurnArrived,
    TurnRecorded,
)
from tui.screens.dialogs import CardScreen, ConfirmScreen, SummaryScreen
from tui.screens.review import ReviewActions
from tui.widgets.conversation import Conversation, TurnEntry, TurnView
from tui.widgets.draft import DraftPanel
from tui.widgets.footer import KeyFooter
from tui.widgets.reference import ActionsPanel, CardsPanel, HandoverPanel
from tui.widgets.route import RoutePanel
from tui.widgets.status import StatusBar, format_latency
from tui.widgets.text import type_into
from tui.wrapup import summary_text

if TYPE_CHECKING:
    from tui.app import CopilotApp

COMMAND_MODE = frozenset(
    ("accept", "edit", "reject", "regenerate", "category", "open_card", "handover")
    + ("wrap_up", "type")
)
"""Single-letter actions: hidden while the advisor types in the input line or the editor. Keys
that leave the contact (new contact, sessions, quit) take a modifier and work everywhere."""
REFERENCE_DELAY_S = 1 / 30
"""Cards and actions follow the draft after this long: after its redraw, before the eye moves."""


class WorkspaceScreen(ReviewActions, Screen[None]):
    COMMANDS = {WorkspaceCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (140, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    BINDINGS = [
        Binding("a", "accept", "Accept"),
        Binding("e", "edit", "Edit"),
        Binding("x", "reject", "Reject"),
        Binding("g", "regenerate", "Regen"),
        Binding("c", "category", "Category"),
        Binding("w", "wrap_up", "Wrap-up"),
        Binding("ctrl+o", "sessions", "Sessions"),
        Binding("h", "handover", "Brief"),
        Binding("o", "open_card", "Card"),
        Binding("ctrl+n", "new_contact", "New"),
        Binding("i", "type", "Type"),
        Binding("escape", "type", "Type", show=False),
        Binding("ctrl+t", "toggle_role", "Role", priority=True),
        *(Binding(str(n), f"open_card({n})", show=False) for n in range(1, 10)),
    ]
    app: CopilotApp

    def __init__(self, contact: Contact, *, latency_format=format_latency, command_mode=False):
        super().__init__()
        self.contact = contact
        self.latency_format = latency_format
        self.start_in_command_mode = command_mode
        self.latest_suggestion = 0  # newest op that will bring a suggestion
        self.shown = 0  # op whose suggestion is on screen (decisions answer it)
        self.outstanding = 0
        self.deciding = False
        self.unconfirmed: dict[int, TurnView] = {}
        self.turns_seen = 0
        self.bot_phase = False
        self.brief_stale = False
        self.summary: Summary | None = None
        self.summary_edit: str | None = None
        self.indexing_clock = IndexingClock()
        self.triggered: dict[int, float] = {}
        """perf_counter() when each op that brings a suggestion was asked for."""

    # ----------------------------------------------------------------- layout
    def compose(self) -> ComposeResult:
        with Grid(id="body"):
            with Vertical(id="conversation-column"):
                yield HandoverPanel(id="handover")
                yield Conversation(id="conversation")
                yield TurnEntry(id="entry")
            with Vertical(id="suggestion-column"):
                yield RoutePanel(id="route")
                yield DraftPanel(id="draft")
            with Vertical(id="reference-column"):
                yield CardsPanel(id="cards")
                yield ActionsPanel(id="actions")
        yield StatusBar(self.latency_format, id="status")
        yield KeyFooter()

    def on_mount(self) -> None:
        for selector, title in [
            ("#conversation-column", "Conversation"),
            ("#route", "Route"),
            ("#draft", "Draft"),
            ("#cards", "Knowledge cards"),
            ("#actions", "Next actions"),
            ("#handover", "Hand-over brief"),
        ]:
            self.query_one(selector).border_title = title
        self.query_one(HandoverPanel).display = False
        self.query_one(RoutePanel).show(None)
        sessions = self.contact.factory
        if isinstance(sessions, ConfiguredSessions):  # a first run indexes the sample: say so
            sessions.progress = self._post_indexing
        self._submit("open")
        opening = "opening the knowledge base (the first run indexes the sample)…"
        self.status.set(contact=self.contact.thread_id or "new", busy=opening)
        self.draft.placeholder(f"{opening[0].upper()}{opening[1:]}")
        if self.start_in_command_mode:
            self.query_one("#draft-scroll").focus()
        else:
            self.entry.input.focus()

    @property
    def status(self) -> StatusBar:
        return self.query_one(StatusBar)

    @property
    def entry(self) -> TurnEntry:
        return self.query_one(TurnEntry)

    @property
    def draft(self) -> DraftPanel:
        return self.query_one(DraftPanel)

    # ---------------------------------------------------------------- workers
    def _submit(self, kind, **fields) -> Op:  # type: ignore[no-untyped-def]
        op = self.contact.submit(kind, **fields)
        self.outstanding += 1
        if kind in ("customer", "correct") or (
            kind == "decide" and fields["decision"].kind == "regenerate"
        ):
            self.latest_suggestion = op.seq
            self.triggered[op.seq] = time.perf_counter()
        self.status.set(busy="working…")
        self.run_agent()
        return op

    @work(thread=True, exclusive=True, exit_on_error=False, group="agent")
    def run_agent(self) -> None:
        worker = get_current_worker()
        self.contact.drain(self._call, stop=lambda: worker.is_cancelled)

    def _call(self, op: Op) -> None:
        """One session call, in the worker thread; the result goes back as a message."""

        tokens = TokenBatch(lambda: self.post_message(DraftStreamed(op, tokens)))
        try:
            result = self.contact.run(op, on_token=tokens.add)
        except Exception as exc:  # every failure is reported; none may kill the UI
            self.post_message(AgentFailed(op, describe_error(exc), error_severity(exc)))
            return
        if op.kind == "open":
            # Full collections over everything the KB and model loaded stall the UI thread
            # for 100+ ms mid-turn; freezing those long-lived objects takes them off the scan.
            gc.collect()
            gc.freeze()
            transcript, pending = result
            self.post_message(ContactOpened(op, self.contact.thread_id or "", transcript, pending))
        elif isinstance(result, Suggestion):
            self.post_message(SuggestionReady(op, result))
        elif op.kind == "decide":
            self.post_message(DecisionRecorded(op))
        elif op.kind == "handover":
            self.post_message(HandoverReady(op, result))
        elif op.kind == "summary":
            self.post_message(SummaryReady(op, result))
        else:
            self.post_message(TurnRecorded(op))

    def _done(self, op: Op, failed: bool = False) -> None:
        """Calls run in order: everything up to `op` is settled."""
        self.outstanding = max(0, self.outstanding - op.merged)
        for seq in [s for s in self.unconfirmed if s <= op.seq]:
            view = self.unconfirmed.pop(seq)
            if failed:
                view.mark_failed()
        if not self.outstanding:
            self.status.set(busy="")

    # ------------------------------------------------------------------ turns
    @on(TurnEntry.Submitted)
    def _typed(self, event: TurnEntry.Submitted) -> None:
        self.take_turn(event.role, event.text)

    @on(TurnArrived)
    def _fed(self, event: TurnArrived) -> None:
        self.take_turn(event.role, event.text)

    @on(FeedNotice)
    def _feed_notice(self, event: FeedNotice) -> None:
        self.notify(
            event.text, title=event.source, severity="error" if event.error else "information"
        )

    def take_turn(self, role: str, text: str) -> None:
        if self.turns_seen == 0 and role == "bot":
            self.bot_phase = True
        self.turns_seen += 1
        if role == "advisor":
            self._advisor_took_over()
        view = self.query_one(Conversation).add_turn(role, text)
        if role == "customer":
            op = self._submit("customer", text=text)
            self.draft.begin("drafting…")
            self.brief_stale = self.brief_stale or self.bot_phase
        else:
            op = self._submit("turn", role=role, text=text)
            if role == "bot" and self.brief_stale:
                self._request_brief()
        self.unconfirmed[op.seq] = view

    def _advisor_took_over(self) -> None:
        """The advisor spoke: a contact the bot handled so far is now theirs."""
        if self.bot_phase:
            self.bot_phase = False
            if self.brief_stale:
                self._request_brief()

    def _request_brief(self) -> None:
        self.brief_stale = False
        self._submit("handover")

    # ---------------------------------------------------------------- results
    @on(ContactOpened)
    def _opened(self, event: ContactOpened) -> None:
        self._done(event.op)
        if self.draft.suggestion is None:
            self.draft.placeholder("Suggestions appear here.")
        session = self.contact.session
        assert session is not None
        kb = getattr(session.retriever, "kb", None)
        generation = kb.manifest.get("generation", "?") if kb else None
        self.status.set(
            engine=session.engine.model or session.engine.name,
            kb=f"{kb.name} g{generation}" if kb else "none",
            contact=event.thread_id,
        )
        self._show_recording()
        if event.transcript:
            conversation = self.query_one(Conversation)
            views = [TurnView(t["role"], t["text"]) for t in event.transcript]
            if conversation.children:
                conversation.mount_all(views, before=0)
            else:
                conversation.mount_all(views)
            conversation.scroll_end(animate=False)
            self.turns_seen += len(views)
        if event.pending and self.latest_suggestion <= event.op.seq:
            self._show(event.op, event.pending)
            self.notify(f"Contact {event.thread_id} resumed: a draft waits for your decision.")

    def _post_indexing(self, done: int, total: int) -> None:
        """From the indexer, in the worker thread."""
        self.post_message(IndexingProgress(done, total, time.perf_counter()))

    @on(IndexingProgress)
    def _indexing(self, event: IndexingProgress) -> None:
        if self.contact.session is not None:
            return
        text = self.indexing_clock.describe(event.done, event.total, event.at)
        self.status.set(busy=text)
        if self.draft.suggestion is None:
            waits = " The replay starts when it is ready." if self.start_in_command_mode else ""
            self.draft.placeholder(f"{text[0].upper()}{text[1:]} (first run only).{waits}")

    def _show_recording(self) -> None:
        """A store that could not be opened: visible on every contact, announced once."""
        sessions = self.contact.factory
        if not isinstance(sessions, ConfiguredSessions) or sessions.not_recording is None:
            return
        self.status.set(recording="not recording")
        if notice := sessions.announce_not_recording():
            self.notify(notice, title="Records", severity="warning", timeout=20)

    @on(DraftStreamed)
    def _streamed(self, event: DraftStreamed) -> None:
        text = event.tokens.take()
        if text and event.op.seq == self.latest_suggestion:
            self.draft.stream(text)

    @on(SuggestionReady)
    def _suggested(self, event: SuggestionReady) -> None:
        self._done(event.op)
        if event.op.kind == "decide":
            self.deciding = False
            self.query_one(Conversation).add_note(
                "↻ regenerated"
                + (
                    f": {event.op.decision.instruction}"
                    if event.op.decision and event.op.decision.instruction
                    else ""
                )
            )
        if event.op.seq >= self.latest_suggestion:
            self._show(event.op, event.suggestion)

    def _show(self, op: Op, suggestion: Suggestion) -> None:
        self.shown = op.seq
        if self.draft.show(suggestion):
            self.notify("New suggestion: your edited text is kept in the editor.", timeout=4)
        self.query_one(RoutePanel).show(suggestion.route, suggestion.injection)
        # latency: from the trigger (the customer's turn, the regenerate or the correction) to
        # the suggestion on screen; a resumed contact's draft has only the graph's own figure
        triggered = self.triggered.pop(op.seq, None)
        for seq in [s for s in self.triggered if s < op.seq]:
            del self.triggered[seq]  # overtaken: never shown
        shown_after = (time.perf_counter() - triggered) * 1000 if triggered else None
        self.status.latency(suggestion.latency_ms if shown_after is None else shown_after)
        self.status.set(pii=str(suggestion.pii_redacted))
        # The reference column is drawn a frame later: two short redraws instead of one long
        # one, so a keystroke never waits behind the whole suggestion.
        self.set_timer(REFERENCE_DELAY_S, lambda: self._show_reference(suggestion))

    def _show_reference(self, suggestion: Suggestion) -> None:
        if self.draft.suggestion is suggestion:  # not already replaced by a newer one
            self.query_one(CardsPanel).show(suggestion.cards)
            self.query_one(ActionsPanel).show(suggestion.actions, suggestion.action_catalogue)

    @on(DecisionRecorded)
    def _decided(self, event: DecisionRecorded) -> None:
        self._done(event.op)
        self.deciding = False
        decision = event.op.decision
        assert decision is not None
        detail = decision.reason or ""
        answered = self.draft.suggestion if self.shown == event.op.target else None
        notes = {
            "accept": "✓ draft accepted",
            "edit": "✎ edited draft sent",
            "reject": f"✗ draft rejected: {detail}",
        }
        conversation = self.query_one(Conversation)
        conversation.add_note(notes.get(decision.kind, decision.kind))
        # What was sent is the advisor's turn: the graph adds it to the transcript, which is
        # what a resumed contact shows, so it appears once either way.
        # a briefing prepares the advisor and is never sent, as in the graph's review node
        reply = answered is None or answered.draft.mode == "reply"
        sent = decision.text if decision.kind == "edit" and reply else None
        if decision.kind == "accept" and answered is not None and reply:
            sent = answered.draft.text
        if sent:
            sent = customer_text(sent)
        if event.op.seq and answered is not None:  # an edit shows what the customer received
            self.draft.mark(decision.kind, detail, sent if decision.kind == "edit" else None)
        if sent:
            self.turns_seen += 1
            self._advisor_took_over()
            conversation.add_turn("advisor", sent)

    @on(TurnRecorded)
    def _recorded(self, event: TurnRecorded) -> None:
        self._done(event.op)

    @on(HandoverReady)
    def _brief(self, event: HandoverReady) -> None:
        self._done(event.op)
        self.query_one(HandoverPanel).show(event.brief)

    @on(SummaryReady)
    def _summary(self, event: SummaryReady) -> None:
        self._done(event.op)
        self.summary = event.summary
        text = summary_text(event.summary, self.query_one(ActionsPanel).confirmed())
        self.app.push_screen(SummaryScreen(text), self._summary_closed)

    @on(AgentFailed)
    def _failed(self, event: AgentFailed) -> None:
        op = event.op
        self._done(op, failed=True)
        severity = event.severity
        if op.kind in ("customer", "turn"):
            if not self.entry.input.value.strip():
                self.entry.role = op.role or "customer"
            self.entry.restore(" ".join(op.text.split()))
            message = f"{event.error}\nYour text is back in the input line."
        else:
            message = event.error
        if op.kind == "decide":
            self.deciding = False
            if self.draft.suggestion and op.decision and op.decision.kind == "regenerate":
                self.draft.show(self.draft.suggestion)
        if op.seq == self.latest_suggestion:
            self.draft.border_subtitle = "failed"
        if op.kind == "open":
            self.status.set(engine="not open", kb="–")
        self.notify(message, title="Copilot", severity=severity, timeout=12)

    # ---------------------------------------------------------------- actions
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in COMMAND_MODE:
            return not isinstance(self.focused, Input | TextArea)
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    @property
    def typing(self) -> bool:
        return isinstance(self.focused, Input | TextArea)

    @property
    def contact_open(self) -> bool:
        """Something was said or is on its way: leaving needs a confirmation."""
        return self.turns_seen > 0 or self.outstanding > 0

    def on_key(self, event: events.Key) -> None:
        """A printable key that is no command while no text field has the focus starts a turn in
        the input line: typing never vanishes, and never runs as a command it is not."""
        if not event.is_printable or event.character is None or self.app.screen is not self:
            return
        if not self.typing:
            binding = self.active_bindings.get(event.key)
            if binding is not None and binding.enabled:
                return
            # set_focus at once (focus() waits a frame) so the rest of the burst follows
            self.set_focus(self.entry.input)
        # A text field stops the keys it types, so a key that reaches the screen while one has
        # the focus was sent in the same burst as the one that moved the focus, to the widget
        # focused before: it belongs to the text field now.
        event.stop()
        event.prevent_default()
        type_into(self.focused, event.character)

    def refuse(self, message: str, edit: bool = False) -> None:
        """An action that cannot run now: say why, and put the advisor back where text goes, so
        the next keys are typed, not run: the draft editor when the draft needs an `edit` (with
        the advisor's edit intact), else the input line (with what was typed there)."""
        self.notify(message, severity="warning")
        if edit:
            self.draft.start_edit()
        elif not self.typing:
            self.set_focus(self.entry.input)

    @on(CardsPanel.Opened)
    def _open_card(self, event: CardsPanel.Opened) -> None:
        self.app.push_screen(CardScreen(event.card))

    @on(SummarySaved)
    def _saved(self, event: SummarySaved) -> None:
        if event.error:
            self.notify(
                f"{event.error}\nYour summary is kept: press w to retry.",
                title="Wrap-up",
                severity="error",
                timeout=12,
            )
            return
        self.notify(f"Summary approved and saved to {event.path}", title="Wrap-up")
        self.query_one(Conversation).add_note("✓ wrap-up summary approved")

    def action_sessions(self) -> None:
        self.app.action_sessions()

    def action_new_contact(self) -> None:
        if not self.contact_open:
            self.app.open_contact(None)
            return
        self.app.push_screen(
            ConfirmScreen(
                "New contact",
                f"Leave contact {self.contact.thread_id} for a new one? It is kept: ctrl+o lists "
                "it to resume.",
                "new contact",
                again="ctrl+n",
            ),
            lambda yes: self.app.open_contact(None) if yes else None,
        )

    def action_type(self) -> None:
        self.entry.input.focus()

    def action_command_mode(self) -> None:
        self.query_one("#draft-scroll").focus()

    def action_stop_edit(self) -> None:
        self.draft.stop_edit()

    def action_toggle_role(self) -> None:
        self.entry.toggle_role()
        self.entry.input.focus()
