"""Benchmark the llm engine's overhead, model time excluded: engine alone, then a full turn.

Usage (from the repository root)::

    python benchmarks/bench_llm_overhead.py                  # both tables (~1.5 min on 2 cores)
    python benchmarks/bench_llm_overhead.py --rounds 0       # engine-level table only
    python benchmarks/bench_llm_overhead.py --turns 500 --rounds 5 --json
    python benchmarks/bench_llm_overhead.py --no-rules       # engine level: model route only
    python benchmarks/bench_llm_overhead.py --model-ms 300   # a model that takes 300 ms to answer

The model is `InstantChatModel` (`benchmarks/instant_chat_model.py`): it answers at once, the
route guess as a tool call (the structured output the engine asks of llama.cpp or vLLM) and the
draft streamed word by word. The time spent inside its calls is measured and subtracted from the
wall time, so what is left is the copilot's own work; with `--model-ms`, it is what the copilot
adds to a model's latency, work done while the model answers not counted.

Engine level: each sample question (`knowledge_base/samples/questions.jsonl`) goes through
`LLMEngine.understand` and `LLMEngine.draft` on four fixed knowledge cards, with the offline
rules' route from the hash embedder (no model inference): prompts, delimited data, structured
output parsing, the deadline threads, streaming and citation parsing.

Full turn: what an advisor waits for, `CopilotSession.customer_turn(...)`, on the sample KB with
the real retriever and e5 embeddings (the set-up of `bench_agent.py`). The turns are the customer
turns of the sample transcripts, and contacts of three consecutive sample questions (plus one of
two unanswerable ones) per language, replayed for several rounds; each suggestion is accepted
before the next turn. The e5 query caches are emptied at the start of every contact: its turns are
new text, while its earlier turns stay cached, as they do live. The same turns run through the
offline engine for comparison. Each graph step is timed by wrapping its node function; "outside
the nodes" is LangGraph's own work, the checkpoints and the session (which reads the state back
twice per turn).
"""

from __future__ import annotations

import argparse
import functools
import json
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from langgraph.checkpoint.memory import InMemorySaver

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `prompts` resolves from the checkout, not the editable install
    sys.path.insert(0, str(ROOT))

from instant_chat_model import InstantChatModel, instant_model  # noqa: E402

import copilot.graph  # noqa: E402
import knowledge_base.embeddings as embeddings  # noqa: E402
from copilot.assembly import Copilot  # noqa: E402
from copilot.config import Settings  # noqa: E402
from copilot.engines.base import Engine  # noqa: E402
from copilot.engines.llm import LLMEngine  # noqa: E402
from copilot.evaluation.metrics import percentile  # noqa: E402
from copilot.state import Card, Decision  # noqa: E402
from copilot.understanding.pipeline import SAMPLE_INTENTS, Understanding, load_intents  # noqa: E402
from knowledge_base import SAMPLES_DIR  # noqa: E402
from knowledge_base.embeddings import HashEmbedder  # noqa: E402

BUDGET_P95_MS = 60.0
LLM_SETTINGS = {"llm_model": "instant", "llm_base_url": "http://127.0.0.1:9/v1"}
"""A model name and a non-OpenAI endpoint (never contacted): structured output by tool call."""
STEPS = ("redact", "understand", "retrieve", "draft", "check", "act", "review")
QUESTIONS_PER_CONTACT = 3
FULL_TURN_ROWS = (
    ("redact", "redact"),
    ("understand", "understand"),
    ("  e5 query embedding", "e5:understand"),
    ("retrieve", "retrieve"),
    ("  e5 query embedding", "e5:retrieve"),
    ("draft", "draft"),
    ("check", "check"),
    ("act (next actions)", "act"),
    ("review (interrupt)", "review"),
    ("outside the nodes", "outside"),
    ("  checkpoint saver (1)", "checkpoint"),
    ("e5 query embeddings (2)", "e5"),
    ("model calls (3)", "model"),
    ("customer_turn() wall", "wall"),
    ("overhead = wall - model", "overhead"),
    ("  of which not e5", "overhead_not_e5"),
)


