"""The composition root: the one place the copilot's live parts are put together.

`Copilot.open(settings)` builds the retriever (indexing the bundled sample on first use), the
engine, the checkpointer, the record store and the compiled graph once. The CLI, the workspace,
the benchmarks and LangGraph Server (`copilot/server.py`) all take their parts from it:
`.session(thread_id)` for one contact, `.context()` for a graph run, `.graph` for the compiled
graph. Tests and benchmarks build one over parts of their own (fakes, a tiny KB) with
`Copilot(engine, retriever, ...)`. Close it (or use `with`) to release
the record store and the checkpointer's connection.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from langgraph.checkpoint.memory import InMemorySaver

from copilot.config import Settings
from copilot.context import Context
from copilot.engines.base import Engine, TokenCallback
from copilot.engines.factory import make_engine
from copilot.graph import build_graph
from copilot.privacy import Redaction, Redactor
from copilot.recording import Recorder
from copilot.retrieval.search import Retriever
from copilot.session import CopilotSession
from copilot.store import Store, StoreError, open_store
from knowledge_base import SAMPLES_DIR
from knowledge_base.catalog import ActionSpec
from knowledge_base.errors import NotIndexedError
from knowledge_base.indexer import ProgressCallback, index_paths
from knowledge_base.store import KnowledgeBase

Records = Literal["required", "optional", "off"]
"""Whether a record store is opened: must be, may fail (contacts go on unrecorded), or not."""


def open_retriever(
    settings: Settings,
    progress: ProgressCallback | None = None,
    on_wait: Callable[[], None] | None = None,
) -> Retriever:
    """The configured KB; the bundled sample is indexed on first use (and again when it was
    indexed before KBs recorded their catalogue: unchanged articles are not re-embedded);
    parallel first runs wait for the one that indexes it (`on_wait`), then use its result."""
    from copilot.understanding.pipeline import check_intents

    try:
        kb = KnowledgeBase.open(settings)
        if settings.kb != "sample" or "catalog" in kb.manifest:
            return Retriever(kb)
    except NotIndexedError:
        if settings.kb != "sample":
            raise
    index_paths(
        [SAMPLES_DIR / "articles"],
        settings,
        kb="sample",
        progress=progress,
        on_wait=on_wait,
        check_catalog=check_intents,
    )
    return Retriever(KnowledgeBase.open(settings))


def kb_actions(retriever: Any) -> list[ActionSpec]:
    """The actions of the retriever's KB (none without a KB or a catalogue)."""
    catalog = getattr(getattr(retriever, "kb", None), "catalog", None)
    return list(catalog.actions) if catalog else []


def kb_version(retriever: Any) -> str:
    """The KB's name and index generation, as records keep it ('' without a KB)."""
    kb = getattr(retriever, "kb", None)
    return f"{kb.name} g{kb.manifest.get('generation', '?')}" if kb is not None else ""


class Copilot:
    """The live parts, built once; sessions, contexts and the graph are handed out from here."""

    def __init__(
        self,
        engine: Engine,
        retriever: Any,
        checkpointer: Any = None,
        *,
        store: Store | None = None,
        advisor: str = "advisor",
        actions: list[ActionSpec] | None = None,
        audience: str | None = None,
        not_recording: str | None = None,
    ) -> None:
        self.engine = engine
        self.retriever = retriever
        self.checkpointer = checkpointer if checkpointer is not None else InMemorySaver()
        self.store = store
        self.advisor = advisor
        self.actions = kb_actions(retriever) if actions is None else actions
        """The KB's own next-best-action catalogue (empty: it has none)."""
        self.audience = audience
        self.not_recording = not_recording
        """Why nothing is recorded although records were asked for (None: recording or off)."""
        self.recorder = Recorder(store, engine.name, kb_version(retriever)) if store else None
        self.graph: Any = build_graph().compile(checkpointer=self.checkpointer)

    @classmethod
    def open(
        cls,
        settings: Settings,
        *,
        progress: ProgressCallback | None = None,
        on_wait: Callable[[], None] | None = None,
        checkpointer: Any = None,
        records: Records = "optional",
    ) -> Copilot:
        """The configured copilot. `progress(done, total)` follows indexing the sample KB;
        `checkpointer` defaults to the configured one (SQLite or PostgreSQL)."""
        from copilot.checkpoints import open_checkpointer

        retriever = open_retriever(settings, progress, on_wait)
        engine = make_engine(settings, embedder=retriever.kb.embedder, catalog=retriever.kb.catalog)
        store, not_recording = None, None
        if records != "off":
            try:
                store = open_store(settings)
            except StoreError as exc:
                if records == "required":
                    raise
                not_recording = str(exc)
        if checkpointer is None:
            try:
                checkpointer = open_checkpointer(settings)
            except BaseException:
                if store is not None:
                    store.close()
                raise
        return cls(
            engine,
            retriever,
            checkpointer,
            store=store,
            advisor=settings.advisor,
            not_recording=not_recording,
        )

    def session(self, thread_id: str | None = None) -> CopilotSession:
        """One contact (a checkpointer thread); the same `thread_id` resumes it."""
        return CopilotSession(self, thread_id)

    def context(
        self,
        on_token: TokenCallback | None = None,
        redactor: Redactor | None = None,
        redacted: tuple[str, tuple[Redaction, int]] | None = None,
        advisor: str | None = None,
    ) -> Context:
        """What one graph run reads through `runtime.context` (`redacted`: the turn as the
        caller already redacted it with `redactor`)."""
        return Context(
            engine=self.engine,
            retriever=self.retriever,
            actions=self.actions,
            audience=self.audience,
            on_token=on_token,
            redactor=redactor,
            redacted=redacted,
            recorder=self.recorder,
            advisor=advisor or self.advisor,
        )

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
        conn = getattr(self.checkpointer, "conn", None)
        if conn is not None and hasattr(conn, "close"):
            conn.close()

    def __enter__(self) -> Copilot:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
