"""The workspace footer: the keys an advisor needs in a hurry always fit; the rest when there
is room. Every action stays in the command palette (ctrl+p), which the footer always shows."""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey  # the footer's key widget, not re-exported

ESSENTIAL = (
    "accept",
    "edit",
    "send_edit",
    "stop_edit",
    "reject",
    "regenerate",
    "category",
    "wrap_up",
    "quit",
    "type",
    "command_mode",
    "toggle_role",
)
"""Actions in the order their keys claim the footer; any other key comes after them."""


def _rank(key: FooterKey) -> int:
    action = key.action.rpartition(".")[2]
    return ESSENTIAL.index(action) if action in ESSENTIAL else len(ESSENTIAL)


def _width(key: FooterKey) -> int:
    """Cells a compact key takes: "key description" and a one-cell gap (the palette key has a
    one-cell border instead)."""
    text = f"{key.key_display} {key.description}" if key.description else key.key_display
    return cell_len(text) + 1


class KeyFooter(Footer):
    """A compact footer that hides the least essential keys until the row fits."""

    def __init__(self) -> None:
        super().__init__(compact=True)

    def compose(self) -> ComposeResult:
        widgets = list(super().compose())
        self._fit(widgets, self.size.width)
        yield from widgets

    def on_resize(self, event: events.Resize) -> None:
        self._fit(self.children, event.size.width)

    def _fit(self, widgets: Iterable[Widget], width: int) -> None:
        keys = [w for w in widgets if isinstance(w, FooterKey)]
        if not width:  # not laid out yet: the resize that follows fits the keys
            return
        room = width - sum(_width(k) for k in keys if k.has_class("-command-palette"))
        # sorted() is stable: keys of equal rank claim room in the footer's own order
        ranked = sorted((k for k in keys if not k.has_class("-command-palette")), key=_rank)
        for key in ranked:
            room -= _width(key)
            key.display = room >= 0  # once one key does not fit, no less essential one shows
