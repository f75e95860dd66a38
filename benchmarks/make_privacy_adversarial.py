"""Generate the adversarial redaction set: personal data as people say and type it.

Usage (from the repository root)::

    python benchmarks/make_privacy_adversarial.py   # writes benchmarks/data/pii_adversarial.jsonl

Every row is ``{"id", "lang", "form", "text", "entities"}`` (``form``: ``spoken`` or
``typed``), and ``"turns"`` (earlier turns of the same contact) when the case needs
memory: ``entities`` then refer to ``text``, the last turn.  Rows with ``"lookalike":
true`` hold nothing to redact.  Check digits are computed with python-stdnum (Luhn, IBAN
mod-97, NIR key); the seed is fixed, so the file is reproducible.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

from stdnum import iban as _iban
from stdnum import luhn as _luhn
from stdnum.fr import nir as _nir

OUT = Path(__file__).resolve().parent / "data" / "pii_adversarial.jsonl"
rng = random.Random(18)
Seg = str | tuple[str, str]


# ------------------------------------------------------------------ values
def card(prefix: str, length: int) -> str:
    body = prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix) - 1))
    return body + _luhn.calc_check_digit(body)


def bad_luhn(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 3) % 10)


def iban(country: str, bban_len: int, letters: int = 0) -> str:
    bban = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(letters))
    bban += "".join(rng.choice("0123456789") for _ in range(bban_len - letters))
    check = _iban.calc_check_digits(country + "00" + bban)
    return country + check + bban


def nir_body() -> str:
    sex, year, month = rng.choice("12"), f"{rng.randint(40, 99):02d}", f"{rng.randint(1, 12):02d}"
    dept = rng.choice(["75", "69", "13", "33", "59", "2A", "2B", "44", "06"])
    return sex + year + month + dept + f"{rng.randint(1, 999):03d}" + f"{rng.randint(1, 999):03d}"


def nir_key(body: str) -> str:
    return _nir.calc_check_digits(body)


def groups(digits: str, sizes: list[int]) -> list[str]:
    out, i = [], 0
    for s in sizes:
        out.append(digits[i : i + s])
        i += s
    if i < len(digits):
        out.append(digits[i:])
    return out


def phone_fr() -> str:
    return "0" + rng.choice("67") + "".join(rng.choice("0123456789") for _ in range(8))


def pairs(d: str) -> str:
    return " ".join(d[i : i + 2] for i in range(0, len(d), 2))


FIRST = ["Paul", "Léa", "Camille", "Hugo", "Chloé", "Thomas", "Emma", "Lucas", "Sarah", "Noah"]
LAST = ["Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Smith", "Taylor", "Garcia", "Nguyen"]
LAST += ["Kowalski", "Roussel", "Fontaine"]


# ------------------------------------------------------------------- rows
rows: list[dict] = []


def add(lang: str, form: str, segs: list[Seg], turns: list[str] | None = None) -> None:
    text, ents = "", []
    for seg in segs:
        if isinstance(seg, tuple):
            typ, value = seg
            ents.append({"type": typ, "start": len(text), "end": len(text) + len(value)})
            text += value
        else:
            text += seg
    row = {"id": f"a{len(rows) + 1:04d}", "lang": lang, "form": form, "text": text}
    row["entities"] = ents
    if turns:
        row["turns"] = turns
    if not ents:
        row["lookalike"] = True
    rows.append(row)


def cards() -> None:
    seps = [", ", "...", " - ", "/", " ", "\u00a0", ".", "-"]
    for i in range(48):
        number = card(*rng.choice([("4970", 16), ("5312", 16), ("4", 16), ("2223", 16)]))
        sep = seps[i % len(seps)]
        lang = "fr" if i % 2 else "en"
        if i % 6 == 5:  # said in two halves with a conjunction
            g = groups(number, [4, 4, 4, 4])
            value = f"{g[0]} {g[1]} {'et' if lang == 'fr' else 'and'} {g[2]} {g[3]}"
        elif i % 6 == 4:  # dictated in pairs or digit by digit
            value = pairs(number) if i % 12 == 4 else ", ".join(number)
        else:
            value = sep.join(groups(number, [4, 4, 4, 4]))
        form = "spoken" if sep in (", ", "...", " - ") or i % 6 >= 4 else "typed"
        cue = rng.choice(
            ["ma carte c'est la ", "numéro de CB : ", "voici ma carte bancaire "]
            if lang == "fr"
            else ["my card number is ", "card: ", "the long number on my card is "]
        )
        add(lang, form, [cue, ("CARD", value), rng.choice([" merci", ".", "", " ok?"])])
    for i in range(6):  # Amex 4-6-5
        number = card("37", 15)
        value = " ".join(groups(number, [4, 6, 5]))
        add("en" if i % 2 else "fr", "typed", ["amex ", ("CARD", value), " please"])


def ibans() -> None:
    specs = [("FR", 23, 0), ("DE", 18, 0), ("ES", 20, 0), ("IT", 23, 1), ("BE", 12, 0)]
    specs += [("GB", 18, 4), ("NL", 14, 4)]
    for i in range(42):
        code = iban(*specs[i % len(specs)])
        if not _iban.is_valid(code):
            continue
        lang = "fr" if i % 2 else "en"
        style = i % 6
        if style == 0:  # "DE 89 3704 ..."
            value = code[:2] + " " + code[2:4] + " " + " ".join(groups(code[4:], [4] * 8))
        elif style == 1:  # spelled country letters
            value = " ".join(code[:2]) + " " + code[2:4] + " " + " ".join(groups(code[4:], [4] * 8))
        elif style == 2:  # no-break spaces
            value = "\u00a0".join(groups(code, [4] * 9))
        elif style == 3:  # narrow no-break spaces
            value = "\u202f".join(groups(code, [4] * 9))
        elif style == 4:  # dashes
            value = "-".join(groups(code, [4] * 9))
        else:  # lower case, compact
            value = code.lower()
        form = "spoken" if style in (0, 1) else "typed"
        cue = "mon IBAN est " if lang == "fr" else "my IBAN is "
        add(lang, form, [cue, ("IBAN", value), " merci" if lang == "fr" else " thanks"])


def nirs() -> None:
    for i in range(36):
        body = nir_body()
        key = nir_key(body)
        spaced = " ".join(groups(body, [1, 2, 2, 2, 3, 3]))
        lang = "fr" if i % 3 else "en"
        style = i % 4
        cue = "mon numéro de sécu c'est " if lang == "fr" else "my social security number is "
        if style == 0:  # without key
            add(lang, "spoken", [cue, ("NIR", spaced)])
        elif style == 1:  # key said apart
            word = "clé" if lang == "fr" else "key"
            add(lang, "spoken", [cue, ("NIR", f"{spaced} {word} {key}"), "."])
        elif style == 2:  # glued, spaced
            add(lang, "typed", [cue, ("NIR", f"{spaced} {key}")])
        else:  # compact, key after a comma and the cue
            word = "la clé est" if lang == "fr" else "the key is"
            add(lang, "spoken", [cue, ("NIR", f"{body}, {word} {key}")])


def phones() -> None:
    for i in range(36):
        a, b = phone_fr(), phone_fr()
        lang = "fr" if i % 2 else "en"
        style = i % 4
        if style == 0:  # two numbers back to back
            add(lang, "spoken", ["joignable au ", ("PHONE", pairs(a)), " ", ("PHONE", pairs(b))])
        elif style == 1:
            intl_a, intl_b = (f"+33 {x[1]} {pairs(x[2:])}" for x in (a, b))
            add(lang, "typed", ["tel ", ("PHONE", intl_a), " ", ("PHONE", intl_b)])
        elif style == 2:
            add(lang, "typed", ["call me on ", ("PHONE", ".".join(groups(a, [2] * 5)))])
        else:
            cue = "mon portable c'est le " if lang == "fr" else "my mobile is "
            add(lang, "spoken", [cue, ("PHONE", "-".join(groups(a, [2] * 5))), "."])


def emails() -> None:
    for i in range(40):
        f, last = rng.choice(FIRST).lower(), rng.choice(LAST).lower()
        f = f.replace("é", "e").replace("è", "e")
        last = last.replace("é", "e").replace("è", "e")
        host = rng.choice(["gmail", "orange", "free", "hotmail", "yahoo", "laposte", "outlook"])
        tld = rng.choice(["com", "fr", "net"])
        style = i % 5
        if style == 0:
            value, lang, form = f"{f} dot {last} at {host} dot {tld}", "en", "spoken"
        elif style == 1:
            value, lang, form = f"{f} point {last} arobase {host} point {tld}", "fr", "spoken"
        elif style == 2:
            value, lang, form = f"{f}.{last} at {host}.{tld}", "en", "typed"
        elif style == 3:
            value, lang, form = f"{f}{rng.randint(1, 99)} at {host} dot {tld}", "en", "spoken"
        else:
            value, lang, form = f"{f}_{last}@{host}.{tld}", "fr", "typed"
        cue = "my email is " if lang == "en" else "mon mail c'est "
        add(lang, form, [cue, ("EMAIL", value), rng.choice(["", " thanks", " merci"])])


def dobs_addresses_ids() -> None:
    for i in range(16):
        day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(1940, 2004)
        if i % 2:
            add("fr", "typed", ["je suis née le ", ("DOB", f"{day:02d}/{month:02d}/{year}")])
        else:
            add("en", "typed", ["date of birth: ", ("DOB", f"{day:02d}/{month:02d}/{year}")])
    streets_fr = ["rue de la République", "avenue Jean Jaurès", "boulevard Voltaire"]
    streets_en = ["Baker Street", "Church Road", "Station Lane"]
    for i in range(16):
        n = rng.randint(1, 120)
        if i % 2:
            add("fr", "typed", ["j'habite au ", ("ADDRESS", f"{n} {rng.choice(streets_fr)}"), "."])
        else:
            add("en", "typed", ["I live at ", ("ADDRESS", f"{n} {rng.choice(streets_en)}"), "."])
    for i in range(14):
        acc = f"ORV-{rng.randint(10**7, 10**8 - 1)}"
        order = f"CMD-{rng.randint(10**5, 10**6 - 1)}{rng.choice('ABCDEFGH')}"
        lang = "fr" if i % 2 else "en"
        add(lang, "typed", ["compte " if lang == "fr" else "account ", ("ACCOUNT", acc)])
        add(lang, "typed", ["commande " if lang == "fr" else "order ", ("ORDER", order)])


def names() -> None:
    for i in range(40):
        f, last = rng.choice(FIRST), rng.choice(LAST)
        style = i % 8
        if style == 0:
            add("en", "typed", ["my surname is ", ("NAME", last)])
        elif style == 1:
            add("en", "spoken", ["my last name is ", ("NAME", last.lower())])
        elif style == 2:
            add("fr", "typed", ["mon nom de famille est ", ("NAME", last)])
        elif style == 3:
            add("fr", "typed", ["Nom : ", ("NAME", last), "\nPrénom : ", ("NAME", f)])
        elif style == 4:  # first name alone, a turn later
            turns = [f"Hello, my name is {f} {last}."]
            add("en", "spoken", ["Thanks, ", ("NAME", f), " here again"], turns)
        elif style == 5:  # surname with a title, a turn later, in capitals
            turns = [f"Bonjour, je m'appelle {f} {last}."]
            add("fr", "typed", ["C'est M. ", ("NAME", last.upper()), " qui rappelle"], turns)
        elif style == 6:
            add("fr", "spoken", ["mon nom est ", ("NAME", f"{f} {last}"), ", voilà"])
        else:
            spelled = "-".join(last.upper().replace("È", "E").replace("É", "E"))
            add("en", "spoken", ["my surname is ", ("NAME", last), ", ", ("NAME", spelled)])


def secrets() -> None:
    words = ["Soleil2024!", "Tr0mbone#9", "azerty123", "P@ssw0rd", "MaisonBleue77", "hunter22"]
    for i in range(14):
        pw = rng.choice(words)
        if i % 2:
            add("fr", "typed", ["mon mot de passe est ", ("PASSWORD", pw), " je crois"])
        else:
            add("en", "spoken", ["my password is ", ("PASSWORD", pw), " I think"])
    for i in range(14):
        pin = "".join(rng.choice("0123456789") for _ in range(4))
        spoken = " ".join(pin) if i % 3 == 0 else pin
        cue = ["mon code PIN c'est le ", "code secret : ", "my PIN is ", "my PIN number is "][i % 4]
        add(
            "fr" if i % 4 < 2 else "en", "spoken" if i % 3 == 0 else "typed", [cue, ("PIN", spoken)]
        )
    cues_otp = [
        "le code reçu par SMS est ",
        "code de vérification : ",
        "the one-time code is ",
        "my verification code is ",
        "voici le code de validation ",
        "the code I got by text is ",
        "OTP ",
    ]
    for i in range(14):
        otp = "".join(rng.choice("0123456789") for _ in range(6))
        add("fr" if i % 2 else "en", "typed", [cues_otp[i % len(cues_otp)], ("OTP", otp)])
    cues_cvv = [
        "CVV ",
        "le cryptogramme c'est ",
        "les trois chiffres au dos c'est ",
        "the three digits on the back are ",
        "security code: ",
        "CVC ",
    ]
    for i in range(14):
        cvv = f"{rng.randint(0, 999):03d}"
        add("fr" if i % 2 else "en", "spoken", [cues_cvv[i % len(cues_cvv)], ("CVV", cvv)])
    cues_exp = ["expires ", "date d'expiration ", "valid until ", "elle expire fin ", "exp "]
    for i in range(14):
        mm, yy = rng.randint(1, 12), rng.randint(25, 33)
        value = [f"{mm:02d}/{yy}", f"{mm:02d}/20{yy}", f"{mm:02d}-{yy}"][i % 3]
        add("fr" if i % 2 else "en", "typed", [cues_exp[i % len(cues_exp)], ("EXPIRY", value)])


def split_cards() -> None:
    for i in range(12):
        number = card(rng.choice(["4970", "5312", "4"]), 16)
        g = groups(number, [4, 4, 4, 4])
        lang = "fr" if i % 2 else "en"
        first = f"ma carte c'est {g[0]} {g[1]}" if lang == "fr" else f"my card is {g[0]} {g[1]}"
        lead = "et la suite " if lang == "fr" else "and then "
        add(lang, "spoken", [lead, ("CARD", f"{g[2]} {g[3]}")], [first])


EN_DIGITS = "zero one two three four five six seven eight nine".split()
FR_UNITS = "zéro un deux trois quatre cinq six sept huit neuf".split()
FR_TEENS = "dix onze douze treize quatorze quinze seize dix-sept dix-huit dix-neuf".split()
FR_TENS = ["", "", "vingt", "trente", "quarante", "cinquante", "soixante", "soixante"]
FR_TENS += ["quatre-vingt", "quatre-vingt"]


def fr_pair(n: int) -> str:
    """0..99 in French words, as a pair of digits is said ("quarante-neuf", "soixante-dix")."""
    if n < 10:
        return "zéro " + FR_UNITS[n]  # "05" is said "zéro cinq" in a pair
    if n < 20:
        return FR_TEENS[n - 10]
    tens, unit = divmod(n, 10)
    if tens in (7, 9):
        return FR_TENS[tens] + ("-et-" if n == 71 else "-") + FR_TEENS[unit]
    if unit == 0:
        return FR_TENS[tens] + ("s" if tens == 8 else "")
    return FR_TENS[tens] + ("-et-un" if unit == 1 and tens != 8 else "-" + FR_UNITS[unit])


def said_in_words() -> None:
    """Digits said in words: cards in French pairs, codes and expiry dates in English."""
    for _ in range(8):
        number = card(rng.choice(["4970", "5312", "4"]), 16)
        value = " ".join(fr_pair(int(number[i : i + 2])) for i in range(0, 16, 2))
        add("fr", "spoken", ["le numéro de ma carte c'est ", ("CARD", value)])
    for i in range(4):
        pin = "".join(rng.choice("0123456789") for _ in range(4))
        words = [" ".join(EN_DIGITS[int(c)] for c in pin), " ".join(FR_UNITS[int(c)] for c in pin)]
        cue = ["my PIN is ", "mon code secret c'est "][i % 2]
        add(["en", "fr"][i % 2], "spoken", [cue, ("PIN", words[i % 2])])
    for _ in range(4):
        otp = "".join(rng.choice("0123456789") for _ in range(6))
        value = " ".join(EN_DIGITS[int(c)] for c in otp)
        add("en", "spoken", ["the verification code is ", ("OTP", value)])
    for _ in range(4):
        mm, yy = rng.randint(1, 9), rng.randint(21, 29)
        value = f"zero {EN_DIGITS[mm]} twenty-{EN_DIGITS[yy - 20]}"
        add("en", "spoken", ["expiry ", ("EXPIRY", value)])


def in_context() -> None:
    """Several values in one natural turn, as customers really write them."""
    for i in range(12):
        number = card(rng.choice(["4970", "5312"]), 16)
        mm, yy, cvv = rng.randint(1, 12), rng.randint(26, 31), f"{rng.randint(0, 999):03d}"
        f, last = rng.choice(FIRST), rng.choice(LAST)
        if i % 2:
            add(
                "fr",
                "typed",
                [
                    "Bonjour, je suis ",
                    ("NAME", f"{f} {last}"),
                    ". Ma CB : ",
                    ("CARD", quads_sep(number, " - ")),
                    ", expire fin ",
                    ("EXPIRY", f"{mm:02d}/{yy}"),
                    ", cryptogramme ",
                    ("CVV", cvv),
                    ".",
                ],
            )
        else:
            add(
                "en",
                "spoken",
                [
                    "hi it's ",
                    ("NAME", f"{f} {last}"),
                    " here, card ",
                    ("CARD", quads_sep(number, ", ")),
                    " expiry ",
                    ("EXPIRY", f"{mm:02d}/{yy}"),
                    " and the security code is ",
                    ("CVV", cvv),
                ],
            )


def quads_sep(number: str, sep: str) -> str:
    return sep.join(groups(number, [4, 4, 4, 4]))


def lookalikes() -> None:
    texts = [
        "Ma commande de 1 234,56 € n'est pas arrivée.",
        "The total was 2,345.67 for 3 items.",
        "Livré le 12/03/2024 à 10:30, colis abîmé.",
        "I ordered on 04/05/2025 and it came on 06/05/2025.",
        "code postal 75011",
        "postcode SW1A 1AA only",
        "article 3760123456789, taille 42",
        "réf. 1234567890123",
        "mon mot de passe est bloqué",
        "my password is wrong apparently",
        "mon code PIN est bloqué après 3 essais",
        "the verification code never arrived",
        "le code reçu par SMS ne marche pas",
        "my card expires soon",
        "mon abonnement expire le 31/12/2026",
        "CVV refusé, que faire ?",
        "I am at home dot com",
        "j'ai payé 49,90 € puis 12,50 € et 7,30 €",
        "entre 9h et 18h, du lundi au vendredi",
        "it costs 19.99 - 29.99 depending on size",
        "qty 2, 4, 6 and 8 units",
        "mon colis pèse 2,5 kg pour 30 x 40 x 50 cm",
        "ticket 2024-0042-17",
        "la facture 2025/118 du 3 mars",
        "it was 10/10, great service",
        "I called at 14:45 and 16:20",
        "J'ai 3 enfants et 2 chats.",
        "numéro de suivi 6A12345678901",
        "les 3 chiffres du code promo ne marchent pas",
        "version 2.4.1 of the app",
        "I have one question and two small issues",
        "j'ai commandé deux pulls et trois écharpes",
        "delivery in four to five days, twenty-four hours a day",
        "Hi it's me again, still waiting",
        "the one I ordered in March was fine",
        "mon nom est resté le même sur la facture",
        "my name is on the account already",
        "Nom du produit : Lampe Arc",
        "mon code promo NOEL2024 ne marche pas",
        "je n'ai pas de code reçu par SMS",
        "le code de vérification a expiré",
        "la date d'expiration est dépassée",
        "expiry date is on the front of the card",
        "les trois chiffres au dos sont effacés",
        "mon mot de passe : je l'ai oublié",
    ]
    for i in range(16):  # card-shaped numbers that fail Luhn
        number = bad_luhn(card(rng.choice(["4970", "5312", "4"]), 16))
        sep = [", ", "...", " - ", "/", " ", " et "][i % 6]
        texts.append(f"la carte {sep.join(groups(number, [4, 4, 4, 4]))} ne passe pas")
    for _ in range(8):  # IBANs with wrong check digits
        code = iban("FR", 23)
        wrong = code[:2] + f"{(int(code[2:4]) + 1) % 100:02d}" + code[4:]
        texts.append("IBAN " + " ".join(groups(wrong, [4] * 9)))
    for _ in range(8):  # NIR with a wrong key said apart
        body = nir_body()
        key = f"{(int(nir_key(body)) + 1) % 97 or 1:02d}"
        texts.append(f"sécu {' '.join(groups(body, [1, 2, 2, 2, 3, 3]))} clé {key}")
    for _ in range(12):  # amounts and quantities in lists
        amounts = ", ".join(f"{rng.randint(1, 999)},{rng.randint(10, 99)} €" for _ in range(4))
        texts.append(f"montants : {amounts}")
    for t in texts:
        add("fr" if any(c in t for c in "éèàç€") else "en", "typed", [t])


def main() -> int:
    for build in (cards, ibans, nirs, phones, emails, dobs_addresses_ids, names, secrets):
        build()
    split_cards()
    said_in_words()
    in_context()
    lookalikes()
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    positives = sum(1 for r in rows if r["entities"])
    print(f"{len(rows)} rows ({positives} with data, {len(rows) - positives} look-alikes) -> {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
