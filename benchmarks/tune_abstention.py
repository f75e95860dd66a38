"""Fit the "no policy found" model (`copilot/retrieval/abstention.py`) on the sample KB's questions.

Every answerable and deliberately unanswerable question is searched by a real `Retriever`
(hybrid, as `copilot eval retrieval` does); the scores the retriever hands to `confidence` are
recorded and turned into candidate signals. For several small feature sets a logistic
regression (numpy IRLS, L2 on standardised features) is cross-validated with folds grouped by
intent, so paraphrases of one question never straddle folds; the threshold is chosen inside
each training part (nested) for precision >= --precision on abstaining. Prints tables and the
coefficients to put in the code, and the closest passage's cosine per language pair (where the
dense thresholds of `DENSE_ANSWERS` come from); changes nothing in the repository.

    COPILOT_DATA_DIR=/tmp/ret3 python benchmarks/tune_abstention.py

Query vectors are cached under the data directory (the same files as tune_retrieval.py), so a
second run embeds nothing.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from copilot.config import Settings
from copilot.evaluation.retrieval_eval import default_queries, prepare_kb, run_queries
from copilot.retrieval.abstention import DENSE_ANSWERS, content_words, count_unknown
from copilot.retrieval.search import FusionWeights, Mode, Retriever
from knowledge_base.embeddings import Embedder
from knowledge_base.language import detect_language
from knowledge_base.store import KnowledgeBase

FEATURE_SETS: dict[str, tuple[str, ...]] = {
    "code before (refit)": ("cos_top", "z_top", "bm25_top", "bm25_sqrt_word"),
    "cosine": ("cos_top",),
    "cosine + unknown": ("cos_top", "unknown_share"),
    "cosine + unknown + bm25": ("cos_top", "unknown_share", "bm25_top"),
    "cosine + unknown + bm25/word": ("cos_top", "unknown_share", "bm25_per_word"),
    "cosine + z + unknown + bm25": ("cos_top", "z_top", "unknown_share", "bm25_top"),
    "cosine + doc gap + unknown + bm25": ("cos_top", "doc_gap", "unknown_share", "bm25_top"),
    "cosine + unknown + bm25 + top match": ("cos_top", "unknown_share", "bm25_top", "top_match"),
    "mean cosine + unknown + bm25": ("cos_mean", "unknown_share", "bm25_top"),
    "cosine + unknown + bm25/sqrt": ("cos_top", "unknown_share", "bm25_sqrt_word"),
    "unknown + bm25/sqrt": ("unknown_share", "bm25_sqrt_word"),
    "unknown (idf) + bm25/sqrt": ("unknown_idf_share", "bm25_sqrt_word"),
}
"""Candidate feature sets (<= 5 features: there are only 36 unanswerable questions)."""
CHOSEN = "unknown + bm25/sqrt"
"""The set in copilot/retrieval/abstention.py."""


@dataclass
class CachedQueries:
    """The KB's embedder with query vectors read from a file first (same name, so the
    retriever stays calibrated)."""

    inner: Embedder
    vectors: dict[str, np.ndarray]

    @property
    def name(self) -> str:
        return self.inner.name

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self.inner.embed_passages(texts)

    def embed_query(self, text: str) -> np.ndarray:
        found = self.vectors.get(text)
        return found if found is not None else self.inner.embed_query(text)


def query_vectors(kb: KnowledgeBase, texts: list[str], cache: Path) -> dict[str, np.ndarray]:
    """e5 vectors of the texts, from a file named after them or embedded once and saved."""
    unique = sorted(set(texts))
    key = hashlib.sha256("\n".join(unique).encode()).hexdigest()[:12]
    path = cache / f"queryvecs-{key}.npz"
    if path.exists():
        return dict(zip(unique, np.load(path)["v"], strict=True))
    retriever = Retriever(kb)
    vecs = {t: retriever.embed_query(t) for t in unique}
    np.savez(path, v=np.stack([vecs[t] for t in unique]))
    return vecs


class RecordingRetriever(Retriever):
    """A retriever that keeps what each search handed to `confidence`."""

    calls: list[tuple[np.ndarray, np.ndarray, np.ndarray, str]]

    def confidence(
        self, dense: np.ndarray, bm25: np.ndarray, mask: np.ndarray, query: str, mode: Mode
    ) -> float:
        self.calls.append((dense.copy(), bm25.copy(), mask.copy(), query))
        return super().confidence(dense, bm25, mask, query, mode)


class CandidateFeatures:
    """Candidate signals of one search, from what the retriever handed to `confidence`.

    cos_top / cos_mean: highest / mean e5 cosine over the allowed passages; z_top: the top's
    z-value among them; doc_gap: top cosine minus the best cosine of another document;
    bm25_top: best BM25 (also per content word and per square root of their number);
    unknown_share: share of the content words (`copilot.retrieval.abstention.content_words`) that no
    passage contains, unknown_idf_share the same weighted by BM25's idf; top_match: share of
    the content words found in the top-cosine passage.
    """

    def __init__(self, kb: KnowledgeBase):
        self.vocab: dict[str, int] = kb.lexical.vocabulary
        self.doc_of = [c["doc_id"] for c in kb.lexical.catalog]
        self.terms = [{int(t) for t in chunk} for chunk in kb.lexical.chunk_terms()]
        df = np.zeros(len(self.vocab))
        for chunk in self.terms:
            df[list(chunk)] += 1
        n = len(self.doc_of)
        # BM25's idf; a word the KB never uses gets the idf of a word in no chunk at all
        self.idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
        self.unseen_idf = float(np.log(1 + (n + 0.5) / 0.5))

    def __call__(
        self, dense: np.ndarray, bm25: np.ndarray, mask: np.ndarray, query: str
    ) -> dict[str, float]:
        rows = np.flatnonzero(mask)
        scores = dense[rows]
        order = rows[np.argsort(-scores)]
        top, best = float(scores.max()), int(order[0])
        runner_up = next(
            (float(dense[r]) for r in order if self.doc_of[r] != self.doc_of[best]), top
        )
        words = content_words(query)
        n_words = max(1, len(words))
        ids = [[self.vocab[s] for s in stems if s in self.vocab] for stems in words]
        weight = np.array([max(self.idf[i]) if i else self.unseen_idf for i in ids])
        unknown = np.array([not i for i in ids], dtype=bool)
        in_top = np.array([any(t in self.terms[best] for t in i) for i in ids], dtype=bool)
        bm25_top = float(bm25[mask].max()) if bm25.size else 0.0
        return {
            "cos_top": top,
            "cos_mean": float(scores.mean()),
            "z_top": (top - float(scores.mean())) / (float(scores.std()) or 1.0),
            "doc_gap": top - runner_up,
            "bm25_top": bm25_top,
            "bm25_sqrt_word": bm25_top / np.sqrt(n_words),
            "bm25_per_word": bm25_top / n_words,
            "unknown_share": count_unknown(words, self.vocab) / n_words,
            "unknown_idf_share": float(weight[unknown].sum() / weight.sum()) if words else 0.0,
            "top_match": float(in_top.mean()) if words else 0.0,
        }


# ---------------------------------------------------------------- the model and its evaluation


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float) -> tuple[float, np.ndarray]:
    """Intercept and raw-unit coefficients of P(y=1) by IRLS, with an L2 penalty on the
    standardised coefficients (not on the intercept)."""
    mu, sd = x.mean(axis=0), x.std(axis=0)
    sd[sd < 1e-9] = 1.0
    z = np.column_stack([np.ones(len(x)), (x - mu) / sd])
    penalty = np.full(z.shape[1], l2)
    penalty[0] = 0.0
    w = np.zeros(z.shape[1])
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(z @ w)))
        grad = z.T @ (y - p) - penalty * w
        hess = (z * (p * (1 - p))[:, None]).T @ z + np.diag(penalty)
        step = np.linalg.solve(hess, grad)
        w += step
        if np.abs(step).max() < 1e-9:
            break
    coef = w[1:] / sd
    return float(w[0] - coef @ mu), coef


def predict(model: tuple[float, np.ndarray], x: np.ndarray) -> np.ndarray:
    intercept, coef = model
    return 1.0 / (1.0 + np.exp(-(intercept + x @ coef)))


def grouped_folds(groups: list[str], unanswerable: np.ndarray, n: int, seed: int) -> np.ndarray:
    """A fold per row: whole groups go to one fold, and the unanswerable groups are dealt out
    separately so that every fold holds some of the few positives."""
    fold = np.zeros(len(groups), dtype=int)
    rng = random.Random(seed)
    for wanted in (False, True):
        names = sorted({g for g, u in zip(groups, unanswerable, strict=True) if u == wanted})
        rng.shuffle(names)
        fold_of = {name: i % n for i, name in enumerate(names)}
        for i, (g, u) in enumerate(zip(groups, unanswerable, strict=True)):
            if u == wanted:
                fold[i] = fold_of[g]
    return fold


def counts(p: np.ndarray, unanswerable: np.ndarray, threshold: float) -> tuple[int, int, int]:
    """(true abstentions, wrong abstentions, missed) when abstaining below `threshold`."""
    abstain = p < threshold
    return (
        int((abstain & unanswerable).sum()),
        int((abstain & ~unanswerable).sum()),
        int((~abstain & unanswerable).sum()),
    )


def choose_threshold(p: np.ndarray, unanswerable: np.ndarray, precision: float) -> float:
    """The threshold with the most recall whose precision is at least `precision` (ties: the
    lower threshold, fewer abstentions); no abstention at all when none qualifies."""
    best, best_tp = 0.0, 0
    for t in np.unique(p):
        threshold = float(t) + 1e-9  # abstain on p <= t
        tp, fp, _ = counts(p, unanswerable, threshold)
        if tp and tp / (tp + fp) >= precision and tp > best_tp:
            best, best_tp = threshold, tp
    return best


def out_of_fold(
    x: np.ndarray, y: np.ndarray, folds: np.ndarray, l2: float, train: np.ndarray | None = None
) -> np.ndarray:
    """Held-out P(answerable) of every row (of `train` only, when given)."""
    rows = np.ones(len(y), dtype=bool) if train is None else train
    p = np.full(len(y), np.nan)
    for f in np.unique(folds[rows]):
        fit_rows = rows & (folds != f)
        model = fit_logistic(x[fit_rows], y[fit_rows], l2)
        held = rows & (folds == f)
        p[held] = predict(model, x[held])
    return p


def average_precision(p: np.ndarray, unanswerable: np.ndarray) -> float:
    """Average precision of abstaining, ranking by lowest P(answerable) first."""
    order = np.argsort(p, kind="stable")
    hits = unanswerable[order]
    precision_at = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float(precision_at[hits].mean())


@dataclass
class CvResult:
    ap: float
    precision: float
    recall: float
    wrong: float
    thresholds: list[float]


def nested_cv(
    x: np.ndarray,
    unanswerable: np.ndarray,
    groups: list[str],
    l2: float,
    target: float,
    folds: int,
    repeats: int,
) -> CvResult:
    """Outer folds score held-out rows; the threshold is chosen on the training part's own
    out-of-fold predictions (inner folds), never on the rows it is scored on."""
    y = (~unanswerable).astype(float)
    aps, precisions, recalls, wrongs, thresholds = [], [], [], [], []
    for seed in range(repeats):
        outer = grouped_folds(groups, unanswerable, folds, seed)
        held_p = np.zeros(len(y))
        abstain = np.zeros(len(y), dtype=bool)
        for f in range(folds):
            train = outer != f
            inner = grouped_folds(
                [g for g, t in zip(groups, train, strict=True) if t],
                unanswerable[train],
                folds - 1,
                seed + 1000,
            )
            inner_folds = np.full(len(y), -1)
            inner_folds[train] = inner
            inner_p = out_of_fold(x, y, inner_folds, l2, train)
            threshold = choose_threshold(inner_p[train], unanswerable[train], target)
            thresholds.append(threshold)
            model = fit_logistic(x[train], y[train], l2)
            held_p[~train] = predict(model, x[~train])
            abstain[~train] = held_p[~train] < threshold
        tp = int((abstain & unanswerable).sum())
        fp = int((abstain & ~unanswerable).sum())
        aps.append(average_precision(held_p, unanswerable))
        precisions.append(tp / (tp + fp) if tp + fp else 1.0)
        recalls.append(tp / int(unanswerable.sum()))
        wrongs.append(fp)
    return CvResult(
        float(np.mean(aps)),
        float(np.mean(precisions)),
        float(np.mean(recalls)),
        float(np.mean(wrongs)),
        thresholds,
    )


def pooled_sweep(
    x: np.ndarray, unanswerable: np.ndarray, groups: list[str], l2: float, folds: int, reps: int
) -> np.ndarray:
    """Out-of-fold P(answerable) for every row, one column per repeat of the fold split."""
    y = (~unanswerable).astype(float)
    return np.column_stack(
        [
            out_of_fold(x, y, grouped_folds(groups, unanswerable, folds, seed), l2)
            for seed in range(reps)
        ]
    )


# ---------------------------------------------------------------- the run


def collect(
    settings: Settings,
) -> tuple[list[dict[str, Any]], list[dict[str, float]], list[float], list[tuple[str, str]]]:
    """Rows, their candidate features, the confidence the code in the repo gives them, and
    each question's language pair (its language, that of its closest passage by e5)."""
    kb = prepare_kb(None, settings)
    rows = default_queries()
    vectors = query_vectors(kb, [str(r["query"]) for r in rows], settings.data_dir)
    retriever = RecordingRetriever(
        dataclasses.replace(kb, embedder=CachedQueries(kb.embedder, vectors))
    )
    retriever.calls = []
    outcomes = run_queries(retriever, rows, 10, "hybrid")
    features = CandidateFeatures(kb)
    langs = [c["lang"] for c in kb.lexical.catalog]
    pairs = []
    for dense, _bm25, mask, query in retriever.calls:
        allowed = np.flatnonzero(mask)
        best = int(allowed[np.argmax(dense[allowed])])
        pairs.append((detect_language(query, "en"), langs[best]))
    return (
        rows,
        [features(*call) for call in retriever.calls],
        [o.confidence for o in outcomes],
        pairs,
    )


