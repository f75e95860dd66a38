"""Saved contacts (checkpoints) are encrypted at rest with the contacts key."""

from __future__ import annotations

import sqlite3

import pytest
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph import END, START, StateGraph
from pydantic import SecretStr
from typing_extensions import TypedDict

from copilot.checkpoints import open_checkpointer
from copilot.config import Settings
from copilot.store.database import StoreError


class Turn(TypedDict):
    turn: str


def remember(checkpointer) -> object:  # type: ignore[no-untyped-def]
    builder = StateGraph(Turn)
    builder.add_node("echo", lambda state: {"turn": state["turn"]})
    builder.add_edge(START, "echo")
    builder.add_edge("echo", END)
    return builder.compile(checkpointer=checkpointer)


CONFIG = {"configurable": {"thread_id": "t1"}}
RAW = "my card is 5312 4512 3456 7896, I am Lucie Bernard"


def every_byte(settings: Settings) -> bytes:
    conn = sqlite3.connect(settings.data_dir / "contacts.sqlite")
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    out = b"".join(
        c if isinstance(c, bytes) else str(c).encode()
        for t in tables
        for row in conn.execute(f'SELECT * FROM "{t}"').fetchall()
        for c in row
    )
    conn.close()
    return out


def test_a_saved_contact_is_unreadable_without_the_key_and_resumes_with_it(
    settings: Settings,
) -> None:
    remember(open_checkpointer(settings)).invoke({"turn": RAW}, CONFIG)
    assert b"Bernard" not in every_byte(settings) and b"5312" not in every_byte(settings)
    key = settings.data_dir / "contacts.key"
    assert key.stat().st_mode & 0o777 == 0o600
    again = remember(open_checkpointer(settings))
    assert again.get_state(CONFIG).values["turn"] == RAW  # same key: the advisor resumes


def test_another_key_gives_one_clear_error(settings: Settings) -> None:
    remember(open_checkpointer(settings)).invoke({"turn": RAW}, CONFIG)
    other = settings.model_copy(update={"contacts_key": SecretStr("x" * 40)})
    with pytest.raises(StoreError, match="contacts key"):
        remember(open_checkpointer(other)).get_state(CONFIG)


def test_contacts_saved_before_encryption_still_load(settings: Settings) -> None:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    plain = SqliteSaver(
        sqlite3.connect(settings.data_dir / "contacts.sqlite", check_same_thread=False)
    )
    remember(plain).invoke({"turn": "hello"}, CONFIG)
    assert remember(open_checkpointer(settings)).get_state(CONFIG).values["turn"] == "hello"


def test_a_short_contacts_key_is_refused(settings: Settings) -> None:
    with pytest.raises(StoreError, match="too short"):
        open_checkpointer(settings.model_copy(update={"contacts_key": SecretStr("short")}))
