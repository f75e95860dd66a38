"""The bilingual lexicon a knowledge base learns from its own translated passages."""

from __future__ import annotations

from knowledge_base.lexical import LexicalIndex, derive_lexicon


def test_lexicon_pairs_words_that_travel_together() -> None:
    pairs = [
        ("Les frais de retard sont plafonnés, dit le SMS.", "Late fees are capped, the SMS says."),
        ("Le remboursement arrive sous cinq jours (SMS).", "Refund within five days (SMS)."),
        ("Frais de retard : quinze euros.", "Late fees: fifteen euros."),
        ("Un remboursement partiel réduit les échéances.", "A partial refund lowers instalments."),
    ]
    texts = [fr for fr, _ in pairs] + [en for _, en in pairs]
    metas = [{"lang": "fr"}] * len(pairs) + [{"lang": "en"}] * len(pairs)
    index = LexicalIndex.build([f"c{i}" for i in range(len(texts))], texts, metas)
    aligned = [(i, i + len(pairs)) for i in range(len(pairs))]

    lexicon = derive_lexicon(index, aligned, min_units=2, min_dice=0.5)

    assert lexicon["rembours"] == "refund"
    assert lexicon["retard"] in {"late", "fee"}
    assert "sms" not in lexicon  # spelt alike: BM25 matches it already


def test_no_aligned_passages_no_lexicon() -> None:
    index = LexicalIndex.build(["a"], ["Late fees"], [{"lang": "en"}])
    assert derive_lexicon(index, []) == {}
