"""Benchmark what a reply draft puts in front of a customer: audience, fragments, language, and
how well the check step tells good drafts from bad ones.

Usage (from the repository root; the sets come from `make_reply_trust_sets.py`)::

    python benchmarks/bench_reply_trust.py            # table
    python benchmarks/bench_reply_trust.py --json     # one JSON object
    python benchmarks/bench_reply_trust.py --limit 50 # the first 50 questions of each set

Runs the whole graph (offline engine, the configured embeddings: e5 by default) on every
question of the sample KB's labelled sets (``questions.jsonl``, ``questions_unanswerable.jsonl``),
on the generated questions aimed at the advisor-only articles, and on contacts whose customer
switches language (the second turn is measured). Over the reply drafts (mode ``reply``):

* internal: drafts that cite a passage for advisors only, or quote a sentence that one holds
  and no customer card does;
* fragments: drafts with a sentence that is no whole sentence of prose (a table cell, markup,
  a list marker or a label-style stub, no closing punctuation) or, outside an approved
  template, that is a list item of a card, found by this script's own rules;
* language: drafts every sentence of which is in the language of the latest customer turn
  (the set's label), by `knowledge_base.language.detect_language`.

The check is measured on ``reply_check_drafts.jsonl``: positive = "the check flags a problem"
(an unsupported sentence, an unverified figure, an internal citation or a fragment); a draft
labelled ``problem`` is a true positive when flagged, a ``good`` draft a false positive.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from langgraph.checkpoint.memory import InMemorySaver

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"
SAMPLES = ROOT / "knowledge_base" / "samples"

_MARK = re.compile(r"\s*\[(?:\d{1,3}|[a-z_]+\?)\]")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_BROKEN = re.compile(r"\||\*\*|`|\]\(|^#|^\s*(?:[-*•]|\d{1,2}[.)])\s|-{3,}")
_LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+")
_STUB = re.compile(r"^[^.!?:]{1,60}\s[–—]\s[a-zà-ÿ]")


def jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(_MARK.sub("", text)) if s.strip()]


def is_fragment(sentence: str) -> bool:
    words = re.findall(r"[^\W\d_]{2,}", sentence)
    return bool(
        _BROKEN.search(sentence)
        or _STUB.match(sentence)
        or not re.search(r"[.!?…][»\")]?$", sentence)
        or len(words) < 2
    )


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\*\*|`", "", text)).strip().lower()


def measure_draft(suggestion: Any, lang: str) -> dict[str, bool] | None:
    from knowledge_base.language import detect_language

    draft = suggestion.draft
    if draft.mode != "reply" or draft.no_policy_found:
        return None
    cards = {c.n: c for c in suggestion.cards}
    cited = {int(n) for n in re.findall(r"\[(\d{1,3})\]", draft.text)}
    internal_text = [_norm(c.text) for c in suggestion.cards if c.audience != "customer"]
    customer_text = [_norm(c.text) for c in suggestion.cards if c.audience == "customer"]
    said = sentences(draft.text)
    # a sentence an internal passage holds and no customer passage does is a quote of it
    quotes = any(
        len(s) > 30
        and any(_norm(s).rstrip(".") in t for t in internal_text)
        and not any(_norm(s).rstrip(".") in t for t in customer_text)
        for s in said
    )
    # a list item of a card lifted as it stands; an approved template (macro) is not lifted
    items = {
        _norm(_LIST_ITEM.sub("", line))
        for c in suggestion.cards
        for line in c.text.splitlines()
        if _LIST_ITEM.match(line) and draft.macro_id is None
    }
    return {
        "internal": quotes or any(cards[n].audience != "customer" for n in cited if n in cards),
        "fragment": any(is_fragment(s) or _norm(s) in items for s in said),
        "language": all(detect_language(s, default=lang) == lang for s in said),
    }


def run_questions(session_for: Any, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        session = session_for()
        turns = row.get("turns") or [row["query"]]
        langs = row.get("langs") or [row["lang"]]
        suggestion = None
        for text in turns:
            if suggestion is not None:
                session.add_turn("advisor", "OK.")
            suggestion = session.customer_turn(text)
        assert suggestion is not None
        result = measure_draft(suggestion, langs[-1])
        out.append(
            {
                "id": row["id"],
                "mode": suggestion.draft.mode,
                "route_lang_ok": suggestion.route.language == langs[-1],
                **(result or {}),
                "reply": result is not None,
                "text": suggestion.draft.text,
            }
        )
    return out


def check_scores(rows: list[dict[str, Any]]) -> dict[str, Any]:
    from copilot.drafting.grounding import check_draft

    tp = fp = fn = tn = 0
    misses: list[str] = []
    for row in rows:
        cards = {c["n"]: c["text"] for c in row["cards"]}
        try:
            found = check_draft(
                row["text"],
                cards,
                row["conversation"],
                audiences={c["n"]: c["audience"] for c in row["cards"]},
                langs={c["n"]: c["lang"] for c in row["cards"]},
                reply_lang=row["reply_lang"],
            )
        except TypeError:  # the check as it was: text, cards and conversation only
            found = check_draft(row["text"], cards, row["conversation"])
        flagged = any(found)
        positive = row["label"] == "problem"
        tp += flagged and positive
        fp += flagged and not positive
        fn += positive and not flagged
        tn += not flagged and not positive
        if flagged != positive:
            misses.append(f"{row['id']} {row['kind']}: {row['text'][:90]}")
    by_kind: dict[str, list[int]] = {}
    return {
        "drafts": len(rows),
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "misses": misses,
        **by_kind,
    }


def summarise(name: str, results: list[dict[str, Any]]) -> dict[str, Any]:
    replies = [r for r in results if r["reply"]]
    return {
        "set": name,
        "questions": len(results),
        "replies": len(replies),
        "internal": sum(r["internal"] for r in replies),
        "fragments": sum(r["fragment"] for r in replies),
        "language_ok": sum(r["language"] for r in replies),
        "route_lang_ok": sum(r["route_lang_ok"] for r in results),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--misses", action="store_true", help="list the check's errors")
    args = parser.parse_args()

    from copilot.assembly import Copilot
    from copilot.config import Settings
    from copilot.session import CopilotSession

    settings = Settings().model_copy(update={"engine": "offline"})
    # the engine a contact runs on (with the KB's catalogue), each question its own contact
    copilot = Copilot.open(settings, checkpointer=InMemorySaver(), records="off")

    def session_for() -> CopilotSession:
        return copilot.session()

    def take(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return rows[: args.limit] if args.limit else rows

    sets = {
        "questions": take(jsonl(SAMPLES / "questions.jsonl")),
        "unanswerable": take(jsonl(SAMPLES / "questions_unanswerable.jsonl")),
        "internal-only": take(jsonl(DATA / "reply_internal_questions.jsonl")),
        "switched-lang": take(jsonl(DATA / "reply_switched_contacts.jsonl")),
    }
    results = {name: run_questions(session_for, rows) for name, rows in sets.items()}
    table = [summarise(name, rows) for name, rows in results.items()]
    total = {
        "set": "all",
        **{k: sum(int(t[k]) for t in table) for k in table[0] if k != "set"},
    }
    table.append(total)
    check = check_scores(jsonl(DATA / "reply_check_drafts.jsonl"))
    report = {"embeddings": settings.embeddings, "sets": table, "check": check}
    if args.json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return
    print(f"embeddings: {settings.embeddings}   engine: offline")
    head = ("set", "questions", "replies", "internal", "fragments", "lang ok", "route lang ok")
    print("{:<14}{:>10}{:>9}{:>10}{:>11}{:>9}{:>15}".format(*head))
    for t in table:
        lang = f"{t['language_ok'] / t['replies']:.1%}" if t["replies"] else "-"
        print(
            f"{t['set']:<14}{t['questions']:>10}{t['replies']:>9}{t['internal']:>10}"
            f"{t['fragments']:>11}{lang:>9}{t['route_lang_ok'] / t['questions']:>15.1%}"
        )
    print(
        f"\ncheck on {check['drafts']} labelled drafts (positive = the check flags a problem): "
        f"precision {check['precision']:.3f}  recall {check['recall']:.3f}  "
        f"(tp {check['tp']} fp {check['fp']} fn {check['fn']} tn {check['tn']})"
    )
    if args.misses:
        print("\n".join(check["misses"]))
        for name, rows in results.items():
            for r in rows:
                if r["reply"] and (r["internal"] or r["fragment"] or not r["language"]):
                    print(f"{name} {r['id']}: {r['text']}")


if __name__ == "__main__":
    main()
