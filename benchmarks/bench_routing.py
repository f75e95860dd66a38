"""Benchmark the offline understanding (copilot.understanding.pipeline) with the real e5 model.

Usage (from the repository root)::

    python benchmarks/bench_routing.py                # tables
    python benchmarks/bench_routing.py --json         # one JSON object
    python benchmarks/bench_routing.py --errors       # also list the misrouted own turns
    python benchmarks/bench_routing.py --no-external  # only the labelled set of this repository

Three measurements:

* the labelled set ``benchmarks/data/routing_turns.jsonl`` (written for this project, FR/EN):
  accuracy, per-category precision/recall, human-led recall (human-led vs AI-suitable), flag
  precision/recall, and the latency of one ``understand`` call (embedding included). The rules
  were tuned on its first 265 turns (``dev``), so those figures are optimistic. The last 42
  (``"split": "late"``) were written after that tuning and first scored a human-led recall of
  0.53 (16/30) and an accuracy of 0.62; their misses were then fixed, so they are no longer a
  held-out set either. Bitext and Banking77 are the independent check;
* Bitext customer-service (``/work/shared/eval/bitext_cs/train.csv``, English, retail): all rows
  of ``complaint`` and ``contact_human_agent`` (up to 400 each) and 400 rows of the other
  intents drawn with a fixed seed. ``complaint`` should be routed to the ``complaint`` category,
  ``contact_human_agent`` should raise ``asks_for_human``; both should be human-led. For the
  others we report how often they are routed to a human (the false human-led rate), knowing that
  some of them (``delete_account``, ``review``...) can fairly carry a flag;
* Banking77 (``/work/shared/eval/banking77/train.csv``, English, banking): up to 19 rows of each
  of the 77 intents, fixed seed, mapped to the Orvane routing by ``BANKING77_MAP`` below.

The external files are only read, never copied. Missing files are reported and skipped.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from copilot.understanding.pipeline import SAMPLE_INTENTS, Understanding, load_intents  # noqa: E402
from copilot.understanding.routing import CATEGORIES, FLAGS, HUMAN_LED, Category, Flag, Route  # noqa: E402
from knowledge_base.embeddings import E5Embedder  # noqa: E402

OWN = ROOT / "benchmarks" / "data" / "routing_turns.jsonl"
EVAL = Path("/work/shared/eval")
BITEXT = EVAL / "bitext_cs" / "train.csv"
BANKING77 = EVAL / "banking77" / "train.csv"
SEED = 20260101

# Banking77 intent -> expected Orvane routing. Only the human-led groups are listed; every other
# intent is expected to be AI-suitable (card delivery, top-ups, transfers, fees, PIN, limits...).
BITEXT_PERSONAL_DETAILS = frozenset(
    {"edit_account", "change_shipping_address", "set_up_shipping_address", "switch_account"}
)
"""Bitext intents about personal or contact details: the Orvane catalogue routes those to
sensitive_data on purpose (account_details_update), so a second false-human-led rate leaves them
out."""
BITEXT_OTHER_ROUTINE = "other_routine"

BANKING77_FRAUD = frozenset(
    {
        "compromised_card",
        "card_payment_not_recognised",
        "cash_withdrawal_not_recognised",
        "direct_debit_payment_not_recognised",
    }
)
"""Unrecognised or compromised: sensitive_data with fraud_suspected."""
BANKING77_SENSITIVE = frozenset(
    {
        "lost_or_stolen_card",
        "lost_or_stolen_phone",
        "verify_my_identity",
        "why_verify_identity",
        "unable_to_verify_identity",
        "edit_personal_details",
    }
)
"""Security, identity and personal data: sensitive_data."""
BANKING77_COMPLEX = frozenset({"transaction_charged_twice"})
"""A double charge is a dispute in the Orvane catalogue (open_dispute): complex_problem."""
BANKING77_EXCLUDED = frozenset(
    {
        "terminate_account",
        "extra_charge_on_statement",
        "wrong_amount_of_cash_received",
        "verify_source_of_funds",
    }
)
"""Not scored: each mixes routine requests with dissatisfaction, fraud or a dispute, or (source of
funds) is mostly worded as a balance question ("where did my funds come from?")."""


def load_own(path: Path = OWN) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 3) if den else None


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def evaluate_own(understanding: Understanding, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Route each turn (one query embedding + `understand_embedded`, timed) and score it."""
    routes: list[Route] = []
    times: list[float] = []
    overhead: list[float] = []
    for row in rows:
        start = time.perf_counter()
        vector = understanding.embedder.embed_query(row["text"])
        embedded = time.perf_counter()
        routes.append(understanding.understand_embedded(row["text"], vector))
        times.append((time.perf_counter() - start) * 1000)
        overhead.append((time.perf_counter() - embedded) * 1000)
    gold = [Category(r["category"]) for r in rows]
    pred = [r.category for r in routes]
    per_category = {}
    for cat in Category:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g is cat and p is cat)
        per_category[cat.value] = {
            "precision": _ratio(tp, sum(1 for p in pred if p is cat)),
            "recall": _ratio(tp, sum(1 for g in gold if g is cat)),
            "support": sum(1 for g in gold if g is cat),
        }
    per_flag = {}
    for flag in Flag:
        g_set = [flag.value in r["flags"] for r in rows]
        p_set = [flag in r.flags for r in routes]
        tp = sum(1 for g, p in zip(g_set, p_set, strict=True) if g and p)
        per_flag[flag.value] = {
            "precision": _ratio(tp, sum(p_set)),
            "recall": _ratio(tp, sum(g_set)),
            "support": sum(g_set),
        }
    by_split: dict[str, dict[str, Any]] = {}
    for split in sorted({r.get("split", "dev") for r in rows}):
        pairs = [
            (g in HUMAN_LED, r.human_led)
            for row, g, r in zip(rows, gold, routes, strict=True)
            if row.get("split", "dev") == split
        ]
        by_split[split] = {
            "n": len(pairs),
            "human_led_recall": _ratio(sum(g and p for g, p in pairs), sum(g for g, _ in pairs)),
        }
    g_h = [g in HUMAN_LED for g in gold]
    p_h = [r.human_led for r in routes]
    errors = [
        {
            "id": row["id"],
            "text": row["text"],
            "gold": row["category"],
            "pred": route.category.value,
            "gold_flags": row["flags"],
            "pred_flags": [f.value for f in route.flags],
            "reasons": route.reasons,
        }
        for row, route in zip(rows, routes, strict=True)
        if row["category"] != route.category.value or set(row["flags"]) != set(route.flags)
    ]
    return {
        "n": len(rows),
        "accuracy": _ratio(sum(1 for g, p in zip(gold, pred, strict=True) if g is p), len(rows)),
        "intent_accuracy": _ratio(
            sum(1 for row, r in zip(rows, routes, strict=True) if row["intent"] == r.intent),
            len(rows),
        ),
        "human_led_recall": _ratio(
            sum(1 for g, p in zip(g_h, p_h, strict=True) if g and p), sum(g_h)
        ),
        "human_led_precision": _ratio(
            sum(1 for g, p in zip(g_h, p_h, strict=True) if g and p), sum(p_h)
        ),
        "false_human_led_rate": _ratio(
            sum(1 for g, p in zip(g_h, p_h, strict=True) if p and not g), len(g_h) - sum(g_h)
        ),
        "per_split": by_split,
        "per_category": per_category,
        "per_flag": per_flag,
        "latency_ms": {
            "p50": round(statistics.median(times), 1),
            "p95": round(_percentile(times, 0.95), 1),
            "max": round(max(times), 1),
            "without_embedding_p50": round(statistics.median(overhead), 2),
            "without_embedding_p95": round(_percentile(overhead, 0.95), 2),
        },
        "errors": errors,
    }


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def evaluate_bitext(understanding: Understanding, path: Path = BITEXT) -> dict[str, Any]:
    rows = _read_csv(path)
    rng = random.Random(SEED)
    by_intent: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_intent[row["intent"]].append(row)
    sample: list[tuple[str, str]] = []
    for intent in ("complaint", "contact_human_agent"):
        picked = by_intent[intent]
        picked = rng.sample(picked, 400) if len(picked) > 400 else picked
        sample += [(intent, r["utterance"]) for r in picked]
    others = [r for r in rows if r["intent"] not in {"complaint", "contact_human_agent"}]
    sample += [
        (
            "other" if r["intent"] in BITEXT_PERSONAL_DETAILS else BITEXT_OTHER_ROUTINE,
            r["utterance"],
        )
        for r in rng.sample(others, min(400, len(others)))
    ]
    routes = understanding.understand_many([text for _, text in sample])
    result: dict[str, Any] = {"n": len(sample)}
    complaint = [r for (g, _), r in zip(sample, routes, strict=True) if g == "complaint"]
    human = [r for (g, _), r in zip(sample, routes, strict=True) if g == "contact_human_agent"]
    other = [r for (g, _), r in zip(sample, routes, strict=True) if g.startswith("other")]
    result["complaint"] = {
        "n": len(complaint),
        "complaint_category": _ratio(
            sum(r.category is Category.COMPLAINT for r in complaint), len(complaint)
        ),
        "human_led": _ratio(sum(r.human_led for r in complaint), len(complaint)),
    }
    result["contact_human_agent"] = {
        "n": len(human),
        "asks_for_human": _ratio(sum(Flag.ASKS_FOR_HUMAN in r.flags for r in human), len(human)),
        "human_led": _ratio(sum(r.human_led for r in human), len(human)),
    }
    others_kept = [r for (g, _), r in zip(sample, routes, strict=True) if g == BITEXT_OTHER_ROUTINE]
    result["others"] = {
        "n": len(other),
        "false_human_led_rate": _ratio(sum(r.human_led for r in other), len(other)),
        "false_human_led_rate_without_personal_details": _ratio(
            sum(r.human_led for r in others_kept), len(others_kept)
        ),
        "categories": dict(Counter(r.category.value for r in other).most_common()),
    }
    return result


