"""The offline hand-over brief: what the advisor reads so that the customer never repeats.

From the (redacted) conversation with the bot or a previous advisor: the goal in the customer's
words, what the other side already did or asked, every identifier given as a placeholder the
advisor can reveal, the emotional state and its trend as the understanding step measured them,
and "do not ask again": each identifier given and each question already asked and answered.
"""

from __future__ import annotations

import re
from typing import Any

from copilot.engines.offline_wrapup import (
    contact_identifiers,
    contact_language,
    identifier_label,
    mood_now,
    open_question,
)
from copilot.engines.wrapup_scorer import load_weights, pick
from copilot.engines.wrapup_sentences import Sentence, contact_sentences, strip_opener
from copilot.state import HandoverBrief

_ROLE = {"en": {"bot": "bot", "advisor": "advisor"}, "fr": {"bot": "bot", "advisor": "conseiller"}}
_ANSWERED = {"en": "answered", "fr": "répondu"}
_GIVEN = {"en": "already given", "fr": "déjà donné"}
_EMOTION_WORDS = {
    "negative": {"en": "upset", "fr": "mécontent"},
    "neutral": {"en": "calm", "fr": "calme"},
    "positive": {"en": "satisfied", "fr": "satisfait"},
}
_TREND_WORDS = {
    "improving": {"en": "improving", "fr": "en amélioration"},
    "stable": {"en": "stable", "fr": "stable"},
    "worsening": {"en": "worsening", "fr": "en dégradation"},
}


_GENERIC_OFFER = re.compile(
    r"\b(?:how|what) can I (?:help|do for you)|how may I help|comment puis-je vous aider|"
    r"que puis-je faire",
    re.IGNORECASE,
)


def _short(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def asked_and_answered(
    transcript: list[dict[str, Any]], sentences: list[Sentence]
) -> list[tuple[str, str, str]]:
    """(who asked, the question, the customer's answer) for each question of the bot or the
    advisor that a customer turn followed."""
    found = []
    for index, turn in enumerate(transcript):
        if turn.get("role") == "customer":
            continue
        questions = [s.text for s in sentences if s.turn == index and "?" in s.text]
        answer = next((t for t in transcript[index + 1 :] if t.get("role") == "customer"), None)
        between = transcript[index + 1 : transcript.index(answer)] if answer else []
        if not questions or answer is None or any(t.get("role") == "customer" for t in between):
            continue
        for question in questions:
            found.append((str(turn["role"]), strip_opener(question), str(answer.get("text", ""))))
    return found


def already_done(
    sentences: list[Sentence], transcript: list[dict[str, Any]], lang: str
) -> list[str]:
    """What the bot or the previous advisor said they did or asked, in their words."""
    done = []
    for s in sentences:
        role = str(transcript[s.turn].get("role"))
        if s.role != "advisor" or s.features.get("short") and "?" not in s.text:
            continue
        if s.features.get("cue_greeting") and "?" not in s.text and s.rank == 0:
            continue
        if _GENERIC_OFFER.search(s.text):  # "How can I help?" did nothing for the customer
            continue
        done.append(f"{_ROLE[lang].get(role, role)}: {_short(strip_opener(s.text), 130)}")
    return list(dict.fromkeys(done))[-8:]


def emotional_state(
    routes: list[dict[str, Any]], sentences: list[Sentence], lang: str
) -> tuple[str, str, str]:
    """(sentiment now, trend, the state in words with the turn that shows it)."""
    if not routes:
        return "neutral", "stable", ""
    now = mood_now(routes)
    scores = [float(r.get("sentiment_score", 0.0)) for r in routes]
    trend = str(routes[-1].get("sentiment_trend", "stable"))
    if len(scores) > 1 and abs(scores[-1] - scores[0]) >= 0.2:
        trend = "improving" if scores[-1] > scores[0] else "worsening"
    worst = min(range(len(routes)), key=lambda i: scores[i])
    said = [s for s in sentences if s.role == "customer"]
    turns = sorted({s.turn for s in said})
    emotion = str(routes[-1].get("emotion") or _EMOTION_WORDS.get(now, {}).get(lang, now))
    if scores[worst] < 0 and worst < len(turns):
        quote = min(
            (s for s in said if s.turn == turns[worst]),
            key=lambda s: -s.features.get("cue_emotion", 0.0),
        )
        emotion += f" ({_TREND_WORDS.get(trend, {}).get(lang, trend)}): «{_short(quote.text, 90)}»"
    else:
        emotion += f" ({_TREND_WORDS.get(trend, {}).get(lang, trend)})"
    return now, trend, emotion


def extract_handover(
    transcript: list[dict[str, Any]], routes: list[dict[str, Any]]
) -> HandoverBrief:
    """The brief for the advisor who takes the contact over; `routes`: one per customer turn."""
    sentences = contact_sentences(transcript)
    lang = contact_language(transcript, routes)
    model = load_weights()
    goal_picks = pick(sentences, "customer", min(model.customer_words, 30), model)
    goal = " ".join(strip_opener(s.text) for s in goal_picks)
    ids = contact_identifiers(transcript)
    given = [f"{identifier_label(p, lang)} {_GIVEN[lang]}: {p}" for p in ids]
    answered = [
        f"{_ROLE[lang].get(who, who)}: «{_short(q, 110)}» — {_ANSWERED[lang]}: «{_short(a, 80)}»"
        for who, q, a in asked_and_answered(transcript, sentences)
    ]
    question = open_question(sentences, transcript)
    sentiment, trend, emotion = emotional_state(routes, sentences, lang)
    return HandoverBrief(
        customer_goal=goal or ("inconnu" if lang == "fr" else "unknown"),
        already_done=already_done(sentences, transcript, lang),
        open_questions=[question] if question else [],
        identifiers=ids,
        sentiment=sentiment,
        sentiment_trend=trend,
        emotion=emotion,
        do_not_ask_again=list(dict.fromkeys(given + answered)),
    )
