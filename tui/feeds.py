"""Where turns come from besides the keyboard: a replayed transcript or JSON lines on stdin.

Both produce `FeedTurn`s; the workspace's feed worker posts each one as it arrives. A replay
waits each turn's `delay_s` (divided by the speed factor). Stdin is read without blocking so the
worker can stop when the app quits; the terminal is moved back onto fd 0 for Textual.
"""

from __future__ import annotations

import json
import os
import selectors
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from copilot.errors import FeedError
from copilot.inputs import TURN_SHAPE, is_turn, read_turns
from knowledge_base.errors import CopilotError


@dataclass(frozen=True)
class FeedTurn:
    role: str
    text: str
    delay_s: float = 0.0


def parse_turn(line: str, where: str = "stdin") -> FeedTurn:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise FeedError(f"{where}: invalid JSON ({exc.msg})") from exc
    if not isinstance(data, dict) or not is_turn(data):
        raise FeedError(f"{where}: expected {TURN_SHAPE}")
    return FeedTurn(data["role"], data["text"], _delay(data.get("delay_s", 0)))


def read_replay(path: Path) -> list[FeedTurn]:
    """Every turn of a JSONL transcript (`copilot.inputs.read_turns`, the one transcript
    reader); a bad line is an error before anything is shown."""
    try:
        rows = read_turns(path)
    except CopilotError as exc:
        raise FeedError(str(exc)) from exc
    return [FeedTurn(row["role"], row["text"], _delay(row.get("delay_s", 0))) for _, row in rows]


def _delay(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def read_lines(stream: IO[str] | IO[bytes], stop: Callable[[], bool]) -> Iterator[str]:
    """Lines of a pipe, polling so that `stop()` is honoured within a fraction of a second."""
    fd = stream.fileno()
    selector = selectors.DefaultSelector()
    selector.register(fd, selectors.EVENT_READ)
    buffer = b""
    try:
        while not stop():
            if not selector.select(timeout=0.2):
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                yield line.decode("utf-8", errors="replace")
        if buffer.strip():
            yield buffer.decode("utf-8", errors="replace")
    finally:
        selector.close()


def detach_stdin() -> IO[bytes]:
    """Keep piped stdin as the feed and give fd 0 back to the terminal for the UI."""
    if sys.stdin.isatty():
        raise FeedError("--stdin expects JSON lines piped in: producer | copilot workspace --stdin")
    feed = os.fdopen(os.dup(0), "rb", buffering=0)
    try:
        tty = os.open("/dev/tty", os.O_RDWR)
    except OSError as exc:
        feed.close()
        raise FeedError("--stdin needs a terminal for the workspace (/dev/tty)") from exc
    os.dup2(tty, 0)
    os.close(tty)
    return feed
