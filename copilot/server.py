"""The graph LangGraph Server serves (`langgraph.json`: `langgraph dev`, `langgraph up`, the
LangGraph server image).

The server hands each run its own checkpointer and a JSON `context`, so the live parts cannot
come with the run: the first run opens them from the settings (`COPILOT_*`, the same as the CLI
and the workspace) through the composition root, once per server process, and every run uses
them with its own `RunOptions` (cards, audience, advisor). The record store must open: a served
contact lands in the record store and the audit chain exactly as a workspace contact does.
"""

from __future__ import annotations

import threading

from langgraph.checkpoint.memory import InMemorySaver

from copilot.assembly import Copilot
from copilot.config import Settings
from copilot.context import Context, RunOptions, serve
from copilot.graph import build_graph

_opened: list[Copilot] = []
_opening = threading.Lock()


def served_copilot() -> Copilot:
    """The server process's copilot, opened on first use (indexing the sample KB if needed)."""
    with _opening:
        if not _opened:
            # runs are checkpointed by the server; this copilot's own graph is not used
            _opened.append(
                Copilot.open(Settings(), checkpointer=InMemorySaver(), records="required")
            )
        return _opened[0]


def served_context() -> Context:
    return served_copilot().context()


serve(served_context)
graph = build_graph(RunOptions).compile()
"""The copilot graph for LangGraph Server: send `{"turn": ..., "role": "customer"}`, read the
suggestion from the interrupt, resume with a `Decision` (`Command(resume=...)`)."""
