"""What reaches the customer (issue 13): audience, whole sentences, clean sent text, a check
that means something, slots from the right turn, and one language per reply.

A small KB (hash embeddings) shaped like the sample's trouble spots: a French internal
procedure with a table, an English customer article whose list items are label stubs, and a
French-only customer article.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from copilot.assembly import Copilot
from copilot.cli.assist import suggestion_json
from copilot.config import Settings
from copilot.drafting.grounding import check_draft
from copilot.drafting.prose import customer_text, is_prose
from copilot.engines.offline import OfflineEngine
from copilot.engines.offline_text import fill_slots, relevant_sentences
from copilot.retrieval.search import Retriever
from copilot.session import CopilotSession, DraftNotSendable
from copilot.state import Card, Decision, Draft
from copilot.store import open_store
from copilot.understanding.routing import Category, Route
from copilot.understanding.rules import find_cues
from knowledge_base.indexer import index_paths
from knowledge_base.store import KnowledgeBase
from tests.agent_fakes import ACTIONS, KeywordUnderstanding
from tests.conftest import write_article

INTERNAL_TABLE = (
    "Après vérification de l'identité, ouvrez l'historique des autorisations.\n\n"
    "## Codes de refus\n"
    "| Code | Cause | Ce que le client peut faire |\n|---|---|---|\n"
    "| RETARD | Échéance impayée : dépenses suspendues | Régler l'échéance via Commandes |\n"
    "| CATEGORIE | Jeux d'argent, crypto-actifs ou retrait d'espèces | Aucun contournement |\n"
)
CUSTOMER_LIST = (
    "## Checklist\n"
    "1. **Overdue instalment** – if any instalment is overdue, card spending is paused. "
    "2. **Blocked merchant categories** – the card cannot be used for crypto-asset exchanges.\n\n"
    "Crypto-asset exchanges and gambling sites cannot be paid with the Orvane card.\n"
)


class LanguageUnderstanding(KeywordUnderstanding):
    """Keyword routing, with the language of the turn itself."""

    def understand(self, text: str, history: list[dict]) -> Route:
        from knowledge_base.language import detect_language

        route = super().understand(text, history)
        return route.model_copy(update={"language": detect_language(text, default="en")})


@pytest.fixture
def retriever(tmp_path: Path, settings: Settings) -> Retriever:
    folder = tmp_path / "kb"
    write_article(folder, "card-declined-en", CUSTOMER_LIST, title="Card declined")
    write_article(
        folder,
        "refus-carte-interne-fr",
        INTERNAL_TABLE,
        title="Procédure conseiller - refus de carte crypto",
        lang="fr",
        audience="internal",
    )
    write_article(
        folder,
        "paiement-crypto-fr",
        "Les paiements en crypto-actifs ne sont pas acceptés pour régler une échéance. "
        "Vous pouvez payer par carte bancaire ou par virement.",
        title="Payer en crypto",
        lang="fr",
    )
    index_paths([folder], settings)
    return Retriever(KnowledgeBase.open(settings))


def session(retriever: Retriever, engine=None, store=None) -> CopilotSession:  # type: ignore[no-untyped-def]
    engine = engine or OfflineEngine(LanguageUnderstanding(), macros=[])
    return Copilot(engine, retriever, InMemorySaver(), actions=ACTIONS, store=store).session()


def card(n: int, text: str, audience: str = "customer", lang: str = "en") -> Card:
    return Card(
        n=n, doc_id=f"d{n}", chunk_id=f"d{n}#0", title="t", section="", lang=lang,
        effective_date="2026-01-01", version=3, audience=audience, text=text,
    )  # fmt: skip


def test_cards_say_their_audience_and_version(retriever: Retriever) -> None:
    s = session(retriever).customer_turn("Can I pay my instalments with crypto assets?")
    cards = suggestion_json(s)["cards"]
    assert cards and all({"audience", "version"} <= set(c) for c in cards)
    assert {c["audience"] for c in cards} <= {"customer", "internal"}
    from tui.widgets.reference import card_content

    shown = card_content(card(1, "x")).plain
    assert "customer" in shown and "v3" in shown
    assert "advisors only" in card_content(card(2, "x", audience="internal")).plain


def test_a_reply_never_cites_or_quotes_an_internal_passage(retriever: Retriever) -> None:
    s = session(retriever).customer_turn(
        "Can I pay my instalments with Bitcoin? Jeux d argent, crypto-actifs, codes de refus"
    )
    internal = {c.n for c in s.cards if c.audience != "customer"}
    assert internal, "the internal procedure should be among the cards"
    if s.draft.mode == "reply":
        assert not internal & set(s.draft.citations)
        assert "RETARD" not in s.draft.text and "|" not in s.draft.text
    else:  # a briefing may use it, marked as internal
        assert "internal" in s.draft.text


def test_the_check_refuses_a_reply_citing_an_internal_passage(retriever: Retriever) -> None:
    found = check_draft(
        "Pay the instalment from Orders [2].",
        {2: "Pay the instalment from Orders."},
        [],
        audiences={2: "internal"},
        langs={2: "en"},
        reply_lang="en",
    )
    assert found.internal == [2]

    class CitesInternal(OfflineEngine):
        def draft(self, **kwargs):  # type: ignore[no-untyped-def]
            n = next(c.n for c in kwargs["cards"] if c.audience != "customer")
            return Draft(mode="reply", text=f"Les crypto-actifs sont bloqués [{n}].")

    s = session(retriever, engine=CitesInternal(LanguageUnderstanding(), macros=[]))
    shown = s.customer_turn("Jeux d argent, crypto-actifs, codes de refus ?")
    assert shown.draft.internal and not shown.draft.sendable
    with pytest.raises(DraftNotSendable):
        s.decide(Decision(kind="accept"))
    assert s.decide(Decision(kind="edit", text="Nous vérifions.")) is None  # an explicit edit


def test_only_whole_sentences_of_prose_are_lifted() -> None:
    lifted = relevant_sentences(CUSTOMER_LIST, "crypto card", 5)
    assert lifted == [
        "Crypto-asset exchanges and gambling sites cannot be paid with the Orvane card."
    ]
    assert relevant_sentences(INTERNAL_TABLE.split("## Codes de refus")[1], "crypto", 5) == []
    for fragment in (
        "| RETARD | Échéance impayée | Régler |",
        "Overdue instalment – if any instalment is overdue, card spending is paused.",
        "## Codes de refus",
        "- see [the app](https://x.example) now.",
        "dépenses suspendues",
    ):
        assert not is_prose(fragment), fragment
    assert is_prose("La médiation est facultative : vous gardez le droit de saisir le juge.")


def test_a_draft_of_fragments_only_becomes_a_briefing() -> None:
    engine = OfflineEngine(LanguageUnderstanding(), macros=[])
    route = Route(category=Category.SIMPLE_QUESTION, confidence=0.8, intent="other",
                  intent_confidence=0.8, language="en", sentiment="neutral",
                  sentiment_score=0.0)  # fmt: skip
    table_only = "| Code | Cause |\n|---|---|\n| CATEGORIE | crypto |"
    draft = engine.draft(
        turn="crypto?", route=route, cards=[card(1, table_only)], transcript=[],
        abstained=False, instruction=None,
    )  # fmt: skip
    assert draft.mode == "briefing"


def test_what_is_sent_and_stored_is_clean(retriever: Retriever, settings: Settings) -> None:
    assert customer_text("Fee is **€5** [1]. Move it by [days?] days [2].") == (
        "Fee is €5. Move it by days."
    )
    store = open_store(settings)
    s = session(retriever, store=store)
    shown = s.customer_turn("Can I pay with crypto-asset exchanges on my card?")
    assert shown.draft.mode == "reply" and "[" in shown.draft.text  # the advisor sees citations
    s.decide(Decision(kind="accept"))
    sent = s.transcript()[-1]
    assert sent["role"] == "advisor" and "[" not in sent["text"]
    assert "[" not in s.records()[-1]["decision"]["text"]
    rows = store.db.query("SELECT final_text FROM decisions")
    assert rows and all(
        "[" not in (r[0] if isinstance(r, tuple) else r["final_text"]) for r in rows
    )


def test_correct_figures_are_not_flagged_and_unheld_sentences_are() -> None:
    found = check_draft(
        "A €5 fee applies after 3 days [1]. Fees are capped at the lower of €15 or 10% [1] [2].",
        {1: "A €5 fee applies after 3 days.", 2: "Fees are capped at the lower of €15 or 10%."},
        [],
    )
    assert found.unverified == [] and found.unsupported == []
    found = check_draft(
        "Refunds arrive within 30 days [1].", {1: "A €5 fee applies after 3 days."}, []
    )
    assert found.unsupported and found.unverified == ["30"]


def test_situational_slots_come_from_the_latest_turn() -> None:
    template = "I can move your {due_date} instalment by {days} days."
    text, missing = fill_slots(
        template, ("due_date", "days"),
        "Ok. And can I move my next due date by a few days? I get paid on the 5th.",
        "The instalment was due on 12/11 and I paid it on the 16th.",
    )  # fmt: skip
    assert "12/11" not in text and missing == ["due_date", "days"]
    text, _ = fill_slots(template, ("due_date",), "Can I move the one due on 03/12?", "")
    assert "03/12" in text
    # a late payment is a late-fee question, not a failed payment
    cues = find_cues("the instalment was due on 12/11 and i paid it on the 16th.")
    assert "late_fee_question" in cues.get("hints", "")


def test_a_reply_is_in_the_latest_turn_language_only(retriever: Retriever) -> None:
    from knowledge_base.language import detect_language

    s = session(retriever)
    s.customer_turn("Bonjour, je peux payer mes échéances en crypto-actifs ?")
    s.decide(Decision(kind="reject", reason="test"))
    shown = s.customer_turn("Sorry, in English: can I pay my instalments with crypto assets?")
    assert shown.route.language == "en"
    if shown.draft.mode == "reply":
        for sentence in customer_text(shown.draft.text).split(". "):
            assert detect_language(sentence, default="en") == "en", sentence
        assert not {c.n for c in shown.cards if c.lang == "fr"} & set(shown.draft.citations)
    assert any("French" in note for note in shown.draft.notes) or shown.draft.mode == "briefing"


def test_a_turn_without_language_keeps_the_contact_language() -> None:
    from copilot.understanding.pipeline import _language

    earlier = ["Can I move my next due date?", "CMD-582910K"]
    assert _language("Ok.", earlier) == "en"  # not French follow-ups in an English call
    assert _language("Ok.", ["Je peux décaler mon échéance ?", "CMD-582910K"]) == "fr"


def test_the_workspace_shows_no_tick_for_an_internal_or_fragment_reply() -> None:
    from tui.widgets.draft import checks_content, draft_content

    tick = "✓ every sentence has a source"
    assert tick in checks_content(Draft(mode="reply", text="Fee is €5 [1].")).plain
    internal = Draft(mode="reply", text="Code RETARD [2].", internal=[2])
    assert tick not in checks_content(internal).plain
    assert "internal [2]" in checks_content(internal).plain
    fragment = Draft(mode="reply", text="| GEL | x | [1].", fragments=["| GEL | x | [1]."])
    assert tick not in checks_content(fragment).plain
    noted = Draft(mode="reply", text="Fee is €5 [1].", notes=["[2] internal procedure: x"])
    assert "not sent" in draft_content(noted).plain


def test_a_no_policy_note_is_never_sent_with_one_key(
    retriever: Retriever, settings: Settings
) -> None:
    """ "No passage answers this: do not improvise" is written to the advisor: accepting it as it
    stands would send that to the customer (copilot assist once did, by default)."""
    from copilot.cli.assist import default_decision
    from copilot.engines.offline import PHRASES

    class FindsNothing(OfflineEngine):
        def draft(self, **kwargs):  # type: ignore[no-untyped-def]
            return Draft(mode="reply", text=PHRASES["no_policy"]["en"], no_policy_found=True)

    s = session(retriever, engine=FindsNothing(LanguageUnderstanding(), macros=[]))
    shown = s.customer_turn("What is the weather like on Mars for my holiday?")
    assert shown.draft.no_policy_found and shown.draft.one_key_refusal
    assert default_decision(shown).kind == "reject"
    with pytest.raises(DraftNotSendable):
        s.decide(Decision(kind="accept"))
    assert s.decide(Decision(kind="edit", text="Let me check that for you.")) is None
    assert s.transcript()[-1] == {"role": "advisor", "text": "Let me check that for you."}


def test_an_edit_is_cleaned_before_it_is_redacted(retriever: Retriever, settings: Settings) -> None:
    """A citation mark inside a value hid it from detection, and cleaning then joined it."""
    store = open_store(settings)
    s = session(retriever, store=store)
    s.customer_turn("Can I pay with crypto-asset exchanges on my card?")
    s.decide(Decision(kind="edit", text="I will call you on 06 12 34[1] 56 78 about it."))
    stored = [r["decision"]["text"] for r in s.records()] + [
        r[0] if isinstance(r, tuple) else r["final_text"]
        for r in store.db.query("SELECT final_text FROM decisions")
    ]
    assert stored and not any("56 78" in t or "12 34" in t for t in stored), stored
    assert "06 12 34 56 78" in s.transcript()[-1]["text"]  # the advisor still reads it


def test_a_briefing_note_on_another_language_source_is_no_unsupported_sentence() -> None:
    """ "(source in French)" once trailed its sentence, and the check flagged it as a sentence
    with no source: three false warnings on every English briefing over French passages."""
    from copilot.engines.offline_text import ADVISORY_HEADINGS

    engine = OfflineEngine(LanguageUnderstanding(), macros=[])
    route = Route(category=Category.COMPLAINT, confidence=0.8, intent="other",
                  intent_confidence=0.8, language="en", sentiment="negative",
                  sentiment_score=-0.5)  # fmt: skip
    passage = "Vous pouvez suspendre votre abonnement une fois par an, pour un à trois mois."
    cards = [card(1, passage, lang="fr"), card(2, passage, lang="fr", audience="internal")]
    draft = engine.draft(
        turn="Can I pause my membership?", route=route, cards=cards, transcript=[],
        abstained=False, instruction=None,
    )  # fmt: skip
    assert draft.mode == "briefing" and "source in French" in draft.text
    found = check_draft(draft.text, {1: passage, 2: passage}, [], ADVISORY_HEADINGS)
    assert found.unsupported == []
