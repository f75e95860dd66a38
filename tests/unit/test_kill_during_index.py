"""kill -9 at any moment of an indexing run leaves the previous index whole and searchable."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from copilot.retrieval.search import Retriever
from knowledge_base.indexer import index_paths
from knowledge_base.store import KnowledgeBase
from tests.conftest import write_article

INDEX = (
    "import sys; from pathlib import Path; from copilot.config import Settings; "
    "from knowledge_base.indexer import index_paths; "
    "index_paths([Path(sys.argv[1])], Settings(embedding_batch_size=8))"
)


def test_kill_during_index_keeps_previous_generation(tmp_path: Path, settings) -> None:
    docs = tmp_path / "docs"
    for i in range(40):
        write_article(docs, f"old-{i}", f"Original policy number {i} about refunds.")
    index_paths([docs], settings)
    before = KnowledgeBase.open(settings).manifest["collection"]

    for i in range(800):  # a large change, so the run is slow enough to be killed inside
        write_article(docs, f"new-{i}", f"New policy {i} on late fees and instalments. " * 8)
    killed = 0
    for delay in (1.5, 2.5, 3.5):
        proc = subprocess.Popen([sys.executable, "-c", INDEX, str(docs)], env=os.environ.copy())
        time.sleep(delay)
        if proc.poll() is not None:
            break
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        killed += 1
        kb = KnowledgeBase.open(settings)  # a reader never sees a half-built generation
        assert kb.manifest["collection"] == before
        assert kb.collection.count() == kb.count == 40
        hits = Retriever(kb).search("original policy refunds", k=3, mode="hybrid").hits
        assert hits and hits[0].doc_id.startswith("old-")

    assert killed >= 2, "every run finished before it could be killed: make the change larger"
    summary = index_paths([docs], settings)  # the next run completes and clears the debris
    kb = KnowledgeBase.open(settings)
    assert kb.count == 840 and kb.collection.count() == 840
    assert summary.added == 800
    assert json.dumps(summary.as_dict())
