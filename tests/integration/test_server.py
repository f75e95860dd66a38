"""The copilot under LangGraph Server: `langgraph dev` on 127.0.0.1 serves `langgraph.json`'s graph,
and one contact driven through langgraph-sdk is routed, grounded, drafted, interrupted for the
advisor, decided, and lands in the record store and the audit chain like a workspace contact.

Skipped (with the reason) when the `.[server]` extra is not installed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from copilot.config import Settings
from copilot.store import open_store
from tests.langgraph_server import LangGraphServer, missing_server_extra

pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(missing_server_extra() is not None, reason=str(missing_server_extra())),
]

EMAIL = "anna.berg@example.com"
TURN = f"Hi, I am Anna Berg, {EMAIL}. Why was I charged a late fee?"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("served")


@pytest.fixture(scope="module")
def server(data_dir: Path) -> Iterator[LangGraphServer]:
    running = LangGraphServer(
        {
            "COPILOT_DATA_DIR": str(data_dir),
            "COPILOT_EMBEDDINGS": "hash",
            "COPILOT_ENGINE": "offline",
            "ANONYMIZED_TELEMETRY": "False",
        }
    )
    running.start()
    try:
        yield running
    finally:
        running.stop()


def test_one_contact_through_the_server_is_recorded_and_audited(
    server: LangGraphServer, data_dir: Path
) -> None:
    from langgraph_sdk import get_sync_client

    client = get_sync_client(url=server.url)
    assert [a["graph_id"] for a in client.assistants.search(graph_id="copilot")] == ["copilot"]
    thread = client.threads.create()["thread_id"]
    options = {"advisor": "ana", "cards": 3}

    values = client.runs.wait(
        thread, "copilot", input={"turn": TURN, "role": "customer"}, context=options
    )
    assert values["route"]["intent"] == "late_fee_question", server.log()
    state = client.threads.get_state(thread)
    assert state["next"] == ["review"]  # waiting for the advisor: nothing was sent
    (waiting,) = state["interrupts"]
    shown = waiting["value"]
    assert 1 <= len(shown["cards"]) <= 3
    assert shown["draft"]["mode"] == "reply", shown["route"]
    assert shown["draft"]["citations"]
    assert EMAIL not in str(shown)  # the suggestion carries placeholders, never the value

    after = client.runs.wait(
        thread, "copilot", command={"resume": {"kind": "accept"}}, context=options
    )
    assert after["decision"]["kind"] == "accept"
    assert after["transcript"][-1]["role"] == "advisor"
    assert not client.threads.get_state(thread)["next"]

    store = open_store(Settings(data_dir=data_dir))
    try:
        (recorded,) = store.suggestions()
        assert recorded["advisor"] == "ana" and recorded["decision"]["kind"] == "accept"
        assert recorded["intent"] == "late_fee_question"
        contact = recorded["contact_id"]
        turns = store.conversation(contact)
    finally:
        store.close()
    assert [t["role"] for t in turns] == ["customer", "advisor"]
    assert EMAIL not in turns[0]["text"] and "<EMAIL_1>" in turns[0]["text"]

    audit = subprocess.run(
        [sys.executable, "-m", "copilot", "audit", "verify"],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "COPILOT_DATA_DIR": str(data_dir),
            "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        },
        timeout=120,
    )
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert audit.stdout.startswith("intact")


def test_a_run_without_context_uses_the_served_settings(server: LangGraphServer) -> None:
    """The failure this closes: `Context.__init__() missing ... 'engine' and 'retriever'`."""
    from langgraph_sdk import get_sync_client

    client = get_sync_client(url=server.url)
    thread = client.threads.create()["thread_id"]
    values = client.runs.wait(thread, "copilot", input={"turn": "What is the late fee?"})
    assert values["cards"] and values["draft"]["text"], server.log()
