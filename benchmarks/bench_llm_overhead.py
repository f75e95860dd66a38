"""Benchmark the llm engine's own overhead, model time excluded.

Usage (from the repository root)::

    python benchmarks/bench_llm_overhead.py                 # 200 turns, table
    python benchmarks/bench_llm_overhead.py --turns 500 --json
    python benchmarks/bench_llm_overhead.py --no-rules      # model route only, no offline rules

Each turn is a sample question (`knowledge_base/samples/questions.jsonl`) run through
`LLMEngine.understand` and `LLMEngine.draft` on four fixed knowledge cards, with a zero-latency
`tests.fakes.ScriptedChatModel` in place of the endpoint. What is timed is therefore the engine's
own work: the offline rules' route (hash embedder, so no model inference) and the merge, prompt
loading, delimiting of data, structured-output parsing, the deadline threads, streaming ~80
pieces through the token callback, and citation parsing. It is engine-level only: the graph's
overhead (redaction, retrieval, checks, checkpointing) is measured elsewhere.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from copilot.config import Settings  # noqa: E402
from copilot.engines.llm import LLMEngine  # noqa: E402
from copilot.state import Card  # noqa: E402
from copilot.understanding import Understanding  # noqa: E402
from knowledge_base import SAMPLES_DIR  # noqa: E402
from knowledge_base.embeddings import HashEmbedder  # noqa: E402
from tests.fakes import ScriptedChatModel  # noqa: E402

QUESTIONS = SAMPLES_DIR / "questions.jsonl"
BUDGET_P95_MS = 60.0
REPLY = {
    "en": "Hello <NAME_1>, thanks for your message. With pay in 3, the first instalment is "
    "taken when you order and the next two 30 and 60 days later [1]. There is no interest "
    "and no fee when every instalment is paid on time [1][2]. If a payment fails, we try "
    "again after 3 days and a late fee may apply [3]. You can see every due date in the "
    "app under My plans [2].",
    "fr": "Bonjour <NAME_1>, merci pour votre message. Avec le paiement en 3 fois, la première "
    "échéance est prélevée à la commande et les deux suivantes 30 et 60 jours plus tard "
    "[1]. Il n'y a ni intérêts ni frais si chaque échéance est payée à temps [1][2]. Si "
    "un prélèvement échoue, nous le représentons 3 jours plus tard et des frais de retard "
    "peuvent s'appliquer [3]. Vous voyez toutes vos échéances dans l'application [2].",
}


def fixed_cards() -> list[Card]:
    """Four real sample articles, cut to the size of a retrieved chunk."""
    paths = sorted((SAMPLES_DIR / "articles").glob("*.md"))[:4]
    return [
        Card(
            n=n,
            doc_id=p.stem,
            chunk_id=f"{p.stem}#0",
            title=p.stem,
            section="",
            lang="en",
            effective_date="2026-01-01",
            version=1,
            text=p.read_text(encoding="utf-8")[:1_200],
        )
        for n, p in enumerate(paths, 1)
    ]


def load_questions(limit: int) -> list[dict[str, Any]]:
    with QUESTIONS.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return [rows[i % len(rows)] for i in range(limit)]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run(turns: int, use_rules: bool, warmup: int = 10) -> dict[str, Any]:
    questions = load_questions(turns + warmup)
    script: list[Any] = []
    for q in questions:
        lang = "fr" if q.get("lang") == "fr" else "en"
        script.append(
            {
                "category": "simple_question",
                "confidence": 0.8,
                "intent": q.get("intent") or "other",
                "flags": [],
                "language": lang,
                "sentiment": "neutral",
            }
        )
        script.append(REPLY[lang])
    model = ScriptedChatModel(responses=script)
    understanding = Understanding(HashEmbedder()) if use_rules else None
    engine = LLMEngine(
        Settings(llm_model="scripted", llm_base_url="http://127.0.0.1:9/v1"),
        chat_model=model,
        understanding=understanding,
    )
    cards = fixed_cards()
    timings: dict[str, list[float]] = {"understand": [], "draft": [], "turn": []}
    tokens = 0

    def count(_: str) -> None:
        nonlocal tokens
        tokens += 1

    transcript: list[dict[str, Any]] = []
    for i, q in enumerate(questions):
        start = time.perf_counter()
        route = engine.understand(q["query"], transcript[-6:])
        middle = time.perf_counter()
        transcript.append({"role": "customer", "text": q["query"]})
        draft = engine.draft(
            turn=q["query"],
            route=route,
            cards=cards,
            transcript=transcript[-6:],
            abstained=False,
            instruction=None,
            on_token=count,
        )
        end = time.perf_counter()
        transcript.append({"role": "advisor", "text": draft.text})
        if i >= warmup:
            timings["understand"].append((middle - start) * 1000)
            timings["draft"].append((end - middle) * 1000)
            timings["turn"].append((end - start) * 1000)
    return {
        "turns": turns,
        "rules": "offline Understanding (hash embedder)" if use_rules else "none",
        "pieces_per_draft": round(tokens / len(questions), 1),
        "ms": {
            step: {
                "p50": round(statistics.median(v), 2),
                "p95": round(percentile(v, 0.95), 2),
                "mean": round(statistics.fmean(v), 2),
                "max": round(max(v), 2),
            }
            for step, v in timings.items()
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--no-rules", action="store_true", help="no offline rules in the merge")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(args.turns, use_rules=not args.no_rules)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(
        f"LLM engine overhead, model time excluded: {result['turns']} turns, "
        f"rules: {result['rules']}, {result['pieces_per_draft']} streamed pieces per draft"
    )
    print(f"{'step':<12}{'p50 ms':>10}{'p95 ms':>10}{'mean ms':>10}{'max ms':>10}")
    for step, row in result["ms"].items():
        print(
            f"{step:<12}{row['p50']:>10.2f}{row['p95']:>10.2f}{row['mean']:>10.2f}"
            f"{row['max']:>10.2f}"
        )
    p95 = result["ms"]["turn"]["p95"]
    verdict = "within" if p95 <= BUDGET_P95_MS else "OVER"
    print(f"turn p95 {p95:.2f} ms: {verdict} the {BUDGET_P95_MS:.0f} ms budget")


if __name__ == "__main__":
    main()
