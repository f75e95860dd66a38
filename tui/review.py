"""The supervisor's workspace (`copilot review`). `make_review_app` builds it for the CLI and tests.

The queue of suggestions opens first; from it the supervisor opens a suggestion's detail (the
conversation, the draft against what was sent, the cited passages) to give a verdict, or the
dashboard of the figures over the queue. The app holds only what outlives a screen: the store,
who reviews, how times are shown, and the verdicts typed but not saved yet, so a note survives a
failed save and leaving the detail screen.

It imports the store and the report, never the agent: the workspace opens in under a second.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from textual.app import App
from textual.binding import Binding

from copilot.config import Settings
from copilot.store import Store
from tui.screens.review_queue import QueueScreen
from tui.screens.review_verdict import VerdictDraft

TimeFormat = Callable[[str], str]


def format_when(iso: str) -> str:
    """'2026-03-02T14:05:09.123+00:00' -> '03-02 14:05' (UTC, as stored)."""
    return iso[5:16].replace("T", " ")


def format_day(day: str) -> str:
    """A period of the dashboard: the day as stored, '2026-03-02'."""
    return day


@dataclass(frozen=True)
class ReviewDisplay:
    """How the clock shows on screen; snapshot tests pass fixed ones."""

    time: TimeFormat = format_when
    day: TimeFormat = format_day


@dataclass
class ReviewState:
    """What the screens share: verdicts typed but not saved yet, by suggestion id."""

    unsaved: dict[str, VerdictDraft] = field(default_factory=dict)


class ReviewApp(App[None]):
    CSS_PATH = ["dialogs.tcss", "review.tcss"]
    TITLE = "Supervisor review"
    BINDINGS = [Binding("ctrl+l", "toggle_theme", "Theme")]

    def __init__(
        self,
        settings: Settings,
        store: Store,
        supervisor: str,
        *,
        display: ReviewDisplay | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.store = store
        self.supervisor = supervisor
        self.display_options = display or ReviewDisplay()
        self.state = ReviewState()
        self.sub_title = supervisor

    def on_mount(self) -> None:
        self.push_screen(
            QueueScreen(
                self.store,
                self.supervisor,
                self.state,
                self.display_options,
                fixes_path=self.settings.data_dir / "kb-fixes.jsonl",
            )
        )

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"


def make_review_app(
    settings: Settings,
    store: Store,
    supervisor: str,
    *,
    display: ReviewDisplay | None = None,
    theme: str | None = None,
) -> ReviewApp:
    """The supervisor's workspace over `store`; verdicts are recorded as `supervisor`."""
    app = ReviewApp(settings, store, supervisor, display=display)
    if theme:
        app.theme = theme
    return app
