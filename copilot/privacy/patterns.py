"""Compiled regular expressions and keyword tables used by :mod:`copilot.privacy`.

Kept apart from the detection logic so the patterns can be read (and tuned)
in one place.  Everything here is compiled once, at import time.
"""

from __future__ import annotations

import re

# Characters that may separate digit groups inside a number ("06 12 34 56 78",
# "4970-1000-...", "06.12.34.56.78"), including the no-break spaces that French
# keyboards and word processors insert.
SEP = r"[ \u00a0\u202f.\-\u2010\u2011]"


# --------------------------------------------------------------------------- digits
GROUP = re.compile(r"\d+")
# What may join two digit groups of one spoken or typed number.  A single separator
# character is "tight" (as before); the rest are "loose": ", ", "...", " - ", "/",
# " et ", " and ", a double space.  Loose joins are accepted for a card only when the
# groups look like a card or a card cue precedes (see ``copilot.privacy.numbers``).
TIGHT_GAP = re.compile(SEP)
_LOOSE_GAP = (
    r"\s{0,2}(?:,|;|/|\.{2,3}|\u2026|[-\u2013\u2014])\s{0,2}"
    r"|\s{1,2}(?i:et|and|puis|then)\s{1,2}|\s{2,3}"
)
# A run of such groups; a group glued to a letter, "_" or "+" is not part of it.
DIGIT_CHAIN = re.compile(rf"(?<![\w+])\d+(?!\w)(?:(?:{SEP}|{_LOOSE_GAP})\d+(?!\w))*")
# The previous token mixes letters and digits ("FR76 ", "X054 "): the run is the
# tail of an IBAN-like code, not a stand-alone card number.
MIXED_TOKEN_BEFORE = re.compile(r"(?:[A-Za-z]\w*\d|\d\w*[A-Za-z])\w*[ \-]$")
CARD_CUE = re.compile(
    r"(?i)\b(?:cartes?|cards?|CB|visa|master\s?card|amex|american\s+express|maestro|"
    r"cr[ée]dit|credit|d[ée]bit|debit|PAN)\b"
)

# IBAN: country letters (also spelled "F R"), check digits, then 11-32 letters or
# digits, each optionally after a space, no-break space, dot or dash.
_ISEP = r"(?:[ \u00a0\u202f.\-\u2010\u2011]|\s[-\u2013]\s)"
IBAN_CANDIDATE = re.compile(
    rf"(?<![A-Za-z0-9])(?:[A-Z][ \u00a0\u202f]?[A-Z]|[A-Za-z]{{2}}){_ISEP}?\d[ \u00a0\u202f]?\d"
    rf"(?:{_ISEP}?[A-Za-z0-9]){{11,32}}"
)

# NIR: 13-character body (sex, year, month, department incl. 2A/2B, commune, order),
# then the 2-digit key, glued, separated, or said apart ("clé 42", "key 42"), or none.
_NIR_BODY = rf"[1-478](?:{SEP}?\d){{4}}{SEP}?(?:\d{SEP}?\d|2{SEP}?[ABab])(?:{SEP}?\d){{6}}"
NIR_CANDIDATE = re.compile(
    rf"(?<![\w+])(?<!\d{SEP})(?P<body>{_NIR_BODY})"
    rf"(?:(?P<gap>{SEP}?|\s*[,/]\s*|\s*[,/]?\s*(?i:(?:(?:la|sa|the)\s+)?(?:cl[ée]f?|key|control\s+key)"
    rf"(?:\s+(?:est|is|c['’]est))?)\s*:?\s*)(?P<key>\d{SEP}?\d))?(?!{SEP}?\d)(?!\w)"
)
NIR_CUE = re.compile(
    r"(?i)\b(?:s[ée]cu(?:rit[ée]\s+sociale)?|NIR|INSEE|social\s+security|carte\s+vitale|"
    r"num[ée]ro\s+de\s+s[ée]cu|NSS)\b"
)
NIR_GROUPED = re.compile(rf"\d{SEP}\d\d{SEP}\d\d{SEP}(?:\d\d|2[ABab]){SEP}\d{{3}}{SEP}\d{{3}}$")

