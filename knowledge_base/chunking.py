"""Heading-aware, token-bounded chunking.

A document is cut at its Markdown headings first; a section longer than the bound is packed
paragraph by paragraph, then sentence by sentence, then word by word. Every chunk keeps its
heading path (`section`) and gets an id derived from the document id, its position and a hash
of its content, so an unchanged document always yields the same ids.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

from knowledge_base.documents import Chunk, Document

CHUNKER_VERSION = "1"
"""Bumped when chunking changes, so the indexer knows to rebuild every document."""

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_TOKEN = re.compile(r"\w+|[^\w\s]")
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+")


def approx_tokens(text: str) -> int:
    """Rough model-token count: words and punctuation, plus a quarter for sub-word pieces."""
    return int(len(_TOKEN.findall(text)) * 1.25) + 1


def _sections(doc: Document) -> Iterator[tuple[str, str]]:
    """(heading path, body) pairs in document order; the title heading is not repeated."""
    path: list[tuple[int, str]] = []
    body: list[str] = []

    def flush() -> Iterator[tuple[str, str]]:
        text = "\n".join(body).strip()
        if text:
            yield " > ".join(title for _, title in path), text
        body.clear()

    for line in doc.text.splitlines():
        match = _HEADING.match(line)
        if not match:
            body.append(line)
            continue
        yield from flush()
        level, title = len(match.group(1)), match.group(2).strip()
        while path and path[-1][0] >= level:
            path.pop()
        if not (level == 1 and title.casefold() == doc.title.casefold()):
            path.append((level, title))
    yield from flush()


def _split_long(text: str, max_tokens: int) -> list[str]:
    """Split one over-long paragraph into sentence groups, and words if a sentence is too long."""
    pieces: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        if approx_tokens(sentence) <= max_tokens:
            pieces.append(sentence)
            continue
        words = sentence.split()
        step = max(1, int(max_tokens / 1.6))
        pieces.extend(" ".join(words[i : i + step]) for i in range(0, len(words), step))
    return _pack(pieces, max_tokens, joiner=" ")


def _pack(parts: list[str], max_tokens: int, joiner: str) -> list[str]:
    packed: list[str] = []
    current: list[str] = []
    size = 0
    for part in parts:
        tokens = approx_tokens(part)
        if current and size + tokens > max_tokens:
            packed.append(joiner.join(current))
            current, size = [], 0
        current.append(part)
        size += tokens
    if current:
        packed.append(joiner.join(current))
    return packed


def chunk_document(doc: Document, max_tokens: int = 220) -> list[Chunk]:
    """Cut a document into chunks of at most about `max_tokens` model tokens."""
    chunks: list[Chunk] = []
    for section, body in _sections(doc):
        paragraphs: list[str] = []
        for para in re.split(r"\n\s*\n", body):
            para = para.strip()
            if not para:
                continue
            if approx_tokens(para) > max_tokens:
                paragraphs.extend(_split_long(" ".join(para.split()), max_tokens))
            else:
                paragraphs.append(para)
        for text in _pack(paragraphs, max_tokens, joiner="\n\n"):
            position = len(chunks)
            digest = hashlib.sha1(f"{section}\n{text}".encode()).hexdigest()[:10]
            chunks.append(
                Chunk(
                    id=f"{doc.id}#{position:03d}-{digest}",
                    doc_id=doc.id,
                    text=text,
                    section=section,
                    position=position,
                )
            )
    return chunks
