"""The labelled texts the sentiment model learns from, and their e5 query vectors, cached.

Two sources:
- the lender's own labelled customer turns, package data (`data/turns.jsonl`): polarity,
  intensity 0..3 and emotion, written for this lender;
- the shared public tweets (`<eval-dir>/sentiment/train.jsonl`, English and French): polarity
  only. They are read from the path given and never copied into the repository.

Embedding 4,500 tweets with e5 takes minutes on two cores, so vectors are kept in a cache
directory under a name that says what they are (`<model>-query-<label>.npz`), each vector keyed by
a digest of the model and its text: a text embedded before is read back, a new one is embedded.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from copilot.inputs import numbered_jsonl
from copilot.understanding.sentiment import EMOTIONS, POLARITIES
from knowledge_base.atomic import write_bytes_atomic
from knowledge_base.embeddings import Embedder
from knowledge_base.errors import CopilotError

LENDER_TURNS = Path(__file__).parent / "data" / "turns.jsonl"
"""The lender's labelled customer turns (package data)."""
_BATCH = 32


@dataclass(frozen=True)
class LabelledText:
    """One text with its sentiment labels; `intensity` and `emotion` only for lender turns."""

    text: str
    lang: str
    sentiment: str
    source: str
    intensity: int | None = None
    emotion: str | None = None
    group: str = ""
    """Texts of one group (paraphrases of one situation) stay in one cross-validation fold."""
    origin: str = ""
    """Where the text comes from within its source (the shared row's id prefix)."""


def load_lender_turns(path: Path = LENDER_TURNS) -> list[LabelledText]:
    """The lender turns that carry a sentiment label (rows without one are skipped)."""
    rows = _read_jsonl(path)
    out = []
    for n, row in enumerate(rows, start=1):
        if "sentiment" not in row:
            continue
        label = row["sentiment"]
        emotion = row.get("emotion")
        intensity = row.get("intensity")
        if label not in POLARITIES or (emotion is not None and emotion not in EMOTIONS):
            raise CopilotError(f"{path}:{n}: unknown sentiment {label!r} or emotion {emotion!r}")
        if intensity is not None and intensity not in (0, 1, 2, 3):
            raise CopilotError(f"{path}:{n}: intensity must be 0, 1, 2 or 3, not {intensity!r}")
        group = str(row.get("group") or row.get("id") or n)
        lang = row.get("lang", "en")
        out.append(LabelledText(row["text"], lang, label, "lender", intensity, emotion, group))
    return out


def shared_tweets_path(eval_dir: Path) -> Path:
    return Path(eval_dir) / "sentiment" / "train.jsonl"


def load_shared_tweets(eval_dir: Path) -> list[LabelledText]:
    """The shared EN/FR labelled tweets under `eval_dir` (see its README for sources)."""
    path = shared_tweets_path(eval_dir)
    out = []
    for n, row in enumerate(_read_jsonl(path), start=1):
        if row.get("label") not in POLARITIES or row.get("lang") not in ("en", "fr"):
            raise CopilotError(f"{path}:{n}: expected a label in {POLARITIES} and lang en or fr")
        origin = str(row.get("id", "")).rsplit("-", 1)[0]
        group = str(row.get("id") or n)
        out.append(
            LabelledText(
                row["text"], row["lang"], row["label"], "tweets", group=group, origin=origin
            )
        )
    return out


def _read_jsonl(path: Path) -> list[dict]:
    """The file's objects (`copilot.inputs.numbered_jsonl`), each with a text."""
    rows = []
    for n, row in numbered_jsonl(path):
        if not isinstance(row.get("text"), str):
            raise CopilotError(f"{path}:{n}: expected an object with a 'text'")
        rows.append(row)
    return rows


def cache_file(cache_dir: Path, embedder_name: str, label: str) -> Path:
    """Where the query vectors of the texts called `label` by `embedder_name` are cached."""
    model = "".join(c if c.isalnum() else "-" for c in embedder_name)
    return Path(cache_dir) / f"{model}-query-{label}.npz"


def _text_keys(embedder_name: str, texts: Sequence[str]) -> np.ndarray:
    return np.asarray(
        [hashlib.sha256(f"{embedder_name}\nquery\n{t}".encode()).hexdigest()[:24] for t in texts]
    )


def _read_cache(path: Path) -> dict[str, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as data:
            return dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
    except (OSError, ValueError, KeyError, EOFError):
        return {}  # missing or damaged: embedded again


def _write_cache(path: Path, keys: np.ndarray, vectors: np.ndarray) -> None:
    buffer = io.BytesIO()
    np.savez(buffer, keys=keys, vectors=vectors)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(path, buffer.getvalue())


def embed_queries(
    embedder: Embedder,
    texts: Sequence[str],
    cache_dir: Path | None = None,
    label: str = "texts",
    progress: bool = False,
) -> np.ndarray:
    """Query vectors of `texts` (rows in order); with `cache_dir`, texts embedded before by the
    same model are read back and only the others are embedded (then the cache holds `texts`)."""
    keys = _text_keys(embedder.name, texts)
    path = cache_file(cache_dir, embedder.name, label) if cache_dir else None
    known = _read_cache(path) if path is not None else {}
    missing = [i for i, k in enumerate(keys.tolist()) if k not in known]
    batch = getattr(embedder, "embed_queries", None)
    # texts of similar length share a batch: a batch is padded to its longest text
    order = sorted(missing, key=lambda i: len(texts[i]))
    for start in range(0, len(order), _BATCH):
        rows = order[start : start + _BATCH]
        chunk = [texts[i] for i in rows]
        if callable(batch):
            part = np.asarray(batch(chunk), dtype=np.float32)
        else:
            part = np.stack([np.asarray(embedder.embed_query(t), dtype=np.float32) for t in chunk])
        known.update(zip(keys[rows].tolist(), part, strict=True))
        if progress:
            print(f"  embedded {min(start + _BATCH, len(order))}/{len(order)} {label}", flush=True)
    if not len(texts):
        return np.zeros((0, 1), dtype=np.float32)
    vectors = np.stack([known[k] for k in keys.tolist()]).astype(np.float32)
    if path is not None and missing:
        _write_cache(path, keys, vectors)
    return vectors
