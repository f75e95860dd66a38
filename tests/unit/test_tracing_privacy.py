"""The proof that personal data never reaches LangSmith: with tracing switched on by its usual
environment variables, a spy LangSmith endpoint on 127.0.0.1 records every request body while a
contact full of PII runs through the graph. The same drive with LangChain's own tracer shows that
the check does catch raw values."""

from __future__ import annotations

import gzip
import json
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from unittest import mock

import langsmith.run_trees as ls_run_trees
import langsmith.utils as ls_utils
import pytest
import zstandard
from langchain_core.callbacks import CallbackManager
from langchain_core.tracers.langchain import LangChainTracer, wait_for_all_tracers
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command
from pydantic import BaseModel

import copilot.session
from copilot import tracing
from copilot.assembly import Copilot
from copilot.config import Settings
from copilot.engines.offline import OfflineEngine
from copilot.retrieval.search import Retriever
from copilot.session import CopilotSession
from copilot.state import Decision
from tests.agent_fakes import ACTIONS, MACRO, KeywordUnderstanding, tiny_kb

CARD = "4970 1012 3456 7893"
IBAN = "FR76 3000 6000 0112 3456 7890 189"
EMAIL = "paul.martin@example.org"
PHONE = "06 12 34 56 78"
NAME = "Paul Martin"
RAW_VALUES = [CARD, IBAN, EMAIL, PHONE, NAME]


