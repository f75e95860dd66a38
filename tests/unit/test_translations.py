"""One card per article: translations of an article already listed are dropped."""

from __future__ import annotations

import numpy as np

from copilot.retrieval.translations import TranslationGroups

DOCS = {
    "fees-en": {"topic": "fees", "audience": "customer", "lang": "en", "supersedes": "fees-en-v1"},
    "fees-fr": {"topic": "fees", "audience": "customer", "lang": "fr"},
    "fees-en-v1": {"topic": "fees", "audience": "customer", "lang": "en"},
    "fees-internal-en": {"topic": "fees", "audience": "internal", "lang": "en"},
    "mediation-fr": {"topic": "mediation", "audience": "customer", "lang": "fr"},
    "untagged": {"lang": "en"},
}
# one row per chunk: fees-en has two chunks
ROWS = [
    "fees-en",
    "fees-en",
    "fees-fr",
    "fees-en-v1",
    "fees-internal-en",
    "mediation-fr",
    "untagged",
]
LANGS = np.array([DOCS[d]["lang"] for d in ROWS], dtype=object)


def groups() -> TranslationGroups:
    return TranslationGroups.from_manifest(DOCS, ROWS, LANGS)


def test_only_articles_held_in_two_languages_form_a_group() -> None:
    g = groups()
    assert g.any
    assert g.group[0] == g.group[2] >= 0  # fees, customer: en and fr
    assert g.group[3] == -1  # a superseded version is nobody's translation
    assert g.group[4] == -1  # the internal article exists in English only
    assert g.group[5] == -1 and g.group[6] == -1
    assert g.article_of("fees-fr") == g.article_of("fees-en") == "fees/customer"
    assert g.article_of("mediation-fr") == "mediation-fr"
    assert g.article_of("not-in-kb") == "not-in-kb"


def test_a_translation_below_its_article_is_dropped_and_the_list_refilled() -> None:
    # ranking: fees-fr, fees-en (chunk 0), mediation, fees-en (chunk 1), untagged
    picked = groups().pick([2, 0, 5, 1, 6], k=3)
    assert picked == [2, 5, 6]


def test_same_language_chunks_and_older_versions_of_an_article_are_kept() -> None:
    # both chunks of fees-en, and its superseded version (asked for, marked by the retriever)
    assert groups().pick([0, 1, 3, 2], k=4) == [0, 1, 3]
    assert groups().pick([2, 3, 0], k=3) == [2, 3]


def test_the_preferred_language_version_takes_the_articles_place() -> None:
    g = groups()
    assert g.pick([0, 5, 2, 1], k=3, prefer_lang="fr") == [2, 5]
    # without a version in that language among the candidates, the best one stays
    assert g.pick([0, 5, 1], k=3, prefer_lang="de") == [0, 5, 1]
    assert g.pick([4, 5], k=2, prefer_lang="fr") == [4, 5]


def test_the_preferred_version_is_found_beyond_the_ranked_pool_when_allowed() -> None:
    g = groups()
    scores = np.arange(len(ROWS), dtype=float)
    allowed = np.ones(len(ROWS), dtype=bool)
    # fees-fr (row 2) is not among the ranked rows, but allowed
    assert g.pick([0, 5], k=2, prefer_lang="fr", scores=scores, allowed=allowed) == [2, 5]
    allowed[2] = False  # filtered out (another audience, a language filter...): not used
    assert g.pick([0, 5], k=2, prefer_lang="fr", scores=scores, allowed=allowed) == [0, 5]
    # the best-scoring chunk of the preferred version among several
    rows = ["fees-en", "fees-fr", "fees-fr"]
    langs = np.array(["en", "fr", "fr"], dtype=object)
    two_chunks = TranslationGroups.from_manifest(DOCS, rows, langs)
    everything = np.ones(3, dtype=bool)
    for scores, best in (([9.0, 1.0, 2.0], 2), ([9.0, 3.0, 2.0], 1)):
        picked = two_chunks.pick([0], 1, "fr", np.array(scores), everything)
        assert picked == [best]


def test_nothing_changes_without_translations() -> None:
    g = TranslationGroups.from_manifest({}, ROWS, LANGS)
    assert not g.any
    assert g.pick([6, 5, 4, 3, 2, 1, 0], k=5) == [6, 5, 4, 3, 2]
