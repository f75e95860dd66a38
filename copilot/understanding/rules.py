"""The rules of the offline understanding: text normalisation, cue patterns and sentiment.

Everything works on `normalize(text)`: lower case, no accents, apostrophes and punctuation turned
into spaces, common SMS spellings expanded ("jveux" -> "je veux", "pk" -> "pourquoi", "u" ->
"you") and one-letter typos of the words the rules rely on corrected ("inadmissable" ->
"inadmissible"). Patterns are therefore written without accents and with "j ai", "didn t".

Each cue is a named list of patterns; `find_cues` returns, for each cue that fired, the words that
fired it, which become the reasons shown to the advisor. Sentiment is a small French/English
lexicon with negation, intensifiers, repeated punctuation and capitals.
"""

# ruff: noqa: E501  (the regex tables read better one alternative per line than wrapped)
from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache


def _pairs(spec: str) -> dict[str, str]:
    """'jveux=je_veux pk=pourquoi' -> {'jveux': 'je veux', 'pk': 'pourquoi'}."""
    return dict((k, v.replace("_", " ")) for k, v in (p.split("=") for p in spec.split()))


def _weights(spec: str) -> dict[str, float]:
    """'merci=1 super=1.2' -> {'merci': 1.0, 'super': 1.2}."""
    return {k: float(v) for k, v in (p.split("=") for p in spec.split())}


_SMS = _pairs(
    "jai=j_ai jveux=je_veux jvx=je_veux jsuis=je_suis chui=je_suis chuis=je_suis jsp=je_sais_pas "
    "jpeux=je_peux jpe=je_peux jarrive=j_arrive narrive=n_arrive jcrois=je_crois "
    "jcomprends=je_comprends pk=pourquoi pq=pourquoi pourkoi=pourquoi g=j_ai c=c_est cest=c_est "
    "ya=il_y_a qqn=quelqu_un qqun=quelqu_un qlq=quelque bcp=beaucoup tjrs=toujours tjs=toujours "
    "mdp=mot_de_passe koi=quoi kan=quand ke=que pr=pour ds=dans dc=donc mm=meme slt=salut "
    "bjr=bonjour nimporte=n_importe u=you ur=your im=i_m ive=i_ve dont=don_t didnt=didn_t "
    "cant=can_t wont=won_t doesnt=doesn_t isnt=isn_t wasnt=wasn_t havent=haven_t "
    "pls=please plz=please ppl=people cuz=because bc=because thx=thanks ty=thank_you rn=right_now "
    "smth=something "
)

# Words the rules depend on: a token one edit away from exactly one of them is corrected to it.
KEYWORDS = frozenset(
    "inadmissible inacceptable unacceptable scandaleux scandaleuse scandale honteux honteuse "
    "lamentable pitoyable reclamation complaint complain plainte disgraceful disgrace appalling "
    "outrageous pathetic terrible horrible harassment harcelement avocat tribunal lawyer "
    "solicitor mediateur ombudsman mediator justice association consommateurs pirate piratage "
    "hacked fraude fraud fraudulent phishing hameconnage arnaque unauthorised unauthorized "
    "recognise recognize reconnais inconnu inconnue divorce chomage unemployed redundant "
    "licencie maladie malade hospital hopital decede funeral depression surendette "
    "surendettement conseiller conseillere humain person agent someone somebody concurrent "
    "concurrence competitor another account compte close cloturer fermer supprimer resilier "
    "leaving partir quelqu stolen volee portefeuille wallet missing perdu perdue afford payer "
    "struggling difficulte difficultes personne human".split()
)


@lru_cache(maxsize=1)
def _deletion_index() -> dict[str, str | None]:
    index: dict[str, str | None] = {}
    for word in KEYWORDS:
        for variant in {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}:
            index[variant] = word if index.get(variant, word) == word else None
    return index


def _correct(token: str) -> str:
    """One-edit typo correction towards `KEYWORDS` (SymSpell-style deletion lookup)."""
    if len(token) < 6 or token in KEYWORDS or not token.isalpha():
        return token
    index = _deletion_index()
    found = {index.get(token)} | {index.get(token[:i] + token[i + 1 :]) for i in range(len(token))}
    # an edit on the last letter is an inflection ("conseillez", "complaints"), not a typo
    kept = {k for k in found if k and k[:-1] != token[:-1] and k != token[:-1] and k[:-1] != token}
    return kept.pop() if len(kept) == 1 else token


def fold(text: str) -> str:
    """Lower case without accents (œ -> oe), typographic apostrophes made plain."""
    text = text.casefold().replace("œ", "oe").replace("æ", "ae").replace("’", "'")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")


def normalize(text: str) -> str:
    """Folded, tokenised, SMS-expanded and typo-corrected text, words joined by single spaces."""
    out = []
    for token in _TOKEN.findall(fold(text)):
        if "'" in token:  # "c'est", "n'ai": written out already, no SMS expansion
            out += [_correct(part) for part in token.split("'")]
        else:
            out.append(_SMS.get(token) or _correct(token))
    return " " + " ".join(out) + " "


