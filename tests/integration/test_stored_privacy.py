"""Privacy holds after the advisor acts: nothing stored holds a raw customer value.

A scripted contact gives a name, a card, an IBAN and a phone number; the advisor types them
again in an edit, a regenerate instruction, a reason and a turn, wraps up (approving a summary
that names the customer), asks for the hand-over brief, a supervisor reviews (a note, a proposed
KB change), and the feedback and the KB fixes are exported. Then every table of the record
database (SQLite, and PostgreSQL for real) and both exports are scanned for the raw values, as
typed and digits only.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from langgraph.checkpoint.memory import InMemorySaver

from copilot.assembly import Copilot
from copilot.checkpoints import open_checkpointer
from copilot.cli import cli
from copilot.cli import records as _records  # noqa: F401  (registers commands)
from copilot.config import Settings
from copilot.engines.offline import OfflineEngine
from copilot.retrieval.search import Retriever
from copilot.session import CopilotSession
from copilot.state import Decision
from copilot.store import open_store
from tests.agent_fakes import ACTIONS, MACRO, KeywordUnderstanding, tiny_kb
from tui.review_fixes import kb_fixes, write_kb_fixes

NAME, FIRST, SURNAME = "Paul Martin", "Paul", "Martin"
CARD = "5312 4512 3456 7896"
IBAN = "FR76 3000 6000 0112 3456 7890 189"
PHONE = "06 12 34 56 78"


def raw_values_in(text: str) -> list[str]:
    """The customer's values found in `text`: as typed, digits only, or a name part alone."""
    found = [v for v in (NAME, CARD, IBAN, PHONE) if v in text]
    digits = re.sub(r"\D", "", text)
    found += [f"digits of {v}" for v in (CARD, IBAN, PHONE) if re.sub(r"\D", "", v) in digits]
    found += [w for w in (FIRST, SURNAME) if re.search(rf"\b{w}\b", text, re.IGNORECASE)]
    return found


def every_cell(settings: Settings) -> dict[str, list[str]]:
    """Each table of the record database, its cells as text (read around the store)."""
    url = settings.database_url
    if url:
        import psycopg

        conn: Any = psycopg.connect(url, autocommit=True)
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            ).fetchall()
        ]
    else:
        cells: dict[str, list[str]] = {}
        for db in ("records.sqlite", "contacts.sqlite"):  # the records and the saved contacts
            conn = sqlite3.connect(settings.data_dir / db)
            names = [
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            ]
            cells |= {t: cells_of(conn, t) for t in names}
            conn.close()
        return cells
    cells = {t: cells_of(conn, t) for t in tables}
    conn.close()
    return cells


def cells_of(conn: Any, table: str) -> list[str]:
    """A table's cells as text; blobs read as Latin-1, so a plain-text value in one shows."""
    return [
        c.decode("latin-1") if isinstance(c, bytes | memoryview) else str(c)
        for row in conn.execute(f'SELECT * FROM "{table}"').fetchall()
        for c in (bytes(x) if isinstance(x, memoryview) else x for x in row)
    ]


