"""Labelled customer turns for training and measuring the routing: the project's own sets and
the public intent sets mapped to the Orvane routing.

One line of an evaluation file (`copilot eval routing --data FILE.jsonl`) is
`{"text", "category"?, "human_led"?, "flags"?, "sentiment"?, "lang"?}`; every label is optional
except the text, and a metric is computed only over the turns that carry its label. The public
sets come as their own CSV files (BANKING77: `text,category`; Bitext: `utterance,...,intent`)
and are mapped by `data/route_mapping.yaml`, whose comments say what goes where and why.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from copilot.understanding.routing import CATEGORIES, Category, Flag

DATA_DIR = Path(__file__).resolve().parent / "data"
MAPPING_FILE = DATA_DIR / "route_mapping.yaml"
OWN_TURNS = DATA_DIR / "turns.jsonl"
"""The lender's own labelled FR/EN turns (when present in this checkout)."""
REPO_ROOT = Path(__file__).resolve().parents[2]
BENCH_TURNS = REPO_ROOT / "benchmarks" / "data" / "routing_turns.jsonl"
"""The first labelled set, kept with the benchmarks."""
SENTIMENTS = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class LabelledTurn:
    """One customer turn and whatever labels it carries."""

    text: str
    category: Category | None = None
    human_led: bool | None = None
    flags: tuple[Flag, ...] | None = None
    sentiment: str | None = None
    lang: str | None = None
    source: str = ""
    """Where it comes from ("own", "banking77", "bitext" or a file name)."""
    stratum: str = ""
    """The finest label it has (source and intent), for stratified cross-validation."""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def led(self) -> bool | None:
        """Human-led as labelled, or as implied by the category."""
        if self.human_led is not None:
            return self.human_led
        return None if self.category is None else CATEGORIES[self.category].human_led


def _turn_from_json(raw: Any, where: str, source: str) -> LabelledTurn:
    if not isinstance(raw, dict) or not isinstance(raw.get("text"), str) or not raw["text"].strip():
        raise ValueError(f'{where}: expected an object with a non-empty "text"')
    try:
        category = Category(raw["category"]) if raw.get("category") else None
        flags = tuple(Flag(f) for f in raw["flags"]) if raw.get("flags") is not None else None
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from exc
    human_led = raw.get("human_led")
    if human_led is not None and not isinstance(human_led, bool):
        raise ValueError(f'{where}: "human_led" must be true or false')
    sentiment = raw.get("sentiment")
    if sentiment is not None and sentiment not in SENTIMENTS:
        raise ValueError(f'{where}: "sentiment" must be one of {", ".join(SENTIMENTS)}')
    lang = raw.get("lang")
    return LabelledTurn(
        text=raw["text"],
        category=category,
        human_led=human_led,
        flags=flags,
        sentiment=sentiment,
        lang=str(lang) if lang else None,
        source=source,
        stratum=f"{source}:{raw.get('intent') or (category.value if category else '')}",
        extra={k: raw[k] for k in ("id", "intent", "split", "group") if k in raw},
    )


def read_jsonl(path: Path, source: str | None = None) -> list[LabelledTurn]:
    """Turns of a JSON-lines file; raise ValueError naming the first bad line."""
    turns: list[LabelledTurn] = []
    name = source or path.stem
    with Path(path).open(encoding="utf-8") as handle:
        for n, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{n}: not JSON ({exc.msg})") from exc
            turns.append(_turn_from_json(raw, f"{path}:{n}", name))
    if not turns:
        raise ValueError(f"{path}: no turns in the file")
    return turns


@lru_cache(maxsize=1)
def load_mapping() -> dict[str, Any]:
    """The intent -> route mapping of the public sets (`data/route_mapping.yaml`)."""
    raw: dict[str, Any] = yaml.safe_load(MAPPING_FILE.read_text(encoding="utf-8"))
    return raw


