"""`copilot eval summaries`: ROUGE of the wrap-up's `text` against human summaries.

Each line of the data file is one contact: `{"id", "turns": [{"role", "text"}], "references":
[str, ...]}`; TweetSumm's own shape (`abstractive_summaries` instead of `references`) is read as
is. Each contact goes through what `copilot summarize` does: redaction, the engine's summary,
placeholders restored for the advisor. Its `text` is scored with rouge-score (ROUGE-1/2/L F1 with
stemming, best over the references), beside two baselines computed in the same run: the first
customer turn, and the first customer turn followed by the last advisor turn.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from rouge_score import rouge_scorer, tokenizers

from copilot.errors import EngineError
from copilot.limits import redact_turn
from copilot.privacy import Redactor

METRICS = ("rouge1", "rouge2", "rougeL")
ROLES = ("customer", "advisor", "bot")


def rouge_best(candidate: str, references: Sequence[str]) -> dict[str, float]:
    """ROUGE-1/2/L F1 of `candidate`, each the best over `references` (0.0 without any)."""
    return dict(_rouge_best(candidate, tuple(references)))


@lru_cache(maxsize=4096)
def _rouge_best(candidate: str, references: tuple[str, ...]) -> tuple[tuple[str, float], ...]:
    # rouge-score's own tokenizer and scoring functions, with each text tokenised once: a
    # tuning run scores the same references thousands of times
    best = dict.fromkeys(METRICS, 0.0)
    predicted = _tokens(candidate)
    for reference in references:
        target = _tokens(reference)
        scores = {
            "rouge1": rouge_scorer._score_ngrams(
                rouge_scorer._create_ngrams(target, 1), rouge_scorer._create_ngrams(predicted, 1)
            ),
            "rouge2": rouge_scorer._score_ngrams(
                rouge_scorer._create_ngrams(target, 2), rouge_scorer._create_ngrams(predicted, 2)
            ),
            "rougeL": rouge_scorer._score_lcs(target, predicted),
        }
        for metric in METRICS:
            best[metric] = max(best[metric], scores[metric].fmeasure)
    return tuple(best.items())


def rouge1_precision(candidate: str, reference: str) -> float:
    """How much of `candidate` (its stemmed unigrams) the reference holds."""
    return float(
        rouge_scorer._score_ngrams(
            rouge_scorer._create_ngrams(_tokens(reference), 1),
            rouge_scorer._create_ngrams(_tokens(candidate), 1),
        ).precision
    )


@lru_cache(maxsize=8192)
def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_TOKENIZER.tokenize(text))


_TOKENIZER = tokenizers.DefaultTokenizer(use_stemmer=True)


def read_contacts(path: Path) -> list[dict[str, Any]]:
    """The labelled contacts of a JSONL file; a malformed line is one clear error."""
    contacts = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                turns = [{"role": str(t["role"]), "text": str(t["text"])} for t in row["turns"]]
                references = row.get("references", row.get("abstractive_summaries"))
                if not isinstance(references, list) or not references:
                    raise KeyError("references")
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise EngineError(
                    f"{path}:{number}: not a contact with turns and references ({exc})"
                ) from exc
            if any(t["role"] not in ROLES for t in turns):
                raise EngineError(f"{path}:{number}: a turn's role is not one of {ROLES}")
            contacts.append(
                {"id": str(row.get("id", number)), "turns": turns, "references": references}
            )
    if not contacts:
        raise EngineError(f"{path}: no contact to evaluate")
    return contacts


def first_customer_turn(turns: Sequence[dict[str, str]]) -> str:
    return next((t["text"] for t in turns if t["role"] == "customer"), "")


def first_customer_last_advisor(turns: Sequence[dict[str, str]]) -> str:
    last = next((t["text"] for t in reversed(turns) if t["role"] != "customer"), "")
    return f"{first_customer_turn(turns)} {last}".strip()


def summarize_contact(engine: Any, turns: Sequence[dict[str, str]]) -> tuple[str, float]:
    """The wrap-up `text` the advisor would see, and the engine's time for it in ms."""
    redactor = Redactor()
    redacted = [
        {"role": t["role"], "text": redact_turn(redactor, t["text"])[0].text} for t in turns
    ]
    started = time.perf_counter()
    summary = engine.summarize(redacted, [], [], redactor=redactor)
    elapsed = (time.perf_counter() - started) * 1000
    return redactor.restore(summary.text), elapsed


def _quantile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


def evaluate_summaries(
    engine: Any,
    contacts: Sequence[dict[str, Any]],
    on_progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Mean ROUGE, length and time of the engine's `text`, and of the two baselines."""
    systems: dict[str, Callable[[Sequence[dict[str, str]]], str]] = {
        "first customer turn": first_customer_turn,
        "first customer + last advisor turn": first_customer_last_advisor,
    }
    rows: dict[str, list[dict[str, float]]] = {"wrap-up text": [], **{k: [] for k in systems}}
    times: list[float] = []
    for done, contact in enumerate(contacts, 1):
        text, elapsed = summarize_contact(engine, contact["turns"])
        times.append(elapsed)
        rows["wrap-up text"].append(rouge_best(text, contact["references"]) | _words(text))
        for name, baseline in systems.items():
            candidate = baseline(contact["turns"])
            rows[name].append(rouge_best(candidate, contact["references"]) | _words(candidate))
        if on_progress:
            on_progress(done)
    report: dict[str, Any] = {"n": len(contacts), "engine": engine.name, "systems": {}}
    for name, scores in rows.items():
        report["systems"][name] = {
            key: round(statistics.fmean(s[key] for s in scores), 3) for key in (*METRICS, "words")
        }
    report["systems"]["wrap-up text"]["time_ms"] = {
        "p50": round(_quantile(times, 0.5), 1),
        "p95": round(_quantile(times, 0.95), 1),
    }
    return report


def _words(text: str) -> dict[str, float]:
    return {"words": float(len(text.split()))}