# ---------------------------------------------------------------------------- phone
# a "+" may follow a previous number ("... 56 78 +33 7 ..."): two numbers back to back
_PHONE_LEFT = rf"(?<![\w+])(?:(?<!\d{SEP})|(?=\(?\+))"
_PHONE_RIGHT = rf"(?!{SEP}?\d)(?![\w/])"
PHONE_FR = re.compile(
    _PHONE_LEFT
    + rf"(?:\(?(?:\+|00)33\)?{SEP}?(?:\(0\){SEP}?)?|0{SEP}?)[1-9](?:{SEP}?\d){{8}}"
    + _PHONE_RIGHT
)
PHONE_INTL = re.compile(
    _PHONE_LEFT + rf"(?:\+|00){SEP}?[1-9](?:{SEP}?\(?\d\)?){{6,16}}" + _PHONE_RIGHT
)
# A phone-shaped number that directly follows an explicit phone cue
# ("my mobile is 07700 900123", "tel: (415) 555-0132").
PHONE_CUE = re.compile(
    r"(?i:\bt[ée]l(?:[ée]phone)?\b\.?|\bphone\b|\bmobile\b|\bportable\b|\bcell\b|"
    r"\bcall\s+me\s+(?:on|at)\b|\bring\s+me\s+on\b|\bjoignable\s+au\b|"
    r"\bappel(?:er|ez)[- ]moi\s+au\b|"
    r"\bwhats\s?app\b|\bnum[ée]ro\s+de\s+(?:t[ée]l[ée]phone|portable|mobile|fixe)\b)"
    rf"[^\d\n+]{{0,20}}?(\(?\d(?:{SEP}?\(?\d\)?){{8,14}})" + _PHONE_RIGHT
)

# Keywords that say what the following number is.  The nearest one before a
# phone-shaped number decides: a reference cue rejects it, a phone cue keeps it.
CONTEXT_CUES = re.compile(
    r"(?i)(?P<ref>\br[ée]f(?:[ée]rence)?s?\b|\breference\b|\bdossier\b|\border\b|"
    r"\bcommande\b|\btransaction\b|\bsuivi\b|\btracking\b|\bcolis\b|\bparcel\b|"
    r"\bfactures?\b|\binvoices?\b|\bcontra[tc]t?\b|\bticket\b|\bcase\b|\bcompte\s+n[°o]|"
    r"\bnum[ée]ro\s+de\s+compte\b|\baccount\s+(?:number|no\b|#|id\b)|\bnum[ée]ro\s+(?:de\s+)?client\b|\bcustomer\s+(?:number|id)\b|\bsiret\b|\bsiren\b|"
    r"\bmandat\b|\breceipt\b|\breçu\b|\bconfirmation\b|\bbooking\b|\br[ée]servation\b|"
    r"\bserial\b|\bs[ée]rie\b|\bsku\b|\bbon\s+de\s+livraison\b)"
    r"|(?P<tel>\bt[ée]l(?:[ée]phone)?\b|\bphone\b|\bmobile\b|\bportable\b|\bcell\b|\bfixe\b|"
    r"\bjoignable\b|\bjoindre\b|\b(?:r?appel(?:er|ez|le)?)\b|\bcall\b|\bring\b|\btext\b|"
    r"\bsms\b|\bwhats\s?app\b|\blandline\b|\bcontact(?:er|ez)?\b)"
)
SENTENCE_BREAK = re.compile(r"[.!?]\s+(?=[A-ZÀ-Ý])|\n")

# ---------------------------------------------------------------------------- email
EMAIL = re.compile(
    r"(?<![\w.+\-%])[\w+\-%](?:[\w.+\-%]*[\w+\-%])?@(?:[\w\-]+\.)+[A-Za-z]{2,24}(?![\w\-])"
)
# Obfuscated / dictated forms: "jean.dupont arobase gmail point com", "jd [at] free.fr".
# Obfuscated / dictated forms: "jean.dupont arobase gmail point com", "jd [at] free.fr",
# "john dot smith at gmail dot com", "jean point dupont arobase orange point fr".
_AT = r"(?:\s*(?:\[at\]|\(at\)|\[@\]|@)\s*|\s+(?i:arobase|arrobase|arobas|at\s+sign|at)\s+)"
_DOT = r"(?:\.|\s*(?:\[dot\]|\(dot\)|\[\.\])\s*|\s+(?i:point|dot)\s+)"
_LOCAL_JOIN = rf"(?:{_DOT}|[_\-]|\s+(?i:underscore|tiret(?:\s+(?:du\s+)?bas)?|dash|hyphen)\s+)"
EMAIL_SPOKEN = re.compile(
    rf"(?<![\w.+\-%])(?P<local>[\w+%]+(?:{_LOCAL_JOIN}[\w+%]+){{0,4}})(?P<at>{_AT})"
    rf"(?P<domain>(?:[\w\-]+{_DOT}){{1,3}})"
    r"(?i:com|fr|net|org|eu|be|ch|lu|de|es|it|uk|io|me|info|biz|co|ca|us|nl|pt|pl|ie)(?![\w\-])"
)

