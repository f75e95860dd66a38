"""LangSmith tracing that never uploads customer data.

Tracing stays switched on and off by LangSmith's own environment variables (`LANGSMITH_TRACING`,
or the older `LANGCHAIN_TRACING_V2`, with `LANGSMITH_API_KEY` and `LANGSMITH_ENDPOINT`). Left to
itself, LangChain would then upload each run's inputs and outputs as they are: the graph's input
`turn` is the raw customer text (redaction is the graph's first step) and its state carries
`redaction`, the placeholder -> raw value mapping. `private_tracing_callbacks` returns, when
tracing is on, a `LangChainTracer` whose client passes everything it sends through `scrub`: the
mapping is dropped and every string is redacted by detection, like a customer turn. Because the
callbacks then hold a `LangChainTracer`, LangChain does not add its own unscrubbed one
(`CallbackManager.configure` adds the environment's tracer only when none is present).
"""

from __future__ import annotations

import dataclasses
import functools
import threading
from typing import Any

from langchain_core.tracers.langchain import LangChainTracer
from langsmith import Client
from langsmith.utils import tracing_is_enabled
from pydantic import BaseModel

from copilot.privacy import Redactor

DROPPED_KEYS = frozenset({"redaction"})
"""State keys never traced at all: the placeholder -> raw value mapping."""

_ONE_CLIENT = threading.Lock()


@functools.lru_cache(maxsize=4096)
def _redact(text: str) -> str:
    # Runs see the same state strings node after node: each is redacted once.
    return Redactor().redact(text).text


def scrub(value: Any) -> Any:
    """`value` with `redaction` keys dropped and every string redacted, at any depth.

    Pydantic models and dataclasses become dicts; other non-string values are left alone.
    """
    if isinstance(value, str):
        return _redact(value)
    if isinstance(value, BaseModel):
        value = value.model_dump()
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {scrub(k): scrub(v) for k, v in value.items() if k not in DROPPED_KEYS}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    if isinstance(value, tuple):
        return tuple(scrub(v) for v in value)
    return value


@functools.cache
def private_client() -> Client:
    """The process's LangSmith client: every run's inputs, outputs, metadata and error scrubbed.

    LangSmith applies `anonymizer` in place of the `hide_*` hooks, to the JSON form of the run
    (so any object is scrubbed as it would be uploaded) and to error text too; the `hide_*` hooks
    are the same function, should a release stop preferring the anonymizer.
    """
    return Client(anonymizer=scrub, hide_inputs=scrub, hide_outputs=scrub, hide_metadata=scrub)


@functools.cache
def _private_tracer() -> LangChainTracer:
    return LangChainTracer(client=private_client())


def private_tracing_callbacks() -> list[LangChainTracer]:
    """Callbacks for a graph run's config: the scrubbing tracer when tracing is on, else none."""
    if not tracing_is_enabled():
        return []
    with _ONE_CLIENT:  # two first runs at once must not start two clients
        return [_private_tracer()]
