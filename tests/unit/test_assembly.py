"""The composition root: one copilot hands out sessions that share its parts and its record
store; the graph records what is shown and decided, whoever drives it; a turn is redacted once;
a graph run without its parts says what to do."""

from __future__ import annotations

from pathlib import Path

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from copilot.assembly import Copilot
from copilot.config import Settings
from copilot.engines.offline import OfflineEngine
from copilot.graph import build_graph
from copilot.privacy import Redactor
from copilot.retrieval.search import Retriever
from copilot.state import Decision
from copilot.store import open_store
from knowledge_base.errors import CopilotError
from tests.agent_fakes import ACTIONS, MACRO, KeywordUnderstanding, tiny_kb

TURN = "My name is Anna Berg, anna@example.com: why is there a late fee?"


@pytest.fixture
def retriever(tmp_path: Path, settings: Settings) -> Retriever:
    return tiny_kb(tmp_path / "kb", settings)


def copilot_over(retriever: Retriever, settings: Settings, store: bool = True) -> Copilot:
    engine = OfflineEngine(KeywordUnderstanding(), macros=[MACRO])
    return Copilot(
        engine,
        retriever,
        InMemorySaver(),
        store=open_store(settings) if store else None,
        advisor="ana",
        actions=ACTIONS,
    )


def test_sessions_of_one_copilot_share_its_parts_and_its_records(
    retriever: Retriever, settings: Settings
) -> None:
    with copilot_over(retriever, settings) as copilot:
        first = copilot.session("call-1")
        sibling = first.parts.session("call-2")  # what the workspace opens for a new contact
        assert sibling.graph is first.graph and sibling.engine is first.engine
        for session in (first, sibling):
            session.customer_turn(TURN)
            session.decide(Decision(kind="edit", text="Hello Anna Berg, the fee is €5 [1]."))
        rows = copilot.store.suggestions()  # type: ignore[union-attr]
        assert len(rows) == 2
        assert {r["advisor"] for r in rows} == {"ana"}
        assert [r["decision"]["kind"] for r in rows] == ["edit", "edit"]
        assert all("Anna Berg" not in (r["decision"]["final_text"] or "") for r in rows)
        assert copilot.store.verify().ok  # type: ignore[union-attr]


def test_the_graph_records_a_run_no_session_drives(
    retriever: Retriever, settings: Settings
) -> None:
    """What LangGraph Server does: invoke and resume the graph with the root's context."""
    from langgraph.types import Command

    with copilot_over(retriever, settings) as copilot:
        config = {"configurable": {"thread_id": "served"}}
        copilot.graph.invoke({"turn": TURN}, config, context=copilot.context())
        copilot.graph.invoke(
            Command(resume={"kind": "reject", "reason": "asked Anna Berg to call back"}),
            config,
            context=copilot.context(advisor="bo"),
        )
        (row,) = copilot.store.suggestions()  # type: ignore[union-attr]
        assert row["decision"]["kind"] == "reject"
        assert "Anna Berg" not in row["decision"]["reason"]
        contact = row["contact_id"]
        turns = copilot.store.conversation(contact)  # type: ignore[union-attr]
        assert [t["role"] for t in turns] == ["customer"]
        assert "anna@example.com" not in turns[0]["text"]


