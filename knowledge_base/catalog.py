"""A knowledge base's own catalogue: intents, approved reply templates (macros) and actions.

All three are KB data written by its owners: `intents.yaml`, `macros.yaml` and `actions.yaml`
in the KB's folder (the folder indexed, or its parent when the folder indexed is its
`articles/` sub-folder, as in `knowledge_base/samples`). Any of them may be absent; a KB with
none has no catalogue. The indexer records the catalogue in the KB's manifest, so whoever opens
the KB by name gets that KB's catalogue and never another's. This module loads and validates
macros and actions; the agent validates the intents (their categories are its routing model)
and decides when to use any of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from knowledge_base.errors import KnowledgeBaseError

CATALOG_FILES = ("intents.yaml", "macros.yaml", "actions.yaml")
"""The files of a catalogue, in a KB's folder; the loaders skip them."""


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


def _read_list(path: Path) -> list[dict[str, Any]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeBaseError(f"cannot read {path}: {str(exc).splitlines()[0]}") from exc
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise KnowledgeBaseError(f"{path}: expected a list of entries")
    return data


def _macro(m: dict[str, Any]) -> Macro:
    return Macro(
        id=str(m["id"]),
        lang=str(m["lang"]),
        intent=str(m["intent"]),
        title=str(m.get("title", m["id"])),
        text=str(m["text"]),
        slots=tuple(m.get("slots") or ()),
        articles=tuple(m.get("articles") or ()),
    )


def _action(a: dict[str, Any]) -> ActionSpec:
    return ActionSpec(
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


def _parsed(entries: list[dict[str, Any]], parse: Any, where: str) -> list[Any]:
    out = []
    for n, entry in enumerate(entries, start=1):
        try:
            out.append(parse(entry))
        except (KeyError, TypeError, ValueError) as exc:
            raise KnowledgeBaseError(f"{where}: entry #{n} is malformed (missing {exc})") from exc
    return out


def load_macros(directory: Path) -> list[Macro]:
    """The macros of the KB folder `directory` (none when it has no `macros.yaml`)."""
    path = directory / "macros.yaml"
    return _parsed(_read_list(path), _macro, str(path)) if path.exists() else []


def load_actions(directory: Path) -> list[ActionSpec]:
    """The actions of the KB folder `directory` (none when it has no `actions.yaml`)."""
    path = directory / "actions.yaml"
    return _parsed(_read_list(path), _action, str(path)) if path.exists() else []


@dataclass(frozen=True)
class Catalog:
    """One KB's catalogue as recorded with the KB. Intents stay as written (the agent parses
    them); macros and actions are parsed."""

    source: str
    """The folder it was read from."""
    intents: tuple[dict[str, Any], ...] = ()
    macros: tuple[Macro, ...] = ()
    actions: tuple[ActionSpec, ...] = ()
    raw: dict[str, list[dict[str, Any]]] = field(default_factory=dict, compare=False)
    """The entries as written, by file stem: what the manifest records."""

    def record(self) -> dict[str, Any]:
        """The JSON the manifest keeps."""
        return {"source": self.source, **self.raw}

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Catalog:
        raw = {key: list(record.get(key) or []) for key in ("intents", "macros", "actions")}
        where = f"the catalogue recorded from {record.get('source', '?')}"
        return cls(
            source=str(record.get("source", "")),
            intents=tuple(raw["intents"]),
            macros=tuple(_parsed(raw["macros"], _macro, f"{where} (macros)")),
            actions=tuple(_parsed(raw["actions"], _action, f"{where} (actions)")),
            raw=raw,
        )

    def describe(self) -> dict[str, Any]:
        """What `copilot kb index` reports."""
        return {
            "source": self.source,
            "intents": len(self.intents),
            "macros": len(self.macros),
            "actions": len(self.actions),
        }


def read_catalog(directory: Path) -> Catalog | None:
    """The catalogue in the KB folder `directory`, or None when it holds none of its files."""
    if not any((directory / name).is_file() for name in CATALOG_FILES):
        return None
    raw = {}
    for name in CATALOG_FILES:
        path = directory / name
        raw[name.removesuffix(".yaml")] = _read_list(path) if path.is_file() else []
    return Catalog.from_record({"source": str(directory.resolve()), **raw})


def catalog_folder(directory: Path) -> Path:
    """Where the catalogue of an indexed folder lives: the folder, or its parent when the
    folder is the KB's `articles/` sub-folder."""
    if directory.name == "articles" and not any((directory / n).is_file() for n in CATALOG_FILES):
        return directory.parent
    return directory


def find_catalog(paths: Iterable[Path]) -> tuple[Catalog | None, set[str]]:
    """The catalogue found in the indexed folders (the first that holds one), and every KB
    folder looked in (a recorded catalogue from one of them is replaced by what is there now)."""
    looked: set[str] = set()
    found: Catalog | None = None
    for path in paths:
        if not path.is_dir():
            continue
        folder = catalog_folder(path)
        looked.add(str(folder.resolve()))
        if found is None:
            found = read_catalog(folder)
    return found, looked


def recorded_catalog(manifest: dict[str, Any] | None) -> Catalog | None:
    """The catalogue a KB's manifest records (None: the KB has none)."""
    record = (manifest or {}).get("catalog")
    return Catalog.from_record(record) if record else None
