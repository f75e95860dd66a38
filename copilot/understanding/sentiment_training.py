"""Training the sentiment model: three logistic regressions on e5 vectors and lexicon features.

Why this shape: the copilot already embeds every customer turn with e5 for retrieval, so a
linear head on that vector costs microseconds and no second model. Logistic regression
(scikit-learn, training only) gives calibrated probabilities, which the score (P(positive) -
P(negative)) and the trend need, trains in seconds, and its weights fit in a small JSON file
applied with numpy. Features are standardised for training and the scaling is folded back into
the weights, so applying the model is one matrix product per head.

- polarity: every labelled text (shared tweets when given, and the lender turns, weighted up
  since they are the copilot's own domain), classes balanced;
- intensity (0..3) and emotion: the lender turns, the only ones labelled with them.

The same inputs and seed give the same file, byte for byte (no dates in it, weights rounded to
six significant digits).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from copilot.understanding.sentiment import FEATURE_NAMES, FORMAT, MODEL_FILE, text_features
from copilot.understanding.sentiment_data import (
    LENDER_TURNS,
    LabelledText,
    embed_queries,
    load_lender_turns,
    load_shared_tweets,
    shared_tweets_path,
)
from knowledge_base.atomic import write_text_atomic
from knowledge_base.errors import CopilotError

POLARITY_C = 0.01
"""Inverse regularisation of the polarity head (5-fold CV on the shared tweets: 0.005..0.2
tried, 0.01 best in both languages)."""
FEELING_C = 0.1
"""Inverse regularisation of the intensity and emotion heads."""
LENDER_WEIGHT = 0.5
"""Weight of a lender turn against a tweet in the polarity head (2.0 and 1.0 tried: the
tweets' macro-F1 fell by 0.03 and 0.01 and their negative recall by 0.06 and 0.03)."""
NEGATIVE_BIAS = 0.3
"""Added to the negative logit: missing an upset customer costs more than a false alarm (on the
tweets' CV, +0.05 negative recall in both languages for no loss of macro-F1)."""


def feature_matrix(examples: Sequence[LabelledText], vectors: np.ndarray) -> np.ndarray:
    """Unit query vectors beside the lexicon and cue features, one row per example."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim != 2 or vectors.shape[0] != len(examples):
        raise ValueError(f"{len(examples)} examples but vectors of shape {vectors.shape}")
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    units = vectors / np.where(norms == 0, 1.0, norms)
    extra = np.stack([text_features(e.text) for e in examples]) if examples else None
    return np.hstack([units, extra]) if extra is not None else units


@dataclass
class Head:
    """One fitted head: labels, weights (features x labels) and bias, scaling folded in."""

    labels: list[str]
    weights: np.ndarray
    bias: np.ndarray
    rows: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def payload(self) -> dict[str, Any]:
        return {
            "labels": self.labels,
            "rows": self.rows,
            "counts": self.counts,
            "weights": [[_round(x) for x in row] for row in self.weights.tolist()],
            "bias": [_round(x) for x in self.bias.tolist()],
        }


def _round(x: float) -> float:
    return float(f"{x:.6g}")


def fit_head(
    features: np.ndarray,
    labels: Sequence[str],
    *,
    c: float,
    seed: int,
    sample_weight: np.ndarray | None = None,
) -> Head:
    """A class-balanced multinomial logistic regression, its scaling folded into the weights."""
    from sklearn.linear_model import LogisticRegression

    classes = sorted(set(labels))
    if len(classes) < 2:
        raise CopilotError(f"cannot train a head on one label only ({classes})")
    mean = features.mean(axis=0)
    scale = features.std(axis=0)
    scale[scale < 1e-6] = 1.0
    scaled = (features - mean) / scale
    model = LogisticRegression(
        C=c, class_weight="balanced", max_iter=3000, random_state=seed, tol=1e-6
    )
    model.fit(scaled, list(labels), sample_weight=sample_weight)
    coef = np.asarray(model.coef_, dtype=np.float64)
    intercept = np.asarray(model.intercept_, dtype=np.float64)
    if coef.shape[0] == 1:  # two labels: sklearn keeps one logit, softmax needs both
        coef = np.vstack([np.zeros_like(coef), coef])
        intercept = np.asarray([0.0, intercept[0]])
    weights = (coef / scale).T
    bias = intercept - (coef * (mean / scale)).sum(axis=1)
    return Head(
        [str(c) for c in model.classes_],
        weights,
        bias,
        rows=len(labels),
        counts=dict(sorted(Counter(labels).items())),
    )


def fit_model(
    examples: Sequence[LabelledText], x: np.ndarray, *, embedder_name: str, seed: int = 0
) -> dict[str, Any]:
    """The model file's content, from labelled examples and their features (`feature_matrix`)."""
    if x.shape[0] != len(examples):
        raise ValueError(f"{len(examples)} examples but {x.shape[0]} feature rows")
    weights = np.asarray([LENDER_WEIGHT if e.source == "lender" else 1.0 for e in examples])
    polarity = fit_head(
        x, [e.sentiment for e in examples], c=POLARITY_C, seed=seed, sample_weight=weights
    )
    polarity.bias[polarity.labels.index("negative")] += NEGATIVE_BIAS
    with_intensity = [i for i, e in enumerate(examples) if e.intensity is not None]
    with_emotion = [i for i, e in enumerate(examples) if e.emotion is not None]
    if not with_intensity or not with_emotion:
        raise CopilotError("no lender turn labelled with intensity and emotion: nothing to learn")
    intensity = fit_head(
        x[with_intensity],
        [str(examples[i].intensity) for i in with_intensity],
        c=FEELING_C,
        seed=seed,
    )
    emotion = fit_head(
        x[with_emotion], [str(examples[i].emotion) for i in with_emotion], c=FEELING_C, seed=seed
    )
    sources = Counter(f"{e.source}:{e.lang}" for e in examples)
    inputs = {
        source: inputs_digest([e for e in examples if e.source == source])
        for source in sorted({e.source for e in examples})
    }
    return {
        "format": FORMAT,
        "embedder": embedder_name,
        "dim": int(x.shape[1] - len(FEATURE_NAMES)),
        "features": ["<unit query vector>", *FEATURE_NAMES],
        "trained_on": dict(sorted(sources.items())),
        "inputs": inputs,
        "seed": seed,
        "settings": {
            "polarity_c": POLARITY_C,
            "feeling_c": FEELING_C,
            "lender_weight": LENDER_WEIGHT,
            "negative_bias": NEGATIVE_BIAS,
        },
        "heads": {
            "polarity": polarity.payload(),
            "intensity": intensity.payload(),
            "emotion": emotion.payload(),
        },
    }


def inputs_digest(examples: Sequence[LabelledText]) -> str:
    """A digest of labelled texts and their labels: tells whether a model file is out of date."""
    rows = [[e.text, e.lang, e.sentiment, e.intensity, e.emotion] for e in examples]
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()[:16]


def model_text(payload: dict[str, Any]) -> str:
    """The model file's text: stable key order, one head row per line (readable diffs)."""
    heads = payload["heads"]
    lines = ["{"]
    for key in payload:
        if key != "heads":
            lines.append(f"  {json.dumps(key)}: {json.dumps(payload[key], sort_keys=True)},")
    lines.append('  "heads": {')
    for n, (name, head) in enumerate(heads.items()):
        lines.append(f"    {json.dumps(name)}: {{")
        for key in ("labels", "rows", "counts", "bias"):
            lines.append(f"      {json.dumps(key)}: {json.dumps(head[key], sort_keys=True)},")
        rows = ",\n".join(f"        {json.dumps(r)}" for r in head["weights"])
        lines.append(f'      "weights": [\n{rows}\n      ]')
        lines.append("    }" + ("," if n < len(heads) - 1 else ""))
    lines += ["  }", "}", ""]
    return "\n".join(lines)


def write_model(payload: dict[str, Any], path: Path) -> Path:
    """Write the model file atomically; return its path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, model_text(payload))
    return path


@dataclass(frozen=True)
class TrainingRun:
    """What `train_sentiment` did: where the file went and what it learned from."""

    path: Path
    trained_on: dict[str, int]
    shared_used: bool


def train_sentiment(
    embedder: Any,
    out_dir: Path,
    *,
    eval_dir: Path | None = None,
    seed: int = 0,
    cache_dir: Path | None = None,
    lender_path: Path = LENDER_TURNS,
    progress: bool = False,
) -> TrainingRun:
    """Embed (or read from the cache) the labelled texts, fit the model, write its file.

    The shared tweets are used when `eval_dir` holds them; without them the model learns from
    the lender turns alone, and the run says so (`shared_used`).
    """
    examples = load_lender_turns(lender_path)
    if not examples:
        raise CopilotError(f"{lender_path}: no turn labelled with a sentiment")
    shared_used = eval_dir is not None and shared_tweets_path(eval_dir).is_file()
    vectors = [embed_queries(embedder, [e.text for e in examples], cache_dir, "lender-turns")]
    if shared_used:
        tweets = load_shared_tweets(Path(eval_dir))  # type: ignore[arg-type]
        vectors.append(
            embed_queries(
                embedder, [t.text for t in tweets], cache_dir, "shared-sentiment-train", progress
            )
        )
        examples = [*examples, *tweets]
    x = feature_matrix(examples, np.vstack(vectors))
    payload = fit_model(examples, x, embedder_name=embedder.name, seed=seed)
    path = write_model(payload, Path(out_dir) / MODEL_FILE.name)
    return TrainingRun(path, payload["trained_on"], shared_used)
