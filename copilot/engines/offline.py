"""The `offline` engine: useful suggestions with no model and no network.

Understanding comes from rules plus a nearest-neighbour intent classifier over the KB's labelled
examples (multilingual e5). A routine turn gets the best approved template (macro) for its
intent, slots filled from the conversation, each sentence citing the passage that backs it; if
no macro fits the retrieved passages, the reply is the passages' most relevant sentences. A
human-led turn gets a briefing: key facts, policy limits, empathy cues, pitfalls and an opening
line. Summaries and hand-over briefs are extractive. Nothing leaves the process, so the contact's
`redactor` is not needed here: the (redacted) inputs are all it reads.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from copilot.drafting.grounding import split_sentences
from copilot.engines.base import TokenCallback, customer_routes
from copilot.engines.offline_handover import extract_handover
from copilot.engines.offline_text import (
    EMPATHY,
    PHRASES,
    PITFALLS,
    briefing_sentences,
    cite_sentence,
    fill_slots,
    liftable,
    limit_sentences,
    relevant_sentences,
)
from copilot.engines.offline_wrapup import extract_summary
from copilot.privacy import Redactor
from copilot.state import Card, Draft, HandoverBrief, Summary
from copilot.understanding.routing import Route
from knowledge_base.catalog import Macro
from knowledge_base.lexical import tokenize_query


class OfflineEngine:
    """Retrieval-grounded suggestions the way pre-generative agent assist worked."""

    name = "offline"
    model: str | None = None

    def __init__(self, understanding: Any, macros: Sequence[Macro] = ()):
        """`macros`: the KB's approved templates (none: replies are built from passages)."""
        self.understanding = understanding
        self.macros = list(macros)

    def understand(
        self, text: str, transcript: list[dict[str, Any]], redactor: Redactor | None = None
    ) -> Route:
        route: Route = self.understanding.understand(text, transcript)
        return route

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
        lang = route.language
        if abstained or not cards:
            draft = Draft(
                mode="briefing" if route.human_led else "reply",
                text=PHRASES["no_policy"][lang],
                no_policy_found=True,
            )
        elif route.human_led:
            draft = self._briefing(turn, route, cards)
        else:
            draft = self._reply(turn, route, cards, transcript, related or [])
        if instruction:
            draft = self._apply_instruction(draft, instruction)
        if on_token:
            for piece in re.findall(r"\S+\s*", draft.text):
                on_token(piece)
        return draft

    def _pick_macro(self, route: Route, cards: list[Card], turn: str) -> Macro | None:
        retrieved = {card.doc_id: card.n for card in cards}
        wanted = set(tokenize_query(turn))
        best: tuple[float, Macro] | None = None
        for macro in self.macros:
            if macro.lang != route.language:
                continue
            backed = [retrieved[a] for a in macro.articles if a in retrieved]
            if not backed:
                continue  # a template whose policy was not retrieved cannot be cited
            score = 2.0 * (macro.intent == route.intent) + 1.0 / min(backed)
            score += 0.2 * len(wanted & set(tokenize_query(macro.title + " " + macro.text)))
            if best is None or score > best[0]:
                best = (score, macro)
        if best and (best[1].intent == route.intent or best[0] >= 2.5):
            return best[1]
        return None

    def _reply(
        self,
        turn: str,
        route: Route,
        cards: list[Card],
        transcript: list[dict[str, Any]],
        related: list[Card],
    ) -> Draft:
        """Only customer passages in the customer's language are quoted or cited; what the
        others say becomes a note for the advisor. Nothing quotable: a briefing."""
        lang = route.language
        sendable = [c for c in cards if c.audience == "customer" and c.lang == lang]
        notes = _advisor_notes(turn, lang, [c for c in cards[:3] if c not in sendable])
        macro = self._pick_macro(route, sendable, turn)
        if macro:
            earlier = " ".join(t["text"] for t in transcript[:-1] if t["role"] == "customer")
            text, _missing = fill_slots(macro.text, macro.slots, turn, earlier)
            backing = [
                (c.n, c.text)
                for c in [*sendable, *related]
                if c.doc_id in macro.articles and c.audience == "customer" and c.lang == lang
            ]
            sentences = []
            for sentence in filter(liftable, split_sentences(text)):
                numbers = cite_sentence(sentence, backing)
                marks = "".join(f" [{n}]" for n in numbers)
                sentences.append(_attach(sentence, marks))
            body = " ".join(sentences)
            return Draft(
                mode="reply", text=body, citations=_citations(body), macro_id=macro.id, notes=notes
            )
        lines = []
        for i, card in enumerate(sendable[:2]):
            for sentence in relevant_sentences(card.text, turn, 2 if i == 0 else 1):
                lines.append(_attach(sentence, f" [{card.n}]"))
        if not lines:  # only fragments, internal or other-language passages: prepare the advisor
            return self._briefing(turn, route, cards)
        body = " ".join([PHRASES["opening"][lang], *lines])
        return Draft(mode="reply", text=body, citations=_citations(body), notes=notes)

    def _briefing(self, turn: str, route: Route, cards: list[Card]) -> Draft:
        lang = route.language
        lines = [
            f"{PHRASES['briefing'][lang]} — {route.category.value}"
            + (f" ({', '.join(f.value for f in route.flags)})" if route.flags else "")
        ]
        lines.append(f"{PHRASES['key_facts'][lang]}:")
        for card in cards[:3]:
            for sentence in briefing_sentences(card.text, turn, 1, card.section):
                # the note leads the sentence it qualifies: trailing, the check read it as a
                # sentence of its own with no source
                labels = [PHRASES["other_lang"][lang]] * (card.lang != lang) + [
                    PHRASES["internal"][lang]
                ] * (card.audience != "customer")
                note = f"({'; '.join(labels)}) " if labels else ""
                lines.append(f"- {note}{_attach(sentence, f' [{card.n}]')}")
        limits = limit_sentences([(c.n, c.text) for c in cards[:4]], 3)
        if limits:
            lines.append(f"{PHRASES['limits'][lang]}:")
            lines.extend(f"- {_attach(s, f' [{n}]')}" for n, s in limits)
        keys = [route.category.value, *(f.value for f in route.flags)]
        cues = [EMPATHY[k][lang] for k in keys if k in EMPATHY]
        traps = [PITFALLS[k][lang] for k in keys if k in PITFALLS]
        if cues:
            lines.append(f"{PHRASES['empathy'][lang]}:")
            lines.extend(f"- {c}" for c in dict.fromkeys(cues))
        if traps:
            lines.append(f"{PHRASES['pitfalls'][lang]}:")
            lines.extend(f"- {t}" for t in dict.fromkeys(traps))
        macro = self._pick_macro(route, cards, turn)
        filled = fill_slots(macro.text, macro.slots, turn)[0] if macro else ""
        opening = [s for s in split_sentences(filled) if liftable(s)]
        if opening:
            first = opening[0]
            lines.append(
                f"{PHRASES['opening_line'][lang]}: « {first} »"
                if lang == "fr"
                else f'{PHRASES["opening_line"][lang]}: "{first}"'
            )
        body = "\n".join(lines)
        return Draft(mode="briefing", text=body, citations=_citations(body))

    @staticmethod
    def _apply_instruction(draft: Draft, instruction: str) -> Draft:
        """The offline engine can shorten; other instructions need the llm engine."""
        wanted = instruction.lower()
        if any(word in wanted for word in ("short", "court", "bref", "brief")):
            sentences = split_sentences(draft.text)
            keep = [s for s in sentences if "[" in s][:2] or sentences[:2]
            text = " ".join(keep)
            return draft.model_copy(update={"text": text, "citations": _citations(text)})
        return draft

    def summarize(
        self,
        transcript: list[dict[str, Any]],
        routes: list[dict[str, Any]],
        suggestions: list[dict[str, Any]],
        redactor: Redactor | None = None,
    ) -> Summary:
        return extract_summary(transcript, routes, suggestions)

    def handover(
        self,
        transcript: list[dict[str, Any]],
        redactor: Redactor | None = None,
        routes: list[dict[str, Any]] | None = None,
    ) -> HandoverBrief:
        if routes is None:  # turns added without suggestions (a bot's log): read them now
            routes = customer_routes(self, transcript, redactor)
        return extract_handover(transcript, routes)


def _advisor_notes(turn: str, lang: str, cards: list[Card]) -> list[str]:
    """What passages the reply may not quote say: for the advisor's eyes only."""
    notes = []
    for card in cards:
        label = PHRASES["internal" if card.audience != "customer" else "other_lang"][lang]
        for sentence in briefing_sentences(card.text, turn, 1, card.section):
            notes.append(f"[{card.n}] {label}: {sentence}")
    return notes


def _attach(sentence: str, marks: str) -> str:
    """Put citation marks before the sentence's final punctuation."""
    if not marks:
        return sentence
    match = re.match(r"(.*?)([.!?:]*)$", sentence.rstrip(), re.DOTALL)
    assert match
    return f"{match.group(1)}{marks}{match.group(2) or '.'}"


def _citations(text: str) -> list[int]:
    return sorted({int(n) for n in re.findall(r"\[(\d{1,2})\]", text)})
