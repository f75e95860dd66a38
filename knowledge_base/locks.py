"""Advisory file locks between processes on this machine, with a bounded wait.

Several processes may start on a fresh data directory at once (ten `copilot assist` runs whose
first use indexes the sample): each takes the lock in turn instead of failing, and a lock held
for longer than the wait allowed becomes one clear error instead of a hang. The kernel drops a
lock when its process dies, so a killed run never leaves one behind.
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from knowledge_base.errors import KnowledgeBaseError

POLL_S = 0.2


@contextmanager
def held_lock(
    path: Path, wait_s: float, busy: str, on_wait: Callable[[], None] | None = None
) -> Iterator[None]:
    """Hold the exclusive lock on `path` for the `with` block.

    When another process holds it, `on_wait` is called once and the lock is retried until
    `wait_s` seconds have passed; then a `KnowledgeBaseError` says `busy` and how long it waited.
    """
    with open(path, "a") as handle:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError as exc:
                if time.monotonic() >= deadline:
                    raise KnowledgeBaseError(
                        f"{busy} (waited {wait_s:g} s; set COPILOT_INDEX_WAIT_S to wait longer)"
                    ) from exc
                if on_wait is not None:
                    on_wait()
                    on_wait = None
                time.sleep(POLL_S)
        yield
