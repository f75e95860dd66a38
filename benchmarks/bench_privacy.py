"""Benchmark the PII detector (copilot.privacy.detect) on the golden set.

Usage (from the repository root)::

    python benchmarks/bench_privacy.py            # table
    python benchmarks/bench_privacy.py --json     # one JSON object
    python benchmarks/bench_privacy.py --errors   # also list misses / false alarms

Two matching modes are reported per entity type:

* exact   - same type, same start and end offsets;
* overlap - same type and the spans overlap (each gold span used at most once).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from copilot.privacy import detect  # noqa: E402

GOLDEN = ROOT / "benchmarks" / "data" / "pii_golden.jsonl"
TYPES = ("CARD", "IBAN", "NIR", "PHONE", "EMAIL", "DOB", "ADDRESS", "ACCOUNT", "ORDER", "NAME")


def load(path: Path = GOLDEN) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _match(gold: list[tuple], pred: list[tuple], lenient: bool) -> list[tuple]:
    """Return the matched (gold, pred) pairs, one-to-one."""
    pairs, used = [], set()
    for p in pred:
        for i, g in enumerate(gold):
            if i in used or g[0] != p[0]:
                continue
            hit = (g[1] < p[2] and p[1] < g[2]) if lenient else g[1:] == p[1:]
            if hit:
                used.add(i)
                pairs.append((g, p))
                break
    return pairs


def _prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 1.0
    r = tp / n_gold if n_gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


#: A detector under test: (text, language) -> entities with ``type``, ``start`` and ``end``.
Detector = Callable[[str, str], Sequence[Any]]


def detect_ours(text: str, lang: str) -> Sequence[Any]:
    """copilot.privacy.detect; it needs no language (one pass handles French and English)."""
    return detect(text)


def micro_over(per_type: dict, types: Sequence[str]) -> dict:
    """Micro P/R/F1 per matching mode over `types` only (counts from ``evaluate``'s per_type)."""
    chosen = [per_type[t] for t in types if t in per_type]
    n_pred = sum(e["predicted"] for e in chosen)
    n_gold = sum(e["support"] for e in chosen)
    out = {}
    for mode in ("exact", "overlap"):
        p, r, f = _prf(sum(e["matched"][mode] for e in chosen), n_pred, n_gold)
        out[mode] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}
    return out


def evaluate(rows: list[dict], repeat: int = 3, detector: Detector = detect_ours) -> dict:
    """Score `detector` on `rows`; other benchmarks pass their own detector to compare."""
    gold_n, pred_n = Counter(), Counter()
    tp = {"exact": Counter(), "overlap": Counter()}
    times, errors = [], []
    for row in rows:
        text = row["text"]
        best = float("inf")
        for _ in range(repeat):
            t0 = time.perf_counter()
            ents = detector(text, row["lang"])
            best = min(best, time.perf_counter() - t0)
        times.append(best * 1000)
        gold = [(e["type"], e["start"], e["end"]) for e in row["entities"]]
        pred = [(e.type, e.start, e.end) for e in ents]
        gold_n.update(g[0] for g in gold)
        pred_n.update(p[0] for p in pred)
        for mode in tp:
            tp[mode].update(g[0] for g, _ in _match(gold, pred, mode == "overlap"))
        if set(gold) != set(pred):
            errors.append(
                {
                    "id": row["id"],
                    "text": text,
                    "missed": [(t, text[s:e]) for t, s, e in gold if (t, s, e) not in pred],
                    "spurious": [(t, text[s:e]) for t, s, e in pred if (t, s, e) not in gold],
                }
            )
    per_type = {}
    for typ in [t for t in TYPES if gold_n[t] or pred_n[t]]:
        entry: dict[str, Any] = {"support": gold_n[typ], "predicted": pred_n[typ]}
        entry["matched"] = {mode: tp[mode][typ] for mode in tp}
        for mode in tp:
            p, r, f = _prf(tp[mode][typ], pred_n[typ], gold_n[typ])
            entry[mode] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}
        per_type[typ] = entry
    micro = {}
    for mode in tp:
        p, r, f = _prf(sum(tp[mode].values()), sum(pred_n.values()), sum(gold_n.values()))
        micro[mode] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}
    times.sort()
    return {
        "snippets": len(rows),
        "entities": sum(gold_n.values()),
        "per_type": per_type,
        "micro": micro,
        "time_ms": {
            "mean": round(statistics.fmean(times), 4),
            "p95": round(times[max(0, int(len(times) * 0.95) - 1)], 4),
            "max": round(times[-1], 4),
        },
        "errors": errors,
    }


def _print_table(res: dict) -> None:
    header = ["type", "support", "P exact", "R exact", "F1 exact"]
    header += ["P overlap", "R overlap", "F1 overlap"]
    rows = []
    for typ, e in res["per_type"].items():
        x, o = e["exact"], e["overlap"]
        rows.append([typ, str(e["support"])] + [f"{v:.3f}" for v in (*x.values(), *o.values())])
    x, o = res["micro"]["exact"], res["micro"]["overlap"]
    rows.append(["micro", str(res["entities"])] + [f"{v:.3f}" for v in (*x.values(), *o.values())])
    t = res["time_ms"]
    footer = (
        f"{res['snippets']} snippets - detection time per snippet: "
        f"mean {t['mean']:.3f} ms, p95 {t['p95']:.3f} ms, max {t['max']:.3f} ms"
    )
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        for r in [header, *rows]:
            cells = [
                c.rjust(w) if i else c.ljust(w)
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            ]
            print("  ".join(cells))
        print(footer)
        return
    table = Table(title="PII detection - golden set", caption=footer)
    for i, h in enumerate(header):
        table.add_column(h, justify="left" if i == 0 else "right")
    for i, r in enumerate(rows):
        table.add_row(*r, end_section=i == len(rows) - 2)
    Console(width=max(100, Console().width)).print(table)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    ap.add_argument("--errors", action="store_true", help="list the snippets with differences")
    ap.add_argument("--data", type=Path, default=GOLDEN, help="golden set (JSONL)")
    args = ap.parse_args(argv)
    res = evaluate(load(args.data))
    errors = res.pop("errors")
    if args.json:
        print(json.dumps(res, ensure_ascii=False))
    else:
        _print_table(res)
    if args.errors:
        for err in errors:
            print(json.dumps(err, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
