"""The command palette (ctrl+p): every workspace action by name, with its key as help."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from copilot.understanding.routing import CATEGORIES
from tui.widgets.route import CATEGORY_KEYS


class WorkspaceCommands(Provider):
    """Actions of the workspace the palette was opened from."""

    def _commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        screen: Any = self.screen
        app: Any = self.app
        commands = [
            ("Accept the draft", "key a", screen.action_accept),
            ("Edit the draft in place", "key e; ctrl+s sends the edit", screen.action_edit),
            ("Reject the draft with a reason", "key x", screen.action_reject),
            ("Regenerate the draft with an instruction", "key g", screen.action_regenerate),
            ("Correct the category", "key c, then a digit", screen.action_category),
            (
                "Open the highlighted knowledge card",
                "key o, or the card's digit",
                screen.action_open_card,
            ),
            ("Hand-over brief", "key h", screen.action_handover),
            ("Wrap up the contact", "key w: edit and approve the summary", screen.action_wrap_up),
            ("Sessions: resume a contact", "ctrl+o", screen.action_sessions),
            ("New contact", "ctrl+n", screen.action_new_contact),
            ("Type a turn in the input line", "key i; escape comes back", screen.action_type),
            ("Switch between customer and advisor turns", "ctrl+t", screen.action_toggle_role),
            ("Toggle light and dark theme", "ctrl+l", app.action_toggle_theme),
        ]
        for category, info in CATEGORIES.items():
            commands.append(
                (
                    f"Category: {info.label_en}",
                    f"c {CATEGORY_KEYS[category]}: re-run the last customer turn",
                    partial(screen.correct_category, category),
                )
            )
        return commands

    async def discover(self) -> Hits:
        for name, help_text, command in self._commands():
            yield DiscoveryHit(name, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, command in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), command, help=help_text)
