"""The offline engine's wrap-up: a case note picked from what was said, never paraphrased.

The learned scorer (`copilot.engines.wrapup_scorer`) picks the customer's and the advisor's
sentences that say most about the contact; the structured fields come from the same cleaned
sentences: the reason in the customer's words, the advisor's actions and promises, what remains,
the identifiers as placeholders, and the sentiment the understanding step measured turn by turn.
Nothing is invented; the advisor edits and approves the note.
"""

from __future__ import annotations

import re
from typing import Any

from copilot.engines.wrapup_scorer import ScorerWeights, case_note_text, load_weights, pick
from copilot.engines.wrapup_sentences import Sentence, contact_sentences, strip_opener
from copilot.state import SUPERSEDED, Summary
from knowledge_base.language import detect_language

PLACEHOLDER = re.compile(r"<([A-Z]+)_\d+>")
COMMITMENT = re.compile(
    r"\b(I will|I'll|we will|we'll|you will (?:receive|get|be)|within \d+|in the next \d+|"
    r"by (?:monday|tuesday|wednesday|thursday|friday|tomorrow|the end of)|"
    r"je vais|nous allons|vous (?:recevrez|serez|aurez)|sous \d+|d'ici|dans les \d+|"
    r"je (?:vous )?rappel\w*)\b",
    re.IGNORECASE,
)
_ACTION = re.compile(
    r"\b(?:(?:I|we)(?:'ve| have)? (?:just )?(?:reset|sent|checked|escalated|reported|refunded|"
    r"passed|raised|updated|added|fixed|cancell?ed|processed|blocked|frozen|opened|logged|"
    r"looked|credited|removed|waived)|(?:please |kindly )?(?:try|restart|reinstall|update|"
    r"clear|log out|go to|visit|send us|share|DM us|check)\b|"
    r"j'ai (?:bloqué|envoyé|vérifié|transmis|annulé|ouvert|remboursé)|nous avons|"
    r"(?:essayez|redémarrez|vérifiez|rendez-vous|envoyez))",
    re.IGNORECASE,
)
LABELS = {
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
_LABELS_FR = {
    "CARD": "numéro de carte",
    "IBAN": "IBAN",
    "NIR": "numéro de sécurité sociale",
    "PHONE": "numéro de téléphone",
    "EMAIL": "adresse e-mail",
    "DOB": "date de naissance",
    "ADDRESS": "adresse postale",
    "ACCOUNT": "numéro de compte",
    "ORDER": "référence de commande",
    "NAME": "nom",
}


def identifier_label(placeholder: str, lang: str = "en") -> str:
    match = PLACEHOLDER.fullmatch(placeholder)
    kind = match.group(1) if match else ""
    return (_LABELS_FR if lang == "fr" else LABELS).get(
        kind, "identifiant" if lang == "fr" else "identifier"
    )


def identifiers_in(texts: list[str]) -> list[str]:
    """Every placeholder in the texts, in the order first given."""
    return list(dict.fromkeys(m.group(0) for t in texts for m in PLACEHOLDER.finditer(t)))


def contact_language(transcript: list[dict[str, Any]], routes: list[dict[str, Any]]) -> str:
    if routes and routes[-1].get("language") in ("fr", "en"):
        return str(routes[-1]["language"])
    said = " ".join(str(t.get("text", "")) for t in transcript if t.get("role") == "customer")
    return "en" if detect_language(PLACEHOLDER.sub(" ", said), default="fr") == "en" else "fr"


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_REQUEST = re.compile(
    r"\?|\b(?:I want|I'd like|I need|I would like|can you|could you|please|je veux|je voudrais|"
    r"j'aimerais|pouvez-vous|pourriez-vous|il faut)\b",
    re.IGNORECASE,
)


_CONJUNCTION = re.compile(r"^(?:and|also|so|et|aussi|alors)\b[,]?\s*", re.IGNORECASE)


def open_question(sentences: list[Sentence], transcript: list[dict[str, Any]]) -> str | None:
    """The customer's last question or request when no one answered it (the contact ends on
    the customer's turns)."""
    if not transcript or transcript[-1].get("role") != "customer":
        return None
    answered = max((i for i, t in enumerate(transcript) if t.get("role") != "customer"), default=-1)
    asked = [s.text for s in sentences if s.turn > answered and _REQUEST.search(s.text)]
    if not asked:
        return None
    question = _CONJUNCTION.sub("", strip_opener(asked[-1])) or asked[-1]
    return _short(question[0].upper() + question[1:], 140)


def contact_identifiers(transcript: list[dict[str, Any]]) -> list[str]:
    """The customer's identifiers first, then those the other side quoted (its own name, as in
    "I'm Claire", is not the customer's)."""
    ids = identifiers_in(
        [str(t.get("text", "")) for t in transcript if t.get("role") == "customer"]
    )
    others = identifiers_in([str(t.get("text", "")) for t in transcript])
    return ids + [p for p in others if p not in ids and not p.startswith("<NAME_")]


def wrapup_text(
    transcript: list[dict[str, Any]],
    lang: str | None = None,
    model: ScorerWeights | None = None,
    sentences: list[Sentence] | None = None,
) -> str:
    """The case note's paragraph for a transcript (the scorer's picks, in order)."""
    model = model or load_weights()
    sentences = contact_sentences(transcript) if sentences is None else sentences
    lang = lang or contact_language(transcript, [])
    customer = pick(sentences, "customer", model.customer_words, model)
    advisor = pick(sentences, "advisor", model.advisor_words, model)
    bot_only = not any(t.get("role") == "advisor" for t in transcript)
    remains = open_question(sentences, transcript)
    if remains and any(strip_opener(s.text) == remains for s in customer):
        remains = None  # the note says it already
    if remains and lang == "fr":
        remains = f"« {remains} »"
    elif remains:
        remains = f'"{remains}"'
    return case_note_text(customer, advisor, remains, lang, advisor_is_bot=bot_only)


def extract_summary(
    transcript: list[dict[str, Any]],
    routes: list[dict[str, Any]],
    suggestions: list[dict[str, Any]],
) -> Summary:
    model = load_weights()
    sentences = contact_sentences(transcript)
    lang = contact_language(transcript, routes)
    customer_said = [s for s in sentences if s.role == "customer"]
    reason_picks = pick(sentences, "customer", min(model.customer_words, 30), model)
    reason = " ".join(strip_opener(s.text) for s in reason_picks) or (
        "inconnu" if lang == "fr" else "unknown"
    )
    advisor_said = [s for s in sentences if s.role == "advisor"]
    taken = [strip_opener(s.text) for s in advisor_said if _ACTION.search(s.text)]
    commitments = [strip_opener(s.text) for s in advisor_said if COMMITMENT.search(s.text)]
    taken += _decisions(suggestions, commitments)
    taken = [t for t in dict.fromkeys(taken) if t not in commitments]
    ids = contact_identifiers(transcript)
    facts = [f"{identifier_label(p, lang)}: {p}" for p in ids]
    facts += [
        strip_opener(s.text)
        for s in customer_said
        if s.features.get("digits") and not PLACEHOLDER.search(s.text) and s not in reason_picks
    ][:3]
    for route in routes:
        for flag in route.get("flags", []):
            facts.append(f"flag: {flag}")
    follow_ups: list[str] = []
    question = open_question(sentences, transcript)
    if question:
        follow_ups.append(("à traiter : " if lang == "fr" else "still open: ") + question)
    follow_ups += [a["title"] for r in suggestions[-1:] for a in r.get("actions", [])]
    start, end, trend = _sentiment(routes)
    return Summary(
        text=wrapup_text(transcript, lang, model, sentences),
        reason_for_contact=_short(reason, 240),
        key_facts=list(dict.fromkeys(facts)),
        actions_taken=[_short(t, 200) for t in taken],
        commitments=[_short(c, 200) for c in dict.fromkeys(commitments)],
        follow_ups=list(dict.fromkeys(follow_ups)),
        identifiers=ids,
        sentiment_start=start,
        sentiment_end=end,
        sentiment_trend=trend,
    )


def _decisions(suggestions: list[dict[str, Any]], commitments: list[str]) -> list[str]:
    """What the advisor did with the copilot's suggestions (briefings, sent replies, rejects)."""
    taken: list[str] = []
    for record in suggestions:
        decision = record.get("decision") or {}
        briefing = (record.get("draft") or {}).get("mode") == "briefing"
        if decision.get("kind") in ("accept", "edit") and briefing:
            intent = str((record.get("route") or {}).get("intent", "the request"))
            taken.append(f"advisor-led with a briefing: {intent.replace('_', ' ')}")
        elif decision.get("kind") in ("accept", "edit"):
            sent = decision.get("text") or ""
            taken.append(f"sent reply: {_short(sent, 120)}")
            commitments += [
                strip_opener(s.text)
                for s in contact_sentences([{"role": "advisor", "text": sent}])
                if COMMITMENT.search(s.text)
            ]
        elif decision.get("kind") == "reject" and decision.get("reason") != SUPERSEDED:
            taken.append(f"rejected a draft ({decision.get('reason') or 'no reason given'})")
    return taken


def mood_now(routes: list[dict[str, Any]]) -> str:
    """The customer's latest non-neutral sentiment: a neutral answer to a factual question
    (a reference, a date) does not calm an upset customer down."""
    moods = [str(r.get("sentiment", "neutral")) for r in routes]
    return next((m for m in reversed(moods) if m != "neutral"), "neutral")


def _sentiment(routes: list[dict[str, Any]]) -> tuple[str, str, str]:
    """Start, end and trend as the understanding step measured them turn by turn."""
    if not routes:
        return "neutral", "neutral", "stable"
    start = str(routes[0].get("sentiment", "neutral"))
    end = str(routes[-1].get("sentiment", "neutral"))
    scores = [float(r.get("sentiment_score", 0.0)) for r in routes]
    if len(scores) < 2 or abs(scores[-1] - scores[0]) < 0.2:
        trend = str(routes[-1].get("sentiment_trend", "stable"))
    else:
        trend = "improving" if scores[-1] > scores[0] else "worsening"
    return start, end, trend
