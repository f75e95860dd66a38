"""Wording of the offline engine: slot filling, sentence picking and the fixed phrases, FR/EN.

Pre-generative agent assist: approved templates filled from the conversation, and sentences
lifted from the cited passages. Nothing here invents a fact; every policy sentence comes from a
macro the compliance team approved or from a passage, and carries its citation.
"""

from __future__ import annotations

import re

from copilot.drafting.grounding import figures
from copilot.drafting.prose import prose_sentences, split_sentences
from knowledge_base.injection import scan_document
from knowledge_base.lexical import tokenize_query

PHRASES = {
    "no_policy": {
        "en": "No policy passage in the knowledge base answers this. Do not improvise an answer: "
        "tell the customer you will check, and report the gap to the knowledge-base team.",
        "fr": "Aucun passage de la base de connaissances ne répond à cette question. "
        "N'improvisez pas de réponse : dites au client que vous vérifiez, et signalez le "
        "manque à l'équipe de la base de connaissances.",
    },
    "opening": {"en": "Thanks for your message.", "fr": "Merci pour votre message."},
    "briefing": {"en": "Briefing", "fr": "Briefing"},
    "key_facts": {"en": "Key facts", "fr": "Faits clés"},
    "limits": {"en": "Policy limits", "fr": "Limites de la politique"},
    "empathy": {"en": "Empathy cues", "fr": "Points d'attention relationnels"},
    "pitfalls": {"en": "Pitfalls", "fr": "Pièges à éviter"},
    "opening_line": {"en": "Possible opening line", "fr": "Phrase d'ouverture possible"},
    "other_lang": {"en": "source in French", "fr": "source en anglais"},
    "internal": {
        "en": "internal procedure, not for the customer",
        "fr": "procédure interne, pas pour le client",
    },
}

ADVISORY_HEADINGS = tuple(
    PHRASES[key][lang]
    for key in ("briefing", "empathy", "pitfalls", "opening_line")
    for lang in ("en", "fr")
)
"""Briefing parts that coach the advisor rather than state policy (not fact-checked)."""

EMPATHY = {
    "complaint": {
        "en": "Acknowledge the problem before explaining; do not argue the facts.",
        "fr": "Reconnaissez le problème avant d'expliquer ; ne contestez pas les faits.",
    },
    "sensitive_data": {
        "en": "Reassure: say what you will check and why you need it.",
        "fr": "Rassurez : dites ce que vous vérifiez et pourquoi.",
    },
    "personal_advice": {
        "en": "Ask about the situation; explain options, do not decide for them.",
        "fr": "Renseignez-vous sur la situation ; présentez les options sans "
        "décider à la place du client.",
    },
    "complex_problem": {
        "en": "Summarise what you understood and agree the next step.",
        "fr": "Reformulez ce que vous avez compris et convenez de l'étape suivante.",
    },
    "proactive_opportunity": {
        "en": "Offer help before the customer has to ask for it.",
        "fr": "Proposez de l'aide avant que le client ait à la demander.",
    },
    "vulnerable_customer": {
        "en": "Slow down, check understanding, offer support options.",
        "fr": "Ralentissez, vérifiez la compréhension, proposez un soutien.",
    },
    "asks_for_human": {
        "en": "Introduce yourself: the customer wanted a person.",
        "fr": "Présentez-vous : le client voulait parler à une personne.",
    },
}

PITFALLS = {
    "complaint": {
        "en": "Do not promise compensation the policy does not provide.",
        "fr": "Ne promettez pas de geste commercial non prévu par la politique.",
    },
    "sensitive_data": {
        "en": "Verify identity before disclosing or changing anything; never "
        "read card or IBAN numbers back.",
        "fr": "Vérifiez l'identité avant toute information ou modification ; "
        "ne relisez jamais un numéro de carte ou d'IBAN.",
    },
    "legal_threat": {
        "en": "Stay factual; log the complaint and do not discuss liability.",
        "fr": "Restez factuel ; enregistrez la réclamation sans discuter de responsabilité.",
    },
    "fraud_suspected": {
        "en": "Block first, investigate after; do not ask for full card data.",
        "fr": "Bloquez d'abord, enquêtez ensuite ; ne demandez pas les données "
        "complètes de la carte.",
    },
    "personal_advice": {
        "en": "Give the facts and options, not a personal recommendation.",
        "fr": "Donnez les faits et les options, pas une recommandation personnelle.",
    },
}