# A bare " at " ("I am at home dot com") makes an e-mail only with a local part that
# looks like one (joined words, digits) or a known mail provider as the domain.
BARE_AT = re.compile(r"\s+(?i:at)\s+")
EMAIL_LIKE_LOCAL = re.compile(r"[\d_.+\-]|\s(?i:dot|point|underscore|tiret|dash|hyphen)\s")
MAIL_PROVIDER = re.compile(
    r"(?i)(?:gmail|googlemail|hotmail|yahoo|outlook|live|msn|icloud|me|aol|orange|wanadoo|"
    r"free|sfr|neuf|laposte|bbox|numericable|proton(?:mail)?|gmx|yopmail|mail|example|"
    r"btinternet|sky|virgin(?:media)?|ntlworld|talktalk|zoho|fastmail)\W"
)

# A dictated address without its top-level domain: "jean point dupont arobase gmail".
EMAIL_PROVIDER_ONLY = re.compile(
    rf"(?<![\w.+\-%])[\w+%]+(?:{_LOCAL_JOIN}[\w+%]+){{0,4}}{_AT}"
    r"(?i:gmail|hotmail|yahoo|outlook|orange|wanadoo|free|sfr|laposte|icloud|live|proton(?:mail)?)"
    r"(?![\w@.\-])(?!\s+(?i:dot|point)\b)"
)

# ---------------------------------------------------------------------------- Orvane
ACCOUNT = re.compile(r"(?<!\w)(?i:orv)[ \-]?\d{8}(?!\d)(?!\w)")
ORDER = re.compile(r"(?<!\w)(?i:cmd)[ \-]?\d{6}[A-Za-z](?!\w)")

# ---------------------------------------------------------------------------- dates
_FR_MONTHS = (
    r"janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre|octobre|novembre|"
    r"d[ée]cembre|janv\.?|f[ée]vr?\.?|avr\.?|juil\.?|sept\.?|oct\.?|nov\.?|d[ée]c\.?"
)
_EN_MONTHS = (
    r"january|february|march|april|may|june|july|august|september|october|november|"
    r"december|jan\.?|feb\.?|mar\.?|apr\.?|jun\.?|jul\.?|aug\.?|sept?\.?|oct\.?|nov\.?|dec\.?"
)
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_MONTH_NUM = r"(?:0?[1-9]|1[0-2])"
_YEAR = r"(?:19\d\d|20\d\d)"
DATE = (
    rf"(?:{_DAY}(?P<s>[/.\-]){_MONTH_NUM}(?P=s)(?:{_YEAR}|\d\d)(?!\d)"
    rf"|{_YEAR}-{_MONTH_NUM}-{_DAY}(?!\d)"
    rf"|(?:1er|{_DAY})(?:st|nd|rd|th)?(?:\s+of\s+|[\s\-/]+)(?i:{_FR_MONTHS}|{_EN_MONTHS})(?!\w)"
    rf"[,\s\-/]+{_YEAR}"
    rf"|(?i:{_EN_MONTHS})(?!\w)\s+(?:the\s+)?{_DAY}(?:st|nd|rd|th)?,?\s+{_YEAR})"
)
DOB = re.compile(
    r"(?i:\bn[ée](?:e|\(e\))?s?\s+le\b|\bdate\s+de\s+naissance\b|\bDDN\b|\bborn\b|\bdate\s+of\s+birth\b|"
    r"\bbirth\s*date\b|\bD\.?O\.?B\b\.?|\bbirthday\s+is\b|\bjour\s+de\s+naissance\b|"
    r"\bn[ée]e?\s+(?:à|a)\s+[^\d\n,]{1,25}?\s+le\b)"
    rf"[^\d\n.!?]{{0,25}}?(?P<date>{DATE})"
)

