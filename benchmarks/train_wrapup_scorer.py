"""Train the offline wrap-up's sentence scorer on TweetSumm and report its 5-fold CV ROUGE.

    python benchmarks/train_wrapup_scorer.py [--data ../shared/eval/tweetsumm/dev.jsonl]
        [--write]

Each sentence of a dialogue (cleaned, redacted as at run time) is labelled with its ROUGE-1
precision against the best human summary: how much of it a summary keeps. A ridge regression
(closed form, numpy) learns that from the sentence features; the word budgets of each side are
chosen on the training folds. Folds are drawn with a fixed seed, so a run is reproducible. The
table prints the cross-validated ROUGE of `text` beside the two baselines; `--write` fits on all
the data and writes copilot/engines/wrapup_scorer.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from copilot.engines.offline_wrapup import contact_language, wrapup_text  # noqa: E402
from copilot.engines.wrapup_scorer import WEIGHTS_FILE, ScorerWeights  # noqa: E402
from copilot.engines.wrapup_sentences import FEATURES, Sentence, contact_sentences  # noqa: E402
from copilot.evaluation.summaries_eval import (  # noqa: E402
    first_customer_last_advisor,
    first_customer_turn,
    read_contacts,
    rouge1_precision,
    rouge_best,
)
from copilot.limits import redact_turn  # noqa: E402
from copilot.privacy import Redactor  # noqa: E402

SEED = 19
FOLDS = 5
RIDGE = 1.0
CUSTOMER_BUDGETS = (8, 12, 18, 26)
ADVISOR_BUDGETS = (8, 12, 18, 26)


def prepare(contact: dict[str, Any]) -> dict[str, Any]:
    redactor = Redactor()
    turns = [
        {"role": t["role"], "text": redact_turn(redactor, t["text"])[0].text}
        for t in contact["turns"]
    ]
    sentences = contact_sentences(turns)
    labels = [
        max(
            (_precision(s, ref) for ref in contact["references"]),
            default=0.0,
        )
        for s in sentences
    ]
    return {
        "turns": turns,
        "raw": contact["turns"],
        "redactor": redactor,
        "sentences": sentences,
        "labels": labels,
        "references": contact["references"],
        "lang": contact_language(turns, []),
    }


def _precision(sentence: Sentence, reference: str) -> float:
    return rouge1_precision(sentence.text, reference)


def fit(items: list[dict[str, Any]]) -> np.ndarray:
    x = np.array([s.vector() for item in items for s in item["sentences"]], dtype=np.float64)
    y = np.array([label for item in items for label in item["labels"]], dtype=np.float64)
    penalty = RIDGE * np.eye(x.shape[1])
    penalty[0, 0] = 0.0  # the bias is not shrunk
    return np.linalg.solve(x.T @ x + penalty, x.T @ y)


def text_of(item: dict[str, Any], model: ScorerWeights) -> str:
    text = wrapup_text(item["turns"], item["lang"], model, item["sentences"])
    return item["redactor"].restore(text)


def mean_rouge(items: list[dict[str, Any]], model: ScorerWeights) -> dict[str, float]:
    rows = [rouge_best(text_of(item, model), item["references"]) for item in items]
    return {k: statistics.fmean(r[k] for r in rows) for k in rows[0]}


def tune(items: list[dict[str, Any]]) -> ScorerWeights:
    weights = tuple(float(w) for w in fit(items))
    best: tuple[float, ScorerWeights] | None = None
    for c in CUSTOMER_BUDGETS:
        for a in ADVISOR_BUDGETS:
            model = ScorerWeights(weights, c, a)
            scores = mean_rouge(items, model)
            objective = scores["rouge1"] + scores["rougeL"]
            if best is None or objective > best[0]:
                best = (objective, model)
    assert best is not None
    return best[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, default=ROOT.parent / "shared/eval/tweetsumm/dev.jsonl"
    )
    parser.add_argument("--write", action="store_true", help="fit on all and write the weights")
    args = parser.parse_args()
    items = [prepare(c) for c in read_contacts(args.data)]
    order = list(range(len(items)))
    random.Random(SEED).shuffle(order)
    folds = [order[i::FOLDS] for i in range(FOLDS)]
    cv: list[dict[str, float]] = []
    for k, held in enumerate(folds):
        train = [items[i] for i in order if i not in set(held)]
        model = tune(train)
        for i in held:
            cv.append(rouge_best(text_of(items[i], model), items[i]["references"]))
        print(f"fold {k + 1}: budgets {model.customer_words}/{model.advisor_words}", flush=True)
    baselines = {
        "first customer turn": first_customer_turn,
        "first customer + last advisor turn": first_customer_last_advisor,
    }
    print(f"\n{len(items)} TweetSumm dialogues, {FOLDS}-fold CV (seed {SEED})")
    print(f"{'system':38} {'R-1':>6} {'R-2':>6} {'R-L':>6}")
    print(f"{'offline wrap-up text (CV)':38} " + _row(cv))
    for name, baseline in baselines.items():
        rows = [rouge_best(baseline(item["raw"]), item["references"]) for item in items]
        print(f"{name:38} " + _row(rows))
    if args.write:
        model = tune(items)
        payload = {
            "trained_on": f"TweetSumm dev ({len(items)} dialogues), label: ROUGE-1 precision",
            "command": "python benchmarks/train_wrapup_scorer.py --write",
            "seed": SEED,
            "ridge": RIDGE,
            "customer_words": model.customer_words,
            "advisor_words": model.advisor_words,
            "features": list(FEATURES),
            "weights": [round(w, 5) for w in model.weights],
        }
        target = ROOT / "copilot" / "engines" / WEIGHTS_FILE
        target.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
        budgets = f"{model.customer_words}/{model.advisor_words}"
        print(f"wrote {target.relative_to(ROOT)} (budgets {budgets})")


def _row(rows: list[dict[str, float]]) -> str:
    return " ".join(
        f"{statistics.fmean(r[k] for r in rows):6.3f}" for k in ("rouge1", "rouge2", "rougeL")
    )


if __name__ == "__main__":
    main()