def print_language_pairs(
    console: Console, cosines: np.ndarray, pairs: list[tuple[str, str]], unanswerable: np.ndarray
) -> None:
    """Where `copilot.retrieval.abstention.DENSE_ANSWERS` comes from: the closest passage's
    cosine per language pair and class; a threshold must sit above every unanswerable question's."""
    table = Table(title="closest passage's e5 cosine per language pair (question -> passage)")
    for column in ("pair", "answerable n", "min", "median", "unanswerable n", "max", "threshold"):
        table.add_column(column, justify="right")
    for pair in sorted(set(pairs) | set(DENSE_ANSWERS)):
        here = np.array([p == pair for p in pairs], dtype=bool)
        yes, no = cosines[here & ~unanswerable], cosines[here & unanswerable]
        table.add_row(
            " -> ".join(pair),
            str(len(yes)),
            f"{yes.min():.3f}" if len(yes) else "-",
            f"{float(np.median(yes)):.3f}" if len(yes) else "-",
            str(len(no)),
            f"{no.max():.3f}" if len(no) else "-",
            f"{DENSE_ANSWERS.get(pair, float('nan')):.3f}",
        )
    console.print(table)


def groups_of(rows: list[dict[str, Any]]) -> list[str]:
    """Paraphrases of one question share an intent. The unanswerable questions all carry the
    catch-all intent 'out_of_scope' (36 different subjects), so each is its own group."""
    out = []
    for row in rows:
        intent = str(row.get("intent") or "")
        out.append(f"id:{row['id']}" if intent in ("", "out_of_scope") else f"intent:{intent}")
    return out


