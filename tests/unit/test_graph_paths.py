"""No path through the copilot graph sends or records anything without the advisor's interrupt.

Three layers, each able to fail on its own:

* structure: every start-to-end path of the compiled graph that passes a node writing a draft or
  actions reaches `review` (the interrupt) before the end, regenerate loops included; the only
  node that can write the decision record is `review`, and only after its `interrupt()` call.
  Which node writes what is read from the dict keys in each node's source, an over-approximation
  that misses writes built elsewhere: the behavioural checks below back it up.
* behaviour: a customer turn on each kind of route (AI-suitable, human-led, abstaining
  retrieval) stops at the interrupt with nothing recorded until `decide()`; moving on to a new
  turn records a rejection, never a send.
* imports: no copilot module imports a messaging library, and only the LLM client may open an
  HTTP connection (to the model, with redacted text). A dynamic import or a raw POST from that
  client would escape this check; it proves what is imported, not every byte sent.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import textwrap
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command

import copilot
from copilot.assembly import Copilot
from copilot.context import Context
from copilot.engines.offline import OfflineEngine
from copilot.graph import build_graph
from copilot.nodes.review import review
from copilot.retrieval.search import RetrievalResult, Retriever
from copilot.session import CopilotSession, DraftNotSendable
from copilot.state import SUPERSEDED, Decision, NextAction
from tests.agent_fakes import ACTIONS, MACRO, KeywordUnderstanding, tiny_kb

START, END, REVIEW = "__start__", "__end__", "review"
SUGGESTION_KEYS = {"draft", "actions"}
"""State keys holding what the advisor is asked to review."""
RECORD_KEYS = {"decision", "suggestions"}
"""State keys holding the advisor's decision and the record of what was sent."""


# --- structure -----------------------------------------------------------------------------


def all_paths(edges: list[tuple[str, str]], uses: int = 2) -> list[list[str]]:
    """Every path from START to END taking each edge at most `uses` times.

    Once is not enough: regenerate goes back through draft -> check -> act -> review, edges the
    first pass already took. Twice walks every loop once, and bounds the walk whatever the graph.
    """
    successors: dict[str, list[str]] = defaultdict(list)
    for source, target in edges:
        successors[source].append(target)
    paths: list[list[str]] = []

    def walk(node: str, path: list[str], used: Counter[tuple[str, str]]) -> None:
        if node == END:
            paths.append(path)
            return
        for target in successors[node]:
            if used[(node, target)] < uses:
                walk(target, [*path, target], used + Counter({(node, target): 1}))

    walk(START, [START], Counter())
    return paths


def node_functions() -> dict[str, Callable[..., Any]]:
    """Each node's Python function, as `build_graph` registers it."""
    return {name: spec.runnable.func for name, spec in build_graph().nodes.items()}


def _tree(func: Callable[..., Any]) -> ast.AST:
    return ast.parse(textwrap.dedent(inspect.getsource(func)))


def written_keys(func: Callable[..., Any]) -> set[str]:
    """String keys of every dict literal in a node: a superset of the state keys it returns."""
    return {
        key.value
        for node in ast.walk(_tree(func))
        if isinstance(node, ast.Dict)
        for key in node.keys
        if isinstance(key, ast.Constant) and isinstance(key.value, str)
    }


def test_every_path_with_a_suggestion_passes_the_interrupt_before_the_end() -> None:
    drawn = build_graph().compile().get_graph()
    paths = all_paths([(e.source, e.target) for e in drawn.edges])
    producers = {n for n, f in node_functions().items() if written_keys(f) & SUGGESTION_KEYS}
    assert {"draft", "act"} <= producers  # the key scan sees the nodes it must see
    # not vacuous: the non-customer exit, one pass and the regenerate loop are all walked
    assert [START, "redact", END] in paths
    assert any(p.count(REVIEW) == 2 and p.count("draft") == 2 for p in paths)
    for path in paths:
        for i, node in enumerate(path):
            if node in producers:
                assert REVIEW in path[i + 1 :], f"{node} reaches the end without review: {path}"
        assert path[-2] == REVIEW or not producers & set(path), path


def test_only_review_records_a_decision_and_only_after_its_interrupt() -> None:
    recorders = {n for n, f in node_functions().items() if written_keys(f) & RECORD_KEYS}
    assert recorders == {REVIEW}
    tree = _tree(review)
    calls = [
        n.lineno
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "interrupt"
    ]
    returns = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Return)]
    assert calls and returns and min(calls) < min(returns)  # no way out before the interrupt


# --- behaviour -----------------------------------------------------------------------------


@pytest.fixture
def retriever(tmp_path: Path, settings) -> Retriever:
    return tiny_kb(tmp_path / "kb", settings)


class AbstainingRetriever:
    """The tiny KB, but every result abstains, as a calibrated e5 does on an off-topic turn
    (hash embeddings never abstain)."""

    def __init__(self, inner: Retriever):
        self.inner = inner

    def search(self, *args: Any, **kwargs: Any) -> RetrievalResult:
        result = self.inner.search(*args, **kwargs)
        return dataclasses.replace(result, abstained=True, confidence=0.2)


def offline_engine() -> OfflineEngine:
    return OfflineEngine(KeywordUnderstanding(), macros=[MACRO])


ROUTES = [
    pytest.param("Hi, why this late fee?", False, False, id="ai-suitable"),
    pytest.param("This is unacceptable, a late fee again!", True, False, id="human-led"),
    pytest.param("why this late fee?", False, True, id="abstained"),
]


