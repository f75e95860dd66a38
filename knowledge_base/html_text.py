"""HTML to Markdown-ish text with headings kept, using only the standard library parser."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK = {"p", "div", "li", "br", "tr", "section", "article", "ul", "ol", "table", "blockquote"}
_SKIP = {"script", "style", "noscript", "template", "svg", "head"}


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: str | None = None
        self.lang: str | None = None
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            lang = dict(attrs).get("lang")
            if lang:
                self.lang = lang.split("-")[0].lower()
        if tag == "title":
            self._in_title = True
        elif tag in _SKIP:
            self._skip += 1
        elif re.fullmatch(r"h[1-6]", tag):
            self.parts.append("\n\n" + "#" * int(tag[1]) + " ")
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in _SKIP:
            self._skip = max(0, self._skip - 1)
        elif re.fullmatch(r"h[1-6]", tag) or tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title = (self.title or "") + data.strip()
        elif not self._skip:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_markdown(html: str) -> tuple[str | None, str | None, str]:
    """Return (title, lang, text) of an HTML page; headings become '#' lines."""
    parser = _Extractor()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    lines = [line.strip() for line in text.splitlines()]
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return parser.title or None, parser.lang, body
