"""YAML front matter: splitting it from the body and validating its fields into a `Document`."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import yaml

from knowledge_base.documents import AUDIENCES, Document
from knowledge_base.errors import DocumentError

_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]*$")
_KNOWN = {
    "id",
    "title",
    "lang",
    "product",
    "audience",
    "effective_date",
    "version",
    "supersedes",
    "topic",
    "intents",
}


class _FrontMatterLoader(yaml.SafeLoader):
    """Safe YAML where a date-shaped value that is no real date (`2026-13-45`) stays a string,
    so the field check names it instead of YAML raising a bare ValueError."""


def _date_or_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


_FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", _date_or_text)


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Return (fields, body); a text without front matter gives ({}, text)."""
    match = _FRONT.match(text)
    if not match:
        return {}, text
    try:
        fields = yaml.load(match.group(1), Loader=_FrontMatterLoader) or {}  # noqa: S506
    except (yaml.YAMLError, ValueError, TypeError) as exc:  # constructors raise the latter two
        first_line = str(exc).splitlines()[0]
        raise DocumentError(f"invalid front matter: {first_line}") from exc
    if not isinstance(fields, dict):
        raise DocumentError("invalid front matter: expected 'key: value' lines")
    return fields, text[match.end() :]


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return value.date()
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise DocumentError(
            f"invalid front matter: effective_date '{value}' is not a YYYY-MM-DD date"
        ) from exc


def document_from_fields(fields: dict[str, Any], text: str, source: str) -> Document:
    """Validate front-matter fields and build the document; raise DocumentError naming the field."""
    doc_id = str(fields.get("id", "")).strip()
    if not _ID.match(doc_id):
        raise DocumentError(f"invalid front matter: id '{doc_id}' (letters, digits, . _ : / -)")
    lang = str(fields.get("lang", "")).strip().lower()
    if not re.fullmatch(r"[a-z]{2}", lang):
        raise DocumentError(f"invalid front matter: lang '{lang}' is not a two-letter code")
    audience = str(fields.get("audience", "customer")).strip().lower()
    if audience not in AUDIENCES:
        raise DocumentError(
            f"invalid front matter: audience '{audience}' must be customer or internal"
        )
    try:
        version = int(fields.get("version", 1))
    except (TypeError, ValueError, OverflowError) as exc:  # OverflowError: `version: .inf`
        raise DocumentError(
            f"invalid front matter: version '{fields.get('version')}' is not a whole number"
        ) from exc
    intents = fields.get("intents") or ()
    if isinstance(intents, str):
        intents = [part.strip() for part in intents.split(",") if part.strip()]
    supersedes = fields.get("supersedes")
    return Document(
        id=doc_id,
        title=str(fields.get("title") or "").strip(),
        text=text.strip(),
        lang=lang,
        source=source,
        product=str(fields.get("product") or "general"),
        audience=audience,
        effective_date=_as_date(fields.get("effective_date")),
        version=version,
        supersedes=str(supersedes) if supersedes else None,
        topic=str(fields["topic"]) if fields.get("topic") else None,
        intents=tuple(str(i) for i in intents),
        extra={k: v for k, v in fields.items() if k not in _KNOWN},
    )
