"""Small charts for the dashboard, drawn with block characters: one bar a line, as wide as the
panel allows (eighths of a cell for the end of each bar)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(fraction: float, width: int) -> str:
    """`fraction` (0..1) of `width` cells in block characters, padded with spaces."""
    eighths = round(max(0.0, min(1.0, fraction)) * width * 8)
    full, rest = divmod(eighths, 8)
    text = "█" * full + (EIGHTHS[rest] if rest else "")
    return text.ljust(width)


@dataclass(frozen=True)
class BarRow:
    label: str
    value: float
    total: float
    """The value that fills the bar."""
    figure: str
    """Printed after the bar."""
    style: str = "$primary"


class Bars(Widget):
    """Labelled horizontal bars that fit the widget's width."""

    DEFAULT_CSS = """
    Bars {
        height: auto;
    }
    """

    def __init__(self, rows: list[BarRow] | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.rows = rows or []

    def show(self, rows: list[BarRow]) -> None:
        self.rows = rows
        self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(1, len(self.rows))

    def render(self) -> Content:
        if not self.rows:
            return Content.styled("nothing to show", "$text-muted")
        label_width = max(len(r.label) for r in self.rows)
        figure_width = max(len(r.figure) for r in self.rows)
        width = max(4, self.content_size.width - label_width - figure_width - 2)
        lines: list[tuple[str, str] | str] = []
        for row in self.rows:
            fraction = row.value / row.total if row.total else 0.0
            lines += [
                row.label.ljust(label_width) + " ",
                (bar(fraction, width), row.style),
                " " + row.figure.rjust(figure_width),
                "\n",
            ]
        return Content.assemble(*lines[:-1])
