"""What a screen reports: the kinds of finding, the two channels, `InjectionFinding`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

InjectionKind = Literal[
    "override", "role_play", "exfiltration", "encoded", "hidden_unicode", "policy_override"
]
Channel = Literal["turn", "document"]
KINDS: tuple[InjectionKind, ...] = (
    "override",
    "role_play",
    "exfiltration",
    "encoded",
    "hidden_unicode",
    "policy_override",
)
CHANNELS: dict[Channel, str] = {
    "turn": "customer turns: policy_override only for orders about every customer; any markdown "
    "or HTML image with a query string is flagged; base64 that decodes to 16+ characters of "
    "prose, or a base64 run of 100+ characters outside a URL, is flagged",
    "document": "KB documents: every policy_override pattern applies; an image is flagged only "
    "when its URL carries a template or a data-looking parameter; base64 only when it decodes to "
    "an instruction or to 40+ characters of prose, or runs 200+ characters outside a URL or "
    "data: URI",
}
"""What differs between the two channels."""


@dataclass(frozen=True)
class InjectionFinding:
    """One suspicious span; positions index ``strip_invisible(text)``."""

    kind: InjectionKind
    start: int
    end: int
    excerpt: str
