"""The README's first command on a first run: the workspace opens at once and says how far the
indexing of the sample knowledge base has come; the replay waits for it, then every customer
turn of the sample call gets its suggestion. A slow fake embedder stands in for the model."""

from __future__ import annotations

import time

import numpy as np
import pytest

from knowledge_base import SAMPLES_DIR
from knowledge_base.embeddings import HashEmbedder
from tui.app import make_app
from tui.feeds import read_replay
from tui.indexing import IndexingClock
from tui.screens.workspace import WorkspaceScreen
from tui.widgets.conversation import TurnView
from tui.widgets.status import StatusBar

SAMPLE_CALL = SAMPLES_DIR / "transcripts" / "late-fee-call-en.jsonl"
SLOW_S = 0.05
"""Per batch of passages: indexing takes seconds, as the model's would on a first run."""


@pytest.mark.asyncio
async def test_a_first_run_shows_the_indexing_and_every_turn_gets_a_suggestion(
    settings, monkeypatch
) -> None:
    embed = HashEmbedder.embed_passages

    def slow_embed(self: HashEmbedder, texts: list[str]) -> np.ndarray:
        time.sleep(SLOW_S)
        return embed(self, texts)

    monkeypatch.setattr(HashEmbedder, "embed_passages", slow_embed)
    shown: list[str] = []
    show = WorkspaceScreen._show

    def counted(self: WorkspaceScreen, op, suggestion) -> None:  # type: ignore[no-untyped-def]
        shown.append(op.text)
        show(self, op, suggestion)

    monkeypatch.setattr(WorkspaceScreen, "_show", counted)
    described: list[str] = []
    describe = IndexingClock.describe

    def kept(self: IndexingClock, done: int, total: int, at: float) -> str:
        described.append(describe(self, done, total, at))
        return described[-1]

    monkeypatch.setattr(IndexingClock, "describe", kept)
    turns = read_replay(SAMPLE_CALL)
    app = make_app(settings, replay=turns, replay_speed=4.0)
    seen: list[str] = []
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WorkspaceScreen)  # open before anything is indexed
        while app.screen.contact.session is None:
            busy = app.screen.query_one(StatusBar).fields["busy"]
            if busy.startswith("indexing") and busy not in seen:
                seen.append(busy)
                placeholder = str(app.screen.query_one("#draft-view").render())
                assert "The replay starts when it is ready." in placeholder
            assert not app.screen.query(TurnView)  # the replay waits for the KB
            await pilot.pause(0.05)
        while not [w for w in app.workers if w.group == "replay"]:
            await pilot.pause(0.05)
        await app.workers.wait_for_complete([w for w in app.workers if w.group == "replay"])
        while app.screen.outstanding:
            await pilot.pause(0.05)
        said = [v.text for v in app.screen.query(TurnView) if not v.has_class("-note")]
    assert seen and set(seen) <= set(described)  # the status line showed the progress
    assert len(described) >= 3, described
    total = int(described[-1].split("/")[1].split()[0])
    assert described[-1].startswith(f"indexing the sample knowledge base: {total}/{total} chunks")
    assert described[0].endswith("ETA …") and not described[-1].endswith("…")
    customer = [t.text for t in turns if t.role == "customer"]
    assert said == [t.text for t in turns]
    assert shown == customer  # each customer turn, its own suggestion, none merged or dropped