def map_intent(dataset: str, intent: str) -> tuple[Category, tuple[Flag, ...]] | None:
    """The Orvane category and flags of a public intent; None when it is excluded."""
    spec = load_mapping()[dataset]
    if intent in spec.get("excluded", []):
        return None
    flags = tuple(Flag(f) for f in spec.get("flags", {}).get(intent, []))
    led = spec.get("human_led", {}).get(intent)
    if led:
        return Category(led["category"]), tuple(Flag(f) for f in led.get("flags", [])) + flags
    procedural = intent in spec.get("procedures", [])
    return (Category.STANDARD_PROCEDURE if procedural else Category.SIMPLE_QUESTION), flags


def _mapped(dataset: str, rows: Iterable[tuple[str, str]]) -> list[LabelledTurn]:
    turns: list[LabelledTurn] = []
    for text, intent in rows:
        route = map_intent(dataset, intent)
        if route is None or not text.strip():
            continue
        category, flags = route
        turns.append(
            LabelledTurn(
                text=text,
                category=category,
                flags=flags,
                lang="en",
                source=dataset,
                stratum=f"{dataset}:{intent}",
                extra={"intent": intent},
            )
        )
    return turns


def read_csv(path: Path) -> list[LabelledTurn]:
    """A BANKING77 (`text,category`) or Bitext (`utterance,...,intent`) CSV, mapped."""
    with Path(path).open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = set(reader.fieldnames or [])
        if {"utterance", "intent"} <= header:
            return _mapped("bitext", ((r["utterance"], r["intent"]) for r in reader))
        if {"text", "category"} <= header:
            return _mapped("banking77", ((r["text"], r["category"]) for r in reader))
    raise ValueError(
        f"{path}: unknown CSV columns {sorted(header)}; expected BANKING77 (text,category) "
        "or Bitext (utterance,category,intent,flags)"
    )


def read_turns(path: Path) -> list[LabelledTurn]:
    """An evaluation file: JSON lines, or one of the public CSV sets."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: no such file")
    return read_csv(path) if path.suffix.lower() == ".csv" else read_jsonl(path)


HELD_APART = REPO_ROOT / "benchmarks" / "data" / "routing_heldout.jsonl"
"""Turns written for this lender in other words and situations: never trained on."""


def own_files() -> list[Path]:
    """The files of labelled turns written for this lender that this checkout holds."""
    return [p for p in (BENCH_TURNS, OWN_TURNS) if p.is_file()]


def own_turns() -> list[LabelledTurn]:
    """Every labelled turn written for this lender that this checkout holds (not held apart)."""
    return [t for path in own_files() for t in read_jsonl(path, source="own")]


PUBLIC_SETS = {"banking77": "banking77/train.csv", "bitext": "bitext_cs/train.csv"}
PER_INTENT = {"banking77": 50, "bitext": None}
"""Rows kept per public intent for training (None: all), drawn with the seed: BANKING77's
10,003 rows would take most of an hour to embed on two cores, for little more to learn."""


def sample_per_intent(
    turns: list[LabelledTurn], limit: int | None, seed: int
) -> list[LabelledTurn]:
    """At most `limit` turns of each intent, drawn with `seed`, in the file's order."""
    if limit is None:
        return turns
    import random

    by_intent: dict[str, list[int]] = {}
    for i, turn in enumerate(turns):
        by_intent.setdefault(turn.stratum, []).append(i)
    rng = random.Random(seed)
    kept = sorted(
        i
        for rows in by_intent.values()
        for i in (rng.sample(rows, limit) if len(rows) > limit else rows)
    )
    return [turns[i] for i in kept]


def public_turns(eval_dir: Path, seed: int = 0) -> tuple[list[LabelledTurn], list[str]]:
    """BANKING77 and Bitext training rows under `eval_dir` (sampled by `PER_INTENT`), and the
    files that were missing."""
    turns: list[LabelledTurn] = []
    missing: list[str] = []
    for name, rel in PUBLIC_SETS.items():
        path = Path(eval_dir) / rel
        if path.is_file():
            turns += sample_per_intent(read_csv(path), PER_INTENT[name], seed)
        else:
            missing.append(str(path))
    return turns, missing
