"""Extractive wrap-up summaries and hand-over briefs for the offline engine.

They pick sentences and identifiers from the (redacted) transcript; nothing is paraphrased, so
nothing is invented. The advisor edits and approves the summary.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from copilot.drafting.grounding import split_sentences
from copilot.state import SUPERSEDED, HandoverBrief, Summary

_PLACEHOLDER = re.compile(r"<([A-Z]+)_\d+>")
_COMMITMENT = re.compile(
    r"\b(I will|I'll|we will|we'll|you will receive|within \d+|by (?:monday|tuesday|wednesday|"
    r"thursday|friday|tomorrow)|je vais|nous allons|vous recevrez|sous \d+|d'ici|dans les \d+)\b",
    re.IGNORECASE,
)
_FIGURE = re.compile(r"(?:€\s?\d[\d.,]*|\d[\d.,]*\s?(?:€|euros?|%|jours?|days?))", re.IGNORECASE)
_LABELS = {
    "CARD": "card number",
    "IBAN": "IBAN",
    "NIR": "social-security number",
    "PHONE": "phone number",
    "EMAIL": "e-mail address",
    "DOB": "date of birth",
    "ADDRESS": "postal address",
    "ACCOUNT": "account number",
    "ORDER": "order reference",
    "NAME": "name",
}


def _short(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _identifiers(texts: list[str]) -> list[str]:
    return list(dict.fromkeys(m.group(0) for t in texts for m in _PLACEHOLDER.finditer(t)))


def extract_summary(
    transcript: list[dict[str, Any]],
    routes: list[dict[str, Any]],
    suggestions: list[dict[str, Any]],
) -> Summary:
    customer = [t["text"] for t in transcript if t["role"] == "customer"]
    intents = [r["intent"] for r in routes if r.get("intent") not in (None, "general_greeting")]
    reason = Counter(intents).most_common(1)[0][0].replace("_", " ") if intents else "unknown"
    first = next((c for c in customer if len(c.split()) > 3), customer[0] if customer else "")
    facts = [
        f"{_LABELS.get(_PLACEHOLDER.match(p).group(1), 'identifier')}: {p}"  # type: ignore[union-attr]
        for p in _identifiers(customer)
    ]
    facts += [f"mentioned: {m}" for m in dict.fromkeys(_FIGURE.findall(" ".join(customer)))][:4]
    for route in routes:
        for flag in route.get("flags", []):
            if f"flag: {flag}" not in facts:
                facts.append(f"flag: {flag}")
    taken: list[str] = []
    commitments: list[str] = []
    for record in suggestions:
        decision = record.get("decision") or {}
        briefing = (record.get("draft") or {}).get("mode") == "briefing"
        if decision.get("kind") in ("accept", "edit") and briefing:
            intent = (record.get("route") or {}).get("intent", "the request")
            taken.append(f"advisor-led with a briefing: {str(intent).replace('_', ' ')}")
        elif decision.get("kind") in ("accept", "edit"):
            sent = decision.get("text") or ""
            taken.append(f"sent reply: {_short(sent, 100)}")
            commitments += [s for s in split_sentences(sent) if _COMMITMENT.search(s)]
        elif decision.get("kind") == "reject" and decision.get("reason") != SUPERSEDED:
            taken.append(f"rejected a draft ({decision.get('reason') or 'no reason given'})")
    for turn in transcript:
        if turn["role"] == "advisor":
            commitments += [s for s in split_sentences(turn["text"]) if _COMMITMENT.search(s)]
    follow_ups = list(
        dict.fromkeys(a["title"] for r in suggestions[-1:] for a in r.get("actions", []))
    )
    sentiments = [r.get("sentiment", "neutral") for r in routes] or ["neutral"]
    return Summary(
        reason_for_contact=f'{reason} — "{_short(first, 120)}"' if first else reason,
        key_facts=facts,
        actions_taken=taken,
        commitments=list(dict.fromkeys(commitments)),
        follow_ups=follow_ups,
        sentiment_start=sentiments[0],
        sentiment_end=sentiments[-1],
    )


def extract_handover(transcript: list[dict[str, Any]], understanding: Any) -> HandoverBrief:
    customer = [t["text"] for t in transcript if t["role"] == "customer"]
    others = [t for t in transcript if t["role"] in ("bot", "advisor")]
    last = customer[-1] if customer else ""
    route = understanding.understand(last, transcript[:-1]) if last else None
    goal = (route.intent.replace("_", " ") + f' — "{_short(last, 120)}"') if route else "unknown"
    done = [
        f"{t['role']}: {_short(split_sentences(t['text'])[0] if t['text'] else '', 110)}"
        for t in others[-4:]
    ]
    last_other = max((i for i, t in enumerate(transcript) if t["role"] != "customer"), default=-1)
    open_questions = [
        _short(t["text"]) for t in transcript[last_other + 1 :] if t["role"] == "customer"
    ]
    open_questions += [_short(c) for c in customer if "?" in c and _short(c) not in open_questions]
    ids = _identifiers(customer)
    given = [
        f"{_LABELS.get(_PLACEHOLDER.match(p).group(1), 'identifier')} already given: {p}"  # type: ignore[union-attr]
        for p in ids
    ]
    return HandoverBrief(
        customer_goal=goal,
        already_done=done,
        open_questions=open_questions[:4],
        identifiers=ids,
        sentiment=route.sentiment if route else "neutral",
        do_not_ask_again=given,
    )
