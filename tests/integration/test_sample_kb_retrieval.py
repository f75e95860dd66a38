"""The real multilingual model on the bundled sample KB: cross-lingual hits and the targets."""

from __future__ import annotations

import pytest

from copilot.config import Settings
from copilot.evaluation.retrieval_eval import default_queries, evaluate, run_queries
from copilot.retrieval.search import Retriever, SearchFilters
from knowledge_base.store import KnowledgeBase

pytestmark = pytest.mark.model


@pytest.mark.parametrize(
    ("question", "english_only"),
    [
        (
            "Est-ce que vous faites une vérification de crédit avant d'accepter un achat ?",
            "credit-check-en",
        ),
        ("Jusqu'où mon plafond de dépenses peut-il augmenter ?", "spending-limit-en"),
        (
            "Le vendeur ne répond plus et mon colis n'arrive pas, que faire ?",
            "merchant-problems-en",
        ),
    ],
)
def test_french_question_finds_english_only_article(
    sample_kb: KnowledgeBase, question: str, english_only: str
) -> None:
    hits = Retriever(sample_kb).search(question, k=5).hits
    assert english_only in [h.doc_id for h in hits]
    found = next(h for h in hits if h.doc_id == english_only)
    assert found.lang == "en"  # the card can say the source is in another language


@pytest.mark.parametrize(
    ("question", "french_only"),
    [
        ("How long does the mediator take to decide on my case?", "mediation-fr"),
        ("I keep getting no SMS code when I log in to the app", "connexion-application-fr"),
        ("After a partial refund, are my instalments recalculated?", "remboursement-partiel-fr"),
    ],
)
def test_english_question_finds_french_only_article(
    sample_kb: KnowledgeBase, question: str, french_only: str
) -> None:
    hits = Retriever(sample_kb).search(question, k=5).hits
    assert french_only in [h.doc_id for h in hits]


def test_superseded_versions_stay_out_by_default(sample_kb: KnowledgeBase) -> None:
    retriever = Retriever(sample_kb)
    hits = retriever.search("late fee amount and cap", k=10).hits
    assert "late-fees-en-v2" not in {h.doc_id for h in hits}
    marked = retriever.search(
        "late fee amount and cap", k=20, filters=SearchFilters(include_superseded=True)
    ).hits
    old = [h for h in marked if h.doc_id == "late-fees-en-v2"]
    assert old and all(h.superseded_by == "late-fees-en" for h in old)


def test_sample_kb_quality_does_not_regress(
    sample_kb: KnowledgeBase, sample_settings: Settings
) -> None:
    """The issue's targets (hit@5 0.95 overall, 0.90 cross-lingual; measured 0.953 and 0.95)
    and floors just under the other measured figures (0.955 same-language, abstention precision
    0.92 / recall 0.31). At rank 5/6 the closest scores are 0.15 standard deviations apart, so
    rounding differences between machines cannot flip a question."""
    report = evaluate(
        run_queries(Retriever(sample_kb), default_queries(), 10, "hybrid"), "hybrid", 10
    )
    assert report["n"] >= 150
    assert report["hit@5"] >= 0.95, report
    assert report["by_group"]["cross_lingual=true"]["hit@5"] >= 0.90, report
    assert report["by_group"]["cross_lingual=false"]["hit@5"] >= 0.94, report
    assert report["abstention"]["precision"] >= 0.85, report
    assert report["abstention"]["recall"] >= 0.25, report


@pytest.mark.parametrize(
    "question",
    [
        "je peux décaler ma mensualité du 5 au 15 du mois ?",
        "I can't pay this month, can you help?",
        "Ma carte a été refusée en caisse, pourquoi ?",
    ],
)
def test_one_card_per_article_in_the_customers_language(
    sample_kb: KnowledgeBase, question: str
) -> None:
    retriever = Retriever(sample_kb)
    hits = retriever.search(question, k=6).hits
    languages: dict[str, set[str]] = {}
    for hit in hits:
        languages.setdefault(retriever.article_of(hit.doc_id), set()).add(hit.lang)
    assert len(hits) == 6
    assert all(len(langs) == 1 for langs in languages.values()), languages
    translated = [h for h in hits if retriever.article_of(h.doc_id) != h.doc_id]
    assert translated  # these questions match articles held in both languages
    for lang in ("fr", "en"):
        preferred = retriever.search(question, k=6, prefer_lang=lang).hits
        # the best article keeps its place, in the customer's language when it has it
        assert retriever.article_of(preferred[0].doc_id) == retriever.article_of(hits[0].doc_id)
        assert all(h.lang == lang for h in preferred if retriever.article_of(h.doc_id) != h.doc_id)
