"""Turns read without a knowledge base: the graph's own redact and understand steps, run alone,
for `copilot classify` (each line on its own) and `copilot summarize` (a whole transcript). So
the command line routes, escalates and flags a turn exactly as a contact does.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from langgraph.runtime import Runtime

from copilot.context import Context
from copilot.engines.base import Engine
from copilot.nodes.intake import redact, understand
from copilot.privacy import Redactor
from copilot.state import State
from copilot.understanding.routing import Route


@dataclass
class RoutedTurns:
    """What reading gave: the redacted transcript, each customer turn's route and flags."""

    redactor: Redactor
    transcript: list[dict[str, Any]] = field(default_factory=list)
    routes: list[dict[str, Any]] = field(default_factory=list)
    """Each customer turn's route, as the graph keeps it (JSON)."""
    injection: list[list[dict[str, str]]] = field(default_factory=list)
    """Each customer turn's prompt-injection flags."""

    @property
    def last_route(self) -> Route:
        return Route.model_validate(self.routes[-1])


def route_turns(engine: Engine, turns: list[dict[str, str]]) -> RoutedTurns:
    """Redact every turn with one redactor and route every customer turn, in order."""
    read = RoutedTurns(redactor=Redactor())
    runtime = Runtime(context=Context(engine=engine, retriever=None, redactor=read.redactor))
    state = State()
    for turn in turns:
        state = replace(state, turn=turn["text"], role=turn["role"])  # type: ignore[arg-type]
        update = redact(state, runtime)
        transcript = [*state.transcript, *update.pop("transcript")]
        state = replace(state, **update, transcript=transcript)
        if turn["role"] == "customer":
            route = understand(state, runtime)["route"]
            state = replace(state, route=route, routes=[*state.routes, route])
            read.routes.append(route)
            read.injection.append(state.injection)
    read.transcript = state.transcript
    return read
