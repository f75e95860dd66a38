"""Fill a DataTable in one go with column widths measured from its cells.

Auto-width columns are measured when the table next idles, after its first paint has cached
lines at the header widths; a table filled from a worker's message then shows truncated
columns until something else repaints it. Widths set up front are right from the first paint.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from textual.content import Content
from textual.widgets import DataTable

Cell = str | Content


def _width(cell: Cell) -> int:
    return cell_len(cell.plain if isinstance(cell, Content) else cell)


def fill_table(
    table: DataTable[Cell],
    headers: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    keys: Sequence[str] | None = None,
    max_width: int = 60,
) -> None:
    """Replace the table's columns and rows; each column as wide as its widest cell."""
    widths = [
        min(max_width, max([cell_len(h), *(_width(r[i]) for r in rows)]))
        for i, h in enumerate(headers)
    ]
    table.clear(columns=True)
    for header, width in zip(headers, widths, strict=True):
        table.add_column(header, width=width)
    for n, row in enumerate(rows):
        table.add_row(*row, key=keys[n] if keys else None)
