"""A chat model for benchmarks that answers at once and measures the time spent inside it.

`InstantChatModel` stands in for an OpenAI-compatible endpoint so that a benchmark times only
the copilot's own work. Structured output goes the way the llm engine asks llama.cpp or vLLM for
it (`function_calling`: a forced tool call, parsed by langchain-core), and drafts stream word by
word through the usual callbacks. `busy_s` adds up the time spent inside its calls, so a
benchmark can subtract it explicitly; `latency_s` makes it wait that long before answering
(before the first streamed piece), counted in `busy_s`, to see what overlaps a real model's wait.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool

from prompts import load_prompt

REPLY = {
    "en": "Hello <NAME_1>, thanks for your message. With pay in 3, the first instalment is "
    "taken when you order and the next two 30 and 60 days later [1]. There is no interest "
    "and no fee when every instalment is paid on time [1][2]. If a payment fails, we try "
    "again after 3 days and a late fee may apply [3]. You can see every due date in the "
    "app under My plans [2].",
    "fr": "Bonjour <NAME_1>, merci pour votre message. Avec le paiement en 3 fois, la première "
    "échéance est prélevée à la commande et les deux suivantes 30 et 60 jours plus tard "
    "[1]. Il n'y a ni intérêts ni frais si chaque échéance est payée à temps [1][2]. Si "
    "un prélèvement échoue, nous le représentons 3 jours plus tard et des frais de retard "
    "peuvent s'appliquer [3]. Vous voyez toutes vos échéances dans l'application [2].",
}
BRIEFING = {
    "en": "Key facts:\n- The card can be blocked at once in the app or by an advisor [1].\n"
    "- A disputed payment is refunded within 10 days once the claim is filed [2].\n"
    "Policy limits:\n- Never promise a refund before the claim is reviewed [2].\n"
    "Empathy cues:\n- Acknowledge the worry before explaining the steps.\n"
    "Pitfalls:\n- Do not ask for the full card number.",
    "fr": "Faits clés :\n- La carte peut être bloquée tout de suite dans l'application ou par "
    "un conseiller [1].\n- Un paiement contesté est remboursé sous 10 jours une fois la "
    "réclamation déposée [2].\nLimites de la politique :\n- Ne promettez jamais de "
    "remboursement avant l'examen de la réclamation [2].\nPoints d'attention relationnels :\n"
    "- Reconnaissez l'inquiétude avant d'expliquer.\nPièges à éviter :\n- Ne demandez pas "
    "le numéro de carte complet.",
}
_PIECE = re.compile(r"\S+\s*|\s+")


class InstantChatModel(BaseChatModel):
    """A chat model that answers at once and adds up the time spent inside its calls.

    With a tool bound (structured output) it calls it with `guess`, which the caller sets before
    each turn; otherwise it streams (or returns) the text `drafts` gives for the system prompt,
    so a briefing prompt gets a briefing and a reply prompt a reply, in the prompt's language.
    """

    guess: dict[str, Any] = {}
    drafts: dict[str, str] = {}
    latency_s: float = 0.0
    """Seconds before each answer (before the first piece of a stream)."""
    busy_s: float = 0.0
    """Seconds spent inside `_generate` and `_stream`: the latency slept plus the CPU time of
    the calling thread (not wall time: waiting for the GIL while the copilot works alongside
    is not the model's time), the callbacks they fire excluded."""

    @property
    def _llm_type(self) -> str:
        return "instant"

    def _message(self, messages: list[BaseMessage], kwargs: dict[str, Any]) -> AIMessage:
        tools = kwargs.get("tools") or []
        if not tools:
            return AIMessage(content=self.drafts[messages[0].text])
        name = tools[0]["function"]["name"]
        return AIMessage(content="", tool_calls=[{"name": name, "args": self.guess, "id": "c1"}])

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        self._wait()
        started = time.thread_time()
        result = ChatResult(generations=[ChatGeneration(message=self._message(messages, kwargs))])
        self.busy_s += time.thread_time() - started
        return result

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        self._wait()
        started = time.thread_time()
        for piece in _PIECE.findall(self._message(messages, kwargs).text):
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece))
            self.busy_s += time.thread_time() - started
            if run_manager:  # a real client fires it too: the copilot's cost, not the model's
                run_manager.on_llm_new_token(piece, chunk=chunk)
            yield chunk
            started = time.thread_time()
        self.busy_s += time.thread_time() - started

    def _wait(self) -> None:
        if self.latency_s:
            started = time.perf_counter()
            time.sleep(self.latency_s)
            self.busy_s += time.perf_counter() - started

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: str | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        formatted = [convert_to_openai_tool(tool) for tool in tools]
        return self.bind(tools=formatted, tool_choice=tool_choice, **kwargs)


def instant_model(latency_s: float = 0.0) -> InstantChatModel:
    """A model that drafts `REPLY` to a reply prompt and `BRIEFING` to a briefing prompt."""
    drafts = {}
    for lang in ("en", "fr"):
        drafts[load_prompt("draft_reply", lang).text] = REPLY[lang]
        drafts[load_prompt("draft_briefing", lang).text] = BRIEFING[lang]
    return InstantChatModel(drafts=drafts, latency_s=latency_s)
