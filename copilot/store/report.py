"""Quality figures over the record store: what the supervisor's dashboard and `copilot report` show.

Definitions (the README repeats them):
- a suggestion is *decided* when the advisor accepted, edited, rejected or regenerated it; a
  draft left behind when the next customer turn arrived ("superseded") or still waiting is not;
- acceptance, edit, rejection and regeneration rates are shares of decided suggestions;
- *replies sent*, *briefings acknowledged* and *drafts rejected* are counted apart: an accepted
  or edited reply reached the customer; an accepted briefing only prepared the advisor (nothing
  was sent); a rejection says why (a superseded draft is not one);
- edit distance is in words between the draft and the text sent, over accepted (0) and edited
  replies (briefings are never sent); "heavy edits" are at or above `heavy_edit_words`;
- latency is the time from the suggestion's trigger (the customer's turn, or the advisor's
  regenerate or category correction) to the complete suggestion set; the advisor's own reading
  and thinking time is never in it;
- KB gaps are customer turns where retrieval abstained, or whose draft was rejected, or judged
  "policy gap" by a supervisor, grouped by intent.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from typing import Any

from copilot.state import SUPERSEDED
from copilot.understanding.routing import HUMAN_LED

HEAVY_EDIT_WORDS = 10
SLICES = ("advisor", "prompt_version", "kb_version", "engine", "period")


def decision_kind(row: dict[str, Any]) -> str | None:
    """accept / edit / reject / regenerate, or None when undecided or superseded."""
    decision = row.get("decision")
    if decision is None or (decision["kind"] == "reject" and decision["reason"] == SUPERSEDED):
        return None
    return str(decision["kind"])


def is_reply(row: dict[str, Any]) -> bool:
    """A reply is sent to the customer; a briefing only prepares the advisor."""
    return row.get("mode") != "briefing"


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return round(ordered[index], 1)


def rates(rows: list[dict[str, Any]], heavy_edit_words: int = HEAVY_EDIT_WORDS) -> dict[str, Any]:
    """The headline figures for a set of suggestions."""
    kinds = Counter(decision_kind(r) for r in rows)
    decided = sum(n for kind, n in kinds.items() if kind is not None)
    used = [r for r in rows if decision_kind(r) in ("accept", "edit")]
    sent = [r for r in used if is_reply(r)]
    distances = [int(r["decision"]["edit_distance"] or 0) for r in sent]
    latencies = [float(r["latency_ms"]) for r in rows if r.get("latency_ms") is not None]

    def share(kind: str) -> float | None:
        return round(kinds[kind] / decided, 4) if decided else None

    return {
        "suggestions": len(rows),
        "decided": decided,
        "undecided": kinds[None],
        "replies_sent": len(sent),
        "briefings_acknowledged": len(used) - len(sent),
        "drafts_rejected": kinds["reject"],
        "acceptance_rate": share("accept"),
        "edit_rate": share("edit"),
        "rejection_rate": share("reject"),
        "regeneration_rate": share("regenerate"),
        "median_edit_distance": float(statistics.median(distances)) if distances else None,
        "heavy_edits": sum(d >= heavy_edit_words for d in distances),
        "latency_ms": {"p50": percentile(latencies, 0.5), "p95": percentile(latencies, 0.95)},
    }


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def rate_cells(figures: dict[str, Any]) -> list[str]:
    """A slice's figures as table cells: accept, edit, reject, regenerate rates, median edit
    distance, latency p50 and p95 (ms); "–" where there is nothing to show."""
    median = figures["median_edit_distance"]
    latency = figures["latency_ms"]
    return [
        percent(figures["acceptance_rate"]),
        percent(figures["edit_rate"]),
        percent(figures["rejection_rate"]),
        percent(figures["regeneration_rate"]),
        "–" if median is None else f"{median:g}",
        *("–" if latency[q] is None else f"{latency[q]:.0f}" for q in ("p50", "p95")),
    ]


def edit_distance_histogram(rows: list[dict[str, Any]]) -> dict[str, int]:
    """Sent replies by words changed: 0, 1-2, 3-5, 6-10, 11-20, >20."""
    bins = {"0": 0, "1-2": 0, "3-5": 0, "6-10": 0, "11-20": 0, ">20": 0}
    for row in rows:
        if decision_kind(row) not in ("accept", "edit") or not is_reply(row):
            continue
        d = int(row["decision"]["edit_distance"] or 0)
        key = (
            "0"
            if d == 0
            else "1-2"
            if d <= 2
            else "3-5"
            if d <= 5
            else "6-10"
            if d <= 10
            else "11-20"
            if d <= 20
            else ">20"
        )
        bins[key] += 1
    return bins


def kb_gaps(rows: list[dict[str, Any]], limit: int = 10) -> list[dict[str, Any]]:
    """Where the KB failed the advisor, most frequent intents first, with example turns."""
    groups: dict[str, dict[str, Any]] = {}
    for row in rows:
        review = row.get("review") or {}
        why = (
            "no policy found"
            if row.get("abstained")
            else "citations rejected"
            if decision_kind(row) == "reject"
            else "policy gap (supervisor)"
            if review.get("verdict") == "policy gap"
            else None
        )
        if why is None:
            continue
        key = row.get("intent") or "unknown"
        group = groups.setdefault(
            key,
            {"intent": key, "count": 0, "reasons": Counter(), "examples": [], "cited": Counter()},
        )
        group["count"] += 1
        group["reasons"][why] += 1
        if len(group["examples"]) < 3 and row.get("turn"):
            group["examples"].append(row["turn"])
        for citation in row.get("citations", []):
            group["cited"][f"{citation.get('chunk_id')} v{citation.get('version')}"] += 1
    ranked = sorted(groups.values(), key=lambda g: -g["count"])[:limit]
    return [
        {**g, "reasons": dict(g["reasons"]), "cited": [c for c, _ in g["cited"].most_common(3)]}
        for g in ranked
    ]


def _slice_key(row: dict[str, Any], by: str) -> str:
    if by == "period":
        return str(row["at"])[:10]
    return str(row.get(by) or "–")


def build_report(
    rows: list[dict[str, Any]], since: str | None = None, heavy_edit_words: int = HEAVY_EDIT_WORDS
) -> dict[str, Any]:
    """Everything `copilot report --json` prints, for the given suggestions."""
    report: dict[str, Any] = {"since": since, **rates(rows, heavy_edit_words)}
    by_category: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_category[str(row.get("category"))].append(row)
    report["by_category"] = {k: rates(v, heavy_edit_words) for k, v in sorted(by_category.items())}
    human = sum(1 for r in rows if r.get("category") in HUMAN_LED)
    report["category_mix"] = {"ai_suitable": len(rows) - human, "human_led": human}
    flags: Counter[str] = Counter(f for r in rows for f in r.get("flags", []))
    report["flags"] = dict(flags.most_common())
    report["escalations"] = human
    report["edit_distance_histogram"] = edit_distance_histogram(rows)
    verdicts = Counter((r.get("review") or {}).get("verdict") for r in rows)
    report["reviews"] = {"reviewed": len(rows) - verdicts.pop(None, 0), **dict(verdicts)}
    report["kb_gaps"] = kb_gaps(rows)
    for by in SLICES:
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            groups[_slice_key(row, by)].append(row)
        report[f"by_{by}"] = {k: rates(v, heavy_edit_words) for k, v in sorted(groups.items())}
    return report
