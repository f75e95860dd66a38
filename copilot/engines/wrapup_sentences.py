"""The sentences of a contact as the offline wrap-up sees them: cleaned, and described by features.

A turn is split into sentences; handles, links, signatures and greetings are cleaned away; each
sentence gets lexical, position and role features that the learned scorer
(`copilot.engines.wrapup_scorer`) weighs. Everything here is plain Python on the redacted text:
it costs well under a millisecond a sentence, so a 30-turn contact is summarised without a model
call (an e5 embedding of every sentence would take seconds on a laptop CPU).
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from copilot.drafting.prose import split_sentences

_HANDLE = re.compile(r"(?:^|(?<=\s))@\w+[:,]?")
_URL = re.compile(r"https?://\S+|www\.\S+")
_SIGNATURE = re.compile(r"(?:\s[\^*~\-–]\s?[A-Za-z]{1,12}|\s\^\w+)\s*$")
_PAGING = re.compile(r"\(?\b\d\s?/\s?\d\b\)?|\.{2,}\s*\(?ctd\)?\.{0,3}|\(ctd\)", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_OPENER = re.compile(
    r"^(?:(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|bonjour|bonsoir|salut)\b"
    r"[^,.!?]{0,25}[,.!]?\s*"
    r"|(?:thanks|thank you|merci)(?: (?:for|pour) [^,.!?]{1,40})?[,.!]\s+(?=\w)"
    r"|(?:sure|ok|okay|yes|yeah|no problem|d'accord|oui|bien sûr)[,.!]\s+(?=\w)"
    r"|(?:my name is|this is|I'm|je m'appelle|je suis|c'est) <NAME_\d+>[,.!]?\s+(?=\w))",
    re.IGNORECASE,
)
_CUES: dict[str, re.Pattern[str]] = {
    "greeting": re.compile(
        r"^(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|bonjour|bonsoir)\b", re.I
    ),
    "thanks": re.compile(r"\b(?:thanks?|thank you|cheers|merci|ty)\b", re.I),
    "apology": re.compile(
        r"\b(?:sorry|apologi[sz]e|apologies|regret|désolée?|excuse[sz]?)\b", re.I
    ),
    "contact_us": re.compile(
        r"\b(?:DM|direct message|private message|follow us|reach out|message privé|"
        r"en privé|MP)\b",
        re.I,
    ),
    "request": re.compile(
        r"\b(?:please|could you|can you|would you|kindly|pourriez|pouvez|merci de)\b", re.I
    ),
    "problem": re.compile(
        r"\b(?:not|no|never|can't|cannot|won't|doesn't|didn't|isn't|unable|problem|issue|"
        r"error|fail\w*|broken|still|again|ne|pas|jamais|problème|erreur|toujours)\b",
        re.I,
    ),
    "action": re.compile(
        r"\b(?:we(?:'ve| have)? (?:reset|sent|checked|escalated|reported|refunded|passed|"
        r"raised|updated|added|fixed|cancelled|processed)|I(?:'ve| have) (?:reset|sent|checked|"
        r"escalated|reported|refunded|passed|raised)|will|we'll|I'll|going to|"
        r"nous avons|j'ai (?:bloqué|envoyé|vérifié|transmis|annulé)|je vais|nous allons)\b",
        re.I,
    ),
    "advice": re.compile(
        r"\b(?:try|restart|reinstall|update|check|go to|visit|clear|log out|sign in|contact|"
        r"essayez|redémarrez|vérifiez|rendez-vous|allez)\b",
        re.I,
    ),
    "self_intro": re.compile(
        r"\b(?:my name is|I am the|I'm the|here to help|happy to help|je suis \w+,? "
        r"(?:votre |conseill)|je m'appelle)\b",
        re.I,
    ),
    "first_person": re.compile(r"\b(?:I|my|me|I'm|I've|je|j'|mon|ma|mes|moi)\b", re.I),
    "emotion": re.compile(
        r"\b(?:ridiculous|terrible|worst|awful|unacceptable|angry|annoy\w*|frustrat\w*|"
        r"disappoint\w*|useless|inadmissible|scandale|inquiète?|nul|honte|furieu\w*)\b|!{2,}",
        re.I,
    ),
}
_STOP = frozenset(
    "a an the and or but of to in on at for with from by is are was were be been am it its this "
    "that these those i you he she we they me my your our their them us do does did have has had "
    "not no so if as can could will would should just please hi hello thanks thank there here "
    "what when how why which who le la les un une des de du et ou à au aux en pour par sur dans "
    "est sont je vous il elle nous ils mon ma mes votre vos ce cette ne pas que qui".split()
)
FEATURES: tuple[str, ...] = (
    "bias",
    "advisor",
    "first_customer_turn",
    "first_advisor_turn",
    "last_advisor_turn",
    "last_customer_turn",
    "turn_position",
    "role_turn_rank",
    "sentence_rank",
    "log_words",
    "short",
    "question",
    "digits",
    "placeholder",
    "content_ratio",
    "centrality",
    "first_turn_overlap",
    "advisor_x_position",
    "advisor_x_centrality",
    *(f"cue_{name}" for name in _CUES),
    "few_content_words",
    *(f"advisor_x_cue_{name}" for name in ("action", "advice", "apology", "contact_us")),
)


@dataclass
class Sentence:
    """One cleaned sentence of the contact and where it came from."""

    role: str
    turn: int
    rank: int
    """Its place inside its turn (0: the first sentence)."""
    text: str
    features: dict[str, float] = field(default_factory=dict)

    def vector(self) -> list[float]:
        return [self.features.get(name, 0.0) for name in FEATURES]


def clean_turn(text: str) -> str:
    """A turn without handles, links, signatures and paging marks."""
    text = _URL.sub("", _HANDLE.sub("", html.unescape(text))).replace(">>", " ")
    text = _PAGING.sub(" ", text)
    text = _SIGNATURE.sub("", _SPACES.sub(" ", text).strip())
    return _SPACES.sub(" ", text).strip(" -–")


def strip_opener(sentence: str) -> str:
    """The sentence without a leading greeting, thanks or introduction ("Hi Paul, ..." ->
    "...", "my name is <NAME_1>, why ..." -> "Why ...")."""
    rest = sentence
    for _ in range(3):  # "Hi, my name is <NAME_1>, ..." opens twice
        shorter = _OPENER.sub("", rest, count=1).strip()
        if shorter == rest or len(_WORD.findall(shorter)) < 3:
            break
        rest = shorter
    if len(_WORD.findall(rest)) < 3:
        return sentence
    return rest[0].upper() + rest[1:]


def content_words(text: str) -> list[str]:
    return [w for w in (m.lower() for m in _WORD.findall(text)) if w not in _STOP and len(w) > 1]


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    dot = sum(v * b.get(k, 0) for k, v in a.items())
    na = math.sqrt(sum(v * v for v in a.values()))
    nb = math.sqrt(sum(v * v for v in b.values()))
    return dot / (na * nb) if na and nb else 0.0


def contact_sentences(transcript: list[dict[str, Any]]) -> list[Sentence]:
    """Every sentence of the customer's and the advisor's (or bot's) turns, with features."""
    turns = [(i, t) for i, t in enumerate(transcript) if t.get("role") in ("customer", "advisor")]
    turns += [(i, t) for i, t in enumerate(transcript) if t.get("role") == "bot"]
    turns.sort(key=lambda pair: pair[0])
    sentences: list[Sentence] = []
    for index, turn in turns:
        role = "customer" if turn["role"] == "customer" else "advisor"
        for rank, piece in enumerate(split_sentences(clean_turn(str(turn.get("text", ""))))):
            if _WORD.search(piece):
                sentences.append(Sentence(role=role, turn=index, rank=rank, text=piece))
    _describe(sentences, len(transcript))
    return sentences


def _describe(sentences: list[Sentence], n_turns: int) -> None:
    whole: Counter[str] = Counter(w for s in sentences for w in content_words(s.text))
    customer_turns = sorted({s.turn for s in sentences if s.role == "customer"})
    advisor_turns = sorted({s.turn for s in sentences if s.role == "advisor"})
    first_customer = customer_turns[0] if customer_turns else -1
    first_words: Counter[str] = Counter(
        w for s in sentences if s.turn == first_customer for w in content_words(s.text)
    )
    for s in sentences:
        words = _WORD.findall(s.text)
        content = content_words(s.text)
        own: Counter[str] = Counter(content)
        rest = whole - own
        role_turns = advisor_turns if s.role == "advisor" else customer_turns
        advisor = 1.0 if s.role == "advisor" else 0.0
        f = {
            "bias": 1.0,
            "advisor": advisor,
            "first_customer_turn": float(s.turn == first_customer),
            "first_advisor_turn": float(bool(advisor_turns) and s.turn == advisor_turns[0]),
            "last_advisor_turn": float(bool(advisor_turns) and s.turn == advisor_turns[-1]),
            "last_customer_turn": float(bool(customer_turns) and s.turn == customer_turns[-1]),
            "turn_position": s.turn / max(1, n_turns - 1),
            "role_turn_rank": min(role_turns.index(s.turn), 5) / 5.0,
            "sentence_rank": min(s.rank, 4) / 4.0,
            "log_words": math.log1p(len(words)) / 4.0,
            "short": float(len(words) < 5),
            "question": float("?" in s.text),
            "digits": float(any(c.isdigit() for c in s.text)),
            "placeholder": float("<" in s.text and ">" in s.text),
            "content_ratio": len(content) / max(1, len(words)),
            "few_content_words": float(len(content) < 3),
            "centrality": _cosine(own, rest),
            "first_turn_overlap": _cosine(own, first_words) if s.turn != first_customer else 0.0,
        }
        f.update({f"cue_{name}": float(bool(p.search(s.text))) for name, p in _CUES.items()})
        f["advisor_x_position"] = advisor * f["turn_position"]
        f["advisor_x_centrality"] = advisor * f["centrality"]
        for name in ("action", "advice", "apology", "contact_us"):
            f[f"advisor_x_cue_{name}"] = advisor * f[f"cue_{name}"]
        s.features = f
