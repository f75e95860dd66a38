"""The draft panel: the reply or briefing as it streams, its checks, and the in-place editor.

Citations [n] take the colour of card n in the cards panel; sentences no passage supports are
shaded and figures found nowhere in the sources are marked, so the advisor sees what to check
before sending. `e` swaps the view for a TextArea holding the same text; the edit survives
leaving the editor and a newer suggestion arriving, until a decision records it.
"""

from __future__ import annotations

import re

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static, TextArea

from copilot.session import Suggestion
from copilot.state import Draft
from tui.widgets.text import replace_text

CITATION_STYLES = ("$text-primary", "$text-success", "$text-accent", "$text-secondary")
"""Card n is drawn in CITATION_STYLES[(n - 1) % 4], here and in the cards panel."""
UNSUPPORTED_STYLE = "on $warning-muted"
UNVERIFIED_STYLE = "bold underline $text-error"
FILL_IN_STYLE = "bold reverse $text-warning"
_CITATION = re.compile(r"\[(\d+)\]")
_FILL_IN = re.compile(r"\[[^\]\d][^\]]*\?\]")
"""A slot the template could not fill from the conversation, such as [days?]."""
STREAM_REDRAW_S = 1 / 30
"""How often the streaming draft is redrawn, at most."""
DECISION_MARKS = {
    "accept": "✓ accepted",
    "edit": "✓ edited and sent",
    "reject": "✗ rejected",
}


def citation_style(n: int) -> str:
    return f"bold {CITATION_STYLES[(n - 1) % len(CITATION_STYLES)]}"


def draft_content(draft: Draft) -> Content:
    text = draft.text
    content = Content(text)
    for sentence in draft.unsupported:
        start = text.find(sentence)
        if start >= 0:
            content = content.stylize(UNSUPPORTED_STYLE, start, start + len(sentence))
    for figure in draft.unverified:
        for match in re.finditer(rf"(?<![\w.,]){re.escape(figure)}(?![\w])", text):
            content = content.stylize(UNVERIFIED_STYLE, match.start(), match.end())
    for match in _FILL_IN.finditer(text):
        content = content.stylize(FILL_IN_STYLE, *match.span())
    for match in _CITATION.finditer(text):
        content = content.stylize(citation_style(int(match.group(1))), *match.span())
    if draft.notes:  # what the reply could not quote: for the advisor, never in the sent text
        notes = "\n".join(f"• {note}" for note in draft.notes)
        content = Content.assemble(
            content, "\n\n", ("For you only, not sent:", "bold $text-warning"), "\n", notes
        )
    return content


def checks_content(draft: Draft) -> Content:
    parts: list[tuple[str, str] | str] = []
    if draft.no_policy_found:
        parts.append(
            ("no policy found: answer from your own knowledge or escalate", "bold $text-warning")
        )
    if draft.unsupported:
        n = len(draft.unsupported)
        parts.append((f"⚠ {n} sentence{'s' * (n > 1)} with no source", "$text-warning"))
    if draft.unverified:
        parts.append((f"✗ unverified: {', '.join(draft.unverified)}", "$text-error"))
    if draft.internal:
        cited = ", ".join(f"[{n}]" for n in draft.internal)
        parts.append((f"✗ cites internal {cited}: edit before sending", "bold $text-error"))
    if draft.fragments:
        n = len(draft.fragments)
        parts.append((f"⚠ {n} fragment{'s' * (n > 1)}, not a sentence", "$text-warning"))
    if not parts:
        parts.append(("✓ every sentence has a source", "$text-success"))
    joined: list[tuple[str, str] | str] = []
    for i, part in enumerate(parts):
        joined += [" · "] * (i > 0) + [part]
    return Content.assemble(*joined)


class DraftEditor(TextArea):
    """The draft as the advisor rewrites it."""

    BINDINGS = [
        Binding("ctrl+s", "screen.send_edit", "Send edit", priority=True),
        Binding("escape", "screen.stop_edit", "Stop editing"),
    ]


