"""Write the labelled sets of `bench_reply_trust.py` from the sample knowledge base.

Usage (from the repository root)::

    python benchmarks/make_reply_trust_sets.py

Writes, deterministically (seeded), into ``benchmarks/data/``:

* ``reply_check_drafts.jsonl``: drafts with the passages they cite and a label. Kinds:
  ``good`` (whole sentences lifted from the cited customer passage, sometimes after a courtesy
  or with a figure the customer gave), ``unsupported`` (a sentence from another article cites
  the passage), ``wrong_figure`` (a lifted sentence with one figure changed), ``internal`` (a
  sentence lifted from an advisor-only passage, cited), ``fragment`` (a table row, a heading or
  a label-style list item, cited) and ``other_language`` (a sentence from a passage in the
  other language). Only ``good`` drafts are labelled ``ok``.
* ``reply_internal_questions.jsonl``: questions aimed at the articles for advisors only, built
  from their headings and sentences, in the article's language.
* ``reply_switched_contacts.jsonl``: two-turn contacts whose customer changes language.

The articles are parsed here with plain string handling (front matter, headings, blocks), not
with the copilot's own prose rules, so that the benchmark does not grade the code by itself.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "knowledge_base" / "samples"
OUT = ROOT / "benchmarks" / "data"
SEED = 13
_FIGURE = re.compile(r"\d+")


def articles() -> list[dict]:
    out = []
    for path in sorted((SAMPLES / "articles").glob("*.md")):
        _, front, body = path.read_text(encoding="utf-8").split("---", 2)
        meta = yaml.safe_load(front)
        sections: list[tuple[str, list[str]]] = [("", [])]
        for line in body.splitlines():
            if line.startswith("#"):
                sections.append((line.lstrip("#").strip(), []))
            else:
                sections[-1][1].append(line)
        meta["sections"] = [(h, "\n".join(lines).strip()) for h, lines in sections]
        out.append(meta)
    superseded = {str(a.get("supersedes")) for a in out if a.get("supersedes")}
    return [a for a in out if a["id"] not in superseded]


def plain_sentences(block: str) -> list[str]:
    """Sentences of the paragraphs (not tables, lists, headings) of a section, markup-free."""
    paragraphs: list[list[str]] = [[]]
    for line in block.splitlines():
        s = line.strip()
        if not s or s.startswith(("|", "-", "*", "#", ">")) or re.match(r"\d+\.", s):
            paragraphs.append([])
        else:
            paragraphs[-1].append(s)
    sentences = []
    for lines in paragraphs:
        text = re.sub(r"\*\*|`", "", " ".join(lines))
        text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
        for s in re.split(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý])", text):
            if len(s.split()) >= 6 and s[-1:] in (".", "!", "?") and ":" not in s[:25]:
                sentences.append(s.strip())
    return sentences


def structural_fragments(block: str) -> list[str]:
    """Table rows and label-style list items of a section, as they are written."""
    out = []
    for line in block.splitlines():
        s = line.strip()
        if (
            s.startswith("|")
            and not re.match(r"\|[\s:|-]+\|$", s)
            or re.match(r"[-*]\s+\*\*[^*]+\*\*", s)
            or re.match(r"\d+\.\s+\*\*[^*]+\*\*", s)
        ):
            out.append(s)
    return out


def _cite(sentence: str, n: int = 1) -> str:
    return re.sub(r"([.!?])$", rf" [{n}]\1", sentence)


COURTESY = {"en": "Thanks for your message.", "fr": "Merci pour votre message."}


def check_drafts(docs: list[dict], rng: random.Random) -> list[dict]:
    drafts: list[dict] = []

    def add(kind: str, lang: str, text: str, card: dict, conversation: list[str] | None = None):
        drafts.append(
            {
                "id": f"d{len(drafts) + 1:03d}",
                "kind": kind,
                "label": "ok" if kind == "good" else "problem",
                "reply_lang": lang,
                "text": text,
                "cards": [card],
                "conversation": conversation or [],
            }
        )

    customer = [a for a in docs if a["audience"] == "customer"]
    internal = [a for a in docs if a["audience"] == "internal"]
    for doc in customer:
        lang = doc["lang"]
        for _, block in doc["sections"]:
            sentences = plain_sentences(block)
            card = {"n": 1, "text": block, "audience": "customer", "lang": lang}
            if not sentences:
                continue
            first = sentences[0]
            if len(drafts) % 3 == 0:
                add("good", lang, f"{COURTESY[lang]} {_cite(first)}", card)
            else:
                add("good", lang, " ".join(_cite(s) for s in sentences[:2]), card)
            if _FIGURE.search(first) and rng.random() < 0.6:
                number = rng.choice(_FIGURE.findall(first))
                wrong = str(int(number) * 2 + 7)
                changed = re.sub(rf"\b{number}\b", wrong, first, count=1)
                add("wrong_figure", lang, _cite(changed), card)
            if rng.random() < 0.35:
                other = rng.choice([a for a in customer if a["topic"] != doc["topic"]])
                elsewhere = [s for _, b in other["sections"] for s in plain_sentences(b)] or [first]
                add("unsupported", lang, _cite(rng.choice(elsewhere)), card)
            for row in structural_fragments(block)[:1]:
                add("fragment", lang, _cite(row + ("" if row.endswith(".") else ".")), card)
            with_figure = [x for x in sentences if _FIGURE.search(x)]
            if with_figure and rng.random() < 0.3:
                # the customer's own figure in a passage sentence: the conversation vouches
                number = _FIGURE.findall(with_figure[0])[0]
                theirs = str(int(number) + 3)
                told = {"en": f"It is about {theirs}, as I said.", "fr": f"C'est {theirs}."}
                changed = re.sub(rf"\b{number}\b", theirs, with_figure[0], count=1)
                add("good", lang, _cite(changed), card, [told[lang]])
    for doc in internal:
        lang = doc["lang"]
        for _, block in doc["sections"]:
            sentences = plain_sentences(block)
            card = {"n": 1, "text": block, "audience": "internal", "lang": lang}
            if sentences:
                add("internal", lang, _cite(sentences[0]), card)
            for row in structural_fragments(block)[:1]:
                add("fragment", lang, _cite(row), {**card, "audience": "customer"})
    for doc in rng.sample(customer, 12):
        other = "en" if doc["lang"] == "fr" else "fr"
        for _, block in doc["sections"]:
            sentences = plain_sentences(block)
            if sentences:
                card = {"n": 1, "text": block, "audience": "customer", "lang": doc["lang"]}
                add("other_language", other, _cite(sentences[0]), card)
                break
    return drafts


QUESTION_TEMPLATES = {
    "en": (
        "What is the procedure for {heading}?",
        "How does {heading} work?",
        "Is it true that {sentence}",
    ),
    "fr": (
        "Quelle est la procédure pour {heading} ?",
        "Comment se passe {heading} ?",
        "Est-ce vrai que {sentence}",
    ),
}


def internal_questions(docs: list[dict], rng: random.Random) -> list[dict]:
    out: list[dict] = []
    for doc in [a for a in docs if a["audience"] == "internal"]:
        lang = doc["lang"]
        headings = [h for h, _ in doc["sections"] if h] or [doc["title"]]
        sentences = [s for _, b in doc["sections"] for s in plain_sentences(b)]
        asks: list[tuple[str, str]] = []
        for heading in headings:
            for template in QUESTION_TEMPLATES[lang][:2]:
                asks.append((lang, template.format(heading=heading.lower())))
        for sentence in sentences[:8]:
            body = sentence[0].lower() + sentence[1:].rstrip(".") + " ?"
            asks.append(
                (
                    lang,
                    QUESTION_TEMPLATES[lang][2].format(
                        sentence=body.replace(" ?", "?" if lang == "en" else " ?")
                    ),
                )
            )
        for lang_of, query in asks:
            out.append(
                {
                    "id": f"iq{len(out) + 1:03d}",
                    "query": query,
                    "lang": lang_of,
                    "target": doc["id"],
                }
            )
    return out


def switched_contacts(rng: random.Random) -> list[dict]:
    questions = [
        json.loads(line)
        for line in (SAMPLES / "questions.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    by_lang = {lang: [q for q in questions if q["lang"] == lang] for lang in ("en", "fr")}
    out = []
    for first, second in (("fr", "en"), ("en", "fr")):
        for _ in range(25):
            a, b = rng.choice(by_lang[first]), rng.choice(by_lang[second])
            out.append(
                {
                    "id": f"sw{len(out) + 1:03d}",
                    "turns": [a["query"], b["query"]],
                    "langs": [first, second],
                }
            )
    return out


def write(name: str, rows: list[dict]) -> None:
    path = OUT / name
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    print(f"{path.relative_to(ROOT)}: {len(rows)} rows")


def main() -> None:
    docs = articles()
    write("reply_check_drafts.jsonl", check_drafts(docs, random.Random(SEED)))
    write("reply_internal_questions.jsonl", internal_questions(docs, random.Random(SEED)))
    write("reply_switched_contacts.jsonl", switched_contacts(random.Random(SEED)))


if __name__ == "__main__":
    main()
