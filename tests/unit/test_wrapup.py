"""The offline wrap-up and hand-over brief on hand-made FR and EN contacts."""

from __future__ import annotations

from copilot.engines.offline import OfflineEngine
from copilot.engines.offline_handover import extract_handover
from copilot.engines.offline_wrapup import extract_summary
from copilot.engines.wrapup_scorer import load_weights
from copilot.engines.wrapup_sentences import FEATURES, clean_turn
from copilot.limits import redact_turn
from copilot.privacy import Redactor
from tests.agent_fakes import KeywordUnderstanding

EN = [
    {
        "role": "customer",
        "text": "Hi, I was charged a late fee on order <ORDER_1> and I paid on time.",
    },
    {"role": "advisor", "text": "Hello, thanks for waiting. I have checked the instalment."},
    {"role": "advisor", "text": "I have refunded the late fee to your card."},
    {"role": "advisor", "text": "You will receive a confirmation e-mail within 2 days."},
    {"role": "customer", "text": "Thanks. Can I also move my next due date to the 10th?"},
]
FR = [
    {
        "role": "customer",
        "text": "Bonjour, ma carte a été volée ce matin et je vois un paiement inconnu.",
    },
    {"role": "advisor", "text": "Bonjour, je suis Claire. J'ai bloqué votre carte tout de suite."},
    {"role": "advisor", "text": "Je vais ouvrir une contestation pour le paiement sous 48 heures."},
    {"role": "customer", "text": "Merci beaucoup, mon compte est <ACCOUNT_1>."},
]


def _route(sentiment: str, score: float, lang: str = "en") -> dict:
    return {"sentiment": sentiment, "sentiment_score": score, "language": lang, "flags": []}


def test_english_case_note_fields_come_from_the_right_turns() -> None:
    routes = [_route("negative", -0.6), _route("neutral", 0.1)]
    summary = extract_summary(EN, routes, [])
    assert summary.text.startswith("The customer says they were charged a late fee")
    assert "The agent says" in summary.text
    assert 2 <= summary.text.count(". ") + 1 <= 4  # two or three sentences
    assert "late fee" in summary.reason_for_contact and "Hi," not in summary.reason_for_contact
    assert any("refunded the late fee" in a for a in summary.actions_taken)
    assert summary.commitments == ["You will receive a confirmation e-mail within 2 days."]
    assert any("move my next due date" in f for f in summary.follow_ups)
    assert "Still open" in summary.text
    assert (
        summary.identifiers == ["<ORDER_1>"] and "order reference: <ORDER_1>" in summary.key_facts
    )
    assert (summary.sentiment_start, summary.sentiment_end) == ("negative", "neutral")
    assert summary.sentiment_trend == "improving"


def test_french_case_note_quotes_the_customer_and_keeps_french_labels() -> None:
    summary = extract_summary(FR, [_route("negative", -0.7, "fr")] * 2, [])
    assert summary.text.startswith("Le client écrit : « Ma carte a été volée ce matin")
    assert "Le conseiller répond : «" in summary.text and "»." not in summary.text
    assert any("J'ai bloqué votre carte" in a for a in summary.actions_taken)
    assert summary.commitments == [
        "Je vais ouvrir une contestation pour le paiement sous 48 heures."
    ]
    assert "numéro de compte: <ACCOUNT_1>" in summary.key_facts
    assert summary.sentiment_trend == "stable"


def test_a_contact_with_no_advisor_turn_still_has_a_note() -> None:
    summary = extract_summary(
        [{"role": "customer", "text": "Where is my refund for the sofa?"}], [], []
    )
    assert summary.text == "The customer asks where is their refund for the sofa?"
    assert summary.actions_taken == [] and summary.commitments == []


def test_tweet_noise_is_cleaned_before_scoring() -> None:
    raw = "@AirlineHelp Hi there, we have reset the line ^NO https://t.co/x 1/2"
    assert clean_turn(raw) == "Hi there, we have reset the line"


def test_shipped_weights_match_the_features() -> None:
    model = load_weights()
    assert len(model.weights) == len(FEATURES) and model.customer_words > 0


def test_handover_names_the_order_reference_and_date_of_birth_given_to_the_bot() -> None:
    raw = [
        {"role": "bot", "text": "Hello, I'm the Orvane assistant. How can I help?"},
        {"role": "customer", "text": "I was charged a late fee and it is unacceptable."},
        {"role": "bot", "text": "What is your order reference?"},
        {"role": "customer", "text": "It's CMD-582910K."},
        {"role": "bot", "text": "For security, what is your date of birth?"},
        {"role": "customer", "text": "My date of birth is 14/03/1986."},
        {"role": "bot", "text": "I'm passing you to an advisor."},
    ]
    redactor = Redactor()
    turns = [{"role": t["role"], "text": redact_turn(redactor, t["text"])[0].text} for t in raw]
    engine = OfflineEngine(KeywordUnderstanding())  # type: ignore[arg-type]
    brief = engine.handover(turns, redactor=redactor)
    assert brief.identifiers == ["<ORDER_1>", "<DOB_1>"]
    assert [redactor.restore(p) for p in brief.identifiers] == ["CMD-582910K", "14/03/1986"]
    not_again = " ".join(brief.do_not_ask_again)
    assert "order reference already given: <ORDER_1>" in not_again
    assert "date of birth already given: <DOB_1>" in not_again
    assert "«What is your order reference?» — answered: «It's <ORDER_1>.»" in not_again
    assert "CMD-582910K" not in not_again and "1986" not in not_again
    assert "late fee" in brief.customer_goal
    assert brief.sentiment == "negative" and "unacceptable" in brief.emotion
    assert any(d.startswith("bot: What is your order reference?") for d in brief.already_done)


def test_handover_in_french_uses_the_routes_it_is_given() -> None:
    turns = [
        {"role": "bot", "text": "Quelle est votre date de naissance ?"},
        {"role": "customer", "text": "Ma date de naissance est le <DOB_1>."},
        {"role": "customer", "text": "Votre robot ne comprend rien !"},
    ]
    routes = [_route("neutral", 0.0, "fr"), _route("negative", -0.8, "fr")]
    brief = extract_handover(turns, routes)
    assert brief.do_not_ask_again[0] == "date de naissance déjà donné: <DOB_1>"
    assert brief.sentiment_trend == "worsening"
    assert brief.emotion.startswith("mécontent (en dégradation): «Votre robot ne comprend rien")
