"""The copilot graph, wiring only: redact -> understand -> retrieve -> draft -> check -> act ->
review (interrupt) -> end, with regenerate looping back to draft.

Storage is injected at compile time: `build_graph().compile(checkpointer=...)`. The live parts
come in as `Context` (`copilot/assembly.py` builds it); LangGraph Server opens
`copilot/server.py:graph`, whose runs take `RunOptions` instead.
"""

from __future__ import annotations

from typing import Any

from langgraph.graph import END, START, StateGraph

from copilot.context import Context
from copilot.nodes.compose import act, check, draft
from copilot.nodes.intake import is_customer_turn, redact, understand
from copilot.nodes.retrieve import retrieve
from copilot.nodes.review import after_review, review
from copilot.state import InputState, State


def build_graph(context_schema: type[Any] = Context) -> StateGraph[State, Any, InputState, State]:
    builder = StateGraph(State, input_schema=InputState, context_schema=context_schema)
    builder.add_node("redact", redact)
    builder.add_node("understand", understand)
    builder.add_node("retrieve", retrieve)
    builder.add_node("draft", draft)
    builder.add_node("check", check)
    builder.add_node("act", act)
    builder.add_node("review", review)
    builder.add_edge(START, "redact")
    builder.add_conditional_edges("redact", is_customer_turn, ["understand", END])
    builder.add_edge("understand", "retrieve")
    builder.add_edge("retrieve", "draft")
    builder.add_edge("draft", "check")
    builder.add_edge("check", "act")
    builder.add_edge("act", "review")
    builder.add_conditional_edges("review", after_review, ["draft", END])
    return builder