# ---------------------------------------------------------------------------- cues
# Shared fragments.
_NOT = r"(?:don t|do not|didn t|did not|never|haven t|have not|wasn t|was not)"
_TXN = (
    r"(?:payment|purchase|order|transaction|charge|withdrawal|debit|direct debit|paiement|achat|"
    r"commande|transaction|retrait|prelevement|debit|operation)s?"
)
_ME = r"(?:me|moi|i|i m|je)"

CUES: dict[str, list[str]] = {
    "fraud": [
        rf"\b{_TXN}(?: \w+){{0,4}} (?:that |which )?(?:i|we) {_NOT} (?:make|made|place|placed|do|did|"
        r"authori[sz]e|buy|bought|initiate|request|order|ordered)\b(?! (?:on time|in time|yet))",
        rf"\b(?:i|we) {_NOT} (?:make|made|place|placed|authori[sz]e[d]?|initiate|request) (?:this|that|"
        rf"these|the|a|an|any)( \w+)? {_TXN}|\b{_TXN}.{{0,30}}\bbut i (?:didn t|did not)\b"
        r"|\bsomething i (?:didn t|did not|never) (?:buy|order|ask for)\b",
        rf"\b(?:{_NOT}|not) recogni[sz](?:e|ing)\b|\bdon t know (?:this|that|these|the) {_TXN}"
        r"|\bunrecogni[sz]ed\b|\bwhere (?:this|that|the) (?:\w+ ){0,3}(?:charge|payment|transaction|debit|"
        r"withdrawal)s? (?:\w+ ){0,4}came from\b",
        r"\bnever heard of\b",
        r"\b(?:some ?one|some ?body|a stranger|someone else|this person)(?: \w+){0,4} "
        r"(?:us(?:ed|ing)|access(?:ed|ing)|log(?:ged)? in|open(?:ed)?|spent|buying|bought|made|had access)\b",
        r"\b(?:not|wasn t|was not|isn t) (?:done |made |authori[sz]ed )?by me\b|\bthat s not mine\b"
        r"|\bnot mine\b|\bwithout my (?:permission|consent|knowledge|authori[sz]ation)\b"
        r"|\b(?:it|that|this) (?:was not|wasn t|is not|isn t) me\b"
        r"|\b{_NOT} (?:approve|authori[sz]e|create|request)\b".replace("{_NOT}", _NOT),
        r"\bcard (?:details|information|info|number|data) (?:\w+ ){0,4}(?:stolen|compromised|leaked|hacked)",
        r"\bunauthori[sz]ed\b|\bhack(?:ed|er|ers|ing)?\b|\bphishing\b|\bfraud(?:ulent|ster)?\b",
        r"\bscam(?:med|mer|mers)?\b|\bidentity theft\b|\bcompromised\b|\bin my name\b|\bwasn t me\b",
        r"\b(?:gave|give|shared|told|read out) (?:him|her|them|the caller|someone|a man|a woman) "
        r"(?:the |my )?(?:code|password|pin|details|card)",
        r"\b(?:typed|entered|put) (?:in )?my (?:password|code|pin|card details) (?:on|in|into) (?:the|a|that|this)"
        r" (?:link|site|page|website|form)",
        r"\basked (?:me )?for (?:the |my )?(?:code|password|pin|card details)"
        r"|\bclicked (?:on )?(?:the|a) link",
        r"\b(?:strange|weird|suspicious|unknown|mystery|mysterious|random|unfamiliar|odd|questionable) (?:\w+ )?"
        r"(?:payment|purchase|transaction|charge|debit|withdrawal|order)s?",
        r"\bque (?:je n ai|j ai|je n avais) (?:pas|jamais) (?:fait|faite|effectue|passe|passee|"
        r"commande|autorise|demande)\b(?! (?:a temps|a l heure|en retard))",
        rf"\b(?:je n ai|j ai) (?:pas|jamais) (?:fait|passe|effectue|autorise) (?:ce|cet|cette|ces|de|d|"
        rf"un|une)( \w+)? {_TXN}",
        r"\bque je ne (?:re)?connais pas\b|\bje ne reconnais pas\b|\bj (?:re)?connais pas (?:ce|cet|cette|ces)\b",
        rf"\b{_TXN} (?:\w+ ){{0,2}}inconnue?s?\b|\binconnue?s? (?:\w+ )?(?:sur|dans) mon (?:compte|releve)",
        r"\bquelqu un (?:a |aurait )?(?:utilise|utilisee|pris|ouvert|pirate|acces|essaie|tente|a essaye)",
        r"\bnever (?:used|heard of|been to|shopped at) (?:that|this|the) (?:site|shop|store|merchant|website)\b"
        r"|\bjamais (?:utilise|commande sur|entendu parler de) ce (?:site|magasin|marchand)\b",
        r"\bcodes? (?:\w+ ){0,3}(?:que je n ai pas|que j ai pas|i didn t|i did not|i never) (?:demande|demandes|"
        r"request|requested|ask|asked)\b|\btrying to (?:log|sign) (?:in|into)\b",
        r"\bpirat(?:e|ee|age)\b|\bfraud(?:e|eur|uleux|uleuse)\b|\barnaqu(?:e|er|eur)\b|\bescroquerie\b",
        r"\bhameconnage\b|\busurpation\b|\ba mon nom\b|\b(?:c est|ce n est) pas moi\b",
        r"\b(?:donne|donnee|tape|communique) (?:mes|mon|le|les) codes?\b"
        r"|\bdemand(?:e|er|ait) (?:mon|mes|le) (?:code|mot de passe)",
        r"\bclique (?:sur )?(?:le|un) lien\b|\bme suis fait avoir\b",
        r"\blink\b.{0,60}\b(?:clicked|typed|entered|gave)\b|\b(?:clicked|tapped) (?:on )?(?:it|the link|a link)\b"
        r".{0,40}\b(?:password|code|details|pin)\b|\blien\b.{0,60}\b(?:clique|tape|entre|donne)\b",
    ],
    "legal": [
        r"\b(?:lawyer|solicitor|attorney|legal action|legal team|take legal|small claims)\b",
        r"\b(?:sue|suing)\b|\b(?:see you|take you|taking you|go|going|take this|take it) (?:in|to) court\b",
        r"\b(?:trading standards|financial conduct authority|fca)\b"
        r"|\bconsumer (?:association|rights|protection|group|watchdog)",
        r"\b(?:i m|i am|i ll|i will|gonna|going to|i shall) (?:\w+ )?(?:take|taking|go|going|escalate|"
        r"escalating|report|reporting|complain|contact|write to) (?:\w+ ){0,6}(?:ombudsman|mediator|press)",
        r"\bavocats?\b|\btribunal\b|\bjustice\b|\bpoursuites?\b|\bpoursuivre\b",
        r"\bporter plainte contre\b|\b(?:je vais|je compte|j vais|je veux) porter plainte\b"
        r"|\bplainte contre (?:vous|orvane)",
        r"\bufc\b|\bque choisir\b|\b60 millions\b|\bassociation de (?:consommateurs|defense)\b|\bdgccrf\b"
        r"|\bsignal ?conso\b",
        r"\b(?:je saisis|je vais saisir|je vais contacter|je vais voir|je vais aller voir|je saisirai|"
        r"je vais ecrire a|je vais ecrire au|j ecris au|j ecris a) (?:le |la |l )?(?:mediat|acpr|banque de france)",
    ],
    "complaint": [
        r"\b(?:unacceptable|disgrace(?:ful)?|appalling|outrageous|pathetic|shambles|shocking|useless)\b",
        r"\b(?:terrible|awful|horrible|worst|poor|rubbish|lousy|bad) (?:\w+ )?"
        r"(?:service|customer service|company|experience|support)\b",
        r"\b(?:formal|official) complaint\b|\b(?:make|making|file|filing|lodge|lodging|raise|raising|"
        r"submit|submitting|register|send|escalate|open|opening) (?:a |my |an |the )?(?:\w+ )?"
        r"(?:complaint|claim)\b|\bclaim against\b",
        r"\b(?:want|wish|need|like|going) to complain\b|\bcomplain(?:ing)? (?:about|against)\b",
        r"\bcomplaints?\b",
        r"\b(?:no one|nobody|noone) (?:\w+ )?(?:answers|replies|responds|gets back|reads|helps|"
        r"calls back|cares)\b",
        r"\bnot good enough\b|\bcompensation\b|\ban apology\b|\brude\b|\bhung up on\b"
        r"|\bharass(?:ment|ing|ed)?\b",
        r"\b(?:rip ?off|thieves|crooks|cowboys|joke of a)\b|\bon record\b|\bavoid (?:you|orvane)\b"
        r"|\b(?:i m|i am) done with (?:you|orvane)\b|\btell(?:ing)? everyone\b"
        r"|\b(?:third|fourth|fifth|\d+(?:th)?) time (?:i m|i am|i ve|i have)\b",
        r"\binadmissible\b|\binacceptable\b|\bscandal(?:eux|euse|e)\b|\bhont(?:e|eux|euse)\b"
        r"|\blamentable\b|\bpitoyable\b",
        r"\breclamations?\b|\b(?:me|vous) plaindre\b|\bje me plains\b|\bharcel(?:ement|e|ent)\b",
        r"\braccroche au nez\b|\bmal (?:recu|recue|traite|traitee|accueilli)\b|\bincompetent",
        r"\bpersonne (?:ne )?(?:\w+ ){0,2}(?:repond|repondu|aide|rappelle|rappele|rappelee|lit)\b"
        r"|\bfurieu(?:x|se)\b|\bfurious\b|\blivid\b|\bfuming\b|\bon m a promis\b|\bpromised (?:me )?"
        r"(?:\w+ ){0,4}(?:times|again)\b"
        r"|\bsans (?:aucune )?reponse\b|\baucune reponse\b",
        r"\bdes excuses\b|\bdedommag|\bindemnis|\bvoleurs\b|\bescrocs\b|\bvous (?:vous )?moquez\b"
        r"|\bse fout\b|\bfoutez\b",
        r"\bservice (?:\w+ )?(?:nul|nulle|minable|inexistant|deplorable|catastrophique)\b"
        r"|\bje tiens a le signaler\b",
        r"\b(?:sans|pas) mon (?:accord|consentement)\b|\bwithout (?:my )?(?:consent|asking me|agreement)\b",
        r"\b(?:very|extremely|really|so|deeply|totally) (?:unhappy|dissatisfied|disappointed)\b|\bdissatisfied\b"
        r"|\bthe way i (?:was|ve been|have been|am being) (?:treated|spoken to)\b|\bformal letter\b",
        r"\b(?:tres|vraiment|extremement|profondement) (?:mecontente?|decue?|insatisfaite?)\b|\bmecontente?\b"
        r"|\binsatisfaite?\b|\bla facon dont (?:j ai ete|on m a) (?:traitee?|parle)\b",
    ],
    "vulnerable": [
        r"\blost (?:my|his|her) (?:job|work|income)\b|\blaid off\b|\bmade redundant\b"
        r"|\bredundan(?:cy|t)\b|\bunemployed\b|\bout of work\b|\bjobless\b",
        r"\bsick leave\b|\bsigned off\b|\bunpaid leave\b|\b(?:i m|i am|been|very) (?:ill|sick|unwell)\b"
        r"(?! of)|\bhospital\b|\bcancer\b|\bchemo\b|\bdisabilit(?:y|ies)\b|\bdisabled\b",
        r"\bpassed away\b|\b(?:husband|wife|mother|mum|mom|father|dad|son|daughter|partner|brother|"
        r"sister|parent|parents|grandmother|grandfather|grandma|grandad) (?:\w+ )?died\b|\bbereave"
        r"|\bfuneral\b|\bwidow|\bdivorc|\bseparated\b|\bseparation\b|\bsplit up\b",
        r"\bdepress(?:ed|ion)\b|\banxiety\b|\bmental health\b|\bcan t sleep\b|\bsuicid|\bend it all\b"
        r"|\bpanic attacks?\b|\bso stressed\b|\bbreaking down\b",
        r"\bdrowning\b|\btoo many debts\b|\bin debt\b|\bdebt (?:advice|charity)\b"
        r"|\b(?:can t|cannot|can not) (?:afford|cope)\b|\bunable to pay\b"
        r"|\b(?:can t|cannot) pay (?:anymore|any more|this month|next month|the rent|my rent|my bills|"
        r"them|it all|everything)\b",
        r"\bstruggling (?:financially|with money|to pay|to make ends meet|this month|with (?:my )?"
        r"(?:debts|bills|payments))|\breally struggling\b(?! to (?:log|find|understand|use))",
        r"\bnothing left\b|\b(?:have|got) no money\b|\b(?:i m|i am|totally|completely|flat) broke\b"
        r"|\bhardship\b|\bdomestic (?:abuse|violence)\b|\bhomeless\b|\bevicted\b|\bfood bank\b",
        r"\bperdu (?:mon|son) (?:travail|emploi|job|boulot|poste)\b|\blicenci|\bchomage\b"
        r"|\bpole emploi\b|\bfrance travail\b|\bsans emploi\b|\brsa\b",
        r"\barret (?:maladie|de travail)\b|\ben arret\b|\bmalade\b|\bhospitalis|\bhopital\b|\bcancer\b"
        r"|\bhandicap",
        r"\bdecede|\bdeces\b|\benterrement\b|\bobseques\b|\bveu(?:f|ve)\b|\bdivorc"
        r"|\b(?:je suis|on s est|nous sommes|on est) separ|\bseparation\b",
        r"\bdepression\b|\bdeprime\b|\ba bout\b|\bdors plus\b|\bangoiss|\bsuicid",
        r"\bsurendett|\btrop de (?:credits|dettes)\b|\bcredits partout\b|\bm en sors (?:plus|pas)\b"
        r"|\bm a quitte\b|\bm a quittee\b|\baidante?\b|\b(?:left me|walked out)\b|\bcarer\b|\bdiagnosed\b",
        r"\b(?:j|je n|n) arrive (?:plus|pas) a (?:payer|rembourser|suivre)\b(?! (?:avec|par|en ligne|sur))"
        r"|\b(?:je ne|je n|je) (?:peux|pourrai|pourrais) (?:plus|pas) payer\b"
        r"(?! (?:avec|par|en ligne|sur))|\bpas les moyens\b",
        r"\bil (?:ne )?me reste (?:rien|plus rien)\b|\bdans le rouge\b|\bdifficultes? financieres?\b"
        r"|\ben difficulte\b|\bdu mal a (?:payer|rembourser|m en sortir)\b",
        r"\bmon contrat (?:se termine|s arrete|prend fin)\b|\bfin de (?:mon )?contrat\b|\bje galere\b",
    ],
    "human": [
        r"\b(?:speak|speaking|talk|talking|chat|chatting|contact|contacting|reach|get through|"
        r"be put through|transfer|direct|redirect|connect)(?: \w+){0,3} (?:to |with )?(?:a |an |the |"
        r"your |some |me )?(?:real |actual |live |human |proper |\w+ )?(?:person|human|agent|advisor|"
        r"adviser|operator|assistant|someone|somebody|representative|rep|manager|supervisor|people)\b",
        r"\b(?:want|need|get|give me) (?:an?|the|your) (?:human |real |live )?(?:agent|operator|human|person"
        r"|advisor|adviser)\b",
        r"\b(?:real|actual|live) (?:person|human|agent|people)\b"
        r"|\b(?:human|agent|person|operator|manager) (?:please|pls|now)\b",
        r"\b(?:call me back|ring me back|callback|call back)\b"
        r"|\b(?:put|transfer|connect) me (?:through )?(?:to|with)\b",
        r"\b(?:not|no|stop|enough|hate) (?:\w+ )?(?:the )?(?:bot|robot|chatbot|automated)\b"
        r"|\bcontact (?:a|an|your) (?:agent|human|person|representative)\b",
        r"\bparler (?:\w+ ){0,2}(?:a|avec|au|aux) (?:quelqu un|(?:un |une |le |la |votre |vos |des )?(?:vrai |vraie "
        r"|veritable )?(?:conseiller|conseillere|humain|personne|agent|responsable|superieur|"
        r"operateur)s?)\b",
        r"\b(?:veux|voudrais|voudrai|aimerais|souhaite|besoin d|avoir|passer|joindre|contacter|"
        r"demande) (?:\w+ )?(?:un|une) (?:vrai |vraie )?(?:conseiller|conseillere|humain|personne)\b",
        r"^ (?:un|une) (?:vrai |vraie )?(?:conseiller|conseillere|humain) ?(?:svp|stp|please)? $"
        r"|\b(?:conseiller|humain|responsable) (?:svp|stp|s il vous plait|please|vite)\b",
        r"\b(?:me rappeler|rappelez moi|rappellez moi|etre rappele|etre rappelee)\b"
        r"|\bquelqu un (?:au telephone|de reel|en vrai)\b|\bavoir quelqu un\b",
        r"\b(?:pas|plus|stop|marre) (?:\w+ )?(?:un |le |du |des |de )?(?:robot|bot|chatbot)\b"
        r"|\bpassez moi\b|\ble responsable\b",
    ],
    "churn": [
        r"\b(?:close|closing|cancel|cancelling|delete|deleting|terminate|shut) (?:down )?"
        r"(?:my|the|this) (?:orvane )?(?:account|membership|subscription)\b",
        r"\b(?:i m|i am) (?:leaving|done with|switching|going elsewhere)\b"
        r"|\bswitch(?:ing)? to (?:another|a different|a competitor)\b",
        r"\b(?:another|other|different) (?:app|company|provider|lender|bnpl)\b|\bcompetitors?\b"
        r"|\bnever (?:use|using) (?:you|orvane|this)\b",
        r"\b(?:fermer|cloturer|supprimer|resilier|clore) (?:mon|le|ce) compte\b"
        r"|\bje (?:ferme|cloture|supprime|resilie) (?:mon|le) compte\b|\bresili",
        r"\bconcurren(?:t|ts|ce)\b|\b(?:partir|aller|passer) (?:chez|ailleurs)\b"
        r"|\bje (?:m en vais|pars|passe chez)\b",
    ],
    "advice": [
        r"\bshould i\b(?! do\b)|\bwould it be (?:smarter|wiser|better|a good idea)\b"
        r"|\bis it (?:a good idea|wise|smart|worth)\b",
        r"\bwhich (?:plan|option|one|formula) (?:\w+ )?(?:is |would be )?(?:best|better|right) for me\b"
        r"|\bbest (?:plan|option) for me\b",
        r"\bwhat would you (?:advise|recommend|suggest)\b|\bdo you (?:think|recommend|advise) (?:i|that i)\b"
        r"|\bwould (?:\w+ ){0,2}help me (?:rebuild|improve|build|fix)\b|\brebuild (?:my )?credit\b"
        r"|\byour advice\b",
        r"\best ce que je devrais\b|\bje devrais\b|\bvaut (?:il )?mieux\b|\bbonne idee\b"
        r"|\bvaut le coup\b|\bvaut la peine\b",
        r"\bvous me (?:conseillez|recommandez)\b|\bque me conseillez\b|\ba votre avis\b"
        r"|\bvotre conseil\b|\b(?:adaptee?|mieux) pour moi\b",
        r"\best ce que je dois (?:fermer|garder|prendre|choisir)\b",
    ],
    "proactive": [
        r"\b(?:going to|gonna|will) be tight\b|\bmoney s tight|\btighter\b|\bstretched\b"
        r"|\bshort this month\b|\bmight not have enough\b|\bwon t have enough\b",
        r"\bbig bill\b|\bbefore (?:my )?payday\b|\bsame day as my rent\b"
        r"|\b(?:instalments|payments|repayments|amounts) (?:are |is )?(?:\w+ )?too (?:big|high|much|expensive)\b"
        r"|\bsmaller (?:monthly|instalments|payments|amounts)\b|\bsmallest instalments\b",
        r"\bskip (?:a|one|an|this) (?:\w+ )?(?:payment|instalment)\b"
        r"|\bspread (?:what s left|the rest|it)\b|\bmore months\b|\bplan be longer\b",
        r"\b(?:late fees?|fees|fail(?:s|ed)?|bounce[sd]?) (?:\w+ ){0,3}every month\b"
        r"|\b(?:third|3rd|fourth|4th|\d+(?:th|rd|nd)?) time\b.{0,40}\b(?:failed|bounced|late|rejected)\b"
        r"|\bpay date is changing\b",
        r"\b(?:\w+ )?short (?:until|till|before|this)\b|\b(?:second|2nd|another) late fee\b"
        r"|\bwill (?:fail|bounce)\b|\bpay less (?:this|next)\b|\bunexpected (?:bill|expense|cost)\b"
        r"|\bwon t line up\b|\bdoesn t match my pay",
        r"\bheads up\b|\b(?:overtime|hours) (?:got |have been |were )?(?:cut|reduced)\b|\bbetter deal\b"
        r"|\bwiped me out\b",
        r"\bva etre (?:juste|serre|complique|dur)\b|\bserre\b|\bpas assez sur mon compte\b"
        r"|\brisque de (?:pas|ne pas)\b|\bgrosse facture\b",
        r"\bavant (?:ma|la) paie\b|\bmeme jour que (?:mon|le) loyer\b"
        r"|\bmensualites (?:plus )?(?:basses|petites|elevees)\b|\btrop elevees?\b",
        r"\bsauter (?:une|un) (?:echeance|paiement|mois)\b|\betaler\b"
        r"|\btous les mois (?:\w+ ){0,4}(?:frais|retard|rejet)|\bserai paye",
        r"\b(?:3e|troisieme|\d+e|\d+eme) fois\b.{0,50}\b(?:rejete|refuse|retard|echoue)",
        r"\bne vont plus coller\b|\bimprevue?s?\b|\bpayer moins\b|\badapter (?:l |mon )?echeancier\b"
        r"|\bva (?:etre rejete|pas passer)\b|\bon me paie maintenant\b",
        r"\bheures (?:ont ete )?reduites\b|\bmeilleur (?:plafond|plan|tarif)\b|\brentree\b"
        r"|\bles fetes\b|\bje previens\b",
    ],
    "complex": [
        r"\b(?:charged|debited|taken|billed) (?:\w+ ){0,3}twice\b|\bdouble (?:charge|payment|debit)\b"
        r"|\b(?:charged|debited|billed|preleve|prelevee|debite|debitee)\b.{0,50}\b(?:cancel+ed|annulee?)\b"
        r"|\b(?:cancel+ed|annulee?)\b.{0,60}\b(?:charged|debited|billed|preleve|prelevee|debite|debitee)\b"
        r"|\bshow(?:s|ing)? (?:up )?(?:twice|several times|two times|multiple times)\b"
        r"|\baux deux dates\b|\bboth dates\b|\bdouble charged\b|\bduplicate(?:d)? (?:\w+ )?"
        r"(?:charge|payment|transaction|debit)s?\b|\bmore than once\b|\bcharged me twice\b",
        r"\b(?:preleve|prelevee|debite|debitee|facture|paye|payee|charge) (?:\w+ ){0,3}deux fois\b"
        r"|\bdeux fois (?:la meme|le meme)\b",
        r"\bnever (?:arrived|showed up|turned up)\b|\bnever (?:received|got|delivered) (?:\w+ ){0,2}"
        r"(?:order|parcel|package|item|product|goods|tv|sofa)\b",
        r"\b(?:commande|colis|article|produit) (?:\w+ ){0,3}jamais (?:ete )?(?:recue?|livree?|arrivee?)\b"
        r"|\bjamais livree?\b",
        r"\bbankrupt|\bliquidation\b|\bwent bust\b|\bout of business\b|\bfaillite\b"
        r"|\b(?:site|website) (?:\w+ )?(?:ferme|a disparu|is gone|offline|down)\b",
        r"\bdisput|\blitige\b|\bcontest|\bfake\b|\bcounterfeit\b|\bcontrefacon\b|\bdon t add up\b"
        r"|\bmakes no sense\b|\bcomprends rien\b",
        r"\brefuses? (?:the |to take |a )?(?:return|refund)\b"
        r"|\brefuse de (?:le |la )?(?:reprendre|rembourser)\b|\bfait le mort\b|\bignor(?:es|ing) (?:me|my)\b",
        r"\b(?:seller|merchant|shop|store|retailer|vendeur|marchand|magasin|boutique|site) (?:\w+ ){0,2}"
        r"(?:doesn t|does not|won t|"
        r"stopped|has stopped|ne) (?:\w+ )?(?:answer|respond|reply|repond)",
        r"\bmissing\b.*\border\b|\bil manque\b|\bsays it s your problem\b|\bvoir avec vous\b",
        r"\bblames? (?:you|orvane|each other|the merchant)\b|\brenvoie (?:la balle|vers vous)\b"
        r"|\b(?:total|amount|montant)\b.{0,25}\b(?:is wrong|faux|incorrect)\b|\bwrong amount\b"
        r"|\b(?:instead of|au lieu d)\b|\brefuses? (?:the |l )?(?:exchange|echange)\b|\brefuse l echange\b"
        r"|\bsuivi ne bouge plus\b|\btracking (?:hasn t|has not|doesn t) (?:moved|changed|updated)\b"
        r"|\bcancel+ed (?:my |the )?order\b.{0,60}\b(?:still|scheduled)\b",
        r"\bmoney(?: s| is| has)? (?:\w+ )?(?:gone|disappeared|vanished)\b|\bou est passe l argent\b"
        r"|\bargent (?:a )?disparu\b|\bconfused about (?:what|how much) i owe\b",
        r"\bbut you (?:still |also )?(?:took|charged|debited|taken)\b|\band you still (?:take|took|want|charge)"
        r"|\bmais vous (?:m |l |me )?(?:avez )?(?:\w+ )?quand meme\b",
        r"\b(?:closed|old|expired) (?:card|account)\b|\bcard that s now closed\b|\bancienne carte\b"
        r"|\bcarte (?:\w+ ){0,3}fermee\b",
    ],
    "lost_stolen": [
        r"\b(?:can t|cannot|can not) find (?:my )?(?:\w+ )?(?:card|wallet|purse|phone)\b"
        r"|\b(?:no longer|don t) have my (?:\w+ )?(?:card|phone)\b",
        r"\b(?:lost|stolen|stole|misplaced|missing|nicked|pinched|snatched|grabbed|robbed)\b(?: \w+){0,4} "
        r"(?:card|wallet|purse|phone|"
        r"bag)s?\b|\bleft (?:my|the) (?:\w+ )?(?:card|wallet|purse|phone)\b(?! (?:details|number))",
        r"\b(?:card|wallet|purse|phone|bag)s? (?:\w+ ){0,3}(?:lost|stolen|missing|gone missing|nicked)\b"
        r"|\bmugged\b|\bpickpocket",
        r"\b(?:perdu|vole|volee|voles|egare|egaree|paume)(?: \w+){0,3} (?:carte|portefeuille|sac|"
        r"telephone|portable)\b",
        r"\b(?:carte|portefeuille|sac|telephone|portable) (?:\w+ ){0,2}(?:vole|volee|perdue?|egaree?|"
        r"disparue?)\b|\bon m a (?:vole|arrache)\b|\bagressee?\b",
    ],
}