class DraftPanel(Vertical):
    """The current draft: view, checks and editor."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.suggestion: Suggestion | None = None
        self.decided: str | None = None
        self._streamed = ""
        self._streaming = False
        self._flush_due = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="draft-scroll"):
            yield Static(Content.styled("Suggestions appear here.", "$text-muted"), id="draft-view")
        yield DraftEditor(id="draft-editor", soft_wrap=True, show_line_numbers=False)
        yield Static(id="draft-checks")

    @property
    def editor(self) -> TextArea:
        return self.query_one("#draft-editor", TextArea)

    @property
    def editing(self) -> bool:
        return self.has_class("-editing")

    def _view(self, content: Content) -> None:
        replace_text(self.query_one("#draft-view", Static), content)

    def begin(self, what: str) -> None:
        """A call that will bring a new draft has started."""
        self._streamed = ""
        self._streaming = True
        self.border_subtitle = what

    def stream(self, piece: str) -> None:
        """Tokens arrive in bursts; the view is redrawn at most 30 times a second so that
        keystrokes are never queued behind a redraw per token."""
        self._streamed += piece
        if not self._flush_due:
            self._flush_due = True
            self.set_timer(STREAM_REDRAW_S, self._flush)

    def _flush(self) -> None:
        self._flush_due = False
        if self._streaming:
            self._view(Content(self._streamed))  # a new layout only when it takes a new line

    def show(self, suggestion: Suggestion) -> bool:
        """Display a suggestion; True when the advisor's edit of an earlier draft was kept."""
        kept = self.edited_text() is not None
        self.suggestion = suggestion
        self.decided = None
        self._streaming = False
        self.remove_class("-decided")
        draft = suggestion.draft
        self.border_title = "Briefing" if draft.mode == "briefing" else "Draft reply"
        self.border_subtitle = ""
        self._view(draft_content(draft))
        replace_text(self.query_one("#draft-checks", Static), checks_content(draft))
        if not kept and self.editing:
            self.editor.load_text(draft.text)
        elif not kept and self.editor.text:
            # the editor is hidden: `start_edit` fills it, so no rewrap and layout happen here
            self.editor.load_text("")
        return kept

    def placeholder(self, text: str) -> None:
        """What the empty panel says (before the first suggestion)."""
        if self.suggestion is None and not self._streaming:
            self._view(Content.styled(text, "$text-muted"))

    def reset(self) -> None:
        self.suggestion = None
        self.decided = None
        self.border_title = "Draft"
        self.border_subtitle = ""
        self._view(Content.styled("Suggestions appear here.", "$text-muted"))
        self.query_one("#draft-checks", Static).update("")
        self.editor.load_text("")

    def start_edit(self) -> bool:
        if self.suggestion is None:
            return False
        if not self.editor.text.strip():
            self.editor.load_text(self.suggestion.draft.text)
        self.add_class("-editing")
        self.editor.focus()
        return True

    def stop_edit(self) -> None:
        self.remove_class("-editing")
        self.query_one("#draft-scroll").focus()

    def edited_text(self) -> str | None:
        """The advisor's version, if it differs from the draft."""
        text = self.editor.text.strip()
        if self.suggestion is None or not text or text == self.suggestion.draft.text.strip():
            return None
        return text

    def mark(self, kind: str, detail: str = "", sent: str | None = None) -> None:
        """A decision was recorded: the edit is spent, the draft stays visible, dimmed; after an
        edit the panel shows the text `sent`, what the customer received."""
        self.decided = kind
        self.add_class("-decided")
        self.border_subtitle = DECISION_MARKS.get(kind, kind) + (f": {detail}" if detail else "")
        if sent is not None:
            self._view(Content(sent))
            replace_text(
                self.query_one("#draft-checks", Static),
                Content.styled("what the customer received, as you edited it", "$text-muted"),
            )
        if self.editor.text:
            self.editor.load_text("")
        if self.editing:
            self.stop_edit()
