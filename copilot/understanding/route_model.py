"""The learned routing model: heads on the turn's e5 query embedding.

Three sets of heads read the vector the pipeline already computed for the turn (no second
embedding): a binary human-led logistic head, a head over the seven categories (one hidden
layer of ReLU units, `hid_w`/`hid_b`, then a softmax) and one logistic head per flag. They are
plain arrays (`models/routing.npz`; the thresholds, the embedder id and how they were trained in
`models/routing.json`) applied with numpy in microseconds: no pickle, no scikit-learn at run
time. `copilot train routing` rebuilds both files (`copilot.understanding.route_training`).

The model is used only when the live embedder is the one it was trained on: a vector from
another embedder (the tests' hash embeddings, an OpenAI endpoint) means nothing to it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from copilot.understanding.routing import HUMAN_LED, Category, Flag

MODEL_DIR = Path(__file__).resolve().parent / "models"
WEIGHTS_FILE = "routing.npz"
META_FILE = "routing.json"
CATEGORY_ORDER = tuple(Category)
FLAG_ORDER = tuple(Flag)


@dataclass(frozen=True)
class LearnedReading:
    """What the learned heads say about one turn."""

    human_led: bool
    human_led_p: float
    """Probability that an advisor should lead."""
    category: Category
    """The likeliest category on the side the human-led decision chose."""
    category_p: float
    flags: dict[Flag, float]
    """Every flag whose head is over its threshold, with its probability."""

    @property
    def confident_human_led(self) -> bool:
        return self.human_led and self.human_led_p >= CONFIDENT


CONFIDENT = 0.8
"""A human-led reading at least this sure is never pulled down to a routine category."""


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


class RoutingModel:
    """Coefficients and thresholds of the learned routing heads."""

    def __init__(self, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
        self.meta = meta
        self.embedder: str = meta["embedder"]
        self.human_led_source: str = meta.get("human_led_source", "binary")
        self.human_led_threshold = float(meta["thresholds"]["human_led"])
        self.flag_thresholds = np.asarray(
            [float(meta["thresholds"]["flags"][f.value]) for f in FLAG_ORDER]
        )
        self._w_led, self._b_led = arrays["led_w"], arrays["led_b"]
        self._w_cat, self._b_cat = arrays["cat_w"], arrays["cat_b"]
        self._w_flag, self._b_flag = arrays["flag_w"], arrays["flag_b"]
        self._hidden = (arrays["hid_w"], arrays["hid_b"]) if "hid_w" in arrays else None
        dim = self._w_flag.shape[1]
        width = self._hidden[0].shape[1] if self._hidden else dim
        if self._w_cat.shape != (len(CATEGORY_ORDER), width) or self._w_flag.shape != (
            len(FLAG_ORDER),
            dim,
        ):
            raise ValueError("routing model: coefficient shapes do not match the categories")
        self._led_mask = np.asarray([c in HUMAN_LED for c in CATEGORY_ORDER])

    @classmethod
    def load(cls, directory: Path = MODEL_DIR) -> RoutingModel:
        """Read a model directory; raise ValueError when a file is missing or malformed."""
        directory = Path(directory)
        try:
            meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
            with np.load(directory / WEIGHTS_FILE, allow_pickle=False) as npz:
                arrays = {k: np.asarray(npz[k], dtype=np.float32) for k in npz.files}
            return cls(arrays, meta)
        except (OSError, KeyError, ValueError, TypeError) as exc:
            raise ValueError(f"routing model in {directory} unreadable: {exc}") from exc

    def fits(self, embedder_name: str) -> bool:
        """True when vectors of `embedder_name` are what the heads were trained on."""
        return embedder_name == self.embedder

    def probabilities(self, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(human-led p, category p per row, flag p per row) for row vectors."""
        x = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
        h = np.maximum(x @ self._hidden[0] + self._hidden[1], 0.0) if self._hidden else x
        logits = h @ self._w_cat.T + self._b_cat
        logits -= logits.max(axis=1, keepdims=True)
        cat = np.exp(logits)
        cat /= cat.sum(axis=1, keepdims=True)
        if self.human_led_source == "categories":
            led = cat[:, self._led_mask].sum(axis=1)
        else:
            led = _sigmoid(x @ self._w_led + self._b_led).ravel()
        flags = _sigmoid(x @ self._w_flag.T + self._b_flag)
        return led, cat, flags

    def read(self, vector: np.ndarray) -> LearnedReading:
        """The heads' reading of one turn vector."""
        led, cat, flag_p = self.probabilities(vector)
        return self._reading(float(led[0]), cat[0], flag_p[0])

    def read_many(self, vectors: np.ndarray) -> list[LearnedReading]:
        led, cat, flag_p = self.probabilities(vectors)
        return [self._reading(float(led[i]), cat[i], flag_p[i]) for i in range(len(led))]

    def _reading(self, led_p: float, cat_p: np.ndarray, flag_p: np.ndarray) -> LearnedReading:
        human_led = led_p >= self.human_led_threshold
        side = np.where(self._led_mask == human_led, cat_p, -1.0)
        best = int(np.argmax(side))
        return LearnedReading(
            human_led=human_led,
            human_led_p=round(led_p, 3),
            category=CATEGORY_ORDER[best],
            category_p=round(float(cat_p[best]), 3),
            flags={
                f: round(float(p), 3)
                for f, p, t in zip(FLAG_ORDER, flag_p, self.flag_thresholds, strict=True)
                if p >= t
            },
        )


@lru_cache(maxsize=4)
def shipped_model(directory: Path = MODEL_DIR) -> RoutingModel | None:
    """The model shipped with the package, or None when this checkout has none."""
    if not (Path(directory) / META_FILE).is_file():
        return None
    return RoutingModel.load(directory)
