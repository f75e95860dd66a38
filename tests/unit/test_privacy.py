"""Tests for copilot.privacy: PII detection, reversible redaction, invisible characters."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from stdnum import iban as stdiban
from stdnum import luhn
from stdnum.fr import nir as stdnir

from copilot.privacy import (
    Entity,
    Redaction,
    Redactor,
    detect,
    has_sensitive_data,
    strip_invisible,
)

GOLDEN = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "pii_golden.jsonl"


def found(text: str) -> list[tuple[str, str]]:
    return [(e.type, e.value) for e in detect(text)]


def types(text: str) -> set[str]:
    return {e.type for e in detect(text)}


def make_card(prefix: str, length: int, seed: str = "7301946285") -> str:
    body = (prefix + seed * 3)[: length - 1]
    return body + luhn.calc_check_digit(body)


def make_iban(cc: str, bban: str) -> str:
    return cc + stdiban.calc_check_digits(cc + "00" + bban) + bban


def make_nir(body13: str) -> str:
    return body13 + stdnir.calc_check_digits(body13)


VISA = make_card("4", 16)  # 16 digits, Luhn-valid
MC = make_card("53", 16)
AMEX = make_card("37", 15)
IBAN_FR = make_iban("FR", "20041010050500013M02606")
IBAN_DE = make_iban("DE", "370400440532013000")
IBAN_IT = make_iban("IT", "X0542811101000000123456")
IBAN_NL = make_iban("NL", "ABNA0417164300")
IBAN_PT = make_iban("PT", "000201231234567890154")
NIR_75 = make_nir("1840375113042")
NIR_2A = make_nir("291062A004118")
NIR_2B = make_nir("177012B032071")


def spaced(s: str, size: int = 4, sep: str = " ") -> str:
    return sep.join(s[i : i + size] for i in range(0, len(s), size))


def broken_luhn(d: str) -> str:
    return d[:-1] + str((int(d[-1]) + 3) % 10)


# ----------------------------------------------------------------------- CARD
@pytest.mark.parametrize(
    "number",
    [
        spaced(VISA),
        spaced(VISA, sep="-"),
        spaced(VISA, sep="."),
        VISA,
        spaced(MC),
        f"{AMEX[:4]} {AMEX[4:10]} {AMEX[10:]}",
        make_card("4", 13),
        spaced(make_card("62", 19)),
        spaced(make_card("36", 14)),
    ],
)
def test_card_valid_formats(number: str) -> None:
    assert found(f"ma carte c'est la {number}, merci") == [("CARD", number)]


def test_card_failing_luhn_is_ignored() -> None:
    assert found(f"card {spaced(broken_luhn(VISA))} declined") == []
    assert found(f"carte {broken_luhn(AMEX)}") == []


def test_card_with_expiry_and_cvv_after_it() -> None:
    # the expiry and the CVV are secrets of their own, never part of the card number
    assert found(f"{spaced(VISA)} 12/27 cvv 123") == [
        ("CARD", spaced(VISA)),
        ("EXPIRY", "12/27"),
        ("CVV", "123"),
    ]
    assert found(f"{spaced(VISA)} 06/29") == [("CARD", spaced(VISA)), ("EXPIRY", "06/29")]


def test_card_needs_plausible_brand_length() -> None:
    assert found(make_card("9", 16)) == []  # no scheme starts with 9
    assert found(make_card("4", 15)) == []  # Visa is 13, 16 or 19 digits


# ----------------------------------------------------------------------- IBAN
@pytest.mark.parametrize("number", [IBAN_FR, IBAN_DE, IBAN_IT, IBAN_NL, IBAN_PT])
def test_iban_compact_spaced_lowercase(number: str) -> None:
    for variant in (number, stdiban.format(number), stdiban.format(number).lower()):
        assert found(f"mon IBAN : {variant}. Merci") == [("IBAN", variant)]


def test_iban_followed_by_words_and_bic() -> None:
    text = f"IBAN {stdiban.format(IBAN_FR)} BIC AGRIFRPPXXX merci"
    assert found(text) == [("IBAN", stdiban.format(IBAN_FR))]


def test_iban_wrong_check_digits() -> None:
    bad = f"{IBAN_DE[:2]}{(int(IBAN_DE[2:4]) + 1) % 97:02d}{IBAN_DE[4:]}"
    assert not stdiban.is_valid(bad)
    assert found(f"IBAN {stdiban.format(bad)}") == []
    assert found(f"IBAN {bad}") == []


# ------------------------------------------------------------------------ NIR
@pytest.mark.parametrize("number", [NIR_75, NIR_2A, NIR_2B])
def test_nir_formats(number: str) -> None:
    for variant in (number, stdnir.format(number), number[:13] + " " + number[13:]):
        assert found(f"numéro de sécu {variant} merci") == [("NIR", variant)]


def test_nir_wrong_key() -> None:
    bad = f"{NIR_75[:13]}{(int(NIR_75[13:]) + 5) % 97:02d}"
    assert found(f"sécu {stdnir.format(bad)}") == []
    assert found(f"sécu {NIR_2A[:13]}00") == []


# ---------------------------------------------------------------------- PHONE
@pytest.mark.parametrize(
    "number",
    [
        "06 12 34 56 78",
        "06.12.34.56.78",
        "06-12-34-56-78",
        "0612345678",
        "01 45 67 89 10",
        "+33 6 12 34 56 78",
        "+33612345678",
        "0033 6 12 34 56 78",
        "+33 (0)6 12 34 56 78",
        "06\u00a012\u00a034\u00a056\u00a078",
        "+44 20 7946 0958",
        "+1 (415) 555-0132",
        "+32 470 12 34 56",
        "+49 151 23456789",
    ],
)
def test_phone_formats(number: str) -> None:
    assert found(f"vous pouvez me joindre au {number} demain") == [("PHONE", number)]
    assert found(f"{number}") == [("PHONE", number)]


def test_phone_after_explicit_cue_accepts_other_shapes() -> None:
    assert found("my mobile is 07700 900123") == [("PHONE", "07700 900123")]
    assert found("call me at 415-555-0132 please") == [("PHONE", "415-555-0132")]


@pytest.mark.parametrize(
    "text",
    [
        "Ma référence de dossier : 0612345678",
        "Le numéro de commande c'est 06 12 34 56 78",
        "numéro de suivi 0145237890, colis bloqué",
        "La transaction 0712345678 apparaît deux fois",
        "order number 0623456789",
        "tracking: 06 12 34 56 78",
        "Invoice 0412345678 dated 12/03/2025",
        "Mon numéro de client est 0123456789",
        "J'ai payé 1 250,00 € le 12/03/2026 à 14h30",
        "total $1,299.99 on 2025-02-03, APR 12.5%",
        "Le code postal 75011, SIREN 732 829 320",
    ],
)
def test_phone_negatives(text: str) -> None:
    assert "PHONE" not in types(text)


def test_phone_cue_wins_over_earlier_reference_cue() -> None:
    text = "numéro de colis 0612345678, et mon tel c'est le 0698765432"
    assert found(text) == [("PHONE", "0698765432")]
    assert found("Pour le dossier, rappelez-moi au 0698765432") == [("PHONE", "0698765432")]


# ---------------------------------------------------------------------- EMAIL
@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Mon mail: Jean.Dupont@Orange.fr.", "Jean.Dupont@Orange.fr"),
        ("write to emily_r+bills@mail.co.uk, thanks", "emily_r+bills@mail.co.uk"),
        ("c'est jean.dupont arobase gmail point com", "jean.dupont arobase gmail point com"),
        ("email jd [at] free.fr please", "jd [at] free.fr"),
    ],
)
def test_email(text: str, value: str) -> None:
    assert found(text) == [("EMAIL", value)]


def test_email_negatives() -> None:
    assert found("I am at home dot com") == []
    assert found("le @ ne marche pas sur mon clavier") == []


# ------------------------------------------------------------------------ DOB
@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("je suis née le 12/03/1985 à Brest", "12/03/1985"),
        ("né le 1er avril 1990", "1er avril 1990"),
        ("Date de naissance : 07.11.1962", "07.11.1962"),
        ("ma date de naissance, c'est le 3 février 1979", "3 février 1979"),
        ("I was born on March 12, 1985.", "March 12, 1985"),
        ("date of birth: 12 March 1985", "12 March 1985"),
        ("DOB 1985-03-12", "1985-03-12"),
        ("DOB: 12-Mar-1985", "12-Mar-1985"),
        ("My birthday is the 4th of July 1990", "4th of July 1990"),
        ("I was born in Leeds on 02-05-1971", "02-05-1971"),
    ],
)
def test_dob(text: str, value: str) -> None:
    assert found(text) == [("DOB", value)]


@pytest.mark.parametrize(
    "text",
    [
        "L'échéance du 12/03/2026 est de 45,90 €",
        "ma commande du 4 mars n'est pas arrivée",
        "due on 12/03/2026",
        "delivered on March 4, 2025",
        "Mon anniversaire c'est le 12 mars, je voulais un cadeau",
        "Ma fille est née en 2010.",
    ],
)
def test_non_birth_dates(text: str) -> None:
    assert "DOB" not in types(text)


# -------------------------------------------------------------------- ADDRESS
@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("j'habite au 12 rue de la République, 69002 Lyon depuis 3 ans",
         "12 rue de la République, 69002 Lyon"),
        ("je vis au 3 bis, rue des Fleurs 31400 Toulouse", "3 bis, rue des Fleurs 31400 Toulouse"),
        ("adresse : 27 avenue du Maréchal Leclerc", "27 avenue du Maréchal Leclerc"),
        ("livrez au 8 impasse des lilas et pas ailleurs", "8 impasse des lilas"),
        ("my address is 4 Baker Street, London NW1 6XE", "4 Baker Street, London NW1 6XE"),
        ("ship to 1600 Amphitheatre Parkway, Mountain View, CA 94043",
         "1600 Amphitheatre Parkway, Mountain View, CA 94043"),
        ("i live at 221b baker street", "221b baker street"),
    ],
)  # fmt: skip
def test_address(text: str, value: str) -> None:
    assert found(text) == [("ADDRESS", value)]


@pytest.mark.parametrize(
    "text",
    [
        "J'ai suivi 3 cours de yoga",
        "I live on Baker Street, near the station",
        "Il y a 2 rues qui portent ce nom",
        "J'habite dans le 75011",
        "my postcode is NW1 6XE",
        "wait 5 more minutes drive",
        "Le magasin est au niveau 2, allée B.",
    ],
)
def test_address_negatives(text: str) -> None:
    assert "ADDRESS" not in types(text)


# ------------------------------------------------------------ ACCOUNT / ORDER
@pytest.mark.parametrize("value", ["ORV-40213377", "ORV 40213377", "orv-40213377", "ORV40213377"])
def test_account(value: str) -> None:
    assert found(f"mon compte {value} svp") == [("ACCOUNT", value)]


@pytest.mark.parametrize("value", ["CMD-582910K", "cmd-582910k", "CMD 582910K", "CMD582910K"])
def test_order(value: str) -> None:
    assert found(f"commande {value} pas reçue") == [("ORDER", value)]


def test_account_order_negatives() -> None:
    assert found("compte ORV-4021337 ou ORV-402133771") == []
    assert found("commande CMD-58291 ou CMD-5829101") == []


# ----------------------------------------------------------------------- NAME
@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Bonjour, je m'appelle Jean-Pierre de La Fontaine et j'ai un souci",
         "Jean-Pierre de La Fontaine"),
        ("Je m’appelle Zoé Nguyễn", "Zoé Nguyễn"),
        ("mon nom est DUPONT Jean.", "DUPONT Jean"),
        ("Moi c'est Inès, je vous écris", "Inès"),
        ("Bonjour, c'est Hugo Martin à l'appareil", "Hugo Martin"),
        ("my name is Paddy O'Neill and this is urgent", "Paddy O'Neill"),
        ("Hello, this is Marco Rossi from Milan", "Marco Rossi"),
        ("This is Amelia Clarke speaking", "Amelia Clarke"),
        ("I'm Sarah Connor, the account holder", "Sarah Connor"),
        ("Thank you Mrs Okafor", "Okafor"),
        ("La commande est au nom de Anne-Sophie Lemaire.", "Anne-Sophie Lemaire"),
        ("My wife Ruth was born in Wales", "Ruth"),
    ],
)  # fmt: skip
def test_name(text: str, value: str) -> None:
    assert found(text) == [("NAME", value)]


@pytest.mark.parametrize(
    "text",
    [
        "I'm French but I live in London",
        "I'm calling about my refund",
        "this is ridiculous",
        "This is Orvane customer service",
        "my name is on the account",
        "Je suis Française",
        "C'est Noël bientôt",
        "Bonjour Madame, je voudrais un remboursement",
        "Bonjour Madame Je voudrais un remboursement",
        "I'm Going to cancel",
    ],
)
def test_name_negatives(text: str) -> None:
    assert "NAME" not in types(text)


# ---------------------------------------------------------------- resolution
def test_overlaps_prefer_checksum_types_and_are_sorted() -> None:
    text = f"IBAN {stdiban.format(IBAN_FR)} et carte {spaced(VISA)}, tel 06 12 34 56 78"
    ents = detect(text)
    assert [e.type for e in ents] == ["IBAN", "CARD", "PHONE"]
    assert all(a.end <= b.start for a, b in zip(ents, ents[1:], strict=False))
    assert all(text[e.start : e.end] == e.value for e in ents)


def test_email_containing_digits_is_one_entity() -> None:
    assert found("jean.0612345678@gmail.com") == [("EMAIL", "jean.0612345678@gmail.com")]


def test_mixed_turn() -> None:
    text = (
        f"Je m'appelle Léa Moreau, née le 12/03/1985, compte ORV-40213377, "
        f"commande CMD-582910K, mail lea.moreau@free.fr, tel +33 6 12 34 56 78, "
        f"carte {spaced(MC)} et IBAN {IBAN_NL}."
    )
    assert [e.type for e in detect(text)] == [
        "NAME", "DOB", "ACCOUNT", "ORDER", "EMAIL", "PHONE", "CARD", "IBAN",
    ]  # fmt: skip


# ----------------------------------------------------------- held-out turns
HELD_OUT = [
    ("Bjr, ma cb c 4539 1488 0343 6467 svp faites vite", [("CARD", "4539 1488 0343 6467")]),
    (
        "CB n°5555-5555-5555-4444 exp 03/27 crypto 123",
        [("CARD", "5555-5555-5555-4444"), ("EXPIRY", "03/27"), ("CVV", "123")],
    ),
    ("virement depuis DE89 3704 0044 0532 0130 00 hier", [("IBAN", "DE89 3704 0044 0532 0130 00")]),
    ("sécu 2 53 07 2B 073 004 70", [("NIR", "2 53 07 2B 073 004 70")]),
    ("Tél. : 01-45-67-89-10", [("PHONE", "01-45-67-89-10")]),
    ("WhatsApp +49 151 23456789", [("PHONE", "+49 151 23456789")]),
    ("Votre commande n° 0312457896 a été expédiée", []),
    ("sa date de naissance est le 14 juillet 1989", [("DOB", "14 juillet 1989")]),
    ("la facture du 12/03/1985 n'est pas bonne", []),
    ("Hi, I'm Tom. Order cmd-123456z never came", [("NAME", "Tom"), ("ORDER", "cmd-123456z")]),
    ("Version de l'appli : 4.12.3, erreur 0x80070005", []),
    ("Plan 3x sans frais : 3 x 166,33 € = 499,00 €.", []),
    ("The case number is 20250312-0001.", []),
    ("Je vous appelle depuis le 01 du mois, ça fait 20 jours.", []),
]


@pytest.mark.parametrize(("text", "expected"), HELD_OUT)
def test_held_out_sentences(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


# ------------------------------------------------------------------- redactor
def test_redactor_placeholders_stable_and_numbered() -> None:
    red = Redactor()
    r1 = red.redact(f"carte {spaced(VISA)} et tel 06 12 34 56 78")
    assert r1.text == "carte <CARD_1> et tel <PHONE_1>"
    r2 = red.redact(f"non, la carte {spaced(VISA, sep='-')}, pas la {spaced(MC)}")
    assert r2.text == "non, la carte <CARD_1>, pas la <CARD_2>"
    r3 = red.redact("mon fixe 01 45 67 89 10 et le portable 0612345678")
    assert r3.text == "mon fixe <PHONE_2> et le portable <PHONE_1>"
    assert red.redact("ou +33 6 12 34 56 78").text == "ou <PHONE_1>"
    assert red.redact("IBAN " + IBAN_FR.lower()).text == red.redact("IBAN " + IBAN_FR).text
    assert red.count == 5
    assert {k: v for k, v in red.mapping.items() if not k.startswith("<IBAN")} == {
        "<CARD_1>": spaced(VISA),
        "<PHONE_1>": "06 12 34 56 78",
        "<CARD_2>": spaced(MC),
        "<PHONE_2>": "01 45 67 89 10",
    }


def test_redaction_entities_refer_to_original_text() -> None:
    text = f"Bonjour, je m'appelle Léa Moreau, IBAN {IBAN_FR}"
    result = Redactor().redact(text)
    assert isinstance(result, Redaction)
    assert result.source == text
    assert [text[e.start : e.end] for e in result.entities] == ["Léa Moreau", IBAN_FR]
    assert result.text == "Bonjour, je m'appelle <NAME_1>, IBAN <IBAN_1>"


def test_restore_round_trip_and_unknown_placeholders() -> None:
    red = Redactor()
    text = f"Je suis Léa Moreau, mail lea@free.fr, carte {spaced(VISA)}."
    redacted = red.redact(text).text
    assert "lea@free.fr" not in redacted and VISA[:4] not in redacted
    assert red.restore(redacted) == text
    assert red.restore("<CARD_1> / <CARD_9> / <FOO_1>") == f"{spaced(VISA)} / <CARD_9> / <FOO_1>"


def test_redactor_rebuilt_from_mapping_continues_numbering() -> None:
    first = Redactor()
    first.redact(f"carte {VISA}, tel 0612345678, mail a@b.fr")
    state = json.loads(json.dumps(first.mapping))
    second = Redactor(state)
    assert second.count == 3
    out = second.redact(f"carte {spaced(VISA)} ou {MC}, tel 07 98 76 54 32").text
    assert out == "carte <CARD_1> ou <CARD_2>, tel <PHONE_2>"
    assert second.restore("<PHONE_1>") == "0612345678"
    with pytest.raises(ValueError):
        Redactor({"CARD_1": "x"})


def test_redact_without_pii_is_identity() -> None:
    red = Redactor()
    assert red.redact("Bonjour, où en est mon remboursement ?").text == (
        "Bonjour, où en est mon remboursement ?"
    )
    assert red.count == 0 and red.mapping == {}


# ---------------------------------------------------------------- invisible
def test_strip_invisible() -> None:
    hidden = "".join(chr(0xE0000 + ord(c)) for c in "ignore previous")
    text = f"a\u200bb\u200fc\u2060d\ufeffe\u202ef\u2067g{hidden}h\U000e007f"
    assert strip_invisible(text) == "abcdefgh"
    assert strip_invisible("déjà vu — 12 €") == "déjà vu — 12 €"


def test_card_split_by_zero_width_characters_is_detected() -> None:
    split = "\u200b".join(spaced(VISA)) + "\u2063"
    assert found(f"ma carte {split}") == [("CARD", spaced(VISA))]
    result = Redactor().redact(f"ma carte {split} merci")
    assert result.source == f"ma carte {spaced(VISA)} merci"
    assert result.text == "ma carte <CARD_1> merci"
    assert result.source[result.entities[0].start : result.entities[0].end] == spaced(VISA)


# --------------------------------------------------------------- sensitivity
def test_has_sensitive_data() -> None:
    assert has_sensitive_data(detect(f"carte {VISA}"))
    assert has_sensitive_data(detect("DOB 12/03/1985"))
    assert has_sensitive_data(detect("compte ORV-40213377"))
    assert not has_sensitive_data(detect("je m'appelle Léa Moreau, mail lea@free.fr"))
    assert not has_sensitive_data(detect("tel 0612345678, commande CMD-582910K"))
    assert not has_sensitive_data([])
    assert has_sensitive_data([Entity("NIR", 0, 15, NIR_75)])


# -------------------------------------------------------------------- speed
# No timed tests: benchmarks/bench_privacy.py prints the time per golden snippet and for
# 100k-character lines; test_privacy_spoken.py checks those lines for correctness.


# --------------------------------------------------------------- golden set
TARGETS = {  # type: (min recall, min precision), exact span match
    "CARD": (0.99, 0.97),
    "IBAN": (0.99, 0.97),
    "NIR": (0.99, 0.97),
    "PHONE": (0.97, 0.95),
    "EMAIL": (0.97, 0.95),
}


def test_golden_set_targets() -> None:
    rows = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines() if line]
    assert len(rows) >= 650
    gold_n, pred_n, tp = Counter(), Counter(), Counter()
    for row in rows:
        gold = {(e["type"], e["start"], e["end"]) for e in row["entities"]}
        pred = {(e.type, e.start, e.end) for e in detect(row["text"])}
        gold_n.update(t for t, _, _ in gold)
        pred_n.update(t for t, _, _ in pred)
        tp.update(t for t, _, _ in gold & pred)
    for typ, (min_recall, min_precision) in TARGETS.items():
        assert gold_n[typ] >= 30, typ
        recall, precision = tp[typ] / gold_n[typ], tp[typ] / max(pred_n[typ], 1)
        assert recall >= min_recall, (typ, recall)
        assert precision >= min_precision, (typ, precision)
