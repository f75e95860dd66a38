"""A knowledge base that is not the sample lender's, end to end through `copilot assist`'s session.

Indexes `knowledge_base/samples_other/velomondo` (a bicycle shop with its own catalogue) and
`.../lumerie` (an energy supplier without one), plays each labelled question as the first turn
of a new contact (offline engine) and prints, per question, the route, the first card, whether
the draft said "no policy found" and the actions; then per KB: how many routes took an intent
of the KB's own catalogue, how many took the sample lender's intents or actions (must be 0),
and how many answerable questions got "no policy found".

    COPILOT_DATA_DIR=/tmp/other COPILOT_EMBEDDINGS=e5 python benchmarks/bench_other_kb.py
"""

from __future__ import annotations

import argparse

from bench_abstention import OTHER, read_rows  # noqa: I001  (benchmarks/ is on sys.path)
from rich.console import Console
from rich.table import Table

from copilot.cli.assist import build_session
from copilot.config import Settings
from copilot.understanding.pipeline import SAMPLE_INTENTS, load_intents
from knowledge_base import SAMPLES_DIR
from knowledge_base.catalog import load_actions
from knowledge_base.indexer import index_paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quiet", action="store_true", help="only the totals")
    args = parser.parse_args()
    console = Console(width=150)
    sample_intents = {spec.id for spec in load_intents(SAMPLE_INTENTS)}
    sample_actions = {a.id for a in load_actions(SAMPLES_DIR)}
    rows = read_rows(OTHER / "questions.jsonl")
    totals = Table(title="another company's KB, end to end (offline engine)")
    for column in (
        "KB",
        "catalogue",
        "questions",
        "own intent",
        "right intent",
        "sample intent or action",
        "answerable: no policy",
        "answerable: answer in 1st card",
        "actions shown",
    ):
        totals.add_column(column, justify="right")
    for kb in ("velomondo", "lumerie"):
        settings = Settings().model_copy(update={"kb": kb})
        summary = index_paths([OTHER / kb], settings, kb=kb)
        detail = Table(title=kb)
        for column in ("question", "intent", "category", "1st card", "no policy", "actions"):
            detail.add_column(column)
        session = build_session(settings, "offline")
        own = {i["id"] for i in session.retriever.kb.catalog.intents} if summary.catalog else set()
        counts = {"own": 0, "leak": 0, "no_policy": 0, "first": 0, "actions": 0, "answerable": 0}
        counts |= {"labelled": 0, "right": 0}
        for row in [r for r in rows if r["kb"] == kb]:
            session = build_session(settings, "offline")  # a new contact per question
            s = session.customer_turn(row["query"])
            actions = [a.id for a in s.actions]
            counts["own"] += s.route.intent in own
            counts["leak"] += s.route.intent in sample_intents or bool(
                set(actions) & sample_actions
            )
            counts["actions"] += bool(actions)
            if row.get("intent") in own:
                counts["labelled"] += 1
                counts["right"] += s.route.intent == row["intent"]
            if row["relevant_ids"]:
                counts["answerable"] += 1
                counts["no_policy"] += s.draft.no_policy_found
                counts["first"] += bool(s.cards) and s.cards[0].doc_id in row["relevant_ids"]
            detail.add_row(
                row["query"][:50],
                s.route.intent,
                s.route.category.value,
                s.cards[0].doc_id if s.cards else "-",
                "yes" if s.draft.no_policy_found else "",
                ", ".join(actions) or ("-" if s.action_catalogue else "(no action catalogue)"),
            )
        if not args.quiet:
            console.print(detail)
        n = len([r for r in rows if r["kb"] == kb])
        totals.add_row(
            kb,
            "yes" if summary.catalog else "none",
            str(n),
            f"{counts['own']}/{n}",
            f"{counts['right']}/{counts['labelled']}" if counts["labelled"] else "-",
            str(counts["leak"]),
            f"{counts['no_policy']}/{counts['answerable']}",
            f"{counts['first']}/{counts['answerable']}",
            f"{counts['actions']}/{n}",
        )
    console.print(totals)


if __name__ == "__main__":
    main()