_MONEY = re.compile(
    r"(?:€\s?\d+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?\s?(?:€|euros?|EUR))", re.IGNORECASE
)
_DATE = re.compile(
    r"\b\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?\b|\b\d{1,2} (?:janvier|février|mars|"
    r"avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre|january|"
    r"february|march|april|may|june|july|august|september|october|november|"
    r"december)\b",
    re.IGNORECASE,
)
_DAYS = re.compile(r"\b(\d{1,2})\s?(?:days?|jours?)\b", re.IGNORECASE)
_MERCHANT = re.compile(r"\b(?:chez|at|from|de chez|marchand|merchant|on)\s+([A-Z][\w&'-]+)")
_CASE = re.compile(r"\b(?:DSP|FRD|REC|RFD)-\d+\b")


SITUATIONAL_SLOTS = frozenset({"amount", "due_date", "days"})
"""Slots whose value belongs to the question being asked: an earlier turn's date is often
the wrong one ("paid late on 12/11" then "can I move my *next* due date?")."""


def fill_slots(
    template: str, slots: tuple[str, ...], latest: str, earlier: str = ""
) -> tuple[str, list[str]]:
    """Fill a macro's slots from the (redacted) conversation; return text and unfilled slots.

    The latest customer turn comes first; a situational slot (amount, date, days) is taken from
    it only, an identifier (name, order, case, merchant) from any turn."""
    found: dict[str, str] = {}
    for source in (earlier, latest):  # the latest turn wins
        name = re.search(r"<NAME_\d+>", source)
        if name:
            found["customer_name"] = name.group(0)
        order = re.search(r"<ORDER_\d+>", source)
        if order:
            found["order_ref"] = order.group(0)
        case = _CASE.search(source)
        if case:
            found["case_ref"] = case.group(0)
        merchant = _MERCHANT.search(source)
        if merchant:
            found["merchant"] = merchant.group(1)
    for key, pattern in (("amount", _MONEY), ("due_date", _DATE)):
        match = pattern.search(latest)
        if match:
            found[key] = match.group(0)
    days = _DAYS.search(latest)
    if days:
        found["days"] = days.group(1)
    text = template
    missing = []
    for slot in slots:
        if slot in found:
            text = text.replace("{" + slot + "}", found[slot])
        elif slot == "customer_name":  # a greeting reads fine without the name
            text = re.sub(r",?\s*\{customer_name\}", "", text)
        else:
            text = text.replace("{" + slot + "}", f"[{slot}?]")
            missing.append(slot)
    return text, missing


_LIST_MARK = re.compile(r"(?m)^\s*(?:\d+\.|[-*•])\s+")
_INLINE_NUMBER = re.compile(r"(?<=[.!?:])\s+\d{1,2}[.)]\s+(?=[^\W\d_])")
"""A list number inside a passage whose lines were joined: "… disponible. 2. Échéance …"."""
_WORD_RUN = re.compile(r"[^\W\d_]{2,}")
_TABLE_RULE = re.compile(r"(?m)^\s*\|?[\s:|-]*-{3,}[\s:|-]*$\n?")
_TABLE_ROW = re.compile(r"(?m)^\s*\|(.+)\|\s*$")


def _table_row(match: re.Match[str]) -> str:
    """'| J4 | Late fee of 5 €. |' -> 'J4 : Late fee of 5 €.'"""
    cells = [cell.strip() for cell in match.group(1).split("|") if cell.strip()]
    return " : ".join(cells)


def plain(passage: str) -> str:
    """Markdown emphasis, list numbers and table borders removed, so lifted sentences read as
    prose."""
    text = re.sub(r"\*\*|__|`", "", passage)
    text = _TABLE_ROW.sub(_table_row, _TABLE_RULE.sub("", text))
    return _INLINE_NUMBER.sub(" ", _LIST_MARK.sub("", text))


