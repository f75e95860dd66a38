"""The advisor workspace app. `make_app` builds it for the CLI and for the tests.

The app only chooses which contact is on screen and where turns come from; the workspace
screen does the work. Dependencies arrive through the constructor: the settings, a session
factory (or a prebuilt session), the feed, and how latency and times are displayed.
"""

from __future__ import annotations

import gc
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from textual import on, work
from textual.app import App
from textual.binding import Binding
from textual.worker import get_current_worker

from copilot.config import Settings
from copilot.session import CopilotSession
from tui.contact import Contact, SessionFactory, default_session_factory, summaries_dir
from tui.feeds import FeedError, FeedTurn, parse_turn, read_lines
from tui.messages import ContactOpened, FeedNotice, TurnArrived
from tui.screens.dialogs import ConfirmScreen
from tui.screens.sessions import SessionsScreen, TimeFormat, format_time
from tui.screens.workspace import WorkspaceScreen
from tui.widgets.status import LatencyFormat, format_latency

KEPT_CONTACTS = 8
"""Contacts whose screens stay in memory for switching back."""


@dataclass(frozen=True)
class Display:
    """How changing numbers are shown; snapshot tests pass fixed ones."""

    latency: LatencyFormat = format_latency
    time: TimeFormat = format_time


class CopilotApp(App[None]):
    CSS_PATH = ["workspace.tcss", "dialogs.tcss", "sessions.tcss"]
    TITLE = "Advisor copilot"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("ctrl+l", "toggle_theme", "Theme"),
        # the footer shows this key apart, on the right: every action is listed behind it
        Binding("ctrl+p", "command_palette", "More", show=False, priority=True),
    ]

    def __init__(
        self,
        settings: Settings,
        factory: SessionFactory,
        *,
        thread_id: str | None = None,
        replay: list[FeedTurn] | None = None,
        replay_speed: float = 1.0,
        feed: IO[bytes] | None = None,
        display: Display | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.factory = factory
        self.first_thread = thread_id
        self.replay = replay
        self.replay_speed = max(replay_speed, 0.01)
        self.feed = feed
        self.display_options = display or Display()
        self.workspace: WorkspaceScreen | None = None
        self._recent: list[str] = []
        self._confirming_quit = False
        self._replay_started = False

    @property
    def summaries(self) -> Path:
        return summaries_dir(self.settings)

    def on_mount(self) -> None:
        self.open_contact(self.first_thread)
        if self.feed is not None:  # live turns queue in order while the KB opens
            self.listen(self.feed)

    @on(ContactOpened)
    def _start_replay(self) -> None:
        """A replay starts once the first contact is open (on a first run, once the sample KB
        is indexed), so every turn of it gets its suggestion as it is said."""
        if self.replay and not self._replay_started:
            self._replay_started = True
            self.play(self.replay)

    def on_unmount(self) -> None:
        gc.unfreeze()  # the workspace froze what the KB and model loaded; give it back

    def open_contact(self, thread_id: str | None) -> None:
        """Show a contact: resume `thread_id`, or start a new one.

        Each contact's screen stays installed while the advisor works elsewhere, so switching
        back finds the typed line, an unsent edit and the summary draft where they were left.
        """
        thread_id = thread_id or uuid.uuid4().hex[:12]
        name = f"contact:{thread_id}"
        if not self.is_screen_installed(name):
            screen = WorkspaceScreen(
                Contact(self.factory, thread_id),
                latency_format=self.display_options.latency,
                command_mode=bool(self.replay or self.feed),
            )
            self.install_screen(screen, name)
            self._forget_old_contacts(keep=name)
        screen = self.get_screen(name, WorkspaceScreen)
        if self.workspace is screen:
            return
        if self.workspace is None:
            self.push_screen(screen)
        else:
            self.workers.cancel_group(self, "replay")  # a replay belongs to its first contact
            self.switch_screen(screen)
        self.workspace = screen
        self._recent = [n for n in self._recent if n != name] + [name]

    def _forget_old_contacts(self, keep: str) -> None:
        """Keep the screens of the last few contacts; older ones reopen from the checkpointer."""
        stale = [n for n in self._recent if n != keep and self.get_screen(n) is not self.workspace]
        while len(self._recent) >= KEPT_CONTACTS and stale:
            oldest = stale.pop(0)
            self._recent.remove(oldest)
            self.uninstall_screen(oldest)

    def _checkpointer(self) -> Any:
        contact = self.workspace.contact if self.workspace else None
        if contact and contact.session is not None:
            return contact.session.graph.checkpointer
        from copilot.checkpoints import open_checkpointer

        return open_checkpointer(self.settings)

    def action_sessions(self) -> None:
        current = self.workspace.contact.thread_id if self.workspace else None
        self.push_screen(
            SessionsScreen(self._checkpointer, self.summaries, current, self.display_options.time),
            self._picked,
        )

    def _picked(self, thread_id: str | None) -> None:
        if thread_id is None:
            return
        self.open_contact(thread_id or None)

    async def action_quit(self) -> None:
        """Quit; while a contact is open, after a confirmation (ctrl+q twice quits at once)."""
        workspace = self.workspace
        if self._confirming_quit or workspace is None or not workspace.contact_open:
            self.exit()
            return
        self._confirming_quit = True
        thread = workspace.contact.thread_id
        self.push_screen(
            ConfirmScreen(
                "Quit",
                f"Quit the workspace? Contact {thread} is kept: "
                f"copilot workspace --thread {thread} resumes it.",
                "quit",
            ),
            self._quit_answered,
        )

    def _quit_answered(self, yes: bool | None) -> None:
        self._confirming_quit = False
        if yes:
            self.exit()

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    def _post_turn(self, role: str, text: str, source: str) -> None:
        if self.workspace is not None:
            self.workspace.post_message(TurnArrived(role, text, source))

    @work(thread=True, exclusive=True, exit_on_error=False, group="replay")
    def play(self, turns: list[FeedTurn]) -> None:
        """Replay a transcript with its timing (each turn's delay_s / speed)."""
        worker = get_current_worker()
        for turn in turns:
            if worker.cancelled_event.wait(turn.delay_s / self.replay_speed):
                return
            self._post_turn(turn.role, turn.text, "replay")
        if self.workspace is not None:
            self.workspace.post_message(FeedNotice("Replay", "End of the transcript."))

    @work(thread=True, exclusive=True, exit_on_error=False, group="stdin")
    def listen(self, stream: IO[bytes]) -> None:
        """Turns as JSON lines on stdin, from a telephony or chat platform."""
        worker = get_current_worker()
        lines = read_lines(stream, lambda: worker.is_cancelled)
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                turn = parse_turn(line, f"stdin line {number}")
            except FeedError as exc:
                if self.workspace is not None:
                    self.workspace.post_message(FeedNotice("Feed", str(exc), error=True))
                continue
            self._post_turn(turn.role, turn.text, "stdin")
        if not worker.is_cancelled and self.workspace is not None:
            self.workspace.post_message(FeedNotice("Feed", "stdin closed: no more turns."))


def _sibling_factory(session: CopilotSession) -> SessionFactory:
    """The prebuilt session first, then new ones from the same copilot (its engine, KB,
    checkpointer, record store and advisor)."""
    handed = False

    def factory(thread_id: str | None) -> CopilotSession:
        nonlocal handed
        if not handed and thread_id in (None, session.thread_id):
            handed = True
            return session
        return session.parts.session(thread_id)

    return factory


def make_app(
    settings: Settings,
    session_factory: Callable[[str | None], CopilotSession] | None = None,
    *,
    session: CopilotSession | None = None,
    thread_id: str | None = None,
    replay: list[FeedTurn] | None = None,
    replay_speed: float = 1.0,
    feed: IO[bytes] | None = None,
    display: Display | None = None,
    theme: str | None = None,
) -> CopilotApp:
    """The workspace app.

    `session_factory(thread_id)` builds a contact's session (default: the configured KB, engine
    and SQLite checkpointer, opened on first use in a worker). A prebuilt `session` is used for
    the first contact, and its parts for any other. `replay` turns are played with their delays
    divided by `replay_speed`; `feed` is a byte stream of JSON-line turns (stdin).
    """
    if session is not None and session_factory is None:
        session_factory = _sibling_factory(session)
        thread_id = thread_id or session.thread_id
    app = CopilotApp(
        settings,
        session_factory or default_session_factory(settings),
        thread_id=thread_id,
        replay=replay,
        replay_speed=replay_speed,
        feed=feed,
        display=display,
    )
    if theme:
        app.theme = theme
    return app
