"""The pattern language of the rule table (`p`: a space is any gap) and its shared vocabularies."""

from __future__ import annotations

import re

_GAP = r"[\s\-_*~'\"«»“”`/\\|()\[\]]{0,6}"
_WORD = r"(?:[^\W_]+[\s'\-:]+)"


def _flat(spec: str) -> str:
    """A pattern written over several lines, joined: a line break and its indent vanish."""
    return re.sub(r"\n\s*", "", spec)


def gap_pattern(spec: str) -> re.Pattern[str]:
    """Compile a pattern written with plain spaces: a space outside a character class matches
    any gap between words (none included, for "i g n o r e"-style text once collapsed);
    %w is one free word."""
    out: list[str] = []
    in_class = escaped = False
    for ch in _flat(spec).replace("%w", _WORD):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "[" and not in_class:
            in_class = True
        elif ch == "]" and in_class:
            in_class = False
        elif ch == " " and not in_class:
            out.append(_GAP)
            continue
        out.append(ch)
    return re.compile("".join(out), re.MULTILINE)


# What may precede an imperative: a clause start, a softener, an adverb of insistence; or a
# modal addressed to the reader ("you must", "l'assistant doit").
CLAUSE_END = re.compile(
    r"(?:^|[\n.!?:;,>•*)\]\"“«]|\b(?:please|now|just|and|so|then|ok|okay|also|simply|kindly|"
    r"hey|instead|can you|could you|would you|will you|you (?:must|should|will|have to|need to)|"
    r"maintenant|desormais|alors|stp|svp|s'il te plait|s'il vous plait|et|puis|bon|plutot))"
    r"[\s\"'«“*_]*(?:\b(?:always|systematically|automatically|immediately|toujours|"
    r"systematiquement|automatiquement)\s+)?$"
)
MODAL_END = re.compile(
    r"\b(?:you|advisors?|agents?|staff|the (?:assistant|ai|model|copilot|bot|chatbot)|assistants?|"
    r"copilots?|vous|tu|l'assistant|l'ia|le modele|le copilote|les conseillers?|le conseiller)\s+"
    r"(?:must|should|shall|will|need to|have to|are to|is to|are required to|is required to|devez|"
    r"dois|doit|doivent|allez|vas|va)\s+(?:(?:always|systematically|automatically|immediately|"
    r"toujours|systematiquement|automatiquement)\s+)?$"
)
SUBJECT_END = re.compile(
    r"\b(?:we|you|they|i|orvane|advisors?|nous|vous|ils|elles|on|je|j')\s+(?:(?:always|never|"
    r"usually|often|toujours|jamais|ne|n')\s+)?(?:(?!must|should|shall|will|need|have|dois|devez|"
    r"doit|devrez)\w+\s+)?$"
)
ADDRESSED_FR = re.compile(
    r"(?:\b(?:tu|vous)\s+(?:vas|allez|dois|devez)\s+|\bje\s+(?:veux|voudrais|souhaite)\s+"
    r"que\s+(?:tu|vous)\s+)$"
)
AI_EN = _flat(
    r"""
        (?:ai|a\.i\.|artificial intelligence|assistant|chatbot|bot|llm|(?:large )?language model|
        model|copilot|co-pilot|gpt|chatgpt|claude|gemini|mistral|(?:automated|virtual|
        ai) (?:responders?|helpers?|agents?|systems?))
    """
)
AI_FR = _flat(
    r"""
        (?:ia|i\.a\.|intelligence artificielle|assistante?|chatbot|bot|robot|
        modele(?: de langage)?|llm|copilote|gpt|chatgpt)
    """
)
PERSONA = _flat(
    r"""
        (?:(?:ai|a\.i\.)(?: assistant| model| bot| system| chatbot)?|assistant|chatbot|bot|robot|
        (?:large )?language model|llm|gpt|chatgpt|dan|(?:unrestricted|unfiltered|uncensored|
        jailbroken|evil|rogue|unaligned|malicious) [a-z]+|hacker|admin(?:istrator)?|sysadmin|
        superuser|root(?: user)?|developer|(?:linux |unix |bash )?(?:terminal|shell|console)|
        (?:different|new|other) (?:ai|assistant|model|bot|character|persona)|character|persona|
        (?:developer|god|admin|debug|unrestricted|jailbreak|jailbroken|dan|sudo) mode)
    """
)
PERSONA_ALL = rf"(?:{PERSONA}|system|operator)"
PERSONA_FR = _flat(
    r"""
        (?:ia|i\.a\.|intelligence artificielle|assistante?(?: ia| virtuelle?)?|chatbot|bot|robot|
        modele(?: de langage)?|llm|gpt|chatgpt|dan|pirate|hacker|administrat(?:eur|rice)|admin|
        developpeu(?:r|se)|superutilisateur|root|terminal|console|personnage|(?:autre|nouvel|
        nouvelle|nouveau) (?:ia|assistante?|modele|personnage|role)|(?:ia|assistante?|robot|bot|
        modele|agent) (?:sans|libre|debride|non censure)[a-z]*|mode (?:developpeur|dieu|admin|
        debug|sans (?:filtres?|restrictions?|limites?|censure)|libre|jailbreak|dan))
    """
)
DEST = _flat(
    r"""
        (?:https?://\S+|www\.\S+|[\w.+-]+@[\w-]+\.[\w.]+|<email_\d+>|(?:this|that|the following|
        the below|an? (?:external|outside|remote)|my|cette|cet|ce|l'|une?) (?:url|link|lien|
        address|adresse|e-?mail|endpoint|webhook|server|serveur|site|website|inbox|mailbox|channel)
        (?: (?:below|suivante?|ci-dessous|externe))?|webhook|pastebin|discord|telegram|ngrok|
        requestbin|[a-z0-9-]+\.(?:com|net|org|io|xyz|ru|cn|tk|top|fr|eu|co|me|info|biz|app|dev|
        site)\b)
    """
)
DATA_STRONG = _flat(
    r"""
        (?:(?:full |complete )?(?:credit |debit )?card(?: numbers?| details| data)?|pan|cvv|cvc|
        security codes?|iban|bic|bank (?:details|account)|account (?:numbers?|details)|sort codes?|
        e-?mail(?: address(?:es)?)?|phone numbers?|dates? of birth|passwords?|passcodes?|pin|otp|
        one-?time (?:codes?|passwords?)|credentials?|login|session (?:tokens?|ids?|cookies?)|
        tokens?|api keys?|personal (?:data|details|information|info)|pii|conversations?|everything|
        chat(?: history| logs?| transcripts?)?|transcripts?|system prompt|redaction mapping|
        numeros? de carte|cartes? bancaires?|cryptogramme|code (?:secret|confidentiel|pin|
        de securite)|rib|coordonnees bancaires|mots? de passe|identifiants?|adresses? e-?mail|
        courriels?|numeros? de telephone|dates? de naissance|donnees personnelles|historique|
        echanges)
    """
)
DATA = _flat(
    rf"""
        (?:{DATA_STRONG}|data|details|information|info|names?|address(?:es)?|history|messages|
        summary|donnees|informations|infos|coordonnees|noms?|adresses?)
    """
)
_SECRET = _flat(
    r"""
        (?:cvv|cvc|security code|pin(?: code)?|password|passcode|otp|one-?time (?:code|password)|
        (?:full )?card numbers?|cryptogramme|code (?:secret|confidentiel|pin|de securite)|
        mot de passe|code (?:a usage unique|recu par sms)|conversations?|chat (?:history|logs?|
        transcripts?)|transcripts?|historiques?|echanges|system prompt|redaction mapping)
    """
)
OWNER = _flat(
    r"""
        (?:(?:the |this |each |every |all |other |another |the other |previous |the last |
        last )*(?:customer|client|user|caller|account holder|borrower)(?:'s|s'|s)?|their|his|her|
        all|every|(?:du|des|au|aux|de l'|le|la|les|chaque|tous les|toutes les) (?:client|cliente|
        clients|utilisateur|utilisatrice|utilisateurs|titulaire)s?|ses|leurs?)
    """
)
GIVEAWAY = _flat(
    r"""
        (?:refunds?|reimbursements?|compensation|credits?|waivers?|write-?offs?|cancellations?|
        goodwill gestures?|discounts?|(?:late )?fees? waived|remboursements?|geste commercial|
        gestes commerciaux|avoirs?|compensations?|indemnisations?|annulations?)
    """
)
ABSOLUTE = gap_pattern(
    r"""
        \b(?:regardless|whatever|no questions asked|without (?:any )?(?:checks?|checking|
        verification|verifying|questions?|exceptions?|conditions?|proof)|in all cases(?! (?:where|
        when|in which))|to (?:every|all|any|each) (?:customers?|clients?|callers?)|every time|
        unconditionally|systematically|automatically|quel(?:le)?s? que soi(?:en)?t|
        sans (?:condition|verification|verifier|justificatif|exception|question|controle)s?|
        a tous les clients|a chaque client|a tout le monde|dans tous les cas|systematiquement|
        automatiquement|for everyone)\b
    """
)
ALWAYS_FULL = gap_pattern(
    r"""
        \b(?:always|toujours)\b.*\b(?:full|total|complete|100 ?%|entire|integral|integrale|totale?|
        complete?)\b
    """
)
SECRET_RX = gap_pattern(rf"\b{_SECRET}\b")
OWNER_RX = gap_pattern(rf"\b{OWNER}\b")
OWN_DESTINATION = re.compile(r"\b(?:to|a|au|sur|vers) (?:me|moi|my|mon|ma)\b|\b(?:my|mon|ma) \S*$")
NEGATION = re.compile(
    r"\b(?:not|never|n't|dont|don't|ne|n'|jamais|pas|no longer|without)\b[^.!?\n]{0,40}$"
)
# reported speech: "it asks you to", "vous demande d'" (but "I ask you to" is an order)
REPORTED = re.compile(
    r"(?P<speaker>\b(?:i|i'm|je|j')\s+(?:am\s+)?)?\b(?:asks?|asking|asked|tells?|telling|told|"
    r"urges?|claims?|wants?|tries\s+to\s+(?:get|make)|attempts?\s+to\s+(?:get|make)|demande\w*|"
    r"pousse\w*|incite\w*)\s+(?:you\s+|vous\s+)?(?:to\s+|de\s+|d'|a\s+)$"
)
FIRST_PERSON = re.compile(r"\b(?:my|our|mes|mon|ma|nos|notre)\b")
QUALIFIER = re.compile(
    r"\b(?:all|any|every|each|your|previous|prior|above|earlier|preceding|former|original|initial|"
    r"existing|current|hidden|system|developer|safety|default|given|foregoing|aforementioned|"
    r"other|internal|built-in|whatever|ur|yr|tout|tous|toutes|toute|aucune?|tes|vos|ton|ta|votre|"
    r"precedent\w*|"
    r"anterieur\w*|initia\w*|origina\w*|systeme|cache\w*|ci-dessus|au-dessus|actuel\w*|"
    r"interne\w*|existant\w*|donne\w*|recu\w*)\b"
)
CUE = _flat(
    r"""
        (?:ignore|disregard|forget|override|bypass|new (?:instructions?|rules|task|role)|
        from now on|you (?:must|will now|are now|should now|shall)|always|never|(?:is|are|
        has been) (?:verified|authori[sz]ed|approved|pre-?approved|whitelisted)|grant|waive|
        issue a|tu dois|vous devez|desormais|toujours|jamais|oublie|accorde|(?:est|
        a ete) (?:verifie|autorise|approuve)|priorite|rembourse|annule|supprime|efface|refund|
        authenticated|verified|approved|authori[sz]ed|unlock|cancel|credit|authentifie|valide)
    """
)

