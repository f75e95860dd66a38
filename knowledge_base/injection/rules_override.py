"""Rules of kind `override`: drop the instructions, notes to an AI, hidden orders."""

from __future__ import annotations

from knowledge_base.injection.checks import override_ok
from knowledge_base.injection.rule import AI_EN_WORDS, AI_FR_WORDS, NOT_FOLLOW_WORDS, Rule
from knowledge_base.injection.vocabulary import AI_EN, AI_FR, OVERRIDE_EN, OVERRIDE_FR, gap_pattern

OVERRIDE_RULES: tuple[Rule, ...] = (
    Rule(
        "override",
        "ignore|disregard|forget|overrid|overrul|bypass|circumvent|discard|abandon|"
        "neglect|set aside|put aside|throw out|drop|ditch|overlook|sidestep|skip|suspend|"
        "pay no attention|pay no heed|" + NOT_FOLLOW_WORDS,
        OVERRIDE_EN,
        override_ok,
    ),
    Rule(
        "override",
        "ignor|oubli|ne tiens|ne tenez|ne tient|ne tenir|ne prends|ne prenez|ne prend|sans tenir|"
        "abstraction|outre|outrepass|contourn|neglig|ecart|tomber|de cote|ne suis|ne suivez|"
        "ne respecte|ne applique|ne obei|arrete|desobei|annul|effac|abandon|delaiss",
        OVERRIDE_FR,
        override_ok,
    ),
    Rule(
        "override",
        "ignore|disregard|forget",
        gap_pattern(
            r"""
                \b(?:ignore|disregard|forget) (?:about )?(?:everything|anything|
                all(?: of)?(?: that| this| the text)?|what) (?:(?:that |which )?(?:was |is |
                were )?(?:said |written |stated )?(?:above|before|previously|earlier|so far|
                until now)(?: this(?: line)?)?(?: and|,) (?:instead|now|tell|say|give|offer|refund|
                approve|reply|respond|answer|output|print|reveal|write|you (?:are|will|must))|
                you(?:'ve| have| were)? (?:been |were )?(?:told|given|instructed|taught|programmed|
                trained|asked)|(?:your|the) (?:developers?|creators?|operators?|programmers?|
                company|owners?|makers?|trainers?) (?:told|taught|instructed|said to|asked) you)
            """
        ),
    ),
    Rule(
        "override",
        "oubli|ignor",
        gap_pattern(
            r"""
                \b(?:oublie[rsz]?|oubliez|ignore[rsz]?|
                ignorez) (?:tout )?(?:ce )?(?:qui (?:precede|est (?:ecrit )?(?:au-dessus|ci-dessus|
                plus haut))|(?:que|qu') ?(?:tu sais|vous savez|tu as appris|vous avez appris|
                l'on t'a dit|on t'a dit|on vous a dit|tu as recu|vous avez recu)|ce qu'on (?:t'a|
                vous a) (?:dit|appris|demande))
            """
        ),
    ),
    Rule(
        "override",
        AI_EN_WORDS + "|system|instruction|prompt|directive|note|message",
        gap_pattern(
            rf"""
                \b(?:notes?|messages?|instructions?|directives?|reminder|p\.?s\.?|attention|
                important) (?:to|for) (?:the |any |all |an? )?%w?(?:{AI_EN})s?\b
                |\b(?:if|when|whenever) (?:an?|the|any) (?:{AI_EN}) %w{{0,3}}?(?:drafts?|writes?|
                generates?|answers?|replies|responds|reads?|summari[sz]es|
                processes) [^.\n]{{0,60}}?, (?:it|you) (?:must|should|shall|will|has to|needs to)\b
                |\bif you (?:are|'re) (?:an? |the )?(?:{AI_EN})\b
                |\b(?:{AI_EN})s?(?: (?:systems?|models?|assistants?|agents?|tools?))? (?:reading|
                processing|parsing|summari[sz]ing|analy[sz]ing|indexing|that reads?|
                who reads?) (?:this|these)\b
                |\b(?:new|updated|revised) system (?:instructions?|prompt|directives?)\b
                |\b(?:secret|hidden|real|true|actual|override|overriding|
                priority) (?:system )?(?:instructions?|prompt|directives?) ?:
                |\b(?:the |all )?(?:above|previous|prior|preceding) (?:instructions?|prompt|
                system prompt) (?:is|are|was|were) (?:void|null|invalid|obsolete|cancell?ed|
                revoked|fake|false|a test|no longer valid|overridden)
                |\b(?:do not|don'?t|never) (?:mention|reveal|disclose|tell|say|show|repeat|
                acknowledge|admit) %w{{0,3}}?(?:this|the above|the hidden) (?:instruction|note|
                message|directive|prompt)\b
            """
        ),
    ),
    Rule(
        "override",
        AI_EN_WORDS,
        gap_pattern(
            rf"""
                \b(?:hey|hi|hello|dear|attention|attn|yo|ok|okay|listen|
                note to) (?:the )?(?:{AI_EN})\b[^\n]{{0,80}}?\b(?:ignore|disregard|forget|
                override|bypass|reveal|from now on|new (?:task|role|instructions?)|you (?:must|
                will|shall|are now|are no longer)|your (?:instructions|rules|prompt|system))
            """
        ),
    ),
    Rule(
        "override",
        AI_FR_WORDS + "|consigne|instruction|note|directive",
        gap_pattern(
            rf"""
                \b(?:notes?|messages?|consignes?|instructions?) (?:pour|a|au|
                a l'attention de) (?:l'|le |la |les )?(?:{AI_FR})s?\b
                |\bsi (?:tu es|vous etes) (?:une? |l')?(?:{AI_FR})\b
                |\b(?:{AI_FR})s? qui (?:lit|lis|lisez|traite|analyse|resume|indexe) (?:ce|cette|
                ceci|ces)\b
                |\b(?:nouvelles?|vraies?|veritables?) (?:consignes?|instructions?) (?:systeme|
                secretes?|cachees?)\b
                |\b(?:consignes?|instructions?) (?:secretes?|cachees?|prioritaires?) ?:
                |\bne (?:mentionne|mentionnez|revele|revelez|dis|dites|divulgue|divulguez|repete|
                repetez) (?:jamais|pas) %w{{0,3}}?cette (?:instruction|consigne|note|directive)\b
                |\b(?:salut|bonjour|coucou|chere?|attention|ecoute|ok) (?:l'|le |la )?(?:{AI_FR})
                \b[^\n]{{0,80}}?\b(?:ignore|oublie|ne tiens|tu dois|vous devez|tu es (?:maintenant|
                desormais)|desormais|a partir de maintenant|revele|nouvelles? (?:consignes|
                instructions|regles|taches?))
            """
        ),
    ),
    Rule(
        "override",
        "your instructions|your rules|your guidelines|your prompt|your system|"
        "your programming|your directives|obey|follow my|follow only|ignore|disregard|forget|skip|"
        "comme si|as if|as though|like the|like your|pretend|imagine",
        gap_pattern(
            r"""
                \byour (?:instructions|rules|guidelines|prompt|system prompt|programming|
                directives) (?:have|has) (?:changed|been (?:changed|updated|replaced|revoked|
                overridden|cancell?ed|lifted|removed|suspended|disabled))
                |\byour (?:instructions|rules|guidelines|prompt|restrictions|guardrails|
                filters) (?:are|is) (?:now )?(?:suspended|lifted|disabled|void|cancell?ed|revoked|
                removed|no longer valid|off|paused)\b
                |\byou (?:must|will|shall|have to|need to) (?:now |only )?(?:obey|
                follow (?:only )?my (?:instructions|orders|commands|rules))
                |\bobey (?:me|my (?:instructions|orders|commands))\b
                |\b(?:ignore|disregard|forget|skip) (?:all |the |everything )?(?:above|previous|
                preceding|prior)(?: (?:text|messages?|prompt|content|part|section|lines?|
                paragraph))?(?: and|,) (?:instead|now|just|say|tell|write|print|output|reply|
                respond|answer|give|confirm|approve|offer|refund|waive|reveal|you (?:are|will|
                must))
                |\b(?:fai(?:s|tes)|agis|agissez) comme si (?:les|tes|vos|ces|aucune|
                tes propres) (?:consignes|regles|instructions|restrictions|
                directives) (?:n'existaient|n'existent|n'etaient|ne comptaient|ne s'appliquaient)
                |\b(?:act|behave|pretend|imagine) (?:as if |as though |like |that )?(?:the|your|
                these|any|there (?:are|is) no) %w{0,4}?(?:rules?|instructions?|guidelines|
                restrictions|polic(?:y|ies)|limits)\b %w{0,4}?(?:don'?t|doesn'?t|didn'?t|do not|
                does not|did not|no longer|never) (?:exist|apply|matter|count)
                |\b(?:pretend|imagine) (?:that )?there (?:are|is) no (?:rules|restrictions|limits|
                polic(?:y|ies)|guidelines)\b
            """
        ),
    ),
    Rule(
        "override",
        "new|updated|nouvelle|nouvelles|nouveau|nouveaux",
        gap_pattern(
            r"""
                \b(?:new|updated|revised|nouvelles?|nouveaux?) (?:instructions?|rules|polic(?:y|
                ies)|task|consignes?|regles?|directives?|taches?) ?:
            """
        ),
        None,
        ("turn",),
    ),
    Rule(
        "override",
        "considere|imagine|suppose|pars du|si|quand|lorsqu",
        gap_pattern(
            rf"""
                \b(?:considere[rz]?|imagine[rz]?|suppose[rz]?|pars du principe) (?:que )?(?:les|
                tes|vos|ces|aucune) (?:regles|consignes|instructions|restrictions|
                limites) (?:n'existent|n'existaient|ne s'appliquent|ne comptent|sont (?:suspendues|
                levees|annulees))
                |\b(?:si|quand|lorsqu'?|lorsque) (?:une?|l') ?(?:{AI_FR})(?: ia)? (?:lit|redige|
                repond|resume|traite|genere|analyse) [^.\n]{{0,60}}?,? (?:il|elle|tu|vous) (?:doit|
                dois|devez|devra)\b
            """
        ),
    ),
)
