"""Parallel first runs on a fresh data directory: one indexes the sample, the others wait for it
and use its result; a wait that lasts too long is one clear error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from copilot.config import Settings
from knowledge_base.errors import KnowledgeBaseError
from knowledge_base.indexer import index_paths
from knowledge_base.locks import held_lock
from knowledge_base.store import KnowledgeBase, open_client
from tests.conftest import write_article

RUNS = 3


def test_parallel_first_assists_all_succeed_and_index_once(
    tmp_path: Path, isolated_env: Path
) -> None:
    transcript = tmp_path / "contact.jsonl"
    transcript.write_text('{"role": "customer", "text": "How long does a refund take?"}\n')
    assert not isolated_env.exists()  # a fresh data directory
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "copilot", "assist", "--transcript", str(transcript), "--json"],
            env=os.environ.copy(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(RUNS)
    ]
    results = [(run.wait(timeout=600), *run.communicate()) for run in runs]
    for code, out, err in results:
        assert code == 0, err
        assert out.strip() and "Traceback" not in err and "error" not in err
    waited = [err for _, _, err in results if "waiting for the indexing run of 'sample'" in err]
    assert waited, "no run had to wait: the runs did not overlap, start more of them"
    settings = Settings()
    assert KnowledgeBase.open(settings).manifest["generation"] == 1  # indexed once, then reused
    names = sorted(c.name for c in open_client(settings).list_collections())
    assert names == ["copilot-manifest", "kb-sample-g000001"]


def test_the_wait_for_another_run_is_bounded(tmp_path: Path, isolated_env: Path) -> None:
    write_article(tmp_path / "docs", "fees", "A late fee of 5 euros applies.")
    settings = Settings(index_wait_s=0.5)
    waits: list[str] = []
    isolated_env.mkdir()
    with (
        held_lock(isolated_env / ".index-sample.lock", 0, "held by the test"),
        pytest.raises(KnowledgeBaseError) as raised,
    ):
        index_paths([tmp_path / "docs"], settings, on_wait=lambda: waits.append("waiting"))
    assert str(raised.value) == (
        "another indexing run of 'sample' is still in progress "
        "(waited 0.5 s; set COPILOT_INDEX_WAIT_S to wait longer)"
    )
    assert waits == ["waiting"]  # said once, not at every retry
    assert index_paths([tmp_path / "docs"], settings).added == 1  # the lock was released
