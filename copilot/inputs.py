"""The files and streams a user hands to a command, read with one clear error per bad input.

Transcripts, decision files, query files and replays are UTF-8 JSON lines; stdin commands read
one text a line. Whatever is wrong with them (not UTF-8, binary, invalid JSON, not an object)
becomes a `KnowledgeBaseError` naming the file and line, which the command line prints as one
line. A stdin line that is not UTF-8 is skipped and reported, so the rest of a stream still runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from knowledge_base.errors import KnowledgeBaseError

TURN_ROLES = ("customer", "advisor", "bot")


def read_text(path: Path) -> str:
    """The file's text; a UTF-8 byte-order mark is allowed, other encodings are refused."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KnowledgeBaseError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise KnowledgeBaseError(
            f"{path}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save it as UTF-8 JSON lines"
        ) from exc


def numbered_jsonl(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line number, object) for every non-blank line; anything but a JSON object is an error."""
    rows = []
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise KnowledgeBaseError(
                f"{path}:{number}: invalid JSON ({exc.msg}); expected JSON lines, one object a line"
            ) from exc
        if not isinstance(row, dict):
            raise KnowledgeBaseError(f"{path}:{number}: expected a JSON object, not {row!r:.40}")
        rows.append((number, row))
    return rows


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [row for _, row in numbered_jsonl(path)]


def is_turn(row: dict[str, Any]) -> bool:
    return row.get("role") in TURN_ROLES and isinstance(row.get("text"), str)


TURN_SHAPE = '{"role": customer|advisor|bot, "text": ...}'


def read_turns(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line number, turn) of a JSONL transcript; a transcript without turns is an error."""
    rows = numbered_jsonl(path)
    for number, row in rows:
        if not is_turn(row):
            raise KnowledgeBaseError(f"{path}:{number}: expected {TURN_SHAPE}")
    if not rows:
        raise KnowledgeBaseError(f"{path}: no turns (expected one {TURN_SHAPE} a line)")
    return rows


def stdin_lines(stream: IO[bytes]) -> Iterator[tuple[int, str | None]]:
    """(line number, text) of a byte stream; text is None for a line that is not UTF-8."""
    for number, raw in enumerate(stream, start=1):
        try:
            yield number, raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError:
            yield number, None