def test_a_turn_is_redacted_once(
    retriever: Retriever, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    redact = Redactor.redact

    def counted(self: Redactor, text: str):  # type: ignore[no-untyped-def]
        seen.append(text)
        return redact(self, text)

    monkeypatch.setattr(Redactor, "redact", counted)
    copilot = copilot_over(retriever, settings, store=False)
    copilot.session().customer_turn(TURN)
    streamed: list[str] = []
    copilot.session().customer_turn(TURN, on_token=streamed.append)
    assert streamed
    assert seen.count(TURN) == 2  # once per turn, with and without streaming


def test_a_graph_run_without_its_parts_says_how_to_open_it() -> None:
    graph = build_graph().compile(checkpointer=InMemorySaver())
    with pytest.raises(CopilotError, match="copilot.assembly.Copilot"):
        graph.invoke({"turn": "hello"}, {"configurable": {"thread_id": "t"}})


def test_a_refused_accept_through_the_graph_leaves_the_draft_waiting(
    retriever: Retriever, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server client accepting a draft that needs an edit: nothing is sent or recorded, the
    draft waits again saying why, and an edit then settles it."""
    from langgraph.types import Command

    from copilot.state import Draft

    with copilot_over(retriever, settings) as copilot:
        config = {"configurable": {"thread_id": "served"}}
        copilot.graph.invoke({"turn": TURN}, config, context=copilot.context())
        monkeypatch.setattr(Draft, "one_key_refusal", property(lambda self: "edit it first"))
        copilot.graph.invoke(Command(resume={"kind": "accept"}), config, context=copilot.context())
        state = copilot.graph.get_state(config)
        assert state.next == ("review",)
        assert [i.value["refused"] for i in state.interrupts] == ["edit it first"]
        assert copilot.store.suggestions()[0]["decision"] is None  # type: ignore[union-attr]
        edit = {"kind": "edit", "text": "The late fee is €5 [1]."}
        copilot.graph.invoke(Command(resume=edit), config, context=copilot.context())
        assert not copilot.graph.get_state(config).next
        (row,) = copilot.store.suggestions()  # type: ignore[union-attr]
        assert row["decision"]["kind"] == "edit"


def test_an_llm_engine_without_a_model_is_an_engine_error(settings: Settings) -> None:
    from copilot.engines.factory import make_engine
    from copilot.errors import EngineError

    with pytest.raises(EngineError, match="COPILOT_LLM_MODEL"):
        make_engine(settings.model_copy(update={"engine": "llm", "llm_model": None}))


def test_a_new_turn_over_a_waiting_draft_through_the_graph_supersedes_it(
    retriever: Retriever, settings: Settings
) -> None:
    """A server client sends the next turn without deciding: the waiting draft goes on record
    as superseded, and the next decision lands on the draft it was made on."""
    from langgraph.types import Command

    from copilot.state import SUPERSEDED

    with copilot_over(retriever, settings) as copilot:
        config = {"configurable": {"thread_id": "served"}}
        copilot.graph.invoke({"turn": TURN}, config, context=copilot.context())
        second = "And can you waive the fee this once?"
        copilot.graph.invoke({"turn": second}, config, context=copilot.context())
        copilot.graph.invoke(
            Command(resume={"kind": "reject", "reason": "no"}), config, context=copilot.context()
        )
        rows = copilot.store.suggestions()  # type: ignore[union-attr]
        assert [(r["decision"]["kind"], r["decision"]["reason"]) for r in rows] == [
            ("reject", SUPERSEDED),
            ("reject", "no"),
        ]
        assert copilot.store.verify().ok  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("env", "said"),
    [
        ({"COPILOT_KB": "nowhere"}, "not indexed"),
        ({"COPILOT_ENGINE": "llm"}, "COPILOT_LLM_MODEL"),
    ],
)
def test_a_served_run_without_a_kb_or_a_model_is_a_copilot_error(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], said: str
) -> None:
    """LangGraph Server's first run opens the copilot from the settings: what is missing is
    reported as the one-line error a user can act on (the run fails with it, nothing opens)."""
    import copilot.context

    # importing the server module registers its opener for the whole process: undone after
    monkeypatch.setattr(copilot.context, "_served", copilot.context._served)
    import copilot.server

    copilot.context.serve(copilot.server.served_context)
    monkeypatch.setattr(copilot.server, "_opened", [])
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    graph = build_graph(copilot.context.RunOptions).compile(checkpointer=InMemorySaver())
    with pytest.raises(CopilotError, match=said):
        graph.invoke({"turn": "hello"}, {"configurable": {"thread_id": "t"}})
    assert copilot.server._opened == []


def test_a_category_correction_records_the_corrected_suggestion(
    retriever: Retriever, settings: Settings
) -> None:
    from copilot.state import SUPERSEDED

    with copilot_over(retriever, settings) as copilot:
        session = copilot.session("corrected")
        first = session.customer_turn(TURN)
        corrected = session.correct_category("complaint")
        assert corrected.route.category != first.route.category
        session.decide(Decision(kind="reject", reason="not now"))
        rows = copilot.store.suggestions()  # type: ignore[union-attr]
        assert [(r["decision"]["reason"], r["category"]) for r in rows] == [
            (SUPERSEDED, first.route.category),
            ("not now", "complaint"),
        ]
        turns = copilot.store.conversation(rows[0]["contact_id"])  # type: ignore[union-attr]
        assert [t["role"] for t in turns] == ["customer"]  # the correction adds no turn
        assert copilot.store.verify().ok  # type: ignore[union-attr]


def test_a_served_run_keeps_the_configured_advisor_unless_the_run_names_one(
    retriever: Retriever, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import copilot.context
    from copilot.context import RunOptions

    with copilot_over(retriever, settings) as root:  # its advisor: "ana" (COPILOT_ADVISOR)
        monkeypatch.setattr(copilot.context, "_served", root.context)
        graph = build_graph(RunOptions).compile(checkpointer=InMemorySaver())
        for thread, options in (("plain", RunOptions()), ("named", RunOptions(advisor="bo"))):
            config = {"configurable": {"thread_id": thread}}
            graph.invoke({"turn": TURN}, config, context=options)
        rows = root.store.suggestions()  # type: ignore[union-attr]
        assert [r["advisor"] for r in rows] == ["ana", "bo"]