def figures(tp: float, fp: float, fn: float) -> tuple[str, str, str]:
    precision = f"{tp / (tp + fp):.3f}" if tp + fp else "-"
    return precision, f"{tp / (tp + fn):.3f}", f"{fp:.1f}" if fp % 1 else f"{fp:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=6)
    parser.add_argument("--repeats", type=int, default=10, help="fold splits, each reshuffled")
    parser.add_argument("--l2", type=float, default=1.0, help="on standardised coefficients")
    parser.add_argument("--precision", type=float, default=0.9, help="target for abstaining")
    parser.add_argument("--choose", default=CHOSEN, choices=list(FEATURE_SETS))
    args = parser.parse_args()
    settings = Settings()
    rows, features, code_confidence, pairs = collect(settings)
    unanswerable = np.array([not r.get("relevant_ids") for r in rows])
    groups = groups_of(rows)
    names = list(features[0])
    matrix = np.array([[f[n] for n in names] for f in features])
    console = Console()
    abstain_below = FusionWeights().abstain_below
    code_p = np.array(code_confidence)
    p_, r_, w_ = figures(*counts(code_p, unanswerable, abstain_below))
    console.print(
        f"{len(rows)} questions ({int(unanswerable.sum())} unanswerable) in "
        f"{len(set(groups))} groups. The code as it stands, abstaining below {abstain_below} "
        f"(in-sample): precision {p_}, recall {r_}, wrong abstentions {w_}"
    )

    signals = Table(title="each signal alone: mean per class, average precision of abstaining")
    for column in ("signal", "answerable", "unanswerable", "AP (low: abstain)", "AP (high)"):
        signals.add_column(column, justify="right")
    for j, name in enumerate(names):
        col = matrix[:, j]
        signals.add_row(
            name,
            f"{col[~unanswerable].mean():.3f}",
            f"{col[unanswerable].mean():.3f}",
            f"{average_precision(col, unanswerable):.3f}",
            f"{average_precision(-col, unanswerable):.3f}",
        )
    console.print(signals)
    print_language_pairs(console, matrix[:, names.index("cos_top")], pairs, unanswerable)

    table = Table(
        title=(
            f"grouped {args.folds}-fold CV x {args.repeats} splits, L2 {args.l2}: threshold "
            f"chosen inside each training part for precision >= {args.precision} (nested)"
        ),
        caption="AP: average precision of abstaining, out-of-fold; P / R / wrong: held out",
    )
    for column in ("features", "AP", "precision", "recall", "wrong abst.", "t median"):
        table.add_column(column, justify="right")
    for label, chosen in FEATURE_SETS.items():
        x = matrix[:, [names.index(n) for n in chosen]]
        res = nested_cv(x, unanswerable, groups, args.l2, args.precision, args.folds, args.repeats)
        table.add_row(
            label,
            f"{res.ap:.3f}",
            f"{res.precision:.3f}",
            f"{res.recall:.3f}",
            f"{res.wrong:.1f}",
            f"{float(np.median(res.thresholds)):.2f}",
        )
    console.print(table)

    chosen = FEATURE_SETS[args.choose]
    x = matrix[:, [names.index(n) for n in chosen]]
    y = (~unanswerable).astype(float)
    oof = pooled_sweep(x, unanswerable, groups, args.l2, args.folds, args.repeats)
    model = fit_logistic(x, y, args.l2)
    fitted = predict(model, x)
    sweep = Table(
        title=f"'{args.choose}': abstaining below t",
        caption="out of fold: summed over the splits; in sample: the model fitted on all rows",
    )
    for column in ("t", "CV precision", "CV recall", "CV wrong / split", "in-sample P / R / w"):
        sweep.add_column(column, justify="right")
    for threshold in np.arange(0.1, 0.61, 0.05):
        tp, fp, fn = np.sum([counts(p, unanswerable, threshold) for p in oof.T], axis=0)
        cv_p, cv_r, _ = figures(tp, fp, fn)
        sweep.add_row(
            f"{threshold:.2f}",
            cv_p,
            cv_r,
            f"{fp / oof.shape[1]:.1f}",
            " / ".join(figures(*counts(fitted, unanswerable, threshold))),
        )
    console.print(sweep)
    pooled = choose_threshold(oof.ravel("F"), np.tile(unanswerable, oof.shape[1]), args.precision)
    console.print(
        f"most recall with out-of-fold precision >= {args.precision}: abstain below "
        f"{pooled:.3f}\ncoefficients of '{args.choose}' fitted on all {len(rows)} questions "
        f"(P(answerable) = 1 / (1 + exp(-logit))):"
    )
    intercept, coef = model
    console.print(f"  intercept        {intercept:+.4f}")
    for name, c in zip(chosen, coef, strict=True):
        console.print(f"  {name:<16} {c:+.4f}")
    console.print(
        "largest difference between this fit and the code's confidence: "
        f"{float(np.abs(fitted - code_p).max()):.4f}"
    )


if __name__ == "__main__":
    main()
