"""Versioned system prompts, shipped as package data and read with `load_prompt`.

A prompt is one Markdown file named `<name>.v<N>.md` (any language) or `<name>.v<N>.<lang>.md`
(one per language, `fr` and `en`). `load_prompt` picks the highest version, preferring the
requested language and falling back to the language-neutral file; the version it records
(`draft_reply.v1.fr`) is stored with every draft so a suggestion can be traced to its wording.
Placeholders are `$name` (`string.Template`), so JSON braces in a prompt need no escaping; write
`$$` for a literal dollar sign.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from string import Template

__all__ = ["Prompt", "available_prompts", "load_prompt"]

_FILE = re.compile(r"^(?P<name>[a-z0-9_]+)\.v(?P<version>\d+)(?:\.(?P<lang>[a-z]{2}))?\.md$")


@dataclass(frozen=True)
class Prompt:
    """One prompt template and the version it came from."""

    text: str
    """The template, `$placeholders` included."""
    name: str
    """The prompt's name: `draft_reply`."""
    version: str
    """Name, version and language as recorded with outputs: `draft_reply.v1.fr`."""
    lang: str | None = None
    """The template's language; None for a language-neutral prompt."""

    @property
    def placeholders(self) -> set[str]:
        """The `$names` the template expects."""
        return {
            m.group("named") or m.group("braced")
            for m in Template.pattern.finditer(self.text)
            if m.group("named") or m.group("braced")
        }

    def render(self, **values: object) -> str:
        """The template with every placeholder filled; a missing value raises KeyError."""
        return Template(self.text).substitute({k: str(v) for k, v in values.items()})


@lru_cache(maxsize=1)
def _catalogue() -> dict[tuple[str, str | None], list[tuple[int, str]]]:
    """(name, lang) -> [(version, file name)], read once from the package."""
    found: dict[tuple[str, str | None], list[tuple[int, str]]] = {}
    for entry in resources.files(__package__ or "prompts").iterdir():
        match = _FILE.match(entry.name)
        if match:
            key = (match.group("name"), match.group("lang"))
            found.setdefault(key, []).append((int(match.group("version")), entry.name))
    return found


def available_prompts() -> list[str]:
    """Every prompt version shipped, for `--help` texts and tests."""
    versions: list[str] = []
    for (name, lang), files in _catalogue().items():
        versions.extend(f"{name}.v{v}" + (f".{lang}" if lang else "") for v, _ in files)
    return sorted(versions)


@lru_cache(maxsize=64)
def load_prompt(name: str, lang: str | None = None, version: int | None = None) -> Prompt:
    """The prompt `name` in `lang` (else language-neutral), latest version unless one is given.

    Raises LookupError when no file matches.
    """
    catalogue = _catalogue()
    for key in ((name, lang), (name, None)) if lang else ((name, None),):
        files = [f for f in catalogue.get(key, []) if version is None or f[0] == version]
        if files:
            number, filename = max(files)
            text = resources.files(__package__ or "prompts").joinpath(filename)
            return Prompt(
                text=text.read_text(encoding="utf-8").strip() + "\n",
                name=name,
                version=f"{name}.v{number}" + (f".{key[1]}" if key[1] else ""),
                lang=key[1],
            )
    wanted = f"{name}" + (f".v{version}" if version else "") + (f" ({lang})" if lang else "")
    raise LookupError(f"no prompt {wanted} in {__package__}: have {', '.join(available_prompts())}")