_OV_VERB_EN = _flat(
    r"""
        \b(?:ignore|disregard|forget(?: about)?|override|overrule|bypass|circumvent|discard|
        abandon|neglect|set aside|put aside|throw out|drop|ditch|overlook|sidestep|skip|suspend|
        (?:do not|don'?t|stop|no longer|never) (?:follow|obey|heed|apply|respect)(?:ing)?|
        pay no (?:attention|heed) to)(?: (?:completely|entirely|simply|totally|fully|just))?
    """
)
_OV_VERB_FR = _flat(
    r"""
        \b(?:ignore[rsz]?|ignorez|oublie[rsz]?|oubliez|ne (?:tiens|tenez|tient|tenir|prends|prenez|
        prend|prendre) (?:pas|plus|aucunement|jamais) (?:en )?compte|sans tenir compte|fai(?:s|
        tes) abstraction|passe[rz]? outre|outrepasse[rsz]?|contourne[rsz]?|neglige[rsz]?|
        ecarte[rsz]?|laisse[rz]? tomber|met(?:s|tez) de cote|ne (?:suis|suivez|respecte|respectez|
        applique|appliquez|obeis|obeissez) (?:plus|pas|jamais)|arrete[rsz]? (?:de |d')(?:suivre|
        respecter|appliquer|obeir a)|desobei[rsz]?|annule[rsz]?|efface[rsz]?|abandonne[rsz]?|
        abandonnez|delaisse[rz]?)(?: (?:completement|totalement|entierement|simplement|juste))?
    """
)
_NOT_AFTER_TARGET = _flat(
    r"""
        (?! (?:in|on|of|from|printed|written|below|inside|attached|sent|at|marked|labell?ed|tagged|
        flagged|dated|older than|dans|sur|figurant|indiquee?s?|recue?s? (?:par|dans)|(?:de|du|des|
        d') ?(?:paiement|prelevement|virement|livraison|retour|remboursement|connexion|montage|
        installation|utilisation|entretien|l'application|l'ancien|ce|cette|votre banque|la banque|
        sms|mail|e-mail|courrier|lettre|rappel|message|formulaire|site|page|colis|facture|releve|
        contrat)))
    """
)
OVERRIDE_EN = gap_pattern(
    rf"""
        {_OV_VERB_EN} (?P<fill>(?:(?:all|any|every|each|the|your|my|our|these|those|this|that|of|
        its|their|such|previous|prior|above|earlier|preceding|former|original|initial|existing|
        current|old|hidden|system|developer|safety|default|given|foregoing|aforementioned|other|
        internal|built-in|baked-in|whatever|any of the|all of the|ur|yr)\b ){{0,5}})
        (?P<mod>%w)??(?:(?P<strong>instructions?|directives?|commands?|(?:system |initial |
        original |pre-?)?prompts?(?! to\b))|(?P<weak>rules?|guidelines?|guidance|polic(?:y|ies)|
        guardrails?|restrictions?|constraints?|safeguards|programming|training|(?:safety|content|
        ethical) (?:rules|filters?|guidelines|polic(?:y|ies)|settings)))
        \b{_NOT_AFTER_TARGET}(?P<tail> (?:above|before|so far|up to now|until now|
        previously (?:given|stated|provided)|you (?:were|have been|'ve been|received|got|
        had) ?(?:given|told|provided)?|(?:from|of|set by) (?:your|the) (?:developers?|creators?|
        system|operators?|programmers?)|(?:and|,) (?:instead|now|just|simply|from now on|tell|say|
        give|offer|refund|approve|grant|waive|write|reply|respond|answer|output|print|reveal|send|
        confirm|do))\b)?
    """
)
OVERRIDE_FR = gap_pattern(
    rf"""
        {_OV_VERB_FR} (?P<fill>(?:(?:de|des|du|d'|a|aux|au|la|le|les|l'|tes|vos|ton|ta|votre|ces|
        cette|ce|cet|tout|tous|toutes|toute|mes|mon|ma|nos|notre|precedent(?:e|s|es)?|
        anterieur(?:e|s|es)?|initia(?:le|les|ux)|origina(?:le|les|ux)|systeme|actuel(?:le|s|les)?|
        cache(?:e|s|es)?|ci-dessus|au-dessus|autres?|interne(?:s)?|existant(?:e|s|es)?|aucune?)
        \b ){{0,5}})(?P<mod>%w)??(?:(?P<strong>instructions?|directives?|prompts?|invites? systeme|
        (?:message|prompt) systeme|programmation|parametrage)|(?P<weak>consignes?|regles?|
        restrictions|garde-?fous|politiques?|contraintes|interdits|filtres))
        \b{_NOT_AFTER_TARGET}(?P<tail> (?:precedent(?:e|s|es)?|anterieur(?:e|s|es)?|ci-dessus|
        d'avant|d'origine|initia(?:le|les|ux)|qu(?:e|') (?:tu as|vous avez|on t'a|on vous a|
        l'on t'a|l'on vous a) (?:recue?s?|donnee?s?)|qui (?:t'|vous )?(?:ont ete|a ete|sont|
        etaient) (?:donnee?s?|fournie?s?|transmise?s?|imposee?s?)|(?:et|,) (?:maintenant|desormais|
        a la place|plutot|dis|dites|reponds|repondez|donne|accorde|rembourse|propose|ecris|affiche|
        revele|envoie|confirme))\b)?
    """
)

