"""The two records the indexer works with: a policy `Document` and its `Chunk`s."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

AUDIENCES = ("customer", "internal")


@dataclass(frozen=True)
class Document:
    """One policy article (or any indexed text) with its front-matter metadata."""

    id: str
    """Stable identifier, unique within a knowledge base."""
    title: str
    """Human title shown on knowledge cards."""
    text: str
    """Body in Markdown-ish form: headings start with '#'."""
    lang: str
    """Two-letter language code of the text (fr, en, ...)."""
    source: str
    """Path (or path#line for JSONL records) the document came from."""
    product: str = "general"
    """Product the policy applies to."""
    audience: str = "customer"
    """customer: may be quoted to customers; internal: advisor-only procedure."""
    effective_date: date | None = None
    """Date from which this version applies."""
    version: int = 1
    """Version number of the article."""
    supersedes: str | None = None
    """Id of the older article this one replaces."""
    topic: str | None = None
    """Shared by the translations of one article."""
    intents: tuple[str, ...] = ()
    """Customer intents this article answers."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Other front-matter keys, kept as they are."""
    hidden_text: str = ""
    """What a reader of the source never sees (HTML comments, meta content, alt and title
    text): not indexed, but screened for prompt injection with the rest."""

    @property
    def screened_text(self) -> str:
        """Everything the injection screen reads: title, text and hidden parts."""
        return "\n".join(part for part in (self.title, self.text, self.hidden_text) if part)

    @property
    def content_hash(self) -> str:
        """Hash of everything that ends up in the index, so any change re-embeds the document."""
        payload = {
            "title": self.title,
            "text": self.text,
            "lang": self.lang,
            "product": self.product,
            "audience": self.audience,
            "effective_date": self.effective_date.isoformat() if self.effective_date else None,
            "version": self.version,
            "supersedes": self.supersedes,
            "topic": self.topic,
            "intents": list(self.intents),
        }
        blob = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(blob).hexdigest()[:32]


@dataclass(frozen=True)
class Chunk:
    """A retrievable passage of a document, carrying its heading path and the document metadata."""

    id: str
    """Stable id derived from the document id, the position and the content."""
    doc_id: str
    text: str
    """The passage text itself (without the heading path)."""
    section: str
    """Heading path inside the document, e.g. 'Late fees > Caps'."""
    position: int
    """Order of the chunk inside its document, from 0."""

    def embedding_text(self, title: str) -> str:
        """What the embedding model reads: the title and heading path give the passage context."""
        parts = [part for part in (title, self.section) if part]
        if len(parts) == 2 and parts[0] == parts[1]:
            parts.pop()
        return f"{' > '.join(parts)}\n{self.text}" if parts else self.text