INTENT_HINTS: dict[str, str] = {
    "login_problem": r"\b(?:password|mot de passe|log ?in|sign ?in|se connecter|me connecter|connexion"
    r"|reinitialis|reset|code sms|sms code|verification code)\b",
    "data_privacy_request": r"\b(?:rgpd|gdpr|my (?:personal )?data|mes donnees|donnees personnelles)\b",
    "mediation": r"\b(?:mediat\w*|ombudsman)\b",
    # paid, but after the due date: a late payment, not a failed one
    "late_fee_question": r"\b(?:paid (?:it )?(?:late|on the \d+\w*|\d+ days? late)|late (?:fee|payment)s?"
    r"|frais de retard|paye (?:en retard|avec \d+ jours? de retard|le \d+))\b",
    "verify_identity": r"\b(?:identity|identite|id check|proof of (?:id|address)|justificatif"
    r"|piece d identite|selfie)\b",
}
"""Words that point to one intent; the classifier adds a small bonus to that intent."""
_HINTS = {intent: re.compile(p) for intent, p in INTENT_HINTS.items()}

_COMPILED: dict[str, list[re.Pattern[str]]] = {
    name: [re.compile(p) for p in patterns] for name, patterns in CUES.items()
}
_NOT_LOST = re.compile(r"\b(?:found|retrouve|retrouvee)\b")


