"""What counts as a sentence a customer can read, and the clean text that reaches them.

Policy articles are Markdown: headings, tables, lists whose items are labels ("Overdue
instalment – if any instalment is overdue…"), links. A reply quotes only whole sentences of
prose from them; everything else stays in the knowledge card for the advisor. The text that
is sent carries no citation marks, no unfilled slot markers and no markup: the advisor sees
those in the workspace, the customer never does.
"""

from __future__ import annotations

import re

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý0-9<\"«(\-•])|\n+")

_LINK = re.compile(r"\[([^\]]+)\]\((?:[^)]*)\)")
_EMPHASIS = re.compile(r"\*\*|__|`|(?<!\w)[*_](?=\w)|(?<=\w)[*_](?!\w)")
_MARKUP = re.compile(r"\||(?:^|\s)#{1,6}\s|<(?:/?[a-z][^>]*|br\s*/?)>|\]\(|-{3,}|={3,}")
_LIST_MARK = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*•+>])\s+")
_WORD = re.compile(r"[^\W\d_]{2,}")
_OPENS = re.compile(r"^[«\"'(]?\s?(?:[A-ZÀ-ÝŒ0-9€<]|I\b)")
_CLOSES = re.compile(r"[.!?…][»\"')]?$")
_LABEL = re.compile(r"^[^.!?:–—]{1,60}?\s[–—]\s|^(?:\S+\s){0,2}\S+\s?:\s+\S")
"""A list stub: a short label, then a dash or colon, then its explanation."""
_JOINED_LIST = re.compile(r"(?:^|(?<=[.!?:])\s+)\d{1,2}[.)]\s+(?=\S)")
"""Where a numbered list begins inside a line the chunker joined: "… as follows: 1. Freeze …"."""
_CITATION_MARK = re.compile(r"\s*\[\d{1,2}\]")
_SLOT_MARK = re.compile(r"\s*\[[a-z_]+\?\]")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([.,;!?])")


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


def inline_clean(text: str) -> str:
    """Link syntax reduced to its words, emphasis markers removed."""
    return _EMPHASIS.sub("", _LINK.sub(r"\1", text))


def is_prose(sentence: str) -> bool:
    """A whole sentence: opens like one, ends with its punctuation, at least three words, and
    is no table row, heading, list stub, link or markup. Citation and slot marks are ignored."""
    s = _SLOT_MARK.sub(" x", _CITATION_MARK.sub("", sentence)).strip()
    if not s or _MARKUP.search(s) or _LIST_MARK.match(s) or s.startswith("#"):
        return False
    if not _OPENS.match(s) or not _CLOSES.search(s) or _LABEL.match(s):
        return False
    return len(_WORD.findall(s)) >= 3


def prose_sentences(passage: str) -> list[str]:
    """The passage's sentences of prose, in order. Table rows, headings and list items (often
    stubs: "- Double débit ou montant erroné.") are left out; a chunk whose list was joined
    into one line loses it from its first list number on."""
    blocks: list[str] = []
    paragraph: list[str] = []
    for line in passage.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", "|")) or _LIST_MARK.match(stripped):
            if paragraph:
                blocks.append(" ".join(paragraph))
                paragraph = []
            continue
        paragraph.append(stripped)
    if paragraph:
        blocks.append(" ".join(paragraph))
    out: list[str] = []
    for block in blocks:
        for sentence in split_sentences(_JOINED_LIST.split(inline_clean(block))[0]):
            if is_prose(sentence):
                out.append(sentence.strip())
    return out


def customer_text(text: str) -> str:
    """The text as the customer receives it: no [n] citations, no [slot?] markers, no markup."""
    clean = _SLOT_MARK.sub("", _CITATION_MARK.sub("", text))
    lines = []
    for line in inline_clean(clean).splitlines():
        line = _LIST_MARK.sub("", line.strip().lstrip("#").strip())
        lines.append(_SPACE_BEFORE_PUNCT.sub(r"\1", re.sub(r"[ \t]{2,}", " ", line)))
    return "\n".join(lines).strip()
