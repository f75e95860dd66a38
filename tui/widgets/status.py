"""The status bar: engine, knowledge base, last latency, privacy (values redacted), contact,
and "not recording" when the record store could not be opened."""

from __future__ import annotations

from collections.abc import Callable

from textual.content import Content
from textual.widget import Widget

LatencyFormat = Callable[[float], str]


def format_latency(ms: float) -> str:
    return f"{ms:.0f} ms"


class StatusBar(Widget):
    """One line; `set(...)` changes some fields and keeps the others."""

    def __init__(self, latency_format: LatencyFormat = format_latency, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.latency_format = latency_format
        self.fields: dict[str, str] = {
            "engine": "opening…",
            "kb": "…",
            "latency": "–",
            "pii": "0",
            "contact": "new",
            "busy": "",
            "recording": "",
        }

    def set(self, **fields: str) -> None:
        if any(self.fields.get(k) != v for k, v in fields.items()):
            self.fields.update(fields)
            self.refresh()  # one line of fixed height: a repaint, never a re-layout

    def latency(self, ms: float) -> None:
        self.set(latency=self.latency_format(ms))

    def render(self) -> Content:
        f = self.fields
        parts: list[tuple[str, str] | str] = [
            (f["engine"], "bold"),
            (" │ KB ", "$text-muted"),
            f["kb"],
            (" │ last ", "$text-muted"),
            f["latency"],
            (" │ ", "$text-muted"),
            f"{f['pii']} redacted",
            (" │ contact ", "$text-muted"),
            f["contact"],
        ]
        if f["recording"]:
            parts += [(" │ ", "$text-muted"), (f["recording"], "bold $text-error")]
        if f["busy"]:
            parts += [(" │ ", "$text-muted"), (f["busy"], "bold $text-warning")]
        return Content.assemble(*parts)
