"""One contact as the workspace drives it: the session's calls in order, one at a time.

`CopilotSession` is synchronous and not thread-safe, while the screen runs its calls in thread
workers that a newer turn cancels. So the screen never calls the session itself: it submits an
`Op` to the contact's inbox and starts a worker that drains the inbox under a lock. A cancelled
worker stops after its current call and the next worker carries on with what is queued, so no
turn is dropped and turns reach the session in the order they were said. Customer turns still
queued behind one another are merged into one turn: only the newest suggestion matters.
"""

from __future__ import annotations

import itertools
import sqlite3
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from copilot.config import Settings
from copilot.engines.base import TokenCallback
from copilot.errors import CopilotError, DraftNotSendable, EngineError, NothingToDecide
from copilot.session import CopilotSession
from copilot.state import Decision

if TYPE_CHECKING:  # imported when the first contact opens: it loads the KB and the models
    from copilot.assembly import Copilot

SessionFactory = Callable[[str | None], CopilotSession]
"""Builds the session of a contact: a thread id resumes it, None starts a new one."""

OpKind = Literal["open", "customer", "turn", "decide", "correct", "handover", "summary"]
PRODUCES_SUGGESTION = frozenset({"customer", "correct", "decide"})


@dataclass(frozen=True)
class Op:
    """One call to make on the session, numbered in the order the advisor asked for it."""

    seq: int
    kind: OpKind
    role: str = ""
    text: str = ""
    decision: Decision | None = None
    target: int = 0
    """For a decision: the op whose suggestion it answers."""
    category: str | None = None
    merged: int = 1
    """How many queued customer turns this one stands for."""


class TokenBatch:
    """Draft tokens on their way from a worker to the screen, however fast they come.

    The worker `add`s every token; only the first token after the screen last `take`s them
    sends a message, so at most one is queued and the screen gets everything streamed so far
    in one piece instead of one message (and one wake-up of the UI thread) per token.
    """

    def __init__(self, announce: Callable[[], object]) -> None:
        self._announce = announce
        self._pieces: list[str] = []
        self._announced = False
        self._lock = threading.Lock()

    def add(self, piece: str) -> None:
        with self._lock:
            self._pieces.append(piece)
            if self._announced:
                return
            self._announced = True
        self._announce()

    def take(self) -> str:
        with self._lock:
            text = "".join(self._pieces)
            self._pieces.clear()
            self._announced = False
        return text


class StaleDecision(CopilotError):
    """The suggestion a decision answers was replaced by a newer one."""


class Contact:
    """The inbox, the lock and the session of one contact."""

    def __init__(self, factory: SessionFactory, thread_id: str | None = None):
        self.factory = factory
        self.requested_thread = thread_id
        self.session: CopilotSession | None = None
        self.pending_seq = 0
        """The op whose suggestion waits for a decision in the session (0: none)."""
        self.drafted_seq = 0
        """The op whose suggestion came last, decided or not (a rejected one can be redrafted)."""
        self._inbox: deque[Op] = deque()
        self._lock = threading.Lock()
        self._numbers = itertools.count(1)

    @property
    def thread_id(self) -> str | None:
        return self.session.thread_id if self.session else self.requested_thread

    def submit(self, kind: OpKind, **fields: Any) -> Op:
        """Queue a call (UI thread). deque.append is atomic, so no lock is needed here."""
        op = Op(next(self._numbers), kind, **fields)
        self._inbox.append(op)
        return op

    def queued(self) -> int:
        return len(self._inbox)

    def drain(self, run: Callable[[Op], None], stop: Callable[[], bool]) -> None:
        """Run queued ops in order until the inbox is empty or `stop()` (worker thread)."""
        with self._lock:
            while self._inbox and not stop():
                run(self._next())

    def _next(self) -> Op:
        op = self._inbox.popleft()
        if op.kind != "customer":
            return op
        while self._inbox and self._inbox[0].kind == "customer":
            later = self._inbox.popleft()
            op = replace(later, text=f"{op.text}\n{later.text}", merged=op.merged + later.merged)
        return op

    def run(self, op: Op, on_token: TokenCallback | None = None) -> Any:
        """Make the call (worker thread, under the drain lock) and return its result."""
        if op.kind == "open" or self.session is None:
            self.session = self.factory(self.requested_thread)
            self.requested_thread = self.session.thread_id
            if op.kind == "open":
                pending = self.session.pending()
                self.pending_seq = self.drafted_seq = op.seq if pending else 0
                return self.session.transcript(), pending
        session = self.session
        if op.kind == "customer":
            result = session.customer_turn(op.text, on_token=on_token)
        elif op.kind == "turn":
            session.add_turn(op.role, op.text)
            result = None
        elif op.kind == "correct":
            assert op.category is not None
            result = session.correct_category(op.category, on_token=on_token)
        elif op.kind == "decide":
            assert op.decision is not None
            redraft = op.decision.kind == "regenerate" and not self.pending_seq
            if op.target != (self.drafted_seq if redraft else self.pending_seq):
                raise StaleDecision("a newer suggestion replaced that draft: decide on the new one")
            result = session.decide(op.decision, on_token=on_token)
        elif op.kind == "handover":
            return session.handover()
        elif op.kind == "summary":
            return session.summary()
        else:  # pragma: no cover - OpKind is closed
            raise ValueError(op.kind)
        self.pending_seq = op.seq if result is not None else 0
        if result is not None:
            self.drafted_seq = op.seq
        return result