# A code word said by the customer ("says the code word BLUEBIRD", "prononce le code CIGOGNE"),
# or one that grants something by itself ("the code X unlocks", "le code X donne droit").
_CODE_NOUN = _flat(
    r"""
        (?:(?:secret |special |magic |internal |priority )?(?:code ?words?|pass ?(?:words?|
        phrases?)|key ?words?|(?:secret |magic )?words?|phrases?|codes?|references?)|mots? de passe|
        mots?(?: |-)(?:de )?code|mots?-cles?|mots? magiques?|phrases? secretes?|codes? (?:secrets?|
        internes?|speciaux|special))
    """
)
CODE_WORD = _flat(
    rf"""
        \b(?:say|says|said|saying|mentions?|mentioning|gives?|giving|quotes?|quoting|uses?|using|
        provides?|providing|enters?|entering|knows?|utters?|speaks?|with|dit|disent|dire|donne|
        donnent|prononce|prononcent|cite|citent|indique|indiquent|connait|connaissent|avec|
        utilise|utilisent|communique|communiquent)[ "'«“]+(?:the |a |an |this |our |their |le |
        la |les |un |une |ce |cette |l')?{_CODE_NOUN}\b
        |\b(?:the |le |la |ce |this )?{_CODE_NOUN} [\w-]+ (?:gives?|grants?|unlocks?|entitles?|
        donne droit|ouvre droit|permet|debloque)
    """
)
CHECKS_LIFTED = _flat(
    r"""
        (?:\bwithout (?:any |an |the )?(?:identity |id |security |further |additional |usual |
        kyc )?(?:checks?|checking|verification|verifying|questions|proof|authentication)\b|
        \bno (?:identity |id |security |further |kyc )?(?:checks?|verification|questions asked|
        proof)\b|\bskip(?:s|ping)? (?:the |all )?(?:identity |id |security |usual |kyc )?
        (?:checks?|verification|authentication)\b|\b(?:treat|consider|mark|regard)(?:s|ed)?
        (?: their| the customer'?s?| the caller'?s?| his| her| the)? (?:identity|account|caller|
        customer|them|client) as (?:verified|authenticated|approved)\b|\bpre-?approved\b|
        \b(?:is|are) (?:automatically|instantly) (?:approved|verified)\b|\bsans (?:aucune? )?
        (?:controles?|verifications?|justificatifs?|questions?|pieces? justificatives?)\b|
        \b(?:considere[rz]?|traite[rz]?) (?:son|leur|l') ?(?:identite|compte) comme
        (?:verifiee?|validee?)\b|\b(?:est|sont) (?:pre-?approuvee?s?|automatiquement
        (?:approuvee?s?|validee?s?)))
    """
)