def evaluate_banking77(
    understanding: Understanding, path: Path = BANKING77, per_intent: int = 19
) -> dict[str, Any]:
    rows = _read_csv(path)
    rng = random.Random(SEED)
    by_intent: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        by_intent[row["category"]].append(row["text"])
    sample: list[tuple[str, str]] = []
    for intent in sorted(by_intent):
        if intent in BANKING77_EXCLUDED:
            continue
        texts = by_intent[intent]
        sample += [(intent, t) for t in rng.sample(texts, min(per_intent, len(texts)))]
    routes = understanding.understand_many([text for _, text in sample])
    groups: dict[str, list[tuple[str, Route]]] = defaultdict(list)
    for (intent, _), route in zip(sample, routes, strict=True):
        if intent in BANKING77_FRAUD:
            groups["fraud"].append((intent, route))
        elif intent in BANKING77_SENSITIVE:
            groups["sensitive"].append((intent, route))
        elif intent in BANKING77_COMPLEX:
            groups["complex"].append((intent, route))
        else:
            groups["ai_suitable"].append((intent, route))
    human_expected = groups["fraud"] + groups["sensitive"] + groups["complex"]
    ai_expected = groups["ai_suitable"]
    worst = Counter(i for i, r in ai_expected if r.human_led).most_common(5)
    missed = Counter(i for i, r in human_expected if not r.human_led).most_common(5)
    return {
        "n": len(sample),
        "human_led_recall": _ratio(
            sum(r.human_led for _, r in human_expected), len(human_expected)
        ),
        "fraud_flag_recall": _ratio(
            sum(Flag.FRAUD_SUSPECTED in r.flags for _, r in groups["fraud"]), len(groups["fraud"])
        ),
        "sensitive_data_recall": _ratio(
            sum(
                r.category is Category.SENSITIVE_DATA
                for _, r in groups["fraud"] + groups["sensitive"]
            ),
            len(groups["fraud"]) + len(groups["sensitive"]),
        ),
        "false_human_led_rate": _ratio(sum(r.human_led for _, r in ai_expected), len(ai_expected)),
        "n_human_expected": len(human_expected),
        "n_ai_expected": len(ai_expected),
        "most_missed": dict(missed),
        "most_over_escalated": dict(worst),
    }


