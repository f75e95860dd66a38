"""The "no policy found" model: a probability, monotone in its signals, wired into search."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from copilot.config import Settings
from copilot.retrieval.abstention import (
    AbstentionSignals,
    content_words,
    count_unknown,
    probability_answerable,
)
from copilot.retrieval.search import FusionWeights, Retriever
from knowledge_base import SAMPLES_DIR
from knowledge_base.embeddings import Embedder
from knowledge_base.indexer import index_paths
from knowledge_base.store import KnowledgeBase


@pytest.mark.parametrize(
    "signals",
    [
        AbstentionSignals(best_bm25=0.0, content_words=0, unknown_words=0),
        AbstentionSignals(best_bm25=0.0, content_words=6, unknown_words=6),
        AbstentionSignals(best_bm25=1e6, content_words=1, unknown_words=0),
        AbstentionSignals(best_bm25=0.0, content_words=1, unknown_words=1),
    ],
)
def test_probability_stays_between_0_and_1(signals: AbstentionSignals) -> None:
    assert 0.0 <= probability_answerable(signals) <= 1.0


@pytest.mark.parametrize("words", [1, 4, 8])
def test_more_unknown_words_lower_the_probability(words: int) -> None:
    p = [
        probability_answerable(AbstentionSignals(3.0, words, unknown))
        for unknown in range(words + 1)
    ]
    assert p == sorted(p, reverse=True) and p[0] > p[-1]


@pytest.mark.parametrize("unknown", [0, 1, 3])
def test_a_better_lexical_match_raises_the_probability(unknown: int) -> None:
    p = [probability_answerable(AbstentionSignals(bm25, 5, unknown)) for bm25 in range(0, 12)]
    assert p == sorted(p) and p[0] < p[-1]


def test_content_words_leave_out_stop_words_and_amounts() -> None:
    words = content_words("Je peux payer 2500 € en 3 fois avec ma carte ?")
    assert len(words) == 3  # payer, fois, carte
    assert content_words("Is it the 2nd?") == [("2nd",)]
    assert content_words("Is it in there?") == []


def test_a_word_is_known_through_any_of_its_stems() -> None:
    words = content_words("Bitcoin wallet remboursement")
    vocabulary = {stem for stems in content_words("remboursement") for stem in stems}
    assert count_unknown(words, vocabulary) == 2
    assert count_unknown(words, set()) == 3


@dataclass
class NamedE5:
    """The hash embedder under e5's name: the model reads only BM25 and the vocabulary, so the
    e5-only path runs without loading e5."""

    inner: Embedder
    name: str = "e5:multilingual-e5-small"

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self.inner.embed_passages(texts)

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)


@pytest.fixture(scope="module")
def hashed_sample_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """The bundled sample KB indexed with the hash embedder (a few seconds, no model)."""
    data: Path = tmp_path_factory.mktemp("sample-hash")
    settings = Settings(data_dir=data, embeddings="hash")
    assert index_paths([SAMPLES_DIR / "articles"], settings, kb="sample").failed == []
    return KnowledgeBase.open(settings, "sample")


@pytest.fixture(scope="module")
def sample_kb_as_e5(hashed_sample_kb: KnowledgeBase) -> KnowledgeBase:
    return dataclasses.replace(hashed_sample_kb, embedder=NamedE5(hashed_sample_kb.embedder))


@pytest.mark.parametrize(
    ("question", "answerable"),
    [
        ("Do you sell pet insurance for my dog?", False),
        ("Je suis auto-entrepreneur, vous avez un compte professionnel ?", False),
        ("how does paying in 3 instalments work, when do you take the 2nd and 3rd payments?", True),
        ("Le paiement en trois fois, il y a des frais cachés ou des intérêts ?", True),
    ],
)
def test_sample_kb_questions_abstain_only_when_out_of_scope(
    sample_kb_as_e5: KnowledgeBase, question: str, answerable: bool
) -> None:
    result = Retriever(sample_kb_as_e5).search(question, k=5)
    assert result.abstained is not answerable, result.confidence
    assert result.hits  # abstaining says so; the passages found are still shown


def test_abstention_does_not_change_the_ranking(sample_kb_as_e5: KnowledgeBase) -> None:
    question = "Do you sell pet insurance for my dog?"
    never = Retriever(sample_kb_as_e5, FusionWeights(abstain_below=0.0)).search(question, k=10)
    always = Retriever(sample_kb_as_e5, FusionWeights(abstain_below=1.0)).search(question, k=10)
    assert [h.chunk_id for h in never.hits] == [h.chunk_id for h in always.hits]
    assert always.abstained and not never.abstained


def test_uncalibrated_embedders_and_lexical_mode_never_abstain(
    hashed_sample_kb: KnowledgeBase, sample_kb_as_e5: KnowledgeBase
) -> None:
    question = "Je suis auto-entrepreneur, vous avez un compte professionnel ?"
    assert Retriever(sample_kb_as_e5).search(question).confidence < 0.1
    assert Retriever(hashed_sample_kb).search(question).confidence == 1.0
    assert Retriever(sample_kb_as_e5).search(question, mode="lexical").confidence == 1.0


# ------------------------------------------------- other KBs and other languages (issue 13)
def test_a_small_kbs_bm25_is_read_in_the_samples_units() -> None:
    """The same lexical match is stronger evidence in a 20-chunk KB than in the sample's 405:
    BM25's idf is smaller there, so its raw score must not be read on the sample's scale."""
    raw = dict(best_bm25=0.6, content_words=4, unknown_words=1)
    sample = probability_answerable(AbstentionSignals(**raw))
    small = probability_answerable(AbstentionSignals(**raw, kb_chunks=20))
    assert sample < FusionWeights().abstain_below < small


@pytest.mark.parametrize("pair", [("fr", "en"), ("en", "fr")])
def test_a_close_passage_in_the_other_language_is_an_answer(pair: tuple[str, str]) -> None:
    """A French question whose words the KB only has in English: lexically unknown, but the
    English passage is close by the multilingual model, calibrated for that language pair."""
    lexical = dict(best_bm25=0.0, content_words=5, unknown_words=3, kb_chunks=20)
    alone = probability_answerable(AbstentionSignals(**lexical))
    assert alone < FusionWeights().abstain_below
    close = AbstentionSignals(**lexical, top_cosine=0.85, language_pair=pair)
    assert probability_answerable(close) > 0.5
    far = AbstentionSignals(**lexical, top_cosine=0.80, language_pair=pair)
    assert probability_answerable(far) < FusionWeights().abstain_below


def test_same_language_cosines_of_the_samples_unanswerable_questions_do_not_answer() -> None:
    """0.915 is the closest passage any unanswerable question of the sample has (fr -> fr)."""
    lexical = dict(best_bm25=0.5, content_words=5, unknown_words=3)
    for lang in ("en", "fr"):
        near = AbstentionSignals(**lexical, top_cosine=0.89, language_pair=(lang, lang))
        assert probability_answerable(near) < FusionWeights().abstain_below


@pytest.mark.model
def test_a_three_article_kb_answers_its_questions_and_abstains_on_the_others() -> None:
    """The Lumerie sample (9 chunks, EN + FR, no catalogue) with e5."""
    settings = Settings().model_copy(update={"embeddings": "e5"})
    index_paths([SAMPLES_DIR.parent / "samples_other" / "lumerie"], settings, kb="lumerie")
    retriever = Retriever(KnowledgeBase.open(settings, "lumerie"))
    for question in (
        "La garantie de ma pompe à chaleur dure combien de temps ?",  # answer in English only
        "Le compresseur est garanti combien d'années ?",
        "What happens if I forget to send a reading?",
    ):
        assert not retriever.search(question, k=4).abstained, question
    for question in (
        "Can I install solar panels on my roof with you?",
        "What is the price per kWh at night?",
    ):
        assert retriever.search(question, k=4).abstained, question
