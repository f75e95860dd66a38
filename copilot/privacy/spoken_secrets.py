"""Secrets said aloud or typed, found by their cue words (French and English).

``PASSWORD``  after "mot de passe", "mdp", "password" + "est/is/:/=" (a plain word only
              when it is not an everyday word such as "bloqué", "wrong")
``PIN``       4-6 digits after "code PIN", "code secret", "code confidentiel", "PIN"
``OTP``       4-8 digits after "code reçu par SMS", "code de vérification", "one-time code",
              "verification code", "OTP", "3D Secure", ...
``CVV``       3-4 digits after "CVV", "CVC", "cryptogramme", "security code",
              "les trois chiffres au dos", "the three digits on the back"
``EXPIRY``    MM/YY, MM/YYYY or month + year after "expire(s)", "date d'expiration",
              "valid until", "valable jusqu'à", "exp"; also MM/YY (and then a CVV) right
              after a card number

Digits may be separated by spaces, dots or dashes ("4 8 1 5"), or said in words ("zero
eight twenty-seven", "quatre huit un cinq"): :func:`copilot.privacy.spoken_numbers` turns
the words into digits first.  Each finder yields ``(type, start, end)`` on the text it
gets; every pattern is bounded, so the scan is linear.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

Candidate = tuple[str, int, int]

_FILL = r"[^\d\n.!?;]{0,30}?"  # cue ... value: "le code reçu par SMS c'est le 482913"
_DIGITS = r"(?<!\d)\d(?:[ .\-]?\d){{{lo},{hi}}}(?![\d/])"


# An amount is no code: "investi en crypto 2000 €".
_NOT_AMOUNT = r"(?!\s?(?i:€|eur\b|euros?\b|\$|£|%|dollars?\b|pounds?\b|k€))"


def _cued(cue: str, value: str) -> re.Pattern[str]:
    return re.compile(rf"(?i:\b(?:{cue}))(?!\w){_FILL}(?P<v>{value}){_NOT_AMOUNT}")


_PIN = _cued(
    r"code\s+pin|pin(?:\s+code|\s+number)?|code\s+secret|code\s+confidentiel|secret\s+code|"
    r"code\s+(?:de\s+(?:ma|la)\s+)?carte\s+bleue|personal\s+code|NIP",
    _DIGITS.format(lo=3, hi=5),
)
_OTP = _cued(
    r"code\s+(?:que\s+j['’]ai\s+)?(?:re[çc]u|envoy[ée]|arriv[ée])|code\s+(?:de\s+|d['’])"
    r"(?:v[ée]rification|validation|confirmation|authentification|activation)|"
    r"code\s+(?:[àa]\s+)?usage\s+unique|one[-\s]time\s+(?:code|password|passcode|pin)|OTP|"
    r"code\s+(?:[àa]|de)\s+(?:\d|six|quatre|huit)\s+chiffres(?:\s+re[çc]u)?|"
    r"(?:\d|six|four|eight)[-\s]digit\s+code|"
    r"(?:verification|confirmation|authentication|validation|activation|sms|2FA|"
    r"login|access)\s+code|code\s+(?:sms|texto|par\s+sms)|3D[-\s]?Secure|passcode|"
    r"code\s+(?:I|that\s+I|you|they)\s+(?:got|received|sent)|le\s+code\s+(?:du|de\s+l['’])\s*"
    r"(?:sms|texto|appli(?:cation)?)",
    _DIGITS.format(lo=3, hi=7),
)
_CVV = _cued(
    r"CVV2?|CVC2?|CID|cryptogramme(?:\s+visuel)?|crypto|code\s+de\s+s[ée]curit[ée]|security\s+code|"
    r"card\s+verification\s+(?:code|value)|(?:les\s+)?(?:3|trois)\s+(?:derniers\s+)?chiffres\s+"
    r"(?:au\s+dos|derri[èe]re|au\s+verso)|(?:the\s+)?(?:3|three)\s+digits\s+(?:on|at)\s+the\s+"
    r"(?:back|reverse)|code\s+(?:au\s+dos|derri[èe]re|on\s+the\s+back)",
    _DIGITS.format(lo=2, hi=3),
)
_MONTHS = (
    r"janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre|octobre|novembre|"
    r"d[ée]cembre|january|february|march|april|may|june|july|august|september|october|"
    r"november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec"
)
_MM_YY = r"(?<![\d/])(?:0?[1-9]|1[0-2])\s?[/\-. ]\s?(?:20)?\d\d(?![\d/])"
_EXPIRY = _cued(
    r"expir(?:e|es|ed|y|ing|ation)(?:\s+date)?|date\s+d['’]expiration|date\s+de\s+validit[ée]|"
    r"fin\s+de\s+validit[ée]|valable\s+jusqu['’]|valid\s+(?:until|thru|through|till)|"
    r"good\s+thru|exp\.?|[ée]ch[ée]ance\s+de\s+la\s+carte",
    rf"{_MM_YY}|(?i:{_MONTHS})\.?\s+(?:20)?\d\d(?!\d)",
)
_AFTER_CARD = re.compile(
    rf"[\s,;]{{0,3}}(?:(?i:exp\w*)\.?\s*:?\s*)?(?P<exp>{_MM_YY})"
    rf"(?:[\s,;]{{1,3}}(?:(?i:cvv|cvc|crypto\w*)\s*:?\s*)?(?P<cvv>\d{{3,4}})(?!\d))?"
)

_PASSWORD = re.compile(
    r"(?i:\b(?:mot\s+de\s+passe|mdp|pass\s?word|passwd|passphrase|pwd|pw)\b)"
    r"(?:\s+(?i:actuel|current|new|nouveau|old|ancien))?"
    r"(?:\s*(?i:is|was|est|c['’]est|it['’]s|c['’][ée]tait|[ée]tait|was\s+set\s+to)\s*|\s*[:=]\s*)"
    r"(?:(?P<q>[\"'«“])\s*(?P<quoted>[^\"'»”\n]{1,40}?)\s*[\"'»”]"
    r"|(?P<v>[^\s\"«»“”]{3,40}?(?:\s(?:\d+|[!@#$%&*]))*)(?=[\s\"»”]|[.,;!?](?:\s|$)|$))"
)
# Words that follow "my password is" without being one ("my password is wrong").
_NOT_PASSWORDS = frozenset(
    """bloqué bloque bloquée incorrect incorrecte faux fausse oublié oublie perdu expiré expire
    invalide refusé refuse erroné errone pas plus toujours encore le la les mon ma un une
    nouveau trop très tres correct bon mauvais changé change différent wrong incorrect invalid
    expired blocked locked not no still the my a an new same correct right too very always
    never changed different lost forgotten rejected refused fine ok okay working reset
    required needed case sensitive""".split()
)


# Every cue above contains one of these: a text without any has no secret (one cheap scan).
_ANY_CUE = re.compile(
    r"(?i)pin|code|pass|mdp|pwd|pw\b|otp|cvv|cvc|cid|crypt|chiffres|digits|exp|valid|valable|"
    r"validit|ch[ée]ance|3d|nip|good\s+thru"
)


def secrets(text: str) -> Iterable[Candidate]:
    if not _ANY_CUE.search(text):
        return
    for typ, rx in (("PIN", _PIN), ("OTP", _OTP), ("CVV", _CVV), ("EXPIRY", _EXPIRY)):
        for m in rx.finditer(text):
            yield typ, m.start("v"), m.end("v")
    for m in _PASSWORD.finditer(text):
        if m.group("quoted"):
            yield "PASSWORD", m.start("quoted"), m.end("quoted")
            continue
        value = m.group("v")
        plain = value.isalpha() and value.islower()
        if plain and value.casefold() in _NOT_PASSWORDS:
            continue
        yield "PASSWORD", m.start("v"), m.end("v")


def after_card(text: str, card_end: int) -> Iterable[Candidate]:
    """An expiry (and a CVV) written straight after a card number: "4970 ... 12/27 123"."""
    m = _AFTER_CARD.match(text, card_end)
    if m:
        yield "EXPIRY", m.start("exp"), m.end("exp")
        if m.group("cvv"):
            yield "CVV", m.start("cvv"), m.end("cvv")
