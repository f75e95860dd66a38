"""Text that changes in place. A Static's update lays out the whole screen by default, 10-30 ms
of the UI thread; when the new text needs as many lines as the old one, a repaint of the widget
is all it takes, and keystrokes are not kept waiting while a suggestion arrives. And text typed
into the field that has the focus now, for keys a burst sent before the focus moved."""

from __future__ import annotations

from typing import Any

from textual.content import Content
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea


def replace_text(static: Static, content: Content) -> None:
    """Show `content` in `static`, laying out the screen only when its height changes."""
    width = static.content_region.width
    styles: Any = static.styles  # read as a RulesMap, as Textual's own layout does
    same_height = bool(width) and (
        content.get_height(styles, width) == static.visual.get_height(styles, width)
    )
    static.update(content, layout=not same_height)


def type_into(field: Widget | None, text: str) -> None:
    """Type `text` at the cursor of an input line or editor, as if its keys had reached it."""
    if isinstance(field, Input):
        field.insert_text_at_cursor(text)
    elif isinstance(field, TextArea):
        field.insert(text)