def summary(values: list[float]) -> dict[str, float]:
    return {
        "p50": round(percentile(values, 50), 2),
        "p95": round(percentile(values, 95), 2),
        "mean": round(statistics.fmean(values), 2),
        "max": round(max(values), 2),
    }


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def route_guess(lang: str, intent: str | None = None) -> dict[str, Any]:
    return {
        "category": "simple_question",
        "confidence": 0.8,
        "intent": intent or "other",
        "flags": [],
        "language": "fr" if lang == "fr" else "en",
        "sentiment": "neutral",
    }


# ---------------------------------------------------------------------------- engine level
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


def run_engine_level(
    turns: int, use_rules: bool, latency_s: float = 0.0, warmup: int = 10
) -> dict[str, Any]:
    rows = read_jsonl(SAMPLES_DIR / "questions.jsonl")
    questions = [rows[i % len(rows)] for i in range(turns + warmup)]
    model = instant_model(latency_s)
    engine = LLMEngine(
        Settings(**LLM_SETTINGS),
        chat_model=model,
        understanding=Understanding(HashEmbedder(), load_intents(SAMPLE_INTENTS))
        if use_rules
        else None,
    )
    cards = fixed_cards()
    timings: dict[str, list[float]] = {"understand": [], "draft": [], "turn": []}
    tokens = 0

    def count(_: str) -> None:
        nonlocal tokens
        tokens += 1

    transcript: list[dict[str, Any]] = []
    for i, q in enumerate(questions):
        lang = "fr" if q.get("lang") == "fr" else "en"
        model.guess, model.busy_s = route_guess(lang, q.get("intent")), 0.0
        start = time.perf_counter()
        route = engine.understand(q["query"], transcript[-6:])
        middle, understood = time.perf_counter(), model.busy_s
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
            timings["understand"].append((middle - start - understood) * 1000)
            timings["draft"].append((end - middle - (model.busy_s - understood)) * 1000)
            timings["turn"].append((end - start - model.busy_s) * 1000)
    return {
        "turns": turns,
        "rules": "offline Understanding (hash embedder)" if use_rules else "none",
        "pieces_per_draft": round(tokens / len(questions), 1),
        "ms": {step: summary(v) for step, v in timings.items()},
    }


