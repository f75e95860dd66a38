"""Turn files into `Document`s: Markdown with front matter, text, HTML, PDF and JSONL exports.

Every problem with one file becomes a `LoadFailure` with a one-line reason; the other files still
load. Text encodings are detected (French documents saved as Latin-1 / CP1252 are common).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from charset_normalizer import from_bytes

from knowledge_base.catalog import CATALOG_FILES
from knowledge_base.documents import Document
from knowledge_base.errors import DocumentError
from knowledge_base.front_matter import document_from_fields, split_front_matter
from knowledge_base.html_text import parse_html
from knowledge_base.language import detect_language

TEXT_SUFFIXES = {".md", ".markdown", ".txt", ".text", ".html", ".htm"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | {".pdf", ".jsonl"}
_WESTERN_ENCODINGS = ["cp1252", "latin_1", "iso8859_15", "utf_16", "mac_roman"]


@dataclass(frozen=True)
class LoadFailure:
    """A file (or JSONL line) that could not be loaded, and why."""

    path: str
    error: str


@dataclass
class LoadReport:
    """What loading a set of paths produced."""

    documents: list[Document] = field(default_factory=list)
    failures: list[LoadFailure] = field(default_factory=list)
    failed_sources: set[str] = field(default_factory=set)
    """Files that failed as a whole: documents indexed from them earlier are kept."""


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files below the given paths, in a stable order; hidden files and folders, and the KB's
    catalogue (`knowledge_base.catalog.CATALOG_FILES`), skipped."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path)
                hidden = any(p.startswith(".") for p in rel.parts)
                if child.is_file() and not hidden and child.name not in CATALOG_FILES:
                    yield child
        else:
            yield path


def decode_text(data: bytes) -> str:
    """Decode bytes as UTF-8 when valid, else the most likely Western encoding."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=_WESTERN_ENCODINGS).best()
    if best is not None:
        return str(best)
    return data.decode("cp1252", errors="replace")


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    if not data.strip():
        raise DocumentError("empty file")
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DocumentError("binary file, not text")
    text = decode_text(data)
    if not text.strip():
        raise DocumentError("empty file")
    return text


def _fallback_id(path: Path, root: Path | None) -> str:
    rel = path.relative_to(root) if root and path.is_relative_to(root) else Path(path.name)
    stem = str(rel.with_suffix("")).replace("\\", "/")
    return re.sub(r"[^A-Za-z0-9._/-]+", "-", stem).strip("-").lower() or "document"


def _first_heading(text: str) -> str | None:
    match = re.search(r"^#\s+(.+)$", text, re.MULTILINE)
    return match.group(1).strip() if match else None


def _plain_document(text: str, path: Path, root: Path | None, fields: dict) -> Document:
    fields = dict(fields)
    fields.setdefault("id", _fallback_id(path, root))
    fields.setdefault(
        "title", _first_heading(text) or path.stem.replace("_", " ").replace("-", " ")
    )
    fields.setdefault("lang", detect_language(text))
    return document_from_fields(fields, text, source=str(path))


def load_markdown(path: Path, root: Path | None = None) -> Document:
    fields, body = split_front_matter(_read_text(path))
    if not body.strip():
        raise DocumentError("no text after the front matter")
    return _plain_document(body, path, root, fields)


def load_html(path: Path, root: Path | None = None) -> Document:
    page = parse_html(_read_text(path))
    if not page.text.strip():
        raise DocumentError("HTML has no visible text")
    fields = {k: v for k, v in {"title": page.title, "lang": page.lang}.items() if v}
    return replace(_plain_document(page.text, path, root, fields), hidden_text=page.hidden)


def load_pdf(path: Path, root: Path | None = None) -> Document:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError("encrypted PDF (password protected)")
        pages = [page.extract_text() or "" for page in reader.pages]
    except DocumentError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise DocumentError(f"corrupt PDF: {exc}") from exc
    except Exception as exc:  # pypdf raises assorted errors on damaged files
        if "crypt" in str(exc).lower() or "password" in str(exc).lower():
            raise DocumentError("encrypted PDF (password protected)") from exc
        raise DocumentError(f"corrupt PDF: {type(exc).__name__}: {exc}") from exc
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if not text:
        raise DocumentError("PDF has no extractable text (scanned image?)")
    fields = {}
    meta_title = reader.metadata.title if reader.metadata else None
    if meta_title:
        fields["title"] = str(meta_title)
    return _plain_document(text, path, root, fields)


def load_jsonl(path: Path, report: LoadReport) -> None:
    """Bulk import: one `{id, title, text, lang, ...}` object a line; bad lines fail alone."""
    loaded = 0
    for number, line in enumerate(_read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise DocumentError("a line must be a JSON object")
            text = record.pop("text", None)
            if not isinstance(text, str) or not text.strip():
                raise DocumentError("missing or empty 'text'")
            if "id" not in record:
                raise DocumentError("missing 'id'")
            record["id"] = str(record["id"])
            record.setdefault("title", "")
            record.setdefault("lang", detect_language(text))
            report.documents.append(document_from_fields(record, text, source=where))
            loaded += 1
        except json.JSONDecodeError as exc:
            report.failures.append(LoadFailure(where, f"invalid JSON: {exc.msg}"))
        except DocumentError as exc:
            report.failures.append(LoadFailure(where, str(exc)))
    if loaded == 0:
        raise DocumentError("no valid record in JSONL file")


def load_file(path: Path, report: LoadReport, root: Path | None, max_bytes: int) -> None:
    """Load one file into the report, recording a failure instead of raising."""
    try:
        suffix = path.suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            raise DocumentError(
                f"unsupported file type '{suffix or path.name}' "
                "(supported: .md .txt .html .pdf .jsonl)"
            )
        size = path.stat().st_size
        if size > max_bytes:
            raise DocumentError(
                f"file too large: {size / 1e6:.1f} MB (limit {max_bytes / 1e6:.0f} MB, "
                "set COPILOT_MAX_FILE_MB to change)"
            )
        if suffix in {".md", ".markdown", ".txt", ".text"}:
            report.documents.append(load_markdown(path, root))
        elif suffix in {".html", ".htm"}:
            report.documents.append(load_html(path, root))
        elif suffix == ".pdf":
            report.documents.append(load_pdf(path, root))
        else:
            load_jsonl(path, report)
    except DocumentError as exc:
        report.failures.append(LoadFailure(str(path), str(exc)))
        report.failed_sources.add(str(path))
    except OSError as exc:
        report.failures.append(LoadFailure(str(path), f"cannot read: {exc.strerror or exc}"))
        report.failed_sources.add(str(path))


def load_paths(paths: Iterable[Path], max_bytes: int = 10_000_000) -> LoadReport:
    """Load every supported file below `paths`; duplicate ids after the first are failures."""
    report = LoadReport()
    for given in paths:
        if not given.exists():
            report.failures.append(LoadFailure(str(given), "no such file or directory"))
            continue
        root = given if given.is_dir() else None
        for path in iter_files([given]):
            load_file(path, report, root, max_bytes)
    unique: dict[str, Document] = {}
    for doc in report.documents:
        if doc.id in unique:
            report.failures.append(
                LoadFailure(
                    doc.source,
                    f"duplicate id '{doc.id}' (already defined in {unique[doc.id].source})",
                )
            )
            continue
        unique[doc.id] = doc
    report.documents = list(unique.values())
    return report