@dataclass
class SpyLangSmith:
    """Answers every request with `{}` (so `/info` reports defaults) and keeps the bodies."""

    bodies: list[bytes] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)

    def serve(self) -> ThreadingHTTPServer:
        spy = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                encoding = (self.headers.get("Content-Encoding") or "").lower()
                if encoding == "zstd":
                    body = zstandard.ZstdDecompressor().decompressobj().decompress(body)
                elif encoding == "gzip":
                    body = gzip.decompress(body)
                spy.paths.append(self.path)
                spy.bodies.append(body)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            do_GET = do_POST = do_PATCH = do_PUT = _answer

            def log_message(self, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server

    def everything(self) -> str:
        return b"\n".join(self.bodies).decode("utf-8", errors="replace")


def _forget_langsmith_caches() -> None:
    """LangSmith caches what it read from the environment, and its default client."""
    ls_utils.get_env_var.cache_clear()
    ls_utils.get_tracer_project.cache_clear()
    tracing.private_client.cache_clear()
    tracing._private_tracer.cache_clear()
    ls_run_trees._CLIENT = None


@pytest.fixture
def spy() -> Iterator[SpyLangSmith]:
    """Tracing switched on by the environment, towards the spy."""
    spy = SpyLangSmith()
    server = spy.serve()
    env = {
        "LANGSMITH_TRACING": "true",
        "LANGSMITH_TRACING_V2": "true",  # read first: a developer's `false` must not win
        "LANGSMITH_ENDPOINT": f"http://127.0.0.1:{server.server_address[1]}",
        "LANGSMITH_API_KEY": "fake",
        "LANGSMITH_PROJECT": "privacy-spy",
        "LANGSMITH_DISABLE_RUN_COMPRESSION": "true",
    }
    _forget_langsmith_caches()
    try:
        with mock.patch.dict(os.environ, env):
            yield spy
            clients = [ls_run_trees._CLIENT]
            if tracing.private_client.cache_info().currsize:
                clients.append(tracing.private_client())
            for client in clients:
                if client is not None:
                    client.cleanup(timeout=10)
    finally:
        _forget_langsmith_caches()
        server.shutdown()
        server.server_close()


@pytest.fixture
def retriever(tmp_path: Path, settings: Settings) -> Retriever:
    return tiny_kb(tmp_path / "kb", settings)


def drive_contact(retriever: Retriever) -> CopilotSession:
    session = Copilot(
        OfflineEngine(KeywordUnderstanding(), macros=[MACRO]),
        retriever,
        InMemorySaver(),
        actions=ACTIONS,
    ).session()
    session.customer_turn(f"Hello, my name is {NAME}, my card {CARD} was charged a late fee")
    session.decide(Decision(kind="edit", text=f"Noted {CARD}, the late fee is €5 [1]."))
    session.customer_turn(f"You can call me on {PHONE} or {EMAIL} about the late fee")
    session.decide(Decision(kind="regenerate", instruction=f"mention {EMAIL}"))
    session.decide(Decision(kind="accept"))
    session.customer_turn(f"Refund to my IBAN {IBAN} please, why this late fee?")
    session.decide(Decision(kind="reject", reason=f"IBAN {IBAN} is not ours"))
    session.add_turn("advisor", f"I read back {CARD.replace(' ', '')}")
    return session


def raw_values_in(sent: str) -> list[str]:
    digits_sent = re.sub(r"\D", "", sent)
    found = []
    for value in RAW_VALUES:
        digits = re.sub(r"\D", "", value)
        if (
            value in sent
            or value.replace(" ", "") in sent
            or (len(digits) >= 9 and digits in digits_sent)
        ):
            found.append(value)
    return found


def test_traces_reach_langsmith_without_a_raw_value(spy: SpyLangSmith, retriever) -> None:
    session = drive_contact(retriever)
    tracing.private_client().flush(timeout=10)
    if ls_run_trees._CLIENT is not None:  # langsmith can build its default client lazily (a
        ls_run_trees._CLIENT.flush(timeout=10)  # race, seen 1 run in 4): what it sent counts too
    sent = spy.everything()
    assert any(p.startswith("/runs") for p in spy.paths)  # the runs were uploaded...
    assert '"redact"' in sent and '"review"' in sent  # ... node by node
    assert "<CARD_1>" in sent and "<IBAN_1>" in sent and "<EMAIL_1>" in sent
    assert raw_values_in(sent) == []
    assert '"redaction"' not in sent
    # LangChain's own tracer (from the environment) is not attached: only the scrubbing one
    handlers = CallbackManager.configure(inheritable_callbacks=session._config["callbacks"])
    tracers = [h for h in handlers.handlers if isinstance(h, LangChainTracer)]
    assert len(tracers) == 1 and tracers[0].client is tracing.private_client()


def test_the_spy_sees_raw_values_through_langchains_own_tracer(
    spy: SpyLangSmith, retriever, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(copilot.session, "private_tracing_callbacks", lambda: [])
    drive_contact(retriever)
    wait_for_all_tracers()
    sent = spy.everything()
    assert ls_run_trees._CLIENT is not None
    assert raw_values_in(sent) == RAW_VALUES
    assert '"redaction"' in sent


def test_without_tracing_the_config_has_no_callbacks(
    retriever, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("TRACING", "TRACING_V2"):
        monkeypatch.delenv(f"LANGSMITH_{name}", raising=False)
        monkeypatch.delenv(f"LANGCHAIN_{name}", raising=False)
    ls_utils.get_env_var.cache_clear()
    session = Copilot(OfflineEngine(KeywordUnderstanding()), retriever, InMemorySaver()).session()
    assert session._config == {"configurable": {"thread_id": session.thread_id}}


class Note(BaseModel):
    text: str
    count: int


def test_scrub_drops_the_mapping_and_redacts_every_string() -> None:
    payload = {
        "turn": f"my card {CARD}",
        "redaction": {"<CARD_1>": CARD},
        "transcript": [{"role": "customer", "text": f"IBAN {IBAN}"}],
        "pair": (EMAIL, 3),
        "note": Note(text=f"call {PHONE}", count=2),
        "resume": Command(resume={"text": f"my name is {NAME}"}),
        "score": 0.5,
        "flag": None,
    }
    assert raw_values_in(json.dumps(payload, default=repr)) == RAW_VALUES
    scrubbed = tracing.scrub(payload)
    assert raw_values_in(json.dumps(scrubbed, default=repr)) == []
    assert "redaction" not in scrubbed
    assert scrubbed["turn"] == "my card <CARD_1>"
    assert scrubbed["transcript"] == [{"role": "customer", "text": "IBAN <IBAN_1>"}]
    assert scrubbed["pair"] == ("<EMAIL_1>", 3)
    assert scrubbed["note"] == {"text": "call <PHONE_1>", "count": 2}
    assert scrubbed["resume"]["resume"] == {"text": "my name is <NAME_1>"}
    assert scrubbed["score"] == 0.5 and scrubbed["flag"] is None
