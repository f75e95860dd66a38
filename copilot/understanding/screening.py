"""Prompt-injection flags of a customer turn, as the graph state, the CLI and the UI carry them.

The screen itself is `knowledge_base.injection.scan_turn`; this module only shapes its findings
for the copilot: one `{"kind", "excerpt"}` dict each, the excerpt redacted like the turn.
"""

from __future__ import annotations

from copilot.privacy import Redactor
from knowledge_base.injection import scan_turn


def injection_flags(turn: str, redactor: Redactor) -> list[dict[str, str]]:
    """What the screen found in a customer turn; excerpts pass through `redactor`."""
    return [{"kind": f.kind, "excerpt": redactor.redact(f.excerpt).text} for f in scan_turn(turn)]


def injection_reason(flags: list[dict[str, str]]) -> str:
    """The route reason shown to the advisor for a flagged turn."""
    kinds = ", ".join(sorted({f["kind"] for f in flags}))
    return f"possible prompt injection ({kinds}): treated as data, not instructions"