def is_statement(sentence: str) -> bool:
    """At least three words: a list number or a stray figure alone ("2.") says nothing."""
    return len(_WORD_RUN.findall(sentence)) >= 3


def liftable(sentence: str) -> bool:
    """A sentence the engine may copy into a draft: the injection screen finds nothing in it.

    Documents are screened when indexed, but one indexed with --allow, a macro, or a passage
    indexed before a rule existed may still hold an instruction: each lifted sentence is
    screened again here, so none is ever presented as policy."""
    return not scan_document(sentence)


def _most_relevant(lines: list[str], query: str, limit: int) -> list[str]:
    """The `liftable` lines sharing most stemmed words with the query, in their order."""
    wanted = set(tokenize_query(query))
    scored = [
        (len(wanted & set(tokenize_query(s))), i, s) for i, s in enumerate(lines) if liftable(s)
    ]
    best = sorted(scored, key=lambda t: (-t[0], t[1]))[:limit]
    return [s for _, _, s in sorted(best, key=lambda t: t[1])]


def relevant_sentences(passage: str, query: str, limit: int) -> list[str]:
    """The passage's whole sentences of prose sharing most stemmed words with the query, in
    passage order: what a reply may quote."""
    return _most_relevant(prose_sentences(passage), query, limit)


def briefing_sentences(passage: str, query: str, limit: int, section: str = "") -> list[str]:
    """Like `relevant_sentences`, for the advisor's eyes: table rows read as "cell : cell", and
    a short list item keeps the heading it sits under ("What we will never ask you: Your
    password or app passcode."), without which it can say the opposite of the policy."""
    lines = [s.strip() for s in split_sentences(plain(_items_in_context(passage, section)))]
    return _most_relevant([s for s in lines if len(s) > 20], query, limit)


_CONTEXT_ITEM_WORDS = 14
"""A list item this short reads as a fragment without its heading."""


def _items_in_context(passage: str, section: str) -> str:
    """The passage with each short list item led by its heading (the last `#` line above it,
    else the last step of the chunk's section path "Caps per order > Examples")."""
    heading, out = section.rpartition(" > ")[2].strip(), []
    for line in passage.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            heading = stripped.lstrip("#").strip()
        elif (
            heading
            and _LIST_MARK.match(stripped)
            and len(_WORD_RUN.findall(stripped)) <= _CONTEXT_ITEM_WORDS
            and not stripped.rstrip().endswith(":")
        ):
            item = _LIST_MARK.sub("", stripped, count=1)
            line = f"- {heading.rstrip(' :')}: {item}"
        out.append(line)
    return "\n".join(out)


def limit_sentences(passages: list[tuple[int, str]], limit: int) -> list[tuple[int, str]]:
    """`liftable` sentences stating figures (amounts, deadlines, caps), with their card number."""
    out: list[tuple[int, str]] = []
    for n, text in passages:
        for sentence in split_sentences(plain(text)):
            clean = sentence.strip()
            if (
                figures(clean)
                and is_statement(clean)
                and len(clean) < 260
                and not clean.startswith("#")
                and liftable(clean)
            ):
                out.append((n, clean))
                if len(out) >= limit:
                    return out
    return out


def cite_sentence(sentence: str, candidates: list[tuple[int, str]]) -> list[int]:
    """Cards that support a template sentence: those holding its figures (the fewest that hold
    them all), else the best overlap."""
    nums = {re.sub(r"\D", "", f) for f in figures(sentence)}
    if nums:
        held = {n: {re.sub(r"\D", "", f) for f in figures(text)} & nums for n, text in candidates}
        chosen: list[int] = []
        missing = set(nums)
        while missing:
            n = max(held, key=lambda k: len(held[k] & missing), default=None)
            if n is None or not held[n] & missing:
                break
            chosen.append(n)
            missing -= held[n]
        if chosen and not missing:
            return sorted(chosen)
    words = set(tokenize_query(sentence))
    if not words:
        return []
    best = max(candidates, key=lambda c: len(words & set(tokenize_query(c[1]))), default=None)
    if best and len(words & set(tokenize_query(best[1]))) >= max(2, len(words) // 4):
        return [best[0]]
    return []
