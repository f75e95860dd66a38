"""The `llm` engine: understanding, drafts and wrap-ups by a chat model (OpenAI-compatible API).

The model reads the turn, but the offline rules keep the last word on safety: its route is merged
with the rules' (flags are the union; a turn the rules hand to the advisor stays human-led). Drafts
stream token by token, cite the knowledge cards as [n] and follow a versioned prompt from
`prompts/` in the customer's language; when retrieval abstained, no model is asked and the draft
says no policy passage was found. Every input is already redacted, and the messages builder
(`copilot.engines.llm_messages`) passes every conversation text through the contact's `Redactor`
once more before it becomes a message; customer text and passages travel as delimited data, and
any failure of the endpoint is an
`EngineError` naming it, within `llm_timeout_s` (`copilot.engines.llm_client`). There is no silent
fallback to the offline engine. LangSmith tracing works through its usual environment variables.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from langchain_core.runnables import Runnable, RunnableConfig
from pydantic import BaseModel

from copilot.config import Settings
from copilot.engines import llm_messages as data
from copilot.engines.base import TokenCallback
from copilot.engines.llm_client import ModelCall, build_chat_model, endpoint_label, is_openai
from copilot.engines.offline_wrapup import identifier_label
from copilot.privacy import SENSITIVE_TYPES, Redactor
from copilot.state import Card, Draft, HandoverBrief, Summary
from copilot.understanding.routing import AI_SUITABLE, HUMAN_LED, NO_INTENT, Route, escalate
from copilot.understanding.sentiment import feeling_of
from knowledge_base.language import detect_language
from prompts import load_prompt

StructuredMethod = Literal["json_schema", "function_calling", "json_mode"]

_SENSITIVE_PLACEHOLDER = re.compile(rf"<(?:{'|'.join(sorted(SENSITIVE_TYPES))})_\d+>")
_PLACEHOLDER = re.compile(r"<[A-Z]+_\d+>")
_SCORE = {"negative": -0.5, "neutral": 0.0, "positive": 0.5}


class LLMEngine:
    """Generative steps done by a chat model, checked by the offline rules."""

    name = "llm"

    def __init__(
        self,
        settings: Settings,
        chat_model: BaseChatModel | None = None,
        understanding: Any = None,
        structured_method: StructuredMethod | None = None,
    ):
        """`chat_model` replaces the client built from `settings` (tests inject a fake);
        `understanding` (the offline `Understanding`) supplies the rules' route;
        `structured_method` is how `with_structured_output` asks for JSON: by default
        `json_schema` at OpenAI, and a forced tool call (`function_calling`) elsewhere, which
        llama.cpp, llama-cpp-python and vLLM all constrain with a grammar."""
        self.settings = settings
        self.chat_model = chat_model if chat_model is not None else build_chat_model(settings)
        self.model: str | None = settings.llm_model or getattr(chat_model, "model_name", None)
        self.understanding = understanding
        self.structured_method: StructuredMethod = structured_method or (
            "json_schema" if is_openai(settings.llm_base_url) else "function_calling"
        )
        self.calls = ModelCall(endpoint_label(settings), settings.llm_timeout_s)
        self._structured_runnables: dict[type[BaseModel], Runnable[Any, Any]] = {}
        # the KB's own intents (none when it has no catalogue), never another KB's
        intents = list(getattr(understanding, "intents", None) or [])
        self.intent_category = {spec.id: spec.category for spec in intents}
        self._route_guess = data.route_guess_model(list(self.intent_category) or [NO_INTENT])
        categories, flags = data.catalogue_text()
        intent_lines = "\n".join(f"- {s.id}: {s.label} ({s.category.value})" for s in intents)
        if not intents:
            intent_lines = f"- {NO_INTENT}: this knowledge base has no intent catalogue"
        self._understand_prompt = load_prompt("understand")
        self._understand_system = self._understand_prompt.render(
            categories=categories, flags=flags, intents=intent_lines
        )

    # ------------------------------------------------------------------ model calls
    def _structured(
        self, schema: type[BaseModel], messages: list[BaseMessage], version: str
    ) -> Any:
        return self._start_structured(schema, messages, version)()

    def _start_structured(
        self, schema: type[BaseModel], messages: list[BaseMessage], version: str
    ) -> Callable[[], Any]:
        """Send a structured call; the function returned waits for its validated answer."""
        runnable = self._structured_runnables.get(schema)
        if runnable is None:  # built once: it converts the schema to JSON Schema each time
            runnable = self.chat_model.with_structured_output(schema, method=self.structured_method)
            self._structured_runnables[schema] = runnable
        config = _run_config(version)
        answer = self.calls.start(lambda: runnable.invoke(messages, config=config))

        def result() -> Any:
            value = answer()
            if not isinstance(value, schema):
                # json_mode may hand back a dict; anything else is an invalid answer
                try:
                    value = schema.model_validate(value)
                except Exception as exc:
                    raise self.calls.failure(exc) from exc
            return value

        return result

    def _stream(self, messages: list[BaseMessage], version: str) -> Iterator[str]:
        def pieces() -> Iterator[str]:
            for chunk in self.chat_model.stream(messages, config=_run_config(version)):
                if chunk.text:
                    yield chunk.text

        return self.calls.stream(pieces)

    # ------------------------------------------------------------------ understanding
    def understand(
        self, text: str, transcript: list[dict[str, Any]], redactor: Redactor | None = None
    ) -> Route:
        messages: list[BaseMessage] = [
            SystemMessage(self._understand_system),
            HumanMessage(data.understand_request(text, transcript, redactor or Redactor())),
        ]
        guess = self._start_structured(self._route_guess, messages, self._understand_prompt.version)
        # the rules (an embedding and the cue patterns) run while the model reads the turn
        rules = self.understanding.understand(text, transcript) if self.understanding else None
        return self.merge(guess(), rules, sensitive_pii=bool(_SENSITIVE_PLACEHOLDER.search(text)))

    def merge(self, guess: data.RouteGuess, rules: Route | None, *, sensitive_pii: bool) -> Route:
        """The model's route under the rules: flags united, no downgrade of a human-led turn."""
        confidence = guessed = min(1.0, max(0.0, float(guess.confidence)))
        reasons = [
            f"model: {guess.category.value} ({confidence:.2f}), intent '{guess.intent}' "
            f"(prompt {self._understand_prompt.version})"
        ]
        intent = guess.intent if guess.intent in self.intent_category else None
        category = guess.category
        flags = list(guess.flags)
        if rules is not None:
            reasons += [f"rules: {r}" for r in rules.reasons]
            flags += [f for f in rules.flags if f not in flags]
            intent = intent or rules.intent
            if rules.category in HUMAN_LED and category in AI_SUITABLE:
                reasons.append(
                    f"rules keep the turn human-led: {category.value} -> {rules.category.value}"
                )
                category, confidence = rules.category, rules.confidence
            elif category in HUMAN_LED and rules.category in AI_SUITABLE:
                reasons.append(f"model escalated: {rules.category.value} -> {category.value}")
        intent = intent or NO_INTENT
        category, moved = escalate(
            category,
            flags,
            sensitive_pii=sensitive_pii,
            intent_category=self.intent_category.get(intent),
        )
        score = _SCORE[guess.sentiment]
        if rules is not None and rules.sentiment == guess.sentiment:
            score = rules.sentiment_score
        return Route(
            category=category,
            confidence=round(confidence, 3),
            flags=flags,
            intent=intent,
            intent_confidence=round(
                guessed if intent == guess.intent else rules.intent_confidence if rules else 0.0, 3
            ),
            # the reply follows the customer's latest turn, as the offline engine's does
            language=rules.language if rules is not None else guess.language,
            sentiment=guess.sentiment,
            sentiment_score=score,
            sentiment_trend=rules.sentiment_trend if rules else "stable",
            reasons=[*reasons, *moved],
        )

    # ------------------------------------------------------------------ drafts
    def draft(
        self,
        *,
        turn: str,
        route: Route,
        cards: list[Card],
        transcript: list[dict[str, Any]],
        abstained: bool,
        instruction: str | None,
        on_token: TokenCallback | None = None,
        redactor: Redactor | None = None,
        related: list[Card] | None = None,
    ) -> Draft:
        lang = data.requested_language(route.language, instruction)
        mode: Literal["reply", "briefing"] = "briefing" if route.human_led else "reply"
        if abstained or not cards:
            return self._no_policy(mode, lang, on_token)
        if mode == "reply":  # a reply is written from customer passages only
            quotable = [c for c in cards if c.audience == "customer"]
            cards, mode = (quotable, mode) if quotable else (cards, "briefing")
        prompt = load_prompt("draft_briefing" if mode == "briefing" else "draft_reply", lang)
        messages: list[BaseMessage] = [
            SystemMessage(prompt.text),
            HumanMessage(
                data.draft_request(
                    turn=turn,
                    route=route,
                    cards=cards,
                    transcript=transcript,
                    instruction=instruction,
                    mode=mode,
                    redactor=redactor or Redactor(),
                )
            ),
        ]
        pieces = []
        for piece in self._stream(messages, prompt.version):
            pieces.append(piece)
            if on_token:
                on_token(piece)
        text = data.normalise_citations("".join(pieces).strip())
        if not text:
            raise self.calls.failure(ValueError("the model returned an empty draft"))
        return Draft(
            mode=mode,
            text=text,
            citations=data.citations(text, (c.n for c in cards)),
            engine=self.name,
            model=self.model,
            prompt_version=prompt.version,
        )

    def _no_policy(
        self, mode: Literal["reply", "briefing"], lang: str, on_token: TokenCallback | None
    ) -> Draft:
        """Retrieval found nothing: say so, answer nothing (no model is asked to improvise)."""
        prompt = load_prompt("no_policy", lang)
        text = prompt.text.strip()
        if on_token:
            for piece in re.findall(r"\S+\s*", text):
                on_token(piece)
        return Draft(
            mode=mode,
            text=text,
            no_policy_found=True,
            engine=self.name,
            model=self.model,
            prompt_version=prompt.version,
        )

    # ------------------------------------------------------------------ wrap-up
    def summarize(
        self,
        transcript: list[dict[str, Any]],
        routes: list[dict[str, Any]],
        suggestions: list[dict[str, Any]],
        redactor: Redactor | None = None,
    ) -> Summary:
        lang = _conversation_language(transcript, routes)
        prompt = load_prompt("summarize")
        messages: list[BaseMessage] = [
            SystemMessage(prompt.render(language_name=data.LANGUAGE_NAMES[lang])),
            HumanMessage(
                data.wrapup_request(transcript, routes, suggestions, redactor or Redactor())
            ),
        ]
        note: data.SummaryNote = self._structured(data.SummaryNote, messages, prompt.version)
        fields = note.model_dump()
        if routes:  # the routes measured the sentiment turn by turn: they win over a guess
            fields["sentiment_start"] = feeling_of(routes[0], note.sentiment_start)
            fields["sentiment_end"] = feeling_of(routes[-1], note.sentiment_end)
            fields["sentiment_trend"] = routes[-1].get("sentiment_trend", "stable")
        spoken = " ".join(str(t.get("text", "")) for t in transcript)
        fields["identifiers"] = list(dict.fromkeys(_PLACEHOLDER.findall(spoken)))
        if not fields["text"].strip():  # a model that left the paragraph out: say the reason
            fields["text"] = note.reason_for_contact
        return Summary(**fields, engine=self.name)

    def handover(
        self,
        transcript: list[dict[str, Any]],
        redactor: Redactor | None = None,
        routes: list[dict[str, Any]] | None = None,
    ) -> HandoverBrief:
        lang = _conversation_language(transcript, [])
        prompt = load_prompt("handover")
        messages: list[BaseMessage] = [
            SystemMessage(prompt.render(language_name=data.LANGUAGE_NAMES[lang])),
            HumanMessage(data.wrapup_request(transcript, [], [], redactor or Redactor())),
        ]
        note: data.HandoverNote = self._structured(data.HandoverNote, messages, prompt.version)
        spoken = " ".join(str(t.get("text", "")) for t in transcript)
        # an identifier must come from the conversation; the placeholders given are all listed
        identifiers = [i for i in note.identifiers if i.strip() and i.strip() in spoken]
        identifiers += [
            p for p in dict.fromkeys(_PLACEHOLDER.findall(spoken)) if p not in identifiers
        ]
        fields = note.model_dump() | {"identifiers": identifiers}
        if routes:  # the routes measured the sentiment turn by turn: they win over a guess
            fields["sentiment"] = routes[-1].get("sentiment", note.sentiment)
            fields["sentiment_trend"] = routes[-1].get("sentiment_trend", "stable")
        given = " ".join(fields["do_not_ask_again"])
        fields["do_not_ask_again"] += [  # every identifier given is named, whatever the model did
            f"{identifier_label(p)} already given: {p}" for p in identifiers if p not in given
        ]
        return HandoverBrief(**fields, engine=self.name)


def _run_config(prompt_version: str) -> RunnableConfig:
    """How the call shows in a LangSmith trace: named by its prompt version."""
    return {"run_name": prompt_version, "metadata": {"prompt_version": prompt_version}}


def _conversation_language(
    transcript: list[dict[str, Any]], routes: list[dict[str, Any]]
) -> Literal["fr", "en"]:
    if routes and routes[-1].get("language") in ("fr", "en"):
        return "en" if routes[-1]["language"] == "en" else "fr"
    customer = " ".join(str(t.get("text", "")) for t in transcript if t.get("role") == "customer")
    return "en" if detect_language(customer, default="fr") == "en" else "fr"
