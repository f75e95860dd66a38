"""A scripted chat model for tests: answers in a fixed order and remembers what it was asked.

`ScriptedChatModel` is a real langchain-core `BaseChatModel`, so anything that takes a chat model
(the llm engine, a graph, a spy test) can use it. Each call consumes the next item of `responses`:

- `str`: the reply text (streamed word by word by `.stream()`);
- `dict` or a Pydantic model: structured output, or the arguments of a tool call when tools are
  bound (its JSON is the text when nothing asks for structure);
- `AIMessage`: returned as it is;
- an exception instance: raised by that call;
- `BrokenStream(text, error)`: streams `text` then raises `error`, like a server dying mid-reply.

`requests` keeps every call's messages (privacy tests assert no raw personal data reached the
model) and `calls` keeps what was bound with them (tools, structured schema, token cap).
`delay_s` sleeps before each answer and `token_delay_s` between streamed pieces, for timeout
tests; `error` makes every call fail. When the script runs out, `default` answers, or the call
raises `ScriptExhausted` so a test notices a call it did not expect.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable, RunnableLambda
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import BaseModel, Field, PrivateAttr

_PIECE = re.compile(r"\S+\s*|\s+")


class ScriptExhausted(RuntimeError):
    """The model was called more times than the test scripted."""


@dataclass(frozen=True)
class BrokenStream:
    """A reply that stops half-way: `text` is streamed, then `error` is raised."""

    text: str
    error: BaseException


class ScriptedChatModel(BaseChatModel):
    """Replies from a script, in order; records every request."""

    responses: list[Any] = Field(default_factory=list)
    """What each call returns, in order (see the module docstring)."""
    default: Any = None
    """The answer once `responses` is used up; None raises `ScriptExhausted`."""
    error: Any = None
    """An exception every call raises (an endpoint that is down)."""
    delay_s: float = 0.0
    """Seconds to sleep before answering (a slow endpoint)."""
    token_delay_s: float = 0.0
    """Seconds to sleep between streamed pieces."""
    model_name: str = "scripted"
    requests: list[list[BaseMessage]] = Field(default_factory=list)
    """Every call's messages, oldest first."""
    calls: list[dict[str, Any]] = Field(default_factory=list)
    """Every call's bound arguments (tools, structured_output, method, max_tokens...)."""

    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    _next: int = PrivateAttr(default=0)

    @property
    def _llm_type(self) -> str:
        return "scripted"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_name": self.model_name}

    # ------------------------------------------------------------------ script
    def _take(self, messages: list[BaseMessage], kwargs: dict[str, Any]) -> Any:
        with self._lock:
            self.requests.append(list(messages))
            self.calls.append(dict(kwargs))
            if self._next < len(self.responses):
                item = self.responses[self._next]
                self._next += 1
            else:
                item = self.default
        if self.delay_s:
            time.sleep(self.delay_s)
        if self.error is not None:
            raise self.error
        if item is None:
            raise ScriptExhausted(f"no reply scripted for call {len(self.requests)}")
        if isinstance(item, BaseException):
            raise item
        return item

    @property
    def used(self) -> int:
        """How many scripted replies have been consumed."""
        return self._next

    def texts(self, call: int = -1) -> list[str]:
        """The text of each message of one call (default: the last one)."""
        return [m.text for m in self.requests[call]]

    def everything_sent(self) -> str:
        """All text ever sent to the model, for 'this never reached the model' assertions."""
        return "\n".join(m.text for request in self.requests for m in request)

    # --------------------------------------------------------------- chat model
    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        item = self._take(messages, kwargs)
        if isinstance(item, BrokenStream):
            raise item.error
        return ChatResult(generations=[ChatGeneration(message=_as_message(item, kwargs))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        item = self._take(messages, kwargs)
        broken = item if isinstance(item, BrokenStream) else None
        message = _as_message(broken.text if broken else item, kwargs)
        for i, piece in enumerate(_PIECE.findall(message.text)):
            if i and self.token_delay_s:
                time.sleep(self.token_delay_s)
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece))
            if run_manager:
                run_manager.on_llm_new_token(piece, chunk=chunk)
            yield chunk
        if broken:
            raise broken.error
        if message.tool_calls:
            yield ChatGenerationChunk(
                message=AIMessageChunk(
                    content="",
                    tool_call_chunks=[
                        {
                            "name": c["name"],
                            "args": json.dumps(c["args"]),
                            "id": c["id"],
                            "index": i,
                        }
                        for i, c in enumerate(message.tool_calls)
                    ],
                )
            )

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: str | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        formatted = [convert_to_openai_tool(tool) for tool in tools]
        return self.bind(tools=formatted, tool_choice=tool_choice, **kwargs)

    def with_structured_output(
        self,
        schema: dict[str, Any] | type,
        *,
        include_raw: bool = False,
        method: str = "json_schema",
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, Any]:
        name = convert_to_openai_tool(schema)["function"]["name"]
        bound = self.bind(structured_output=name, method=method, **kwargs)

        def parse(message: AIMessage) -> Any:
            data = _structured_data(message)
            if isinstance(schema, type) and issubclass(schema, BaseModel):
                return schema.model_validate(data)
            return data

        if not include_raw:
            return bound | RunnableLambda(parse)

        def parse_keeping_raw(message: AIMessage) -> dict[str, Any]:
            try:
                return {"raw": message, "parsed": parse(message), "parsing_error": None}
            except Exception as exc:  # the caller asked to see parsing errors, not raise them
                return {"raw": message, "parsed": None, "parsing_error": exc}

        return bound | RunnableLambda(parse_keeping_raw)


def _as_message(item: Any, kwargs: dict[str, Any]) -> AIMessage:
    if isinstance(item, AIMessage):
        return item
    if isinstance(item, str):
        return AIMessage(content=item)
    data = item.model_dump(mode="json") if isinstance(item, BaseModel) else item
    tools = kwargs.get("tools") or []
    if tools:
        wanted = kwargs.get("tool_choice")
        names = [t["function"]["name"] for t in tools]
        name = wanted if wanted in names else names[0]
        return AIMessage(content="", tool_calls=[{"name": name, "args": data, "id": "call_1"}])
    return AIMessage(content=json.dumps(data, ensure_ascii=False))


def _structured_data(message: AIMessage) -> Any:
    if message.tool_calls:
        return message.tool_calls[0]["args"]
    text = message.text.strip()
    fenced = re.match(r"^```(?:json)?\s*(.*?)\s*```$", text, re.DOTALL)
    return json.loads(fenced.group(1) if fenced else text)
