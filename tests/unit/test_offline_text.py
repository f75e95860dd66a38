"""Sentences the offline engine lifts from knowledge cards."""

from __future__ import annotations

from copilot.drafting.grounding import split_sentences
from copilot.engines.offline_text import briefing_sentences, is_statement, limit_sentences, plain

# a numbered list whose lines the chunker joined, as cards show them
JOINED_LIST = (
    "## Les points à vérifier 1. **Plafond disponible** : la carte utilise le même plafond. "
    "Voir **Accueil > Disponible**. 2. **Échéance en retard** : tant qu'une échéance est "
    "impayée, les paiements sont suspendus. 3. **Carte gelée** : dégelez-la en 5 minutes."
)


def test_list_numbers_inside_joined_lines_are_removed() -> None:
    sentences = split_sentences(plain(JOINED_LIST))
    assert "2." not in sentences and "3." not in sentences
    assert "Carte gelée : dégelez-la en 5 minutes." in sentences
    assert plain("1. First step.\n2. Second step.") == "First step.\nSecond step."
    # a figure that is not a list number stays
    figure = "Le plafond passe à 300. 5 jours plus tard il revient."
    assert plain(figure) == figure


def test_policy_limits_are_statements_not_fragments() -> None:
    limits = limit_sentences([(4, JOINED_LIST)], 5)
    assert limits == [(4, "Carte gelée : dégelez-la en 5 minutes.")]
    assert limit_sentences([(1, "Fees:\n\n2.\n\n15 €")], 5) == []
    assert is_statement("The fee is capped at 15 euros.")
    assert not is_statement("2.") and not is_statement("15 € (2024)")


def test_table_rows_read_as_sentences() -> None:
    table = (
        "| Jour | Ce qui se passe |\n|---|---|\n"
        "| J4 | Si l'échéance est toujours impayée : frais de retard de 5 €. |\n"
        "| J14 | Seconds frais de 5 €. |"
    )
    text = plain(table)
    assert "|" not in text and "---" not in text
    assert limit_sentences([(2, table)], 5) == [
        (2, "J4 : Si l'échéance est toujours impayée : frais de retard de 5 €."),
        (2, "J14 : Seconds frais de 5 €."),
    ]


def test_a_briefing_keeps_the_heading_a_short_list_item_sits_under() -> None:
    """Lifted alone, "Your password or app passcode." reads as something to ask for."""
    passage = (
        "- Your password or app passcode.\n"
        "- Your full card number, expiry date combined with CVC, or your PIN.\n\n"
        "If someone claiming to be from us asks for any of these, end the conversation."
    )
    lifted = briefing_sentences(passage, "password passcode", 1, "What we will never ask you")
    assert lifted == ["What we will never ask you: Your password or app passcode."]
    headed = "## Fees\n- No late fees are added while a plan is in place.\n"
    assert briefing_sentences(headed, "late fees", 1) == [
        "Fees: No late fees are added while a plan is in place."
    ]
    prose = "Late fees are capped at 10 euros per instalment and 15 euros per order in total."
    assert briefing_sentences(prose, "late fees", 1, "Caps") == [prose]