def _fmt(value: Any) -> str:
    return "-" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def print_tables(report: dict[str, Any], show_errors: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    own = report["own"]
    summary = Table(title=f"Routing - own labelled set ({own['n']} turns, e5)")
    summary.add_column("metric")
    summary.add_column("value", justify="right")
    for key in ("accuracy", "intent_accuracy", "human_led_recall", "human_led_precision"):
        summary.add_row(key, _fmt(own[key]))
    summary.add_row("false_human_led_rate", _fmt(own["false_human_led_rate"]))
    for split, m in own["per_split"].items():
        summary.add_row(f"human_led_recall ({split}, n={m['n']})", _fmt(m["human_led_recall"]))
    for key, value in own["latency_ms"].items():
        summary.add_row(f"latency {key} (ms/turn)".replace("_", " "), _fmt(value))
    summary.add_row("model load + intent index (s)", _fmt(report["init_s"]))
    console.print(summary)

    cats = Table(title="Per category")
    for col in ("category", "human-led", "precision", "recall", "support"):
        cats.add_column(col, justify="left" if col == "category" else "right")
    for cat, m in own["per_category"].items():
        led = "yes" if CATEGORIES[Category(cat)].human_led else "no"
        cats.add_row(cat, led, _fmt(m["precision"]), _fmt(m["recall"]), str(m["support"]))
    console.print(cats)

    flags = Table(title="Per flag")
    for col in ("flag", "precision", "recall", "support"):
        flags.add_column(col, justify="left" if col == "flag" else "right")
    for flag, m in own["per_flag"].items():
        assert Flag(flag) in FLAGS
        flags.add_row(flag, _fmt(m["precision"]), _fmt(m["recall"]), str(m["support"]))
    console.print(flags)

    if "bitext" in report:
        b = report["bitext"]
        t = Table(title=f"Bitext customer service ({b['n']} rows, English)")
        t.add_column("slice")
        t.add_column("n", justify="right")
        t.add_column("measure")
        t.add_column("value", justify="right")
        c, h, o = b["complaint"], b["contact_human_agent"], b["others"]
        t.add_row("complaint", str(c["n"]), "-> complaint category", _fmt(c["complaint_category"]))
        t.add_row("complaint", str(c["n"]), "human-led", _fmt(c["human_led"]))
        t.add_row(
            "contact_human_agent", str(h["n"]), "asks_for_human flag", _fmt(h["asks_for_human"])
        )
        t.add_row("contact_human_agent", str(h["n"]), "human-led", _fmt(h["human_led"]))
        t.add_row(
            "other intents", str(o["n"]), "false human-led rate", _fmt(o["false_human_led_rate"])
        )
        t.add_row(
            "other, no personal details",
            "",
            "false human-led rate",
            _fmt(o["false_human_led_rate_without_personal_details"]),
        )
        console.print(t)
    if "banking77" in report:
        k = report["banking77"]
        t = Table(title=f"Banking77 ({k['n']} rows, English, mapping in the script)")
        t.add_column("measure")
        t.add_column("value", justify="right")
        for key in ("human_led_recall", "fraud_flag_recall", "sensitive_data_recall"):
            t.add_row(key, _fmt(k[key]))
        t.add_row("false_human_led_rate", _fmt(k["false_human_led_rate"]))
        t.add_row("most missed (human-led expected)", json.dumps(k["most_missed"]))
        t.add_row("most over-escalated", json.dumps(k["most_over_escalated"]))
        console.print(t)
    for name, reason in report.get("skipped", {}).items():
        console.print(f"[yellow]skipped {name}: {reason}[/]")
    if show_errors:
        for err in own["errors"]:
            console.print(
                f"{err['id']} {err['gold']} {err['gold_flags']} -> {err['pred']} "
                f"{err['pred_flags']} | {err['text']} | {'; '.join(err['reasons'])}",
                markup=False,
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--errors", action="store_true", help="list misrouted own turns")
    parser.add_argument("--no-external", action="store_true", help="skip Bitext and Banking77")
    parser.add_argument("--cache-dir", type=Path, default=None, help="keep intent embeddings here")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    understanding = Understanding(
        E5Embedder(), load_intents(SAMPLE_INTENTS), cache_dir=args.cache_dir
    )
    understanding.understand("bonjour")  # warm-up: first call pays for lazy set-up
    report: dict[str, Any] = {"init_s": round(time.perf_counter() - start, 2)}
    report["own"] = evaluate_own(understanding, load_own())
    report["skipped"] = {}
    if not args.no_external:
        for name, path, fn in (
            ("bitext", BITEXT, evaluate_bitext),
            ("banking77", BANKING77, evaluate_banking77),
        ):
            if path.exists():
                report[name] = fn(understanding, path)
            else:
                report["skipped"][name] = f"{path} not found"
    report["total_s"] = round(time.perf_counter() - start, 1)
    if args.json:
        if not args.errors:
            report["own"].pop("errors")
        print(json.dumps(report, ensure_ascii=False))
    else:
        print_tables(report, args.errors)
        print(f"total {report['total_s']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