def find_cues(norm: str) -> dict[str, str]:
    """Cue name -> the words that fired it, for every cue present in the normalised text."""
    found: dict[str, str] = {}
    for name, patterns in _COMPILED.items():
        for pattern in patterns:
            match = pattern.search(norm)
            if match:
                found[name] = match.group().strip()
                break
    hints = [intent for intent, pattern in _HINTS.items() if pattern.search(norm)]
    if hints:
        found["hints"] = " ".join(hints)
    if "lost_stolen" in found and _NOT_LOST.search(norm):
        del found["lost_stolen"]  # "I found my card after blocking it" is routine
    return found


# ------------------------------------------------------------------------ sentiment
_POSITIVE = _weights(
    "thanks=1 thank=1 great=1 perfect=1.2 excellent=1.2 love=1 happy=1 helpful=1 appreciate=1 "
    "brilliant=1.2 amazing=1.2 good=0.6 nice=0.6 glad=0.8 awesome=1.2 sorted=0.8 resolved=0.8 "
    "merci=1 super=1 parfait=1.2 genial=1.2 top=0.8 content=0.8 contente=0.8 ravi=1 ravie=1 "
    "bien=0.4 bon=0.4 bonne=0.4 excellente=1.2 efficace=0.8 rapide=0.5 sympa=0.8 aimable=0.8 "
    "impeccable=1.2 regle=0.6 resolu=0.8 "
)
_NEGATIVE = _weights(
    "bad=0.8 terrible=1.4 awful=1.4 horrible=1.4 worst=1.6 hate=1.4 angry=1.2 furious=1.6 "
    "annoying=0.8 annoyed=0.8 frustrated=1 frustrating=1 ridiculous=1 unacceptable=1.6 "
    "disgraceful=1.6 disgrace=1.6 appalling=1.6 pathetic=1.4 useless=1.2 rude=1.2 scam=1.4 "
    "joke=0.8 worried=0.8 stressed=1 scared=1 upset=1 unhappy=1.2 disappointed=1 confused=0.6 "
    "problem=0.4 wrong=0.6 failed=0.5 struggling=1 drowning=1.2 ffs=1 damn=0.6 ugh=0.6 sick=0.5 "
    "fed=0.4 harassment=1.4 outrageous=1.6 complaint=0.8 nul=1.2 nulle=1.2 inadmissible=1.6 "
    "inacceptable=1.6 scandaleux=1.6 honteux=1.4 honte=1.4 lamentable=1.4 pitoyable=1.4 "
    "penible=0.8 enerve=1 enervee=1 marre=1 furieux=1.6 furieuse=1.6 decu=1 decue=1 inquiet=0.8 "
    "inquiete=0.8 peur=0.8 stresse=1 stressee=1 probleme=0.4 galere=0.8 arnaque=1.4 voleurs=1.4 "
    "bout=0.6 fou=0.6 ras=0.8 bol=0.4 catastrophe=1.2 incompetents=1.4 reclamation=0.8 "
    "plainte=0.8 harcelement=1.4 pirate=0.8 vole=0.6 rien=0.2 jamais=0.3 toujours=0.1 refuse=0.5 "
    "bloque=0.5 "
)
_NEGATORS = frozenset(
    "not no never t cannot dont didnt cant isnt wasnt wont ne pas plus jamais aucun".split()
)
_INTENSIFIERS = _weights(
    "very=1.5 so=1.4 really=1.4 extremely=1.8 totally=1.5 absolutely=1.6 tres=1.5 vraiment=1.4 "
    "trop=1.3 completement=1.6 totalement=1.5 tellement=1.5 hyper=1.5 grave=1.3 "
)
_WORD = re.compile(r"[^\W\d_]+|\d+", re.UNICODE)


