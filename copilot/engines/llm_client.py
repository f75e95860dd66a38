"""The llm engine's connection to an OpenAI-compatible chat endpoint, and its time limits.

`build_chat_model` makes the `ChatOpenAI` client from the settings. `ModelCall` runs one call
with a hard deadline, so a dead or stalled endpoint becomes an `EngineError` within
`llm_timeout_s` whatever the HTTP layer does (retries included): a structured call must finish
within it, a stream must deliver its first piece and every next one within it. Any failure is
reported as one line naming the endpoint, never as a traceback; nothing falls back silently.

The call runs in a pooled worker thread that carries the caller's context variables, so LangSmith
tracing and LangGraph's callbacks see it as part of the current run.
"""

from __future__ import annotations

import contextvars
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_openai import ChatOpenAI
from pydantic import SecretStr

from copilot.config import Settings
from copilot.engines.base import EngineError

T = TypeVar("T")

OPENAI_BASE_URL = "https://api.openai.com/v1"
MAX_TOKENS = 700
"""Cap on every completion: a draft is a few sentences, a briefing a few bullets."""
TEMPERATURE = 0.2
LOCAL_API_KEY = "not-needed"
"""Sent to endpoints (llama.cpp, vLLM...) that need no key, since the client insists on one."""


class ChatCompletionsOpenAI(ChatOpenAI):
    """`ChatOpenAI` that sends the token cap as `max_tokens` to endpoints other than OpenAI's.

    langchain-openai 1.x renames `max_tokens` to `max_completion_tokens` in every request. OpenAI
    wants that, but llama.cpp's server and other compatible servers only read `max_tokens`, and
    without it a small model can run on to the end of its context.
    """

    def _get_request_payload(
        self, input_: LanguageModelInput, *, stop: list[str] | None = None, **kwargs: Any
    ) -> dict[Any, Any]:
        payload: dict[Any, Any] = super()._get_request_payload(input_, stop=stop, **kwargs)
        if not is_openai(self.openai_api_base) and "max_completion_tokens" in payload:
            payload["max_tokens"] = payload.pop("max_completion_tokens")
        return payload


def is_openai(base_url: str | None) -> bool:
    return not base_url or "api.openai.com" in base_url


def endpoint_label(settings: Settings) -> str:
    """How error messages name the endpoint."""
    return settings.llm_base_url or OPENAI_BASE_URL


def build_chat_model(settings: Settings, max_tokens: int = MAX_TOKENS) -> BaseChatModel:
    """The chat client for `settings`: bounded output, one retry, the configured timeout."""
    if not settings.llm_model:
        raise EngineError("the llm engine needs a model: set COPILOT_LLM_MODEL")
    key = settings.llm_api_key or SecretStr(os.environ.get("OPENAI_API_KEY", ""))
    if not key.get_secret_value():
        if is_openai(settings.llm_base_url):
            raise EngineError(
                f"LLM endpoint {endpoint_label(settings)} needs an API key: set "
                "COPILOT_LLM_API_KEY or OPENAI_API_KEY"
            )
        key = SecretStr(LOCAL_API_KEY)
    return ChatCompletionsOpenAI(
        model=settings.llm_model,
        base_url=settings.llm_base_url,
        api_key=key,
        timeout=settings.llm_timeout_s,
        max_retries=1,
        max_completion_tokens=max_tokens,  # the field's alias; the wire gets max_tokens
        temperature=TEMPERATURE,
        use_responses_api=False,  # compatible servers speak Chat Completions only
    )


def one_line(exc: BaseException) -> str:
    """`Type: first line`, with the root cause when it says more (connection refused...)."""

    def describe(e: BaseException) -> str:
        text = str(e).strip().splitlines()[0].strip() if str(e).strip() else ""
        return f"{type(e).__name__}: {text}" if text else type(e).__name__

    line = describe(exc)
    root, seen = exc, {id(exc)}
    while (nxt := root.__cause__ or root.__context__) is not None and id(nxt) not in seen:
        root = nxt
        seen.add(id(nxt))
    if root is not exc and str(root).strip() and str(root).strip() not in line:
        line += f" ({describe(root)})"
    return line if len(line) <= 300 else line[:299] + "…"


_WORKERS = ThreadPoolExecutor(max_workers=8, thread_name_prefix="llm-call")
"""Threads the calls run in: reused, since starting one per call costs milliseconds under load.
A call stuck past its deadline keeps its thread until the HTTP timeout frees it."""


class ModelCall:
    """Runs model calls against a deadline and turns every failure into an `EngineError`."""

    def __init__(self, endpoint: str, timeout_s: float):
        self.endpoint = endpoint
        self.timeout_s = timeout_s

    def failure(self, exc: BaseException) -> EngineError:
        return EngineError(f"LLM endpoint {self.endpoint} failed: {one_line(exc)}")

    def invoke(self, fn: Callable[[], T]) -> T:
        """`fn()` in a worker thread; EngineError when it fails or outlives the deadline."""
        return self.start(fn)()

    def start(self, fn: Callable[[], T]) -> Callable[[], T]:
        """`fn()` started in a worker thread; the function returned waits for its result, the
        deadline counted from now, so the caller can work while the model answers."""
        future = _WORKERS.submit(contextvars.copy_context().run, fn)
        deadline = time.monotonic() + self.timeout_s

        def result() -> T:
            try:
                return future.result(timeout=max(0.0, deadline - time.monotonic()))
            except FutureTimeout:
                future.cancel()  # still queued behind stuck calls: never run it
                raise self.failure(TimeoutError(f"no answer within {self.timeout_s:g} s")) from None
            except Exception as exc:
                raise self.failure(exc) from exc

        return result

    def stream(self, open_stream: Callable[[], Iterator[str]]) -> Iterator[str]:
        """The pieces of `open_stream()`; EngineError on failure or a silence of `timeout_s`."""
        pieces: queue.Queue[tuple[str, Any]] = queue.Queue()
        stop = threading.Event()
        context = contextvars.copy_context()

        def work() -> None:
            try:
                stream = open_stream()
                try:
                    for piece in stream:
                        if stop.is_set():
                            break
                        pieces.put(("piece", piece))
                finally:
                    close = getattr(stream, "close", None)
                    if close is not None:
                        close()
                pieces.put(("end", None))
            except BaseException as exc:  # reported in the caller's thread
                pieces.put(("error", exc))

        _WORKERS.submit(context.run, work)
        try:
            while True:
                try:
                    kind, value = pieces.get(timeout=self.timeout_s)
                except queue.Empty:
                    raise self.failure(
                        TimeoutError(f"stream silent for {self.timeout_s:g} s")
                    ) from None
                if kind == "piece":
                    yield value
                elif kind == "end":
                    return
                else:
                    raise self.failure(value) from value
        finally:
            stop.set()
