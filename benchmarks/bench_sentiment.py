"""Benchmark the sentiment model against the baselines a user would reach for.

Usage (from the repository root; the e5 vectors are cached, the first run embeds ~4,600 texts)::

    python benchmarks/bench_sentiment.py [--eval-dir ../shared/eval] [--cache-dir DIR] [--json]

Measured, with stratified 5-fold cross-validation (the model never scores a text it was trained
on; the folds are stratified by language and label):

* the shared tweets (`<eval-dir>/sentiment/train.jsonl`), per language: macro-F1 and negative
  recall of the learned model (trained, in each fold, on the other folds plus every lender
  turn), of today's lexicon (`rules.sentiment_score`), of a bag-of-words logistic regression
  (word 1-2-grams and character 2-5-grams, TF-IDF, trained on the same folds of the same
  language) and, in English, of VADER (`vaderSentiment`, dev extra only). A third row reports
  English on the TweetEval rows alone: the 409 UMSAB English rows are all negative and come from
  another source, which flatters any model that learns to tell the sources apart;
* the lender's own turns (`copilot/understanding/data/turns.jsonl`), with 5 folds grouped by
  paraphrase group (`group`): negative recall, macro-F1, emotion accuracy and intensity within
  one level, the model trained on the other folds plus every tweet;
* the latency of applying the model to one turn whose vector is known (features + three heads),
  with the cue rules already found by the pipeline, and with them found again.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import f1_score, recall_score  # noqa: E402
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold  # noqa: E402
from sklearn.pipeline import make_pipeline, make_union  # noqa: E402

from copilot.understanding import rules  # noqa: E402
from copilot.understanding.sentiment import (  # noqa: E402
    POLARITIES,
    SentimentModel,
    polarity_of,
)
from copilot.understanding.sentiment_data import (  # noqa: E402
    LENDER_TURNS,
    embed_queries,
    load_lender_turns,
    load_shared_tweets,
)
from copilot.understanding.sentiment_training import feature_matrix, fit_model  # noqa: E402
from knowledge_base.embeddings import E5Embedder  # noqa: E402

FOLDS = 5


def scores(truth: list[str], predicted: list[str]) -> dict[str, float]:
    return {
        "macro_f1": float(f1_score(truth, predicted, labels=list(POLARITIES), average="macro")),
        "negative_recall": float(
            recall_score(truth, predicted, labels=["negative"], average="macro", zero_division=0)
        ),
        "n": len(truth),
    }


def model_predictions(model: SentimentModel, texts: list[str], x: np.ndarray) -> list[Any]:
    dim = model.dim
    return [model.read(t, row[:dim]) for t, row in zip(texts, x, strict=True)]


def bag_of_words() -> Any:
    features = make_union(
        TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True),
    )
    return make_pipeline(features, LogisticRegression(C=4.0, max_iter=3000))


def vader_labels(texts: list[str]) -> list[str] | None:
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        return None
    analyzer = SentimentIntensityAnalyzer()
    out = []
    for text in texts:
        compound = analyzer.polarity_scores(text)["compound"]
        out.append(
            "positive" if compound >= 0.05 else "negative" if compound <= -0.05 else "neutral"
        )
    return out


def cross_validate_tweets(tweets, tweet_x, lender, lender_x, seed: int) -> dict[str, Any]:
    """Out-of-fold labels of every tweet for the model and the bag of words."""
    strata = [f"{t.lang}:{t.sentiment}" for t in tweets]
    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=seed).split(tweet_x, strata)
    model_out: list[str] = [""] * len(tweets)
    bow_out: list[str] = [""] * len(tweets)
    for train, test in folds:
        examples = [*lender, *(tweets[i] for i in train)]
        x = np.vstack([lender_x, tweet_x[train]])
        model = SentimentModel(fit_model(examples, x, embedder_name="e5", seed=seed))
        for i, reading in zip(
            test,
            model_predictions(model, [tweets[i].text for i in test], tweet_x[test]),
            strict=False,
        ):
            model_out[i] = reading.sentiment
        for lang in ("en", "fr"):
            tr = [i for i in train if tweets[i].lang == lang]
            te = [i for i in test if tweets[i].lang == lang]
            bow = bag_of_words().fit(
                [tweets[i].text for i in tr], [tweets[i].sentiment for i in tr]
            )
            for i, label in zip(te, bow.predict([tweets[i].text for i in te]), strict=False):
                bow_out[i] = str(label)
    return {"model": model_out, "bow": bow_out}


def cross_validate_lender(lender, lender_x, tweets, tweet_x, seed: int) -> list[Any]:
    groups = [e.group for e in lender]
    labels = [e.sentiment for e in lender]
    splitter = StratifiedGroupKFold(FOLDS, shuffle=True, random_state=seed)
    out: list[Any] = [None] * len(lender)
    for train, test in splitter.split(lender_x, labels, groups):
        examples = [*(lender[i] for i in train), *tweets]
        x = np.vstack([lender_x[train], tweet_x]) if len(tweets) else lender_x[train]
        model = SentimentModel(fit_model(examples, x, embedder_name="e5", seed=seed))
        for i, reading in zip(
            test,
            model_predictions(model, [lender[i].text for i in test], lender_x[test]),
            strict=False,
        ):
            out[i] = reading
    return out


def latency(model: SentimentModel, texts: list[str], vectors: np.ndarray) -> dict[str, float]:
    cues = [rules.find_cues(rules.normalize(t)) for t in texts]
    with_cues, without = [], []
    for text, vector, found in zip(texts, vectors, cues, strict=True):
        start = time.perf_counter()
        model.read(text, vector, found)
        with_cues.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        model.read(text, vector)
        without.append((time.perf_counter() - start) * 1000)

    def p(values: list[float], q: int) -> float:
        return float(np.percentile(values, q))

    return {
        "p50_ms": p(with_cues, 50),
        "p95_ms": p(with_cues, 95),
        "p50_ms_cues_again": p(without, 50),
        "p95_ms_cues_again": p(without, 95),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--cache-dir", type=Path, default=ROOT / ".cache")
    parser.add_argument("--lender", type=Path, default=LENDER_TURNS)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    embedder = E5Embedder()
    lender = load_lender_turns(args.lender)
    lender_x = feature_matrix(
        lender, embed_queries(embedder, [e.text for e in lender], args.cache_dir, "lender-turns")
    )
    tweets = load_shared_tweets(args.eval_dir)
    tweet_x = feature_matrix(
        tweets,
        embed_queries(
            embedder, [t.text for t in tweets], args.cache_dir, "shared-sentiment-train", True
        ),
    )
    results: dict[str, Any] = {"tweets": {}, "lender": {}}
    cv = cross_validate_tweets(tweets, tweet_x, lender, lender_x, args.seed)
    lexicon = [polarity_of(rules.sentiment_score(t.text)) for t in tweets]
    vader = vader_labels([t.text for t in tweets])
    subsets = {
        "en": lambda t: t.lang == "en",
        "en (TweetEval rows only)": lambda t: t.lang == "en" and t.origin.startswith("tweeteval"),
        "fr": lambda t: t.lang == "fr",
    }
    for name, keep in subsets.items():
        idx = [i for i, t in enumerate(tweets) if keep(t)]
        truth = [tweets[i].sentiment for i in idx]
        row = {
            "learned model": scores(truth, [cv["model"][i] for i in idx]),
            "bag of words LR": scores(truth, [cv["bow"][i] for i in idx]),
            "lexicon (today)": scores(truth, [lexicon[i] for i in idx]),
        }
        if vader is not None and name.startswith("en"):
            row["VADER"] = scores(truth, [vader[i] for i in idx])
        results["tweets"][name] = row

    readings = cross_validate_lender(lender, lender_x, tweets, tweet_x, args.seed)
    for lang in ("en", "fr", "all"):
        idx = [i for i, e in enumerate(lender) if lang in ("all", e.lang)]
        truth = [lender[i].sentiment for i in idx]
        row = {
            "learned model": scores(truth, [readings[i].sentiment for i in idx]),
            "lexicon (today)": scores(
                truth, [polarity_of(rules.sentiment_score(lender[i].text)) for i in idx]
            ),
        }
        row["learned model"]["emotion_accuracy"] = statistics.fmean(
            readings[i].emotion == lender[i].emotion for i in idx
        )
        row["learned model"]["intensity_within_1"] = statistics.fmean(
            abs(readings[i].intensity - (lender[i].intensity or 0)) <= 1 for i in idx
        )
        results["lender"][lang] = row

    full = SentimentModel(
        fit_model(
            [*lender, *tweets], np.vstack([lender_x, tweet_x]), embedder_name="e5", seed=args.seed
        )
    )
    dim = full.dim
    results["latency"] = latency(full, [e.text for e in lender], lender_x[:, :dim])
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        _print_tables(results)


def _print_tables(results: dict[str, Any]) -> None:
    print(
        "Sentiment, shared tweets, stratified 5-fold CV (target: macro-F1 >= 0.65, "
        "negative recall >= 0.75, beat the baselines)"
    )
    print(f"{'set':<26}{'method':<18}{'n':>6}{'macro-F1':>10}{'neg. recall':>13}")
    for name, row in results["tweets"].items():
        for method, s in row.items():
            print(
                f"{name:<26}{method:<18}{s['n']:>6}{s['macro_f1']:>10.3f}"
                f"{s['negative_recall']:>13.3f}"
            )
    print("\nLender turns, 5 folds grouped by paraphrase group (target: negative recall >= 0.90)")
    print(
        f"{'lang':<6}{'method':<18}{'n':>6}{'macro-F1':>10}{'neg. recall':>13}"
        f"{'emotion acc.':>14}{'intensity ±1':>14}"
    )
    for lang, row in results["lender"].items():
        for method, s in row.items():
            extra = (
                f"{s['emotion_accuracy']:>14.3f}{s['intensity_within_1']:>14.3f}"
                if "emotion_accuracy" in s
                else ""
            )
            print(
                f"{lang:<6}{method:<18}{s['n']:>6}{s['macro_f1']:>10.3f}"
                f"{s['negative_recall']:>13.3f}{extra}"
            )
    lat = results["latency"]
    print("\nApplying the model to one turn (vector known), target <= 1 ms")
    print(f"  cues from the pipeline: p50 {lat['p50_ms']:.3f} ms  p95 {lat['p95_ms']:.3f} ms")
    print(
        f"  cues found again:       p50 {lat['p50_ms_cues_again']:.3f} ms  "
        f"p95 {lat['p95_ms_cues_again']:.3f} ms"
    )


if __name__ == "__main__":
    main()