def sentiment_score(text: str) -> float:
    """Polarity in -1..1: lexicon hits, negation (3-word window), intensifiers, !!/?? and CAPS."""
    raw_words = _WORD.findall(text)
    words = [fold(w) for w in raw_words]
    total, hits, negate_left, boost = 0.0, 0, 0, 1.0
    for raw, word in zip(raw_words, words, strict=True):
        if word in _NEGATORS:
            negate_left = 3
            continue
        if word in _INTENSIFIERS:
            boost = _INTENSIFIERS[word]
            continue
        value = _POSITIVE.get(word, 0.0) - _NEGATIVE.get(word, 0.0)
        if value:
            if len(raw) >= 3 and raw.isupper():
                value *= 1.5
            if negate_left:
                value *= -0.6 if value > 0 else -0.3  # "not great" is negative, "not bad" mild
            total += value * boost
            hits += 1
        boost = 1.0 if not value else boost
        negate_left = max(0, negate_left - 1)
    if not hits:
        return 0.0
    shouting = len(re.findall(r"[!?]{2,}", text)) + sum(
        1 for w in raw_words if len(w) >= 4 and w.isupper()
    )
    if total < 0 and shouting:
        total *= 1.0 + 0.25 * min(shouting, 4)
    return max(-1.0, min(1.0, math.tanh(total / 2.0)))
