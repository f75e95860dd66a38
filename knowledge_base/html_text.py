"""HTML to Markdown-ish text with headings kept, using only the standard library parser.

What a reader never sees is kept apart as `HtmlPage.hidden`: comments, `<meta>` content, the
`alt`, `title`, `aria-label` and `placeholder` attributes, and the text of `<noscript>` and
`<template>`. It is not indexed, but the injection screen reads it: an instruction hidden there
reaches any model that is given the raw page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

_BLOCK = {"p", "div", "li", "br", "tr", "section", "article", "ul", "ol", "table", "blockquote"}
_SKIP = {"script", "style", "noscript", "template", "svg", "head"}
_HIDDEN_TEXT = {"noscript", "template"}
"""Skipped elements whose text is still prose someone wrote (script and style are code)."""
_HIDDEN_ATTRS = {"alt", "title", "aria-label", "placeholder"}


@dataclass(frozen=True)
class HtmlPage:
    """What the extractor found in one page."""

    title: str | None
    lang: str | None
    text: str
    """The visible text, headings as '#' lines."""
    hidden: str
    """Comments, meta content, alt/title/aria-label/placeholder text, noscript and template
    text, one part a line: screened, never indexed."""


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden: list[str] = []
        self.title: str | None = None
        self.lang: str | None = None
        self._skip = 0
        self._hidden_text = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html" and values.get("lang"):
            self.lang = (values["lang"] or "").split("-")[0].lower()
        self.hidden.extend(v for k, v in attrs if v and k in _HIDDEN_ATTRS)
        if tag == "meta" and values.get("content"):
            self.hidden.append(values["content"] or "")
        if tag in _HIDDEN_TEXT:
            self._hidden_text += 1
        if tag == "title":
            self._in_title = True
        elif tag in _SKIP:
            self._skip += 1
        elif re.fullmatch(r"h[1-6]", tag):
            self.parts.append("\n\n" + "#" * int(tag[1]) + " ")
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TEXT:
            self._hidden_text = max(0, self._hidden_text - 1)
        if tag == "title":
            self._in_title = False
        elif tag in _SKIP:
            self._skip = max(0, self._skip - 1)
        elif re.fullmatch(r"h[1-6]", tag) or tag in _BLOCK:
            self.parts.append("\n")

    def handle_comment(self, data: str) -> None:
        self.hidden.append(data)

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title = (self.title or "") + data.strip()
        elif not self._skip:
            self.parts.append(re.sub(r"\s+", " ", data))
        elif self._hidden_text:
            self.hidden.append(data)


def parse_html(html: str) -> HtmlPage:
    """The title, language, visible text and hidden parts of an HTML page."""
    parser = _Extractor()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    lines = [line.strip() for line in text.splitlines()]
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    hidden = "\n".join(" ".join(part.split()) for part in parser.hidden if part.strip())
    return HtmlPage(parser.title or None, parser.lang, body, hidden)
