"""Field recall of the hand-over brief against hand labels, and the sample's bot-to-advisor brief.

    python benchmarks/bench_handover.py [--data benchmarks/data/handover_contacts.jsonl]
        [--engine offline|llm] [--show]

Each labelled contact (written for this project, FR and EN) is a conversation with the bot up to
the hand-over. Its turns are redacted as in a live contact, then the engine writes the brief:
- identifiers: a labelled value counts as found when a placeholder in `identifiers` reveals it;
- already asked: a labelled question counts as found when "do not ask again" names it;
- goal: the labelled keyword is in `customer_goal`; sentiment: the brief's equals the label.
The table prints the recall of each field per language; `--show` prints every brief.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from copilot.cli.assist import configured_catalog  # noqa: E402
from copilot.config import Settings  # noqa: E402
from copilot.engines.factory import make_engine  # noqa: E402
from copilot.limits import redact_turn  # noqa: E402
from copilot.privacy import Redactor  # noqa: E402
from knowledge_base import SAMPLES_DIR  # noqa: E402


def _norm(text: str) -> str:
    return "".join(text.lower().split())


def brief_for(engine: Any, turns: list[dict[str, str]]) -> tuple[Any, Redactor, float]:
    redactor = Redactor()
    redacted = [
        {"role": t["role"], "text": redact_turn(redactor, t["text"])[0].text} for t in turns
    ]
    started = time.perf_counter()
    brief = engine.handover(redacted, redactor=redactor)
    return brief, redactor, (time.perf_counter() - started) * 1000


def score(contact: dict[str, Any], brief: Any, redactor: Redactor) -> dict[str, list[bool]]:
    labels = contact["labels"]
    revealed = {_norm(redactor.restore(p)) for p in brief.identifiers}
    not_again = " ".join(brief.do_not_ask_again).lower()
    return {
        "identifiers": [_norm(v) in revealed for v in labels["identifiers"]],
        "already asked": [q.lower() in not_again for q in labels["already_asked"]],
        "goal": [labels["goal"].lower() in brief.customer_goal.lower()],
        "sentiment": [brief.sentiment == labels["sentiment"]],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, default=ROOT / "benchmarks/data/handover_contacts.jsonl"
    )
    parser.add_argument("--engine", choices=["offline", "llm"], default="offline")
    parser.add_argument("--show", action="store_true", help="print every brief")
    args = parser.parse_args()
    settings = Settings().model_copy(update={"engine": args.engine})
    engine = make_engine(settings, catalog=configured_catalog(settings))
    contacts = [json.loads(line) for line in args.data.read_text("utf-8").splitlines() if line]
    totals: dict[str, dict[str, list[bool]]] = {}
    times = []
    for contact in contacts:
        brief, redactor, elapsed = brief_for(engine, contact["turns"])
        times.append(elapsed)
        for field, hits in score(contact, brief, redactor).items():
            for group in ("all", contact["lang"]):
                totals.setdefault(group, {}).setdefault(field, []).extend(hits)
        if args.show:
            print(contact["id"], json.dumps(brief.model_dump(), ensure_ascii=False, indent=1))
    print(f"\nhand-over briefs: {len(contacts)} labelled contacts, engine={engine.name}")
    fields = ("identifiers", "already asked", "goal", "sentiment")
    print(f"{'subset':8}" + "".join(f"{f:>16}" for f in fields))
    for group, hits in totals.items():
        cells = "".join(f"{sum(hits[f]) / len(hits[f]):10.2f} ({len(hits[f]):3d})" for f in fields)
        print(f"{group:8}{cells}")
    times.sort()
    p50, p95 = times[len(times) // 2], times[int(0.95 * (len(times) - 1))]
    print(f"brief time p50 {p50:.0f} ms, p95 {p95:.0f} ms (understanding each turn included)")
    sample = SAMPLES_DIR / "transcripts" / "carte-volee-fr.jsonl"
    turns = [json.loads(line) for line in sample.read_text("utf-8").splitlines() if line]
    first_advisor = next(i for i, t in enumerate(turns) if t["role"] == "advisor")
    brief, _, _ = brief_for(engine, turns[:first_advisor])
    print(f"\nsample {sample.name}, bot turns before the advisor:")
    for key, value in brief.model_dump().items():
        print(f"  {key}: {value}")


if __name__ == "__main__":
    main()
