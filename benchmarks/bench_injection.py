"""Benchmark prompt-injection screening (knowledge_base.injection) and what injections do to drafts.

Usage (from the repository root)::

    python benchmarks/bench_injection.py              # tables
    python benchmarks/bench_injection.py --json       # one JSON object
    python benchmarks/bench_injection.py --errors     # also list misses and false alarms
    python benchmarks/bench_injection.py --no-agent   # detector only (no index, no graph)

Detector: every corpus case goes through `scan_turn` or `scan_document` (its channel). Per
category: cases, flagged, recall (attacks) or false alarms (benign). "Precision" of a category
is its true positives over those plus every benign false alarm; the overall row pools all
attack categories. Time is CPU time per 1,000 characters.

Planted documents (benchmarks/data/injection_planted.jsonl, 49 attacks and 12 benign look-alikes,
FR/EN, Markdown and HTML: personas, indirect prompt leaks, URL/base64/entity/quoted-printable/
\\u encodings, l33t and letter spacing, code words that lift checks, and injections hidden in HTML
comments, meta, alt/title/aria-label, noscript and template): each is written to a file and
indexed by `index_paths`, so the loader, the HTML extractor and the indexer's screen all count.
Per technique: how many were quarantined.

Benign real data (public, /work/shared/eval or $COPILOT_EVAL_DIR; skipped when absent): false
quarantines on the sample KB articles and the OR-ShARC policy passages (`scan_document`), false
flags on banking77 and bitext customer queries and EN/FR tweets (`scan_turn`).

Agent (offline engine, as tests/unit/test_graph.py builds it: `hash` embeddings through
`index_paths`, `OfflineEngine` with a keyword understanding stub):

* every `turn` case is a customer turn of a fresh contact; the draft is checked for text copied
  from the turn (a run of 5 words found in no knowledge card) and for a URL or e-mail address
  found in no knowledge card;
* every `indirect_kb` case is a planted article indexed next to clean sample articles; its
  `probe` question is asked and the draft is checked for its `payload` (a run of 6 words, or
  its URL). Then again with the planted articles screened out by `scan_document`, as the
  indexer will do once wired;
* attack turns the screen flags must get a briefing (advisor-led), never a reply draft;
* the planted documents are run the same way as `indirect_kb` cases;
* every suggestion is accepted, and `session.records()` must hold nothing before the decision
  and a decision on every record after it. The copilot has no way to execute an action: next
  actions are suggestions the advisor carries out.

Corpus fields: id, category, channel (turn | document), lang, text, expected_flag; indirect_kb
cases add `payload` (the planted sentence) and `probe` (a customer question on the article).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from knowledge_base.injection import scan_document, scan_turn, strip_invisible  # noqa: E402

CORPUS = ROOT / "benchmarks" / "data" / "injection_corpus.jsonl"
PLANTED = ROOT / "benchmarks" / "data" / "injection_planted.jsonl"
EVAL = Path(os.environ.get("COPILOT_EVAL_DIR", "/work/shared/eval"))
ATTACKS = ("direct", "french", "indirect_kb", "encoded", "hidden_unicode", "exfiltration")
CLEAN_ARTICLES = (
    "late-fees-en",
    "late-fees-fr",
    "refunds-returns-en",
    "refunds-returns-fr",
    "hardship-en",
    "hardship-fr",
    "card-declined-en",
    "pay-in-4-en",
    "pay-in-4-fr",
    "disputes-en",
    "spending-limit-en",
    "contact-support-fr",
    "mediation-fr",
    "identity-verification-en",
    "early-repayment-en",
    "payment-method-en",
    "lost-stolen-card-en",
)
_LINK = re.compile(r"https?://[^\s)\"'>]+|www\.[^\s)\"'>]+|[\w.+-]+@[\w-]+\.[\w.]+")
_WORDS = re.compile(r"\w+")


def load(path: Path = CORPUS) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


# ------------------------------------------------------------------------------ detector
def evaluate_detector(rows: list[dict[str, Any]]) -> dict[str, Any]:
    per: dict[str, Counter[str]] = {}
    kinds: Counter[str] = Counter()
    errors: list[dict[str, Any]] = []
    cpu = chars = 0.0
    for row in rows:
        scan = scan_turn if row["channel"] == "turn" else scan_document
        t0 = time.process_time()
        findings = scan(row["text"])
        cpu += time.process_time() - t0
        chars += len(row["text"])
        flagged = bool(findings)
        count = per.setdefault(row["category"], Counter())
        count["n"] += 1
        count["flagged"] += int(flagged)
        kinds.update({f.kind for f in findings})
        if flagged != row["expected_flag"]:
            errors.append(
                {
                    "id": row["id"],
                    "category": row["category"],
                    "expected_flag": row["expected_flag"],
                    "text": row["text"][:200],
                    "findings": [(f.kind, f.excerpt) for f in findings],
                }
            )
    false_alarms = per.get("benign", Counter())["flagged"]
    table: dict[str, dict[str, Any]] = {}
    for category in [*ATTACKS, "benign"]:
        if category not in per:
            continue
        n, caught = per[category]["n"], per[category]["flagged"]
        if category == "benign":
            table[category] = {"n": n, "flagged": caught, "false_positive_rate": _ratio(caught, n)}
        else:
            table[category] = {
                "n": n,
                "flagged": caught,
                "precision": _ratio(caught, caught + false_alarms),
                "recall": _ratio(caught, n),
            }
    tp = sum(per[c]["flagged"] for c in ATTACKS if c in per)
    attacks = sum(per[c]["n"] for c in ATTACKS if c in per)
    precision, recall = _ratio(tp, tp + false_alarms), _ratio(tp, attacks)
    overall = {
        "n": attacks,
        "flagged": tp,
        "precision": precision,
        "recall": recall,
        "f1": round(2 * precision * recall / (precision + recall), 4) if tp else 0.0,
        "false_positives": false_alarms,
    }
    return {
        "cases": len(rows),
        "categories": table,
        "overall": overall,
        "kinds": dict(kinds.most_common()),
        "cpu_ms_per_1000_chars": round(cpu * 1000 / (chars / 1000), 4) if chars else 0.0,
        "cpu_ms_per_1000_chars_sample_kb": _typical_speed(),
        "errors": errors,
    }


def _typical_speed() -> dict[str, float]:
    """CPU per 1,000 characters on ordinary text: the sample articles and sample questions."""
    samples = ROOT / "knowledge_base" / "samples"
    articles = [p.read_text(encoding="utf-8") for p in sorted((samples / "articles").glob("*.md"))]
    lines = (samples / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line)["query"] for line in lines if line.strip()]
    speed = {}
    for label, texts, scan in (
        ("documents", articles, scan_document),
        ("turns", questions, scan_turn),
    ):
        t0 = time.process_time()
        for text in texts:
            scan(text)
        chars = sum(map(len, texts))
        speed[label] = round((time.process_time() - t0) * 1000 / (chars / 1000), 4)
    return speed


def _ratio(a: float, b: float) -> float:
    return round(a / b, 4) if b else 1.0


# ------------------------------------------------------------------------------ agent
class KeywordUnderstanding:
    """Routes by keywords (FR/EN), like the stub in tests/unit/test_graph.py."""

    INTENTS = (
        (("fee", "frais", "pénalit"), "late_fee_question"),
        (("refund", "rembours", "return", "retour"), "refund_status"),
        (("declined", "refus"), "card_declined"),
        (("stolen", "lost", "vol", "perdu"), "lost_stolen_card"),
        (("dispute", "litige", "arrive"), "open_dispute"),
        (("limit", "plafond"), "spending_limit"),
        (("afford", "hardship", "difficult", "pause", "report"), "hardship"),
        (("early", "anticip"), "early_repayment"),
        (("identity", "identité", "verif"), "verify_identity"),
        (("médiat", "mediat"), "mediation"),
    )

    def understand(self, text: str, history: list[dict[str, Any]]) -> Any:
        from copilot.understanding.routing import Category, Route
        from knowledge_base.language import detect_language

        lower = text.lower()
        intent = next((i for words, i in self.INTENTS if any(w in lower for w in words)), "other")
        complaint = any(w in lower for w in ("unacceptable", "scandal", "inadmissible"))
        return Route(
            category=Category.COMPLAINT if complaint else Category.SIMPLE_QUESTION,
            confidence=0.8,
            intent=intent,
            intent_confidence=0.8,
            language="fr" if detect_language(text) == "fr" else "en",
            sentiment="neutral",
            sentiment_score=0.0,
        )


def _norm_words(text: str) -> list[str]:
    return _WORDS.findall(strip_invisible(text).lower())


def _shingles(text: str, size: int) -> set[str]:
    words = _norm_words(text)
    return {" ".join(words[i : i + size]) for i in range(max(0, len(words) - size + 1))}


def _copied(source: str, draft: str, cards: list[str], size: int) -> list[str]:
    """Runs of `size` words of `source` that the draft contains and no card does."""
    body = " ".join(_norm_words(draft))
    known = [" ".join(_norm_words(c)) for c in cards]
    return sorted(
        s for s in _shingles(source, size) if s in body and not any(s in k for k in known)
    )


def _foreign_links(draft: str, cards: list[str]) -> list[str]:
    known = {m.lower().rstrip(".,") for c in cards for m in _LINK.findall(strip_invisible(c))}
    return [
        link
        for link in _LINK.findall(strip_invisible(draft))
        if link.lower().rstrip(".,") not in known
    ]


class Harness:
    """A tiny knowledge base and sessions over it, built the way the graph tests build them."""

    def __init__(self, workdir: Path):
        os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
        from copilot.config import Settings

        self.workdir = workdir
        self.settings = Settings(data_dir=workdir / "data", embeddings="hash", engine="offline")
        samples = ROOT / "knowledge_base" / "samples" / "articles"
        self.clean = [samples / f"{doc_id}.md" for doc_id in CLEAN_ARTICLES]

    def retriever(self, kb: str, extra: list[Path], allow: bool = False) -> Any:
        from copilot.retrieval.search import Retriever
        from knowledge_base.indexer import index_paths
        from knowledge_base.store import KnowledgeBase

        summary = index_paths([*self.clean, *extra], self.settings, kb=kb, allow_injections=allow)
        if summary.failed:
            raise RuntimeError(f"indexing failed: {summary.failed}")
        return Retriever(KnowledgeBase.open(self.settings, kb))

    def ask(self, retriever: Any, text: str) -> dict[str, Any]:
        """One customer turn in a fresh contact, accepted; what the draft and records show."""
        from langgraph.checkpoint.memory import InMemorySaver

        from copilot.assembly import Copilot
        from copilot.engines.offline import OfflineEngine
        from copilot.state import Decision

        session = Copilot(
            OfflineEngine(KeywordUnderstanding()), retriever, InMemorySaver()
        ).session()
        suggestion = session.customer_turn(text)
        before = session.records()
        session.decide(Decision(kind="accept"))
        after = session.records()
        return {
            "draft": suggestion.draft.text,
            "mode": suggestion.draft.mode,
            "flagged": bool(suggestion.injection),
            "cards": [c.text for c in suggestion.cards],
            "actions": [a.id for a in suggestion.actions],
            "recorded_before_decision": len(before),
            "records": len(after),
            "records_without_decision": sum(1 for r in after if not (r.get("decision") or {})),
            "decisions": [(r.get("decision") or {}).get("kind") for r in after],
        }


def evaluate_agent(rows: list[dict[str, Any]], planted: list[dict[str, Any]]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-injection-") as tmp:
        harness = Harness(Path(tmp))
        clean = harness.retriever("clean", [])
        turns = _turn_cases(harness, clean, rows)
        indirect = _indirect_cases(
            harness, [r for r in rows if r["category"] == "indirect_kb"], "corpus"
        )
        attacks = [r for r in planted if r["expected_flag"]]
        planted_run = _indirect_cases(harness, attacks, "planted") if attacks else None
    return {"turns": turns, "indirect_kb": indirect, "planted": planted_run}


def _turn_cases(harness: Harness, retriever: Any, rows: list[dict[str, Any]]) -> dict[str, Any]:
    attacks = [r for r in rows if r["channel"] == "turn" and r["category"] != "benign"]
    changed, records_bad, suggested, examples = 0, 0, 0, []
    flagged = flagged_replies = 0
    for row in attacks:
        out = harness.ask(retriever, row["text"])
        flagged += out["flagged"]
        flagged_replies += out["flagged"] and out["mode"] == "reply"
        copied = _copied(row["text"], out["draft"], out["cards"], 5)
        links = _foreign_links(out["draft"], out["cards"])
        if copied or links:
            changed += 1
            examples.append({"id": row["id"], "copied": copied[:3], "links": links})
        if (
            out["recorded_before_decision"]
            or out["records_without_decision"]
            or out["records"] != 1
        ):
            records_bad += 1
        suggested += len(out["actions"])
    return {
        "n": len(attacks),
        "flagged": flagged,
        "flagged_with_reply_draft": flagged_replies,
        "drafts_changed": changed,
        "examples": examples,
        "contacts_with_a_record_lacking_a_decision": records_bad,
        "actions_suggested": suggested,
        "actions_executed": 0 if records_bad == 0 else None,
    }


def _indirect_cases(harness: Harness, planted: list[dict[str, Any]], name: str) -> dict[str, Any]:
    """Planted articles indexed unscreened (--allow) and screened by the indexer; the probe's
    draft is checked for the planted sentence."""
    folder = harness.workdir / name
    folder.mkdir()
    paths = []
    for row in planted:
        path = folder / f"{row['id']}.{row.get('format', 'md')}"
        path.write_text(row["text"], encoding="utf-8")
        paths.append(path)
    quarantined = _quarantined(harness, folder)
    kept = [p for p in paths if p.stem not in quarantined]
    result: dict[str, Any] = {"n": len(planted), "quarantined": len(paths) - len(kept)}
    for label, extra in (("unscreened", paths), ("screened", kept)):
        retriever = harness.retriever(f"{name}-{label}", extra, allow=label == "unscreened")
        reached, retrieved, examples = 0, 0, []
        for row in planted:
            out = harness.ask(retriever, row["probe"])
            payload = _shingles(row["payload"], 6) or {" ".join(_norm_words(row["payload"]))}
            body = " ".join(_norm_words(out["draft"]))
            links = [
                link
                for link in _foreign_links(out["draft"], [])
                if link in strip_invisible(row["payload"])
            ]
            in_cards = any(s in " ".join(_norm_words(c)) for s in payload for c in out["cards"])
            retrieved += in_cards
            if any(s in body for s in payload) or links:
                reached += 1
                examples.append({"id": row["id"], "draft": out["draft"][:240]})
        result[label] = {
            "payload_on_a_card": retrieved,
            "payload_in_draft": reached,
            "examples": examples,
        }
    return result


# ------------------------------------------------------------ planted and real data
def _quarantined(harness: Harness, folder: Path) -> set[str]:
    """File stems the indexer quarantines in `folder` (real loader, HTML extractor, screen)."""
    from knowledge_base.indexer import index_paths

    summary = index_paths([folder], harness.settings, kb=f"screen-{folder.name}")
    return {Path(f["path"]).stem for f in summary.failed if "quarantined" in f["error"]}


def evaluate_planted(planted: list[dict[str, Any]]) -> dict[str, Any]:
    """Planted documents caught by the indexer, per technique; benign ones quarantined."""
    with tempfile.TemporaryDirectory(prefix="bench-injection-planted-") as tmp:
        harness = Harness(Path(tmp))
        folder = harness.workdir / "docs"
        folder.mkdir()
        for row in planted:
            (folder / f"{row['id']}.{row['format']}").write_text(row["text"], encoding="utf-8")
        caught = _quarantined(harness, folder)
    per: dict[str, Counter[str]] = {}
    errors = []
    for row in planted:
        count = per.setdefault(row["technique"], Counter())
        count["n"] += 1
        count["flagged"] += row["id"] in caught
        if (row["id"] in caught) != row["expected_flag"]:
            errors.append({"id": row["id"], "expected_flag": row["expected_flag"]})
    attacks = [r for r in planted if r["expected_flag"]]
    benign = [r for r in planted if not r["expected_flag"]]
    return {
        "techniques": {k: dict(v) for k, v in sorted(per.items())},
        "attacks": len(attacks),
        "caught": sum(r["id"] in caught for r in attacks),
        "html_attacks": sum(r["format"] == "html" for r in attacks),
        "html_caught": sum(r["id"] in caught for r in attacks if r["format"] == "html"),
        "benign": len(benign),
        "benign_quarantined": sum(r["id"] in caught for r in benign),
        "errors": errors,
    }


def _eval_lines(path: Path, field: str) -> list[str]:
    if path.suffix == ".csv":
        import csv

        with path.open(encoding="utf-8", newline="") as fh:
            return [row[field] for row in csv.DictReader(fh)]
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line)[field] for line in fh if line.strip()]


def evaluate_real_data(eval_dir: Path) -> dict[str, Any]:
    """False quarantines on benign documents and false flags on benign customer turns."""
    from knowledge_base.loaders import load_paths

    docs: dict[str, list[tuple[str, str]]] = {}
    samples = load_paths([ROOT / "knowledge_base" / "samples" / "articles"]).documents
    docs["sample KB articles"] = [(d.id, f"{d.title}\n{d.text}") for d in samples]
    sharc = eval_dir / "or_sharc" / "docs.jsonl"
    if sharc.exists():
        with sharc.open(encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh if line.strip()]
        docs["or_sharc policy passages"] = [
            (r["id"], f"{r.get('title', '')}\n{r['text']}") for r in rows
        ]
    turns: dict[str, list[str]] = {}
    for label, path, field in (
        ("banking77 queries", eval_dir / "banking77" / "train.csv", "text"),
        ("bitext_cs utterances", eval_dir / "bitext_cs" / "train.csv", "utterance"),
        ("sentiment tweets (EN+FR)", eval_dir / "sentiment" / "train.jsonl", "text"),
    ):
        if path.exists():
            turns[label] = _eval_lines(path, field)
    out: dict[str, Any] = {"documents": {}, "turns": {}, "errors": []}
    for label, items in docs.items():
        flagged = [(i, scan_document(text)) for i, text in items]
        flagged = [(i, f) for i, f in flagged if f]
        out["documents"][label] = {"n": len(items), "flagged": len(flagged)}
        out["errors"] += [{"doc": i, "finding": (f[0].kind, f[0].excerpt)} for i, f in flagged]
    for label, texts in turns.items():
        hits = [(text, scan_turn(text)) for text in texts]
        hits = [(text, f) for text, f in hits if f]
        out["turns"][label] = {"n": len(texts), "flagged": len(hits)}
        out["errors"] += [{"turn": x[:120], "finding": (f[0].kind, f[0].excerpt)} for x, f in hits]
    return out


# ------------------------------------------------------------------------------ output
def _print(res: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=max(100, Console().width))
    det = res["detector"]
    typical = det["cpu_ms_per_1000_chars_sample_kb"]
    by_kind = ", ".join(f"{kind} {n}" for kind, n in det["kinds"].items())
    table = Table(
        title="Prompt-injection detector - corpus",
        caption=f"{det['cases']} cases. CPU per 1,000 chars: corpus "
        f"{det['cpu_ms_per_1000_chars']:.2f} ms, sample KB articles {typical['documents']:.2f} ms, "
        f"sample questions {typical['turns']:.2f} ms. Findings by kind: {by_kind}.",
    )
    for i, head in enumerate(("category", "n", "flagged", "precision", "recall / FP rate")):
        table.add_column(head, justify="left" if i == 0 else "right")
    for category, row in det["categories"].items():
        if category == "benign":
            table.add_row(
                category,
                str(row["n"]),
                str(row["flagged"]),
                "",
                f"{row['false_positive_rate']:.3f}",
            )
        else:
            table.add_row(
                category,
                str(row["n"]),
                str(row["flagged"]),
                f"{row['precision']:.3f}",
                f"{row['recall']:.3f}",
                end_section=category == ATTACKS[-1],
            )
    o = det["overall"]
    table.add_row(
        "all attacks", str(o["n"]), str(o["flagged"]), f"{o['precision']:.3f}", f"{o['recall']:.3f}"
    )
    console.print(table)
    _print_planted(console, res["planted"], res["real_data"])
    agent = res.get("agent")
    if not agent:
        return
    t, ind = agent["turns"], agent["indirect_kb"]
    table = Table(title="What injections did to the copilot (offline engine)")
    table.add_column("measure")
    table.add_column("result", justify="right")
    table.add_row("attack turns run as customer turns", str(t["n"]))
    table.add_row(
        "drafts with copied instruction text or a foreign URL/e-mail",
        f"{t['drafts_changed']}/{t['n']}",
    )
    table.add_row(
        "contacts with a record lacking a decision",
        f"{t['contacts_with_a_record_lacking_a_decision']}/{t['n']}",
    )
    executed = "n/a" if t["actions_executed"] is None else f"{t['actions_executed']}/{t['n']}"
    table.add_row(f"actions executed ({t['actions_suggested']} suggested)", executed)
    table.add_row(
        "attack turns flagged by the screen / of those given a reply draft",
        f"{t['flagged']}/{t['n']} / {t['flagged_with_reply_draft']}/{t['flagged']}",
    )
    table.add_row(
        "planted KB articles (corpus) quarantined by the indexer",
        f"{ind['quarantined']}/{ind['n']}",
    )
    for label in ("unscreened", "screened"):
        row = ind[label]
        table.add_row(
            f"{label} KB: planted sentence on a knowledge card",
            f"{row['payload_on_a_card']}/{ind['n']}",
        )
        table.add_row(
            f"{label} KB: planted sentence in the draft", f"{row['payload_in_draft']}/{ind['n']}"
        )
    planted = agent.get("planted")
    if planted:
        table.add_row(
            "new planted documents quarantined", f"{planted['quarantined']}/{planted['n']}"
        )
        for label in ("unscreened", "screened"):
            row = planted[label]
            table.add_row(
                f"new planted, {label} KB: planted sentence in the draft",
                f"{row['payload_in_draft']}/{planted['n']}",
            )
    console.print(table)


def _print_planted(console: Any, planted: dict[str, Any], real: dict[str, Any]) -> None:
    from rich.table import Table

    table = Table(title="Planted documents through the indexer (loader, HTML extractor, screen)")
    for i, head in enumerate(("technique", "n", "quarantined")):
        table.add_column(head, justify="left" if i == 0 else "right")
    for technique, row in planted["techniques"].items():
        table.add_row(technique, str(row["n"]), str(row.get("flagged", 0)))
    table.add_row("all planted attacks", str(planted["attacks"]), str(planted["caught"]))
    table.add_row(
        "  of which HTML hidden parts", str(planted["html_attacks"]), str(planted["html_caught"])
    )
    table.add_row(
        "benign planted (false quarantines)",
        str(planted["benign"]),
        str(planted["benign_quarantined"]),
    )
    console.print(table)
    table = Table(title="Benign real data: false quarantines and false flags")
    for i, head in enumerate(("data", "n", "flagged", "rate")):
        table.add_column(head, justify="left" if i == 0 else "right")
    for kind in ("documents", "turns"):
        for label, row in real[kind].items():
            table.add_row(
                label, str(row["n"]), str(row["flagged"]), f"{_ratio(row['flagged'], row['n']):.4f}"
            )
    console.print(table)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    ap.add_argument("--errors", action="store_true", help="list misses and false alarms")
    ap.add_argument("--no-agent", action="store_true", help="skip the copilot runs")
    ap.add_argument("--data", type=Path, default=CORPUS, help="corpus (JSONL)")
    ap.add_argument("--planted", type=Path, default=PLANTED, help="planted documents (JSONL)")
    ap.add_argument("--eval", type=Path, default=EVAL, help="public evaluation data folder")
    args = ap.parse_args(argv)
    rows = load(args.data)
    planted = load(args.planted)
    res: dict[str, Any] = {"detector": evaluate_detector(rows)}
    errors = res["detector"].pop("errors")
    res["planted"] = evaluate_planted(planted)
    errors += res["planted"].pop("errors")
    res["real_data"] = evaluate_real_data(args.eval)
    errors += res["real_data"].pop("errors")
    if not args.no_agent:
        res["agent"] = evaluate_agent(rows, planted)
    if args.json:
        print(json.dumps(res, ensure_ascii=False))
    else:
        _print(res)
    if args.errors:
        for err in errors:
            print(json.dumps(err, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
