"""Encoded and hidden text: base64, hex, URL-encoding, HTML entities, quoted-printable, \\u
escapes, rot13, invisible characters.

Each blob is decoded and the result is scanned again with the rule table.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import html
import quopri
import re
from collections.abc import Callable, Iterator
from urllib.parse import unquote_plus

from knowledge_base.injection.findings import Channel, InjectionFinding, InjectionKind
from knowledge_base.injection.folding import INVISIBLE_RUN, fold, strip_invisible
from knowledge_base.injection.scanning import matches, scan_text

# rot13 spellings of the words most attacks contain: the rot13 view is scanned only if one occurs
_ROT13_HINT = re.compile(
    r"\b(?:vtaber|qvfertneq|sbetrg|bireevqr|cergraq|vafgehpgvbaf?|flfgrz|nffvfgnag|bhoyvr[mf]?|"
    r"pbafvtarf?|cebzcg|ergraq|frapr|frag|lbh ner abj|npg nf)\b"
)
_BASE64 = re.compile(r"(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{16,}={0,2}(?![A-Za-z0-9+/=_-])")
_HEX = re.compile(  # printable ASCII bytes are 0x20-0x7e: every pair of text starts with 2-7
    r"(?:\\x|0x)?[2-7][0-9a-f](?:(?:[ :,-]|\\x)?[2-7a-f][0-9a-f]){7,}", re.IGNORECASE
)
# three escapes or more in one token, words between them allowed ("Ignore%20all%20previous")
_PERCENT = re.compile(r"(?:[^\s%]{0,40}%[0-9a-fA-F]{2}){3,}[^\s%]*")
_QUOTED_PRINTABLE = re.compile(r"(?:[^\s=]{0,40}=[0-9A-F]{2}){3,}[^\s=]*")
_UNICODE_ESCAPES = re.compile(r"(?:\\u[0-9a-fA-F]{4}[^\s\\]{0,3}){5,}")
_ENTITIES = re.compile(r"(?:&#(?:x[0-9a-fA-F]+|\d+);[^\s&]{0,2}){5,}")


def short_excerpt(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _is_prose(text: str) -> bool:
    if len(text) < 8 or not all(c.isprintable() or c in "\n\t\r" for c in text):
        return False
    letters = sum(c.isalpha() or c.isspace() for c in text)
    return letters / len(text) >= 0.75 and " " in text.strip()


def _decode_base64(blob: str) -> str | None:
    raw = re.sub(r"\s+", "", blob)
    raw += "=" * (-len(raw.rstrip("=")) % 4 if not raw.endswith("=") else 0)
    try:
        alt = b"-_" if re.search(r"[-_]", raw) else None
        data = base64.b64decode(raw, altchars=alt, validate=True)
        return data.decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None


def _decode_hex(blob: str) -> str | None:
    digits = re.sub(r"0x|\\x|[^0-9a-fA-F]", "", blob)
    if len(digits) % 2:
        return None
    try:
        return bytes.fromhex(digits).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None


def _decode_quoted_printable(blob: str) -> str:
    return quopri.decodestring(blob.encode("utf-8")).decode("utf-8", "replace")


def _decode_unicode_escapes(blob: str) -> str:
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), blob)


_DECODERS: tuple[tuple[str, re.Pattern[str], str, Callable[[str], str | None]], ...] = (
    ("", _HEX, "hex", _decode_hex),
    ("%", _PERCENT, "URL-encoded", unquote_plus),
    ("&#", _ENTITIES, "HTML entities", html.unescape),
    ("=", _QUOTED_PRINTABLE, "quoted-printable", _decode_quoted_printable),
    ("\\u", _UNICODE_ESCAPES, "unicode escapes", _decode_unicode_escapes),
)
"""(a string the text must contain, blob pattern, label, decoder)"""


def _in_url(source: str, start: int) -> bool:
    token_start = max(source.rfind(" ", 0, start), source.rfind("\n", 0, start)) + 1
    token = source[token_start:start].lower()
    return "://" in token or token.startswith(("www.", "(http", "data:")) or "base64," in token


def _inner(decoded: str, channel: Channel) -> list[InjectionKind]:
    return sorted({kind for kind, _, _ in scan_text(fold(strip_invisible(decoded)), channel)})


def encoded(source: str, folded: str, channel: Channel) -> Iterator[InjectionFinding]:
    """Blobs that decode to an instruction (or, in a turn, to any prose)."""
    prose_floor = 16 if channel == "turn" else 40
    long_run = 100 if channel == "turn" else 200
    for m in _BASE64.finditer(source):
        blob = m.group()
        if not (re.search(r"[a-z]", blob) and re.search(r"[A-Z0-9]", blob)):
            continue
        decoded = _decode_base64(blob)
        in_url = _in_url(source, m.start())
        if decoded is not None and _is_prose(decoded):
            kinds = _inner(decoded, channel)
            if kinds or (len(decoded) >= prose_floor and not in_url):
                label = f"base64 ({', '.join(kinds)})" if kinds else "base64 text"
                yield InjectionFinding(
                    "encoded", *m.span(), f"{label}: {short_excerpt(decoded, 120)}"
                )
                continue
        if len(blob) >= long_run and not in_url and re.search(r"[0-9+/]", blob):
            yield InjectionFinding("encoded", *m.span(), f"long base64 run ({len(blob)} chars)")
    for trigger, pattern, label, decode in _DECODERS:
        if trigger not in source:
            continue
        for m in pattern.finditer(source):
            decoded = decode(m.group())
            if decoded and decoded != m.group() and (kinds := _inner(decoded, channel)):
                excerpt = f"{label} ({', '.join(kinds)}): {short_excerpt(decoded, 120)}"
                yield InjectionFinding("encoded", *m.span(), excerpt)
    if _ROT13_HINT.search(folded):
        rot = codecs.encode(folded, "rot13")
        plain = {(s, e) for _, s, e in matches(folded, channel)}
        for kind, s, e in matches(rot, channel):
            if (s, e) not in plain:
                yield InjectionFinding(
                    "encoded", s, e, f"rot13 ({kind}): {short_excerpt(rot[s:e], 120)}"
                )


def _pictograph(ch: str) -> bool:
    cp = ord(ch)
    return cp >= 0x1F000 or 0x2600 <= cp <= 0x27BF or cp == 0xFE0F or 0x2190 <= cp <= 0x21FF


def _legit_invisible(text: str, m: re.Match[str]) -> bool:
    start, end = m.span()
    run = m.group()
    if run == "\ufeff" and start == 0:
        return True
    if set(run) == {"\u200d"} and start > 0 and end < len(text):
        return _pictograph(text[start - 1]) and _pictograph(text[end])
    return (  # subdivision flags: U+1F3F4, tag letters, cancel tag
        start > 0
        and text[start - 1] == "\U0001f3f4"
        and run[-1] == "\U000e007f"
        and len(run) <= 8
        and all(0xE0020 <= ord(c) <= 0xE007F for c in run)
    )


def hidden(text: str, channel: Channel) -> Iterator[InjectionFinding]:
    runs = [m for m in INVISIBLE_RUN.finditer(text) if not _legit_invisible(text, m)]
    if not runs:
        return
    chars = "".join(m.group() for m in runs)
    counts = {
        "tag": sum(0xE0000 <= ord(c) <= 0xE007F for c in chars),
        "bidi": sum(0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069 for c in chars),
    }
    counts["zero-width"] = len(chars) - counts["tag"] - counts["bidi"]
    parts = [f"{n} {name}" for name, n in counts.items() if n]
    spelled = "".join(chr(ord(c) - 0xE0000) for c in chars if 0xE0020 <= ord(c) <= 0xE007E)
    hidden = [spelled] if spelled.strip() else []
    # text after a right-to-left override is displayed reversed: read it the way it shows
    for m in re.finditer("\u202e([^\u202c\u2069\n]*)", text):
        hidden.append(strip_invisible(m.group(1))[::-1])
    kinds = sorted({k for h in hidden for k in _inner(h, channel)})
    start = len(strip_invisible(text[: runs[0].start()]))
    end = len(strip_invisible(text[: runs[-1].end()]))
    excerpt = f"hidden characters: {', '.join(parts)}"
    if spelled.strip():
        excerpt += f"; tag characters spell {short_excerpt(spelled, 100)!r}"
    if kinds:
        excerpt += f"; hidden text reads as {', '.join(kinds)}"
    yield InjectionFinding("hidden_unicode", start, max(end, start), excerpt)