class ConfiguredSessions:
    """Sessions over the configured KB, engine and checkpointer, opened once on first use.

    Opening reads the KB (and indexes the bundled sample on first use) and loads the embedding
    model: seconds, so it runs in the contact's worker like every other call. A record store
    that cannot be opened (corrupt file, server down) does not stop the advisor: contacts go
    on without records, `not_recording` says why, and the workspace says so once.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.not_recording: str | None = None
        """Why nothing is recorded (None: every contact is on record)."""
        self._announced = False
        self.progress: Callable[[int, int], None] | None = None
        """Told (done, total) as the sample knowledge base is indexed on a first run."""
        self._copilot: Copilot | None = None
        self._lock = threading.Lock()

    def _open(self) -> Copilot:
        from copilot.assembly import Copilot

        copilot = Copilot.open(self.settings, progress=self.progress)
        self.not_recording = copilot.not_recording
        return copilot

    def __call__(self, thread_id: str | None) -> CopilotSession:
        with self._lock:
            if self._copilot is None:  # all parts or none: a failure leaves nothing half-open
                self._copilot = self._open()
            copilot = self._copilot
        return copilot.session(thread_id)

    def announce_not_recording(self) -> str | None:
        """The notice to show, the first time only."""
        if self.not_recording is None or self._announced:
            return None
        self._announced = True
        return (
            f"{self.not_recording}. The workspace keeps working, but nothing is recorded "
            "(not recording) until it is restarted with a working store."
        )


def default_session_factory(settings: Settings) -> SessionFactory:
    return ConfiguredSessions(settings)


def summaries_dir(settings: Settings) -> Path:
    return settings.data_dir / "summaries"


SQLITE_BUSY_CODES = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})


def describe_error(exc: BaseException) -> str:
    """One notification saying what went wrong and what the advisor can do about it, chosen by
    the error's type (and SQLite's own error code), never by its wording."""
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if isinstance(exc, EngineError):
        return (
            f"The model did not answer: {first}. Check the endpoint (COPILOT_LLM_BASE_URL) "
            "and retry, or restart with --engine offline."
        )
    if isinstance(exc, sqlite3.Error) and getattr(exc, "sqlite_errorcode", None) in (
        SQLITE_BUSY_CODES
    ):
        return "The contact database is locked by another program: close it (or wait) and retry."
    if isinstance(exc, sqlite3.Error):
        return f"The contact database failed: {first}. Check the disk and COPILOT_DATA_DIR."
    if isinstance(exc, CopilotError):
        return first
    return f"{type(exc).__name__}: {first}"


def error_severity(exc: BaseException) -> str:
    """ "warning" for a request the advisor can simply redo (the draft moved on, nothing waits,
    the draft needs an edit); "error" for a failure."""
    return (
        "warning"
        if isinstance(exc, StaleDecision | NothingToDecide | DraftNotSendable)
        else "error"
    )