def test_no_raw_customer_value_is_stored_or_exported(
    settings_for: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    retriever: Retriever = tiny_kb(tmp_path / "kb", settings_for)
    store = open_store(settings_for)
    session = Copilot(
        OfflineEngine(KeywordUnderstanding(), macros=[MACRO]),
        retriever,
        open_checkpointer(settings_for) if settings_for.database_url is None else InMemorySaver(),
        actions=ACTIONS,
        store=store,
        advisor="alice",
    ).session("call-1")
    shown = session.customer_turn(f"Hello, my name is {NAME}. Why this late fee?")
    assert NAME in shown.draft.text  # the advisor sees the real name...
    session.decide(
        Decision(
            kind="edit",
            text=f"Dear {NAME}, a late fee of €5 applies [1]. Refund to card {CARD}, "
            f"we will call {PHONE.replace(' ', '')}.",
        )
    )
    session.customer_turn(f"My card is {CARD}, IBAN {IBAN}, call me on {PHONE}")
    session.decide(
        Decision(kind="regenerate", instruction=f"mention that {NAME}'s refund goes to {CARD}")
    )
    session.decide(Decision(kind="reject", reason=f"Mr {SURNAME} wants a call on {PHONE}"))
    session.add_turn("advisor", f"Thanks {FIRST}, I will call you on {PHONE}.")
    session.customer_turn("and the late fee cap?")
    session.decide(Decision(kind="accept"))
    summary = session.summary()
    assert f"name: {NAME}" in summary.key_facts  # ...everywhere in the workspace
    edited = summary.model_copy(
        update={"commitments": [f"call {NAME} back on {PHONE} about card {CARD}"]}
    )
    session.approve_summary(edited)
    brief = session.handover()  # identifiers stay placeholders until the advisor reveals one
    assert CARD not in brief.identifiers
    assert CARD in [session.reveal(p) for p in brief.identifiers]
    rows = store.suggestions()
    store.record_review(rows[0]["id"], "sam", "coaching needed", f"card {CARD} read back")
    fix = {"chunk_id": rows[1]["citations"][0]["chunk_id"], "change": f"IBANs like {IBAN}"}
    store.record_review(rows[1]["id"], "sam", "policy gap", f"called {PHONE}", fix)
    write_kb_fixes(tmp_path / "kb-fixes.jsonl", kb_fixes(store.suggestions()))
    assert store.verify().ok
    store.close()

    monkeypatch.setenv("COPILOT_DATABASE_URL", settings_for.database_url or "")
    out = tmp_path / "feedback.jsonl"
    result = CliRunner().invoke(cli, ["eval", "export-feedback", str(out)])
    assert result.exit_code == 0, result.output
    exported = out.read_text(encoding="utf-8")

    cells = every_cell(settings_for)
    found = {t: raw_values_in("\n".join(c)) for t, c in cells.items()}
    found["export-feedback"] = raw_values_in(exported)
    found["kb-fixes export"] = raw_values_in((tmp_path / "kb-fixes.jsonl").read_text())
    rows_read = {t: len(c) for t, c in cells.items()}
    print(f"scanned {len(cells)} tables (cells: {rows_read}) and 2 exports: {found}")  # -s shows
    assert {where: v for where, v in found.items() if v} == {}
    # the scan read real rows, with the advisor's words under the contact's placeholders
    assert {"turns", "suggestions", "decisions", "summaries", "reviews"} <= set(cells)
    if settings_for.database_url is None:  # the saved contact was scanned too
        assert {"checkpoints", "writes"} <= set(cells)
    assert sum(len(c) for c in cells.values()) > 100
    assert json.loads(exported.splitlines()[0])["final"].startswith("Dear <NAME_1>, a late fee")


def test_placeholders_made_at_wrap_up_are_kept_for_a_resumed_contact(
    settings: Settings, tmp_path: Path
) -> None:
    """A value first typed in the approved summary gets a placeholder that a restarted session
    still knows, so a new value later never reuses its number."""
    retriever = tiny_kb(tmp_path / "kb", settings)
    saver = InMemorySaver()

    def open_contact() -> CopilotSession:
        engine = OfflineEngine(KeywordUnderstanding(), macros=[MACRO])
        return Copilot(engine, retriever, saver, actions=ACTIONS).session("call-2")

    first = open_contact()
    first.customer_turn(f"my name is {NAME}, why this late fee?")
    first.decide(Decision(kind="accept"))
    kept = first.approve_summary(first.summary().model_copy(update={"follow_ups": [PHONE]}))
    assert kept.follow_ups == ["<PHONE_1>"] and f"name: {NAME}" not in kept.key_facts

    again = open_contact()
    again.customer_turn("my other number is 07 99 88 77 66")
    assert again.redactor.mapping == {
        "<NAME_1>": NAME,
        "<PHONE_1>": PHONE,
        "<PHONE_2>": "07 99 88 77 66",
    }