def assert_waiting_for_the_advisor(s: CopilotSession, recorded: int = 0) -> None:
    """Stopped at the interrupt, with no more records than the `recorded` earlier turns."""
    snapshot = s.graph.get_state({"configurable": {"thread_id": s.thread_id}})
    assert snapshot.next == (REVIEW,)
    assert [i for task in snapshot.tasks for i in task.interrupts]
    assert s.pending() is not None
    assert len(s.records()) == len(snapshot.values.get("suggestions", [])) == recorded
    if not recorded:
        assert (snapshot.values.get("decision") or {}).get("kind") in (None, "regenerate")


@pytest.mark.parametrize("final", ["accept", "edit", "reject"])
@pytest.mark.parametrize(("turn", "human_led", "abstains"), ROUTES)
def test_each_route_stops_at_the_interrupt_until_the_advisor_decides(
    retriever: Retriever, turn: str, human_led: bool, abstains: bool, final: str
) -> None:
    search = AbstainingRetriever(retriever) if abstains else retriever
    s = Copilot(offline_engine(), search, InMemorySaver(), actions=ACTIONS).session()
    suggestion = s.customer_turn(turn)
    assert suggestion.route.human_led is human_led
    assert suggestion.abstained is abstains and suggestion.draft.no_policy_found is abstains
    assert_waiting_for_the_advisor(s)
    assert s.decide(Decision(kind="regenerate", instruction="shorter")) is not None
    assert_waiting_for_the_advisor(s)  # a new draft is one more suggestion, not a send

    text = "Edited reply." if final == "edit" else None
    if abstains and final == "accept":  # "no policy found" is a note for the advisor: never sent
        with pytest.raises(DraftNotSendable):
            s.decide(Decision(kind="accept"))
        assert_waiting_for_the_advisor(s)  # refused before anything was recorded
        final, text = "edit", "Let me check that for you."
    assert s.decide(Decision(kind=final, text=text, reason="no")) is None  # type: ignore[arg-type]
    assert s.pending() is None
    (record,) = s.records()
    assert record["decision"]["kind"] == final
    assert (record["decision"]["text"] is None) is (final == "reject")


def test_moving_on_without_a_decision_records_a_rejection_never_a_send(retriever) -> None:
    s = Copilot(offline_engine(), retriever, InMemorySaver(), actions=ACTIONS).session()
    s.customer_turn("why this late fee?")
    s.add_turn("advisor", "One moment please.")
    s.customer_turn("and the late fee cap?")
    (record,) = s.records()
    assert record["decision"] == {
        "kind": "reject",
        "text": None,
        "reason": SUPERSEDED,
        "instruction": None,
    }
    assert_waiting_for_the_advisor(s, recorded=1)


def test_nodes_write_the_record_only_in_review_and_actions_are_plain_data(retriever) -> None:
    """The key scan above, checked against what every node really returns on a walk through all."""
    graph = build_graph().compile(checkpointer=InMemorySaver())
    config = {"configurable": {"thread_id": "walk"}}
    context = Context(engine=offline_engine(), retriever=retriever, actions=ACTIONS)
    updates: list[tuple[str, dict[str, Any]]] = []

    def run(payload: Any) -> None:
        for chunk in graph.stream(payload, config, context=context, stream_mode="updates"):
            updates.extend((n, u or {}) for n, u in chunk.items() if n != "__interrupt__")

    run({"turn": "my card was stolen, why this late fee?", "role": "customer"})
    assert not any(RECORD_KEYS & set(u) for _, u in updates)  # stopped before any record
    run(Command(resume={"kind": "regenerate", "instruction": "shorter"}))
    run(Command(resume={"kind": "accept"}))
    run({"turn": "Anything else?", "role": "advisor"})

    assert {n for n, _ in updates} == set(node_functions())  # every node ran
    assert {n for n, u in updates if RECORD_KEYS & set(u)} == {REVIEW}
    actions = [a for n, u in updates if n == "act" for a in u["actions"]]
    assert actions and all(NextAction.model_validate(a).model_dump() == a for a in actions)
    for name, field in NextAction.model_fields.items():  # an action is text, never a callable
        assert field.annotation in (str, list[str]), name


# --- imports -------------------------------------------------------------------------------

MESSAGING = ("smtplib", "email", "twilio", "sendgrid", "slack_sdk", "vonage", "telegram")
MESSAGING += ("boto3", "botocore", "webbrowser")
HTTP_CLIENTS = ("httpx", "requests", "urllib.request", "urllib3", "aiohttp", "http.client")
HTTP_CLIENTS += ("socket", "openai", "langchain_openai")
MAY_REACH_A_MODEL = {"engines/llm_client.py"}
"""The modules allowed an HTTP client: the LLM engine, which sends redacted text to a model."""


def imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.add(node.module)
    return modules


def importers_of(names: tuple[str, ...]) -> set[str]:
    root = Path(copilot.__file__).parent
    return {
        path.relative_to(root).as_posix()
        for path in root.rglob("*.py")
        if any(m == n or m.startswith(n + ".") for m in imported_modules(path) for n in names)
    }


def test_no_copilot_module_can_send_a_message_to_a_customer() -> None:
    assert importers_of(MESSAGING) == set()
    assert importers_of(HTTP_CLIENTS) <= MAY_REACH_A_MODEL
    assert importers_of(("langchain_openai",)) == MAY_REACH_A_MODEL  # the scan sees imports
