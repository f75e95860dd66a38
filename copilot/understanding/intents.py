"""The intent catalogue of a knowledge base: what each intent means, its routing category and its
example phrasings (`intents.yaml`; the sample's is `knowledge_base/samples/intents.yaml`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from copilot.understanding.routing import Category
from knowledge_base import SAMPLES_DIR
from knowledge_base.catalog import Catalog
from knowledge_base.errors import KnowledgeBaseError

SAMPLE_INTENTS = SAMPLES_DIR / "intents.yaml"
"""The sample KB's intents: for the benchmarks and tests that route its questions."""


@dataclass(frozen=True)
class IntentSpec:
    """One intent of the catalogue."""

    id: str
    label: str
    label_fr: str
    category: Category
    examples_en: tuple[str, ...]
    examples_fr: tuple[str, ...]

    @property
    def texts(self) -> list[str]:
        """What the classifier embeds for this intent: its labels and examples."""
        return [self.label, self.label_fr, *self.examples_en, *self.examples_fr]


def parse_intents(raw: Any, where: str) -> list[IntentSpec]:
    """Intents from their entries as written; raise ValueError naming the malformed entry."""
    if not isinstance(raw, list | tuple):
        raise ValueError(f"{where}: expected a list of intents")
    specs: list[IntentSpec] = []
    for n, item in enumerate(raw):
        try:
            specs.append(
                IntentSpec(
                    id=str(item["id"]),
                    label=str(item.get("label", item["id"])),
                    label_fr=str(item.get("label_fr", item.get("label", item["id"]))),
                    category=Category(item["category"]),
                    examples_en=tuple(str(e) for e in item.get("examples_en", [])),
                    examples_fr=tuple(str(e) for e in item.get("examples_fr", [])),
                )
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"{where}: intent #{n + 1} is malformed: {exc}") from exc
    if len({s.id for s in specs}) != len(specs):
        raise ValueError(f"{where}: duplicate intent ids")
    return specs


def check_intents(catalog: Catalog) -> None:
    """Raise `KnowledgeBaseError` when a KB catalogue's intents are malformed (at index time)."""
    try:
        parse_intents(list(catalog.intents), f"{catalog.source}/intents.yaml")
    except ValueError as exc:
        raise KnowledgeBaseError(str(exc)) from exc


def load_intents(path: Path | str) -> list[IntentSpec]:
    """Read an intent file (`intents.yaml`); raise ValueError naming the malformed entry."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(raw, list) or not raw:
        raise ValueError(f"{path}: expected a non-empty list of intents")
    return parse_intents(raw, str(path))
