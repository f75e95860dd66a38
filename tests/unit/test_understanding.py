"""The offline understanding: normalisation, cue rules FR/EN, sentiment, trend, routing.

Fast tests use the hashing embedder (no meaning, so they check rules and plumbing, not the
intent classifier); the regression test on the labelled set uses the real e5 model.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copilot.understanding import rules
from copilot.understanding.pipeline import (
    SAMPLE_INTENTS,
    Understanding,
    load_intents,
    sentiment_trend,
)
from copilot.understanding.routing import HUMAN_LED, Category, Flag
from knowledge_base.embeddings import HashEmbedder

LABELLED = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "routing_turns.jsonl"


@pytest.fixture(scope="module")
def understanding() -> Understanding:
    return Understanding(HashEmbedder(), load_intents(SAMPLE_INTENTS))


def cues(text: str) -> dict[str, str]:
    return rules.find_cues(rules.normalize(text))


# ------------------------------------------------------------------ intents and normalising
def test_load_intents_reads_the_catalogue() -> None:
    intents = load_intents(SAMPLE_INTENTS)
    assert len(intents) >= 30
    assert {"complaint", "hardship", "suspected_fraud", "contact_human"} <= {i.id for i in intents}
    assert all(i.examples_en and i.examples_fr for i in intents)


def test_load_intents_names_the_malformed_entry(tmp_path: Path) -> None:
    path = tmp_path / "intents.yaml"
    path.write_text("- id: a\n  category: simple_question\n- id: b\n  category: urgent\n")
    with pytest.raises(ValueError, match="intent #2"):
        load_intents(path)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("C'est INADMISSIBLE !", " c est inadmissible "),
        ("jveux parler à un conseiller stp", " je veux parler a un conseiller stp "),
        ("pk g été prélevé ??", " pourquoi j ai ete preleve "),
        ("c innadmissible", " c est inadmissible "),  # one-letter typo corrected
        ("I cant afford it", " i can t afford it "),
        ("vous me conseillez quoi", " vous me conseillez quoi "),  # inflection left alone
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert rules.normalize(raw) == expected


# ---------------------------------------------------------------------------- cue rules
@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("C'est scandaleux, trois semaines sans réponse", "complaint"),
        ("je veux faire une reclamation", "complaint"),
        ("This is unacceptable, I want to make a formal complaint", "complaint"),
        ("worst customer service ever", "complaint"),
        ("je vais prendre un avocat", "legal"),
        ("si rien ne bouge je saisis le médiateur", "legal"),
        ("I'll see you in court", "legal"),
        ("I'm reporting you to a consumer association", "legal"),
        ("jai un achat que je n'ai pas fait sur mon compte", "fraud"),
        ("mon compte a ete pirate", "fraud"),
        ("someone used my card online", "fraud"),
        ("there's a payment I didn't make", "fraud"),
        ("I clicked the link in the text and typed my password", "fraud"),
        ("j'ai perdu mon emploi", "vulnerable"),
        ("je narrive plus a payer", "vulnerable"),
        ("I can't afford my payments anymore", "vulnerable"),
        ("my mum passed away last month", "vulnerable"),
        ("je divorce", "vulnerable"),
        ("je veux parler a un conseiller", "human"),
        ("un humain svp", "human"),
        ("real person please", "human"),
        ("can I talk to an agent", "human"),
        ("I want to close my account", "churn"),
        ("je vais partir chez un concurrent", "churn"),
        ("should I pay it all off now?", "advice"),
        ("est-ce que je devrais solder maintenant ?", "advice"),
        ("it's going to be tight before payday", "proactive"),
        ("I was charged twice for one order", "complex"),
        ("on m'a volé ma carte", "lost_stolen"),
    ],
)
def test_cue_fires(text: str, cue: str) -> None:
    assert cue in cues(text)


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("this is ridiculous, where is my refund?", "complaint"),
        ("Ras le bol de cette appli, comment je me connecte ?", "complaint"),
        ("I entered my PIN wrong three times", "fraud"),
        ("ma carte a été volée, il faut porter plainte ?", "legal"),
        ("Can I go to a mediator?", "legal"),
        ("I can't pay with my card online", "vulnerable"),
        ("j'arrive pas à payer avec ma carte", "vulnerable"),
        ("my phone died", "vulnerable"),
        ("what are the benefits of pay in 4", "vulnerable"),
        ("what are your opening hours?", "human"),
        ("un conseiller m'a appelé hier", "human"),
        ("what should I do if my card is declined", "advice"),
        ("I found my card after blocking it", "lost_stolen"),
    ],
)
def test_cue_does_not_fire(text: str, cue: str) -> None:
    assert cue not in cues(text)


# ------------------------------------------------------------------------- whole routes
@pytest.mark.parametrize(
    ("text", "category", "flag"),
    [
        ("C'est inadmissible, je veux déposer une réclamation", Category.COMPLAINT, None),
        ("Your service is a disgrace, I want to complain", Category.COMPLAINT, None),
        ("je vais porter plainte contre vous", Category.COMPLAINT, Flag.LEGAL_THREAT),
        ("my lawyer will contact you", Category.COMPLAINT, Flag.LEGAL_THREAT),
        ("qqn a utilisé ma carte, c'est pas moi", Category.SENSITIVE_DATA, Flag.FRAUD_SUSPECTED),
        ("I think my account was hacked", Category.SENSITIVE_DATA, Flag.FRAUD_SUSPECTED),
        ("j'ai perdu mon travail, comment je fais ?", None, Flag.VULNERABLE_CUSTOMER),
        ("I've been ill for months and can't cope", None, Flag.VULNERABLE_CUSTOMER),
        ("passez-moi un conseiller", None, Flag.ASKS_FOR_HUMAN),
        ("agent please", None, Flag.ASKS_FOR_HUMAN),
        ("je veux résilier, je pars chez un concurrent", None, Flag.CHURN_RISK),
        ("close my account, I'm leaving", None, Flag.CHURN_RISK),
    ],
)
def test_understand_routes_fr_en(
    understanding: Understanding, text: str, category: Category | None, flag: Flag | None
) -> None:
    route = understanding.understand(text)
    if category is not None:
        assert route.category is category, route.reasons
    if flag is not None:
        assert flag in route.flags, route.reasons
    if flag is not Flag.CHURN_RISK:
        assert route.human_led, route.reasons
    assert route.reasons


def test_sensitive_personal_data_routes_to_sensitive_data(understanding: Understanding) -> None:
    route = understanding.understand("voici mon IBAN FR76 3000 6000 0112 3456 7890 189 merci")
    assert route.category is Category.SENSITIVE_DATA


def test_vulnerability_with_an_upcoming_payment_is_a_proactive_opportunity(
    understanding: Understanding,
) -> None:
    route = understanding.understand("I lost my job and it's going to be tight before payday")
    assert route.category is Category.PROACTIVE_OPPORTUNITY
    assert Flag.VULNERABLE_CUSTOMER in route.flags


def test_route_fields_are_filled(understanding: Understanding) -> None:
    route = understanding.understand("Bonjour, merci beaucoup pour votre aide !")
    assert route.language == "fr"
    assert route.intent in {i.id for i in understanding.intents}
    assert 0.0 <= route.confidence <= 1.0 and 0.0 <= route.intent_confidence <= 1.0
    assert route.sentiment == "positive"
    assert understanding.understand("Hello, thanks a lot!").language == "en"


def test_empty_turn_is_refused(understanding: Understanding) -> None:
    with pytest.raises(ValueError, match="empty"):
        understanding.understand("   ")


def test_understand_many_matches_understand(understanding: Understanding) -> None:
    texts = ["je veux parler à un humain", "When is my next payment?", "mon compte a été piraté"]
    assert understanding.understand_many(texts, batch_size=2) == [
        understanding.understand(t) for t in texts
    ]


# ------------------------------------------------------------------------------- history
def test_history_keeps_flags_that_stay_true(understanding: Understanding) -> None:
    history = [
        {"role": "customer", "text": "J'ai perdu mon emploi le mois dernier."},
        {"role": "advisor", "text": "Je suis désolé, voyons ce que nous pouvons faire."},
    ]
    route = understanding.understand("c'est quand ma prochaine échéance ?", history)
    assert Flag.VULNERABLE_CUSTOMER in route.flags
    assert route.human_led
    assert any("earlier in the conversation" in r for r in route.reasons)


def test_advisor_turns_do_not_raise_customer_flags(understanding: Understanding) -> None:
    history = [{"role": "advisor", "text": "Si vous avez perdu votre emploi, dites-le nous."}]
    route = understanding.understand("Merci, c'est noté", history)
    assert Flag.VULNERABLE_CUSTOMER not in route.flags


def test_sentiment_trend_from_history(understanding: Understanding) -> None:
    angry = [{"role": "customer", "text": "C'est scandaleux, service nul !!!"}]
    calm = [{"role": "customer", "text": "Merci, parfait, super service"}]
    assert understanding.understand("Merci beaucoup, c'est parfait", angry).sentiment_trend == (
        "improving"
    )
    assert understanding.understand("C'est honteux, vraiment nul !!", calm).sentiment_trend == (
        "worsening"
    )
    assert understanding.understand("ok", []).sentiment_trend == "stable"


# ----------------------------------------------------------------------------- sentiment
@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("Merci beaucoup, c'est parfait", 1),
        ("Thanks, that was really helpful", 1),
        ("C'est inadmissible, service nul", -1),
        ("worst service ever, I'm furious", -1),
        ("I'm not happy at all", -1),
        ("je ne suis pas content", -1),
        ("quand est ma prochaine échéance ?", 0),
        ("When is my next payment?", 0),
    ],
)
def test_sentiment_polarity(text: str, sign: int) -> None:
    score = rules.sentiment_score(text)
    assert -1.0 <= score <= 1.0
    if sign == 0:
        assert abs(score) < 0.2
    else:
        assert score * sign >= 0.2


def test_sentiment_intensity_from_caps_and_punctuation() -> None:
    plain = rules.sentiment_score("this is unacceptable")
    assert rules.sentiment_score("this is UNACCEPTABLE!!!") < plain < 0


def test_sentiment_trend_thresholds() -> None:
    assert sentiment_trend(0.5, [-0.5, -0.3]) == "improving"
    assert sentiment_trend(-0.6, [0.1]) == "worsening"
    assert sentiment_trend(0.0, [0.1, -0.1]) == "stable"
    assert sentiment_trend(0.9, []) == "stable"


# ------------------------------------------------------------------------ cache and speed
def test_example_embeddings_are_cached_on_disk(tmp_path: Path) -> None:
    class CountingEmbedder(HashEmbedder):
        name = "counting-hash"
        calls = 0

        def embed_query(self, text: str):  # type: ignore[no-untyped-def]
            CountingEmbedder.calls += 1
            return super().embed_query(text)

    Understanding(CountingEmbedder(), load_intents(SAMPLE_INTENTS), cache_dir=tmp_path)
    first = CountingEmbedder.calls
    assert first > 100 and list(tmp_path.glob("intents-*.npy"))
    from copilot.understanding import intent_index

    intent_index._MATRIX_CACHE.clear()
    Understanding(CountingEmbedder(), load_intents(SAMPLE_INTENTS), cache_dir=tmp_path)
    assert CountingEmbedder.calls == first  # read back from disk, nothing embedded again


def test_understanding_embeds_a_turn_once(understanding: Understanding) -> None:
    """The step's cost is one query embedding: earlier turns and the intent examples are not
    embedded again (its time is measured by benchmarks/bench_understanding.py, not here)."""
    text = (
        "Bonjour, je voulais savoir quand tombe ma prochaine échéance, et aussi pourquoi j'ai eu "
        "des frais de retard alors que j'avais payé à temps le mois dernier. Merci d'avance."
    )
    history = [{"role": "customer", "text": "Bonjour, j'ai une question sur mon paiement."}]
    understanding.understand(text, history)
    calls: list[str] = []
    embed = understanding.embedder.embed_query

    def counted(query: str):  # type: ignore[no-untyped-def]
        calls.append(query)
        return embed(query)

    understanding.embedder.embed_query = counted  # type: ignore[method-assign]
    try:
        for _ in range(5):
            understanding.understand(text, history)
    finally:
        understanding.embedder.embed_query = embed  # type: ignore[method-assign]
    assert calls == [text] * 5


# --------------------------------------------------------------------------- real model
@pytest.mark.model
def test_labelled_set_human_led_recall_with_e5() -> None:
    from knowledge_base.embeddings import E5Embedder

    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 220
    routes = Understanding(E5Embedder(), load_intents(SAMPLE_INTENTS)).understand_many(
        [r["text"] for r in rows]
    )
    human = [(r, x) for r, x in zip(rows, routes, strict=True) if r["category"] in HUMAN_LED]
    recall = sum(x.human_led for _, x in human) / len(human)
    assert recall >= 0.97
    for flag in Flag:
        gold = [x for r, x in zip(rows, routes, strict=True) if flag.value in r["flags"]]
        assert sum(flag in x.flags for x in gold) / len(gold) >= 0.9, flag