# ---------------------------------------------------------------------------- full turn
def sample_contacts(per_language: int) -> list[dict[str, Any]]:
    """Transcripts, then contacts of consecutive sample questions spread over each language."""
    contacts = [
        {"id": path.stem, "lang": path.stem.rsplit("-", 1)[-1], "turns": read_jsonl(path)}
        for path in sorted((SAMPLES_DIR / "transcripts").glob("*.jsonl"))
    ]
    answerable = read_jsonl(SAMPLES_DIR / "questions.jsonl")
    unanswerable = read_jsonl(SAMPLES_DIR / "questions_unanswerable.jsonl")
    for lang in ("en", "fr"):
        rows = [r for r in answerable if r.get("lang") == lang]
        step = max(QUESTIONS_PER_CONTACT, len(rows) // max(1, per_language))
        groups = [rows[s : s + QUESTIONS_PER_CONTACT] for s in range(0, len(rows), step)]
        groups = groups[:per_language]
        groups.append([r for r in unanswerable if r.get("lang") == lang][:2])
        for group in groups:
            contacts.append(
                {
                    "id": group[0]["id"],
                    "lang": lang,
                    "turns": [
                        {"role": "customer", "text": r["query"], "intent": r.get("intent")}
                        for r in group
                    ],
                }
            )
    return contacts


class StepClock:
    """Seconds spent in each graph step, in checkpoints, and in e5 queries by step ("e5:<step>")."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)
        self.step = ""

    def wrap(self, name: str, fn: Callable[..., Any], step: bool = True) -> Callable[..., Any]:
        @functools.wraps(fn)  # LangGraph reads the node's signature through __wrapped__
        def timed(*args: Any, **kwargs: Any) -> Any:
            key = name if step else f"{name}:{self.step}"
            if step:
                self.step = name
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:  # the review step leaves by an interrupt
                self.spent[key] += time.perf_counter() - started

        return timed


class TimedSaver(InMemorySaver):
    """An in-memory checkpointer that adds up the time spent reading and writing checkpoints."""

    def __init__(self, clock: StepClock) -> None:
        super().__init__()
        self.clock = clock

    def get_tuple(self, config: Any) -> Any:
        return self._timed(super().get_tuple, config)

    def put(self, *args: Any, **kwargs: Any) -> Any:
        return self._timed(super().put, *args, **kwargs)

    def put_writes(self, *args: Any, **kwargs: Any) -> Any:
        return self._timed(super().put_writes, *args, **kwargs)

    def _timed(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            self.clock.spent["checkpoint"] += time.perf_counter() - started


def instrument(clock: StepClock) -> Callable[[], None]:
    """Time every graph node and e5 query; returns what empties the query caches."""
    for step in STEPS:
        setattr(copilot.graph, step, clock.wrap(step, getattr(copilot.graph, step)))
    e5_query = embeddings._cached_e5_query
    embeddings._cached_e5_query = clock.wrap("e5", e5_query, step=False)  # type: ignore
    return e5_query.cache_clear


def replay(
    engine: Engine,
    retriever: Any,
    contacts: list[dict[str, Any]],
    clock: StepClock,
    clear_caches: Callable[[], None],
    model: InstantChatModel | None,
    timed: bool,
) -> list[dict[str, float]]:
    """Every contact once; per timed customer turn, ms spent per step and in all."""
    samples: list[dict[str, float]] = []
    for contact in contacts:
        session = Copilot(engine, retriever, TimedSaver(clock)).session()
        # a contact's turns are new text; its earlier turns stay cached, as they do live
        clear_caches()
        retriever._query_cache.clear()  # the retriever keeps its own
        for turn in contact["turns"]:
            if turn["role"] != "customer":
                session.add_turn(turn["role"], turn["text"])
                continue
            if model is not None:
                model.guess = route_guess(contact["lang"], turn.get("intent"))
                model.busy_s = 0.0
            clock.spent.clear()
            shown: list[str] = []  # the draft streams to the advisor's screen, as in the TUI
            started = time.perf_counter()
            suggestion = session.customer_turn(turn["text"], on_token=shown.append)
            wall = time.perf_counter() - started
            if timed:
                row = {name: s * 1000 for name, s in clock.spent.items()}
                row["e5"] = sum(v for k, v in row.items() if k.startswith("e5:"))
                row["model"] = (model.busy_s if model else 0.0) * 1000
                row["outside"] = wall * 1000 - sum(row.get(s, 0.0) for s in STEPS)
                row["wall"] = wall * 1000
                row["overhead"] = row["wall"] - row["model"]
                row["overhead_not_e5"] = row["overhead"] - row["e5"]
                row["briefing"] = float(suggestion.draft.mode == "briefing")
                row["model_drafted"] = float(not suggestion.draft.no_policy_found)
                samples.append(row)
            session.decide(Decision(kind="accept"))
    return samples


def run_full_turn(rounds: int, per_language: int, latency_s: float = 0.0) -> dict[str, Any]:
    clock = StepClock()
    clear_caches = instrument(clock)
    settings = Settings(embeddings="e5", engine="offline")
    opened = Copilot.open(settings, checkpointer=InMemorySaver(), records="off")
    retriever, offline = opened.retriever, opened.engine
    model = instant_model(latency_s)
    llm = LLMEngine(
        settings.model_copy(update={"engine": "llm", **LLM_SETTINGS}),
        chat_model=model,
        understanding=offline.understanding,  # type: ignore[attr-defined]
    )
    contacts = sample_contacts(per_language)
    engines: dict[str, tuple[Engine, InstantChatModel | None]] = {
        "llm": (llm, model),
        "offline": (offline, None),
    }
    samples: dict[str, list[dict[str, float]]] = {name: [] for name in engines}
    for engine, fake in engines.values():  # warm-up: imports, first graph compile, lazy loads
        replay(engine, retriever, contacts[:1], clock, clear_caches, fake, timed=False)
    for _ in range(rounds):
        for name, (engine, fake) in engines.items():
            samples[name] += replay(engine, retriever, contacts, clock, clear_caches, fake, True)
    keys = [key for _, key in FULL_TURN_ROWS]
    return {
        "model_ms": latency_s * 1000,
        "rounds": rounds,
        "contacts": len(contacts),
        "turns_per_round": sum(1 for c in contacts for t in c["turns"] if t["role"] == "customer"),
        "languages": {
            lang: sum(
                1
                for c in contacts
                for t in c["turns"]
                if t["role"] == "customer" and c["lang"] == lang
            )
            for lang in ("en", "fr")
        },
        "engines": {
            name: {
                "turns": len(rows),
                "briefings": int(sum(r["briefing"] for r in rows)),
                "model_drafts": int(sum(r["model_drafted"] for r in rows)),
                "ms": {key: summary([r.get(key, 0.0) for r in rows]) for key in keys},
            }
            for name, rows in samples.items()
        },
    }


# ---------------------------------------------------------------------------- report
def print_engine_level(result: dict[str, Any]) -> None:
    print(
        f"LLM engine alone, model time excluded: {result['turns']} turns, "
        f"rules: {result['rules']}, {result['pieces_per_draft']} streamed pieces per draft"
    )
    print(f"{'step':<12}{'p50 ms':>10}{'p95 ms':>10}{'mean ms':>10}{'max ms':>10}")
    for step, row in result["ms"].items():
        print(
            f"{step:<12}{row['p50']:>10.2f}{row['p95']:>10.2f}{row['mean']:>10.2f}"
            f"{row['max']:>10.2f}"
        )


def print_full_turn(result: dict[str, Any]) -> None:
    llm, offline = result["engines"]["llm"], result["engines"]["offline"]
    print(
        f"Full customer turn on the sample KB (e5, hybrid retrieval): {result['rounds']} rounds "
        f"x {result['turns_per_round']} customer turns ({result['languages']['en']} EN, "
        f"{result['languages']['fr']} FR) in {result['contacts']} contacts, per engine"
    )
    print(
        f"llm: {llm['model_drafts']} drafts by the model, {llm['briefings']} briefings; "
        f"offline: {offline['briefings']} briefings"
    )
    llm_title = f" llm (model answers in {result['model_ms']:g} ms) "
    print(f"{'':<26}  {llm_title:-^28}  {' offline ':-^28}")
    print(f"{'ms per turn':<26}" + f"{'p50':>10}{'p95':>10}{'mean':>10}" * 2)
    for label, key in FULL_TURN_ROWS:
        cells = "".join(
            f"{row['ms'][key][q]:>10.1f}" for row in (llm, offline) for q in ("p50", "p95", "mean")
        )
        print(f"{label:<26}{cells}")
    print(
        "(1) reads and writes, within 'outside the nodes' and partly in a background thread; "
        "(2) within understand and retrieve; (3) the instant model, within understand and draft"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=200, help="engine-level turns")
    parser.add_argument("--no-rules", action="store_true", help="engine level: no offline rules")
    parser.add_argument("--rounds", type=int, default=3, help="full-turn rounds; 0 skips them")
    parser.add_argument("--contacts", type=int, default=8, help="question contacts per language")
    parser.add_argument("--model-ms", type=float, default=0.0, help="the model's latency")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    latency_s = args.model_ms / 1000
    result = {"engine_level": run_engine_level(args.turns, not args.no_rules, latency_s)}
    if args.rounds > 0:
        result["full_turn"] = run_full_turn(args.rounds, args.contacts, latency_s)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print_engine_level(result["engine_level"])
    p95 = result["engine_level"]["ms"]["turn"]["p95"]
    print(f"engine turn p95 {p95:.2f} ms ({BUDGET_P95_MS:.0f} ms budget for the whole turn)")
    if "full_turn" in result:
        print()
        print_full_turn(result["full_turn"])
        llm = result["full_turn"]["engines"]["llm"]["ms"]
        p95 = llm["overhead"]["p95"]
        verdict = "within" if p95 <= BUDGET_P95_MS else "OVER"
        print(
            f"llm full-turn overhead p95 {p95:.1f} ms: {verdict} the {BUDGET_P95_MS:.0f} ms budget "
            f"({llm['overhead_not_e5']['p95']:.1f} ms without the e5 query embeddings)"
        )


if __name__ == "__main__":
    main()