# -------------------------------------------------------------------------- address
_STOP = (
    r"et|à|a|au|aux|mais|depuis|pour|avec|dans|chez|je|j|nous|vous|tu|il|elle|ils|on|mon|ma|"
    r"mes|c|est|sont|suis|qui|que|où|ou|donc|car|merci|svp|s|pas|ne|plus|près|bien|habite|"
    r"appartement|appt|bâtiment|bat|étage|code|tel|tél|and|but|since|for|with|in|at|near|"
    r"please|thanks|thank|i|we|my|is|are|was|not|the|to|of|on|from|by|it|this|that|flat|apt"
)
_LETTER_WORD = rf"(?=[^\W\d_])(?!(?i:{_STOP})\b)[^\W\d_][\w'’]+(?:-[\w'’]+)*"
_FR_PARTICLE = r"(?:(?:de|du|des|la|le|les|aux|sur|sous|en)\s+|[dlDL]['’]\s*)"
_FR_TYPES = (
    r"rue|avenue|av\.|bd\.?|boulevard|all[ée]e|chemin|impasse|place|quai|route|cours|"
    r"passage|square|villa|cit[ée]|r[ée]sidence|voie|faubourg|sentier|hameau|lotissement|"
    r"promenade|esplanade|parvis|rond-point|mont[ée]e|traverse"
)
_EN_TYPES = (
    r"street|st|road|rd|avenue|ave|lane|ln|drive|dr|close|court|ct|way|"
    r"place|pl|crescent|terrace|gardens|boulevard|blvd|square|sq|hill|row|"
    r"parkway|mews|grove|walk|green|park"
)
_CITY_WORD = r"[A-ZÀ-Ý][\w'’]*(?:-[\w'’]+)*"
_CITY = (
    rf"(?:{_CITY_WORD}(?:\s+(?:(?:sur|sous|en|le|la|les|de|du|des|lès|upon|on)\s+)?{_CITY_WORD})"
    rf"{{0,2}}|(?!(?:{_STOP})\b)[a-zà-ÿ][\w'’]*(?:-[\w'’]+)*)"
)
_FR_POSTCODE = rf"(?:,?\s+|\s*-\s*)(?:\d{{5}}|\d{{2}}\s\d{{3}})\s+{_CITY}"
_UK_POSTCODE = r"(?i:[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2})(?!\w)"
_EN_TAIL = (
    rf"(?:,?\s+(?:{_CITY},?\s+)?{_UK_POSTCODE}|,\s*{_CITY},?\s+[A-Z]{{2}}\s+\d{{5}}(?:-\d{{4}})?(?!\d)"
    rf"|{_FR_POSTCODE})"
)
_NUMBER = r"(?<![\w,.])\d{1,4}(?:\s?(?i:bis|ter|quater)\b|[A-Da-d]\b)?"
ADDRESS_FR = re.compile(
    rf"{_NUMBER},?\s+(?P<type>(?i:{_FR_TYPES}))(?!\w)\s*(?P<name>{_FR_PARTICLE}*"
    rf"(?:\d{{1,4}}\b|{_LETTER_WORD})(?:[\s\-]+{_FR_PARTICLE}*"
    rf"(?:\d{{1,4}}(?![\d,.]\d)\b|{_LETTER_WORD})){{0,4}})(?:{_FR_POSTCODE})?"
)
ADDRESS_EN = re.compile(
    rf"{_NUMBER}[A-Za-z]?,?\s+(?P<name>(?:{_LETTER_WORD}\s+){{1,3}})"
    rf"(?P<type>(?i:{_EN_TYPES}))(?!\w)(?:{_EN_TAIL})?"
)
# Street types that are also everyday words ("3 cours de yoga", "5 minutes drive"):
# accepted only when the street name or the type is capitalised.
AMBIGUOUS_STREET_TYPES = frozenset(
    """cours passage square villa cité cite voie promenade traverse montée montee hameau
    parvis esplanade sentier résidence residence lotissement drive dr close court ct way
    place pl terrace gardens sq hill row grove walk green park""".split()
)

