"""Text folding shared by the injection screen and personal-data detection: hidden characters
removed and compatibility look-alikes folded (NFKC), so that neither an instruction nor a card
number can hide behind zero-width characters or full-width digits.

One module both import (`knowledge_base.injection` and `copilot.privacy`); the injection screen's
own views (look-alike letters, l33t, letter spacing) stay in `knowledge_base.injection.folding`.
"""

from __future__ import annotations

import re
import unicodedata

_TAGS = "\U000e0000-\U000e007f"
_INVISIBLE_SET = (
    f"{_TAGS}\U000e0100-\U000e01ef\u200b-\u200f\u2060-\u2064\ufeff\u202a-\u202e\u2066-\u2069"
    "\u00ad\u180e"
)
INVISIBLE = re.compile(f"[{_INVISIBLE_SET}]")
INVISIBLE_RUN = re.compile(f"[{_INVISIBLE_SET}]+")
_TYPOGRAPHIC = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\u2026]")


def strip_invisible(text: str) -> str:
    """Remove hidden characters, then fold compatibility look-alikes (NFKC).

    Removed: Unicode tag characters U+E0000-U+E007F, zero-width characters U+200B-U+200F,
    U+2060-U+2064 and U+FEFF, bidi controls U+202A-U+202E and U+2066-U+2069, and three more
    invisibles used the same way: soft hyphen U+00AD, U+180E and variation selectors
    U+E0100-U+E01EF.

    Then NFKC: full-width and mathematical letters and digits become ASCII ("ｉｇｎｏｒｅ",
    "𝐢𝐠𝐧𝐨𝐫𝐞" -> "ignore"), ligatures split ("ﬁ" -> "fi"), superscripts and circled letters
    fold, decomposed accents are composed. Typographic spaces (no-break, narrow no-break, thin...)
    and the ellipsis are kept: French text is full of them, they disguise no letter, and
    personal-data values found in the result stay exactly as the customer typed them.
    ASCII text is returned unchanged.
    """
    if text.isascii():
        return text
    text = INVISIBLE.sub("", text)
    if unicodedata.is_normalized("NFKC", text):
        return text
    pieces = _TYPOGRAPHIC.split(text)
    kept = _TYPOGRAPHIC.findall(text) + [""]
    return "".join(
        unicodedata.normalize("NFKC", piece) + sep for piece, sep in zip(pieces, kept, strict=True)
    )
