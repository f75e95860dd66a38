"""The knowledge base's approved reply templates (macros) and next-best-action catalogue.

Both are KB data written by its owners (`macros.yaml`, `actions.yaml` beside the articles);
this module only loads and validates them. The agent decides when to use them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from knowledge_base import SAMPLES_DIR
from knowledge_base.errors import KnowledgeBaseError


@dataclass(frozen=True)
class Macro:
    """Compliance-approved wording with `{slots}`, tied to the articles it relies on."""

    id: str
    lang: str
    intent: str
    title: str
    text: str
    slots: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()


@dataclass(frozen=True)
class ActionSpec:
    """A next best action the copilot may suggest (never execute)."""

    id: str
    title: str
    title_fr: str
    description: str
    preconditions: tuple[str, ...] = ()
    intents: frozenset[str] = field(default_factory=frozenset)
    categories: frozenset[str] = field(default_factory=frozenset)
    flags: frozenset[str] = field(default_factory=frozenset)
    articles: tuple[str, ...] = ()


def _read_list(path: Path) -> list[dict]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeBaseError(f"cannot read {path}: {str(exc).splitlines()[0]}") from exc
    if not isinstance(data, list):
        raise KnowledgeBaseError(f"{path}: expected a list of entries")
    return data


def load_macros(directory: Path = SAMPLES_DIR) -> list[Macro]:
    path = directory / "macros.yaml"
    if not path.exists():
        return []
    return [
        Macro(
            id=str(m["id"]),
            lang=str(m["lang"]),
            intent=str(m["intent"]),
            title=str(m.get("title", m["id"])),
            text=str(m["text"]),
            slots=tuple(m.get("slots") or ()),
            articles=tuple(m.get("articles") or ()),
        )
        for m in _read_list(path)
    ]


def load_actions(directory: Path = SAMPLES_DIR) -> list[ActionSpec]:
    path = directory / "actions.yaml"
    if not path.exists():
        return []
    return [
        ActionSpec(
            id=str(a["id"]),
            title=str(a["title"]),
            title_fr=str(a.get("title_fr") or a["title"]),
            description=str(a.get("description", "")),
            preconditions=tuple(a.get("preconditions") or ()),
            intents=frozenset(a.get("intents") or ()),
            categories=frozenset(a.get("categories") or ()),
            flags=frozenset(a.get("flags") or ()),
            articles=tuple(a.get("articles") or ()),
        )
        for a in _read_list(path)
    ]