# ----------------------------------------------------------------------------- name
_NAME_TOKEN = r"[A-ZÀ-ÖØ-Þ][^\W\d_]*(?:['’][A-ZÀ-Þ]?[^\W\d_]+)*(?:-[A-ZÀ-Þ][^\W\d_]*)*"
_NAME_PARTICLE = (
    r"(?:(?:de\s+la|de|du|des|van|von|der|den|da|di|del|dos|le|la|ben|bin|el|al)\s+|d['’])"
)
# One step of a name: a separator (none for the first token), an optional
# particle ("de", "van", "d'") and a capitalised token.
NAME_STEP = re.compile(
    rf"(?P<sep>[^\S\n]+)?(?P<part>{_NAME_PARTICLE})?(?P<tok>{_NAME_TOKEN})(?![\w'’])"
)
NAME_TRIGGER = re.compile(
    r"(?i:\bje\s+m['’]\s?appelle|\bmon\s+(?:nom|pr[ée]nom)(?:\s+de\s+famille)?\s+(?:est|c['’]est)|"
    r"\b(?:my\s+)?(?:sur|last|family|first|given)\s?name(?:\s+is|['’]s)?|\bnom\s+de\s+famille|"
    r"\b(?:cordialement|bien\s+(?:à|a)\s+vous|sinc[èe]rement|(?:kind\s+|best\s+)?regards|"
    r"sincerely|yours\s+truly|sign[ée]d?)\s*[,:]?|"
    r"\b(?:sur|last|family|first|given)\s?name\s*:|\b(?:nom(?:\s+de\s+famille)?|pr[ée]nom)\s*:|"
    r"\bmoi\s+c['’]est|\bau\s+nom\s+de|\bmy\s+(?:full\s+)?name\s+is|\bmy\s+name['’]s|"
    r"\bunder\s+the\s+name(?:\s+of)?|\bje\s+suis|\bi['’]m|\bi\s+am|\bthis\s+is|\bc['’]est|\bici|"
    r"\bit['’]s|\bit\s+is|"
    r"\bmy\s+(?:wife|husband|partner|son|daughter|mother|father|mum|mom|dad|brother|sister)\s*,?|"
    r"\bma\s+(?:femme|fille|m[èe]re|s[œo]e?ur|compagne|conjointe)\s*,?|"
    r"\bmon\s+(?:mari|fils|p[èe]re|fr[èe]re|compagnon|conjoint)\s*,?|"
    r"\bmadame|\bmonsieur|\bmademoiselle|\bmme\.?|\bmlle\.?|\bmrs\.?|\bmr\.?|\bms\.?|\bmiss)"
    r"(?:\s*:)?\s+|\bM\.\s+"
)
# Triggers that announce a name for sure: the name may then be typed in lower case.
STRONG_TRIGGER = re.compile(
    r"(?i)appelle|name\s+is|name['’]s|name\s*:|nom\s+(?:est|c)|nom\s*:|pr[ée]nom"
)
LOWER_NAME = re.compile(r"[a-zà-öø-ÿ][a-zà-öø-ÿ'’\-]+(?![\w@.])")
NOT_LOWER_NAMES = frozenset(
    """and et from de du is est but mais please svp spelled comme like with avec as en
    to au aux sur for pour because parce car that que qui then puis comment quoi déjà deja
    rien personne nothing nobody ça ca pareil same""".split()
)
# What may follow a name typed in lower case: the end of the sentence or a joining word.
AFTER_LOWER_NAME = re.compile(
    r"\s*(?:$|[,.;:!?\n)]|(?i:and|et|but|mais|here|ici|speaking|thanks|merci|please|svp)\b)"
)
# A name spelled letter by letter after it: "Dupont, D-U-P-O-N-T", "Smith, that's S M I T H".
SPELLED_AFTER_NAME = re.compile(
    r"\s*[,:;.]?\s*(?:(?i:that['’]?s|that\s+is|c['’]est|ça\s+s['’][ée]crit|spelled|spelt|"
    r"s['’][ée]crit|I\s+spell\s+it|je\s+[ée]pelle)\s*:?\s*)?"
    r"(?P<sp>[A-Za-z](?![A-Za-z])(?:[\s.\-]{1,3}[A-Za-z](?![A-Za-z])){2,30})"
)
# Triggers too common to be trusted alone: the name must be confirmed by a
# greeting before it or a "speaking/here/à l'appareil" after it.
WEAK_TRIGGERS = ("this is", "c'est", "c’est", "ici", "it's", "it’s", "it is")
WEAK_BEFORE = re.compile(
    r"(?i)\b(?:hi|hello|hey|good\s+(?:morning|afternoon|evening)|bonjour|bonsoir|salut|allô|allo)\W*$"
)
WEAK_AFTER = re.compile(
    r"(?i)\s*(?:speaking|here|calling|from\b|à\s+l['’]appareil|au\s+t[ée]l[ée]phone)"
)
CAPITAL_PARTICLES = frozenset(
    ["de", "du", "des", "la", "le", "van", "von", "der", "den", "da", "di", "del", "dos"]
)
NOT_NAMES = frozenset(
    """french english british american canadian spanish german italian belgian swiss dutch
    irish portuguese european not so sorry calling just very really still also trying going
    here fine good okay ok afraid sure the a an in at on from with your my this that it
    orvane je j vous nous il elle on merci bonjour bonsoir oui non le la les un une mon ma
    ce est et mais pour sur hello hi thanks thank please yes no well new writing contacting
    looking happy glad unable having unhappy disappointed monday tuesday wednesday thursday
    friday saturday sunday lundi mardi mercredi jeudi vendredi samedi dimanche client
    customer madame monsieur service what who why how i française français francaise
    francais belge suisse canadien canadienne désolé désolée content contente ravi ravie
    perdu perdue""".split()
)
