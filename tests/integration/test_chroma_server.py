"""Against a real `chroma run` server on 127.0.0.1: index, search, reopen, restart, outage."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from copilot.config import Settings
from copilot.retrieval.search import Retriever
from knowledge_base.errors import KnowledgeBaseError
from knowledge_base.indexer import index_paths
from knowledge_base.store import KnowledgeBase
from tests.integration.conftest import ChromaServer

pytestmark = pytest.mark.server

REOPEN = (
    "import sys, json; from copilot.config import Settings; "
    "from copilot.retrieval.search import Retriever; "
    "from knowledge_base.store import KnowledgeBase; "
    "kb = KnowledgeBase.open(Settings(), 'big'); "
    "hits = Retriever(kb).search('policy 4321 refunds', k=5, mode='hybrid').hits; "
    "print(json.dumps({'count': kb.collection.count(), 'top': hits[0].doc_id}))"
)


def _corpus(path: Path, n: int) -> Path:
    with path.open("w") as out:
        for i in range(n):
            out.write(
                json.dumps(
                    {
                        "id": f"doc-{i}",
                        "title": f"Policy {i}",
                        "lang": "en",
                        "text": f"Policy {i} explains refunds rule {i * 7}.",
                    }
                )
                + "\n"
            )
    return path


def test_index_search_and_reopen_10k_through_a_server(
    chroma_server: ChromaServer, tmp_path: Path
) -> None:
    settings = Settings(chroma_url=chroma_server.url, embeddings="hash", embedding_batch_size=1000)
    summary = index_paths([_corpus(tmp_path / "big.jsonl", 10_000)], settings, kb="big")
    assert summary.chunks == 10_000

    env = os.environ | {
        "COPILOT_CHROMA_URL": chroma_server.url,
        "COPILOT_DATA_DIR": str(tmp_path / "other-reader"),
    }
    for restart in (False, True):
        if restart:  # the server itself reloads its HNSW index from disk
            chroma_server.stop()
            chroma_server.start()
        out = subprocess.run(
            [sys.executable, "-c", REOPEN],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        assert result == {"count": 10_000, "top": "doc-4321"}, (restart, result)


def test_embedded_store_reopens_10k_in_a_new_process(tmp_path: Path) -> None:
    settings = Settings(embeddings="hash", embedding_batch_size=1000)
    index_paths([_corpus(tmp_path / "big.jsonl", 10_000)], settings, kb="big")
    out = subprocess.run(
        [sys.executable, "-c", REOPEN],
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"count": 10_000, "top": "doc-4321"}


def test_server_down_is_a_clear_error_not_a_hang(
    chroma_server: ChromaServer, tmp_path: Path
) -> None:
    settings = Settings(chroma_url=chroma_server.url, embeddings="hash")
    index_paths([_corpus(tmp_path / "small.jsonl", 20)], settings, kb="small")
    kb = KnowledgeBase.open(settings, "small")
    assert Retriever(kb).search("refunds", k=3).hits
    chroma_server.stop()
    started = time.monotonic()
    with pytest.raises(KnowledgeBaseError, match="cannot reach the Chroma server"):
        KnowledgeBase.open(settings, "small")
    assert time.monotonic() - started < 15
    result = subprocess.run(
        [sys.executable, "-m", "copilot", "kb", "search", "refunds", "--kb", "small"],
        env=os.environ | {"COPILOT_CHROMA_URL": chroma_server.url},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("error: cannot reach the Chroma server")
    assert "Traceback" not in result.stderr
