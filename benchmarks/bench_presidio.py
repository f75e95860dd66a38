"""Compare the project's PII detector with Microsoft Presidio on the same golden set.

Usage (from the repository root; Presidio is not a project dependency)::

    pip install presidio-analyzer
    python benchmarks/bench_presidio.py                  # two tables: exact and overlap
    python benchmarks/bench_presidio.py --json           # one JSON object
    python benchmarks/bench_presidio.py --threshold 0.4  # drop Presidio results scored lower

How Presidio runs here, with nothing downloaded: its AnalyzerEngine normally loads a trained
spaCy model (and downloads it when missing). It gets instead a spaCy *blank* pipeline per
language ("en", "fr": a tokenizer, no weights) wrapped in Presidio's SpacyNlpEngine, and its
predefined recognisers for both languages. Three adjustments, all in Presidio's favour or
neutral: the credit-card recogniser, which Presidio configures for en/es/it/pl only, is added
for French; e-mail validation reads tldextract's bundled suffix list instead of fetching it; the
lower-cased token stands in for the lemma a blank pipeline lacks, so context words still count.
Every socket connection and DNS look-up is refused and counted; a run that attempted any exits 1.
Each snippet is analysed in its own language (the golden set's ``lang``), which Presidio needs.

Presidio type -> ours:

    CREDIT_CARD -> CARD      IBAN_CODE -> IBAN      EMAIL_ADDRESS -> EMAIL
    PHONE_NUMBER -> PHONE    DATE_TIME -> DOB (any date: Presidio has no date-of-birth type)
    PERSON -> NAME, LOCATION -> ADDRESS (spaCy NER only: empty without a trained model)

Presidio has no recogniser for NIR (no French national identifiers at all), nor for the
Orvane-specific ACCOUNT and ORDER references; NAME and ADDRESS need the NER model it cannot
load here. Presidio results of other types (US_SSN, URL, UK_NHS...) have no counterpart in the
golden set: they are counted and listed but not scored, which spares Presidio their false alarms.

Scoring is bench_privacy.evaluate itself: exact (same type and offsets) and overlap matching.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import socket
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.bench_privacy import GOLDEN, TYPES, evaluate, load, micro_over  # noqa: E402
from copilot.privacy import Entity  # noqa: E402

LANGUAGES = ("en", "fr")
TO_OURS = {
    "CREDIT_CARD": "CARD",
    "IBAN_CODE": "IBAN",
    "EMAIL_ADDRESS": "EMAIL",
    "PHONE_NUMBER": "PHONE",
    "DATE_TIME": "DOB",
    "PERSON": "NAME",
    "LOCATION": "ADDRESS",
}
# French context words for the credit-card recogniser Presidio ships without a French entry.
CARD_CONTEXT_FR = ["carte", "bancaire", "crédit", "cb", "visa", "mastercard", "amex"]
# A third-party evaluation of Presidio on French + English, quoted in the issue.
PUBLISHED = {"recall": 0.943, "precision": 0.848}


class NetworkRefused(OSError):
    """Raised in place of any connection: this benchmark must work without a network."""


def refuse_network() -> list[str]:
    """Make every DNS look-up and internet socket connection fail; return the attempt log."""
    attempts: list[str] = []
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        attempts.append(f"getaddrinfo {host}:{port}")
        raise NetworkRefused(f"network refused: {host}")

    def guarded(real: Any) -> Any:
        def connect(sock: socket.socket, address: Any) -> Any:
            if sock.family in (socket.AF_INET, socket.AF_INET6):
                attempts.append(f"connect {address}")
                raise NetworkRefused(f"network refused: {address}")
            return real(sock, address)

        return connect

    socket.getaddrinfo = getaddrinfo  # type: ignore[assignment]
    socket.socket.connect = guarded(real_connect)  # type: ignore[method-assign]
    socket.socket.connect_ex = guarded(real_connect_ex)  # type: ignore[method-assign]
    return attempts


def build_analyzer(threshold: float) -> Any:
    """Presidio's AnalyzerEngine on blank spaCy pipelines with its predefined recognisers."""
    import spacy
    import tldextract
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpArtifacts, SpacyNlpEngine
    from presidio_analyzer.predefined_recognizers import CreditCardRecognizer, EmailRecognizer

    # cache_dir=None and no URL: the suffix list bundled with tldextract, never a fetch.
    offline_suffixes = tldextract.TLDExtract(cache_dir=None, suffix_list_urls=())

    class BlankSpacyEngine(SpacyNlpEngine):
        """SpacyNlpEngine whose load() builds blank pipelines instead of downloading models."""

        def load(self) -> None:
            self.nlp = {lang: spacy.blank(lang) for lang in LANGUAGES}

        def process_text(self, text: str, language: str) -> NlpArtifacts:
            artifacts = super().process_text(text, language)
            # A blank pipeline has no lemmatizer: without this, context words never match.
            artifacts.lemmas = [token.lower_ for token in artifacts.tokens]
            return artifacts

    class OfflineEmailRecognizer(EmailRecognizer):
        """Presidio's e-mail recogniser, validating domains against the bundled suffix list."""

        def validate_result(self, pattern_text: str) -> bool:
            return offline_suffixes(pattern_text).fqdn != ""

    nlp_engine = BlankSpacyEngine(
        models=[{"lang_code": lang, "model_name": f"blank:{lang}"} for lang in LANGUAGES]
    )
    nlp_engine.load()
    registry = RecognizerRegistry(supported_languages=list(LANGUAGES))
    registry.load_predefined_recognizers(languages=list(LANGUAGES), nlp_engine=nlp_engine)
    registry.remove_recognizer("EmailRecognizer")
    for lang in LANGUAGES:
        registry.add_recognizer(OfflineEmailRecognizer(supported_language=lang))
    if not any(
        "CREDIT_CARD" in r.supported_entities and r.supported_language == "fr"
        for r in registry.recognizers
    ):
        registry.add_recognizer(
            CreditCardRecognizer(supported_language="fr", context=CARD_CONTEXT_FR)
        )
    return AnalyzerEngine(
        registry=registry,
        nlp_engine=nlp_engine,
        supported_languages=list(LANGUAGES),
        default_score_threshold=threshold,
    )


def covered_types(analyzer: Any) -> list[str]:
    """Our types that a Presidio pattern recogniser (not the model-less NER) can return."""
    from presidio_analyzer.predefined_recognizers import SpacyRecognizer

    found = {
        TO_OURS[entity]
        for recognizer in analyzer.registry.recognizers
        if not isinstance(recognizer, SpacyRecognizer)
        for entity in recognizer.supported_entities
        if entity in TO_OURS
    }
    return [t for t in TYPES if t in found]


class PresidioDetector:
    """bench_privacy's detector interface over an AnalyzerEngine, with types mapped to ours."""

    def __init__(self, analyzer: Any):
        self.analyzer = analyzer
        self.unmapped: Counter[str] = Counter()
        """Presidio results of types the golden set has no counterpart for (not scored)."""

    def __call__(self, text: str, lang: str) -> Sequence[Entity]:
        entities = []
        for result in self.analyzer.analyze(text=text, language=lang):
            ours = TO_OURS.get(result.entity_type)
            if ours is None:
                self.unmapped[result.entity_type] += 1
                continue
            entities.append(Entity(ours, result.start, result.end, text[result.start : result.end]))
        return entities


def _fmt(scores: dict, predicted: int = 1) -> list[str]:
    # bench_privacy scores precision 1.0 when nothing was predicted; a dash says it plainly.
    cells = [f"{scores[k]:.3f}" for k in ("precision", "recall", "f1")]
    return ["-", *cells[1:]] if predicted == 0 else cells


def _print_tables(report: dict) -> None:
    ours, theirs, covered = report["ours"], report["presidio"], report["covered"]
    header = ["type", "support", "Presidio has", "ours P", "ours R", "ours F1"]
    header += ["Presidio P", "Presidio R", "Presidio F1"]
    for mode in ("exact", "overlap"):
        rows = [header]
        for typ, entry in ours["per_type"].items():
            other = theirs["per_type"].get(typ)
            other_cells = _fmt(other[mode], other["predicted"]) if other else ["-", "-", "-"]
            has = "yes" if typ in covered else "no"
            ours_cells = _fmt(entry[mode], entry["predicted"])
            rows.append([typ, str(entry["support"]), has, *ours_cells, *other_cells])
        for label, key in (("micro, all types", "all"), ("micro, types covered", "covered")):
            ours_m, theirs_m = report["micro"][key]["ours"], report["micro"][key]["presidio"]
            support = report["support"][key]
            rows.append([label, str(support), "", *_fmt(ours_m[mode]), *_fmt(theirs_m[mode])])
        widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
        print(f"\nPII detection, ours vs Presidio - {mode} span match")
        for i, row in enumerate(rows):
            if i == len(rows) - 2:
                print("-" * (sum(widths) + 2 * (len(widths) - 1)))
            cells = [
                c.rjust(w) if j else c.ljust(w)
                for j, (c, w) in enumerate(zip(row, widths, strict=True))
            ]
            print("  ".join(cells))
    print()
    print(f"Presidio covers: {', '.join(covered)}; not: {', '.join(report['not_covered'])}")
    for mode in ("exact", "overlap"):
        ours_m = report["micro"]["covered"]["ours"][mode]
        theirs_m = report["micro"]["covered"]["presidio"][mode]
        print(
            f"{mode}, covered types: ours R {ours_m['recall']:.1%} P {ours_m['precision']:.1%}"
            f" | Presidio here R {theirs_m['recall']:.1%} P {theirs_m['precision']:.1%}"
            f" | published Presidio R {PUBLISHED['recall']:.1%} P {PUBLISHED['precision']:.1%}:"
            f" ours {100 * (ours_m['recall'] - PUBLISHED['recall']):+.1f} pts R,"
            f" {100 * (ours_m['precision'] - PUBLISHED['precision']):+.1f} pts P"
        )
    unmapped = ", ".join(f"{t} {n}" for t, n in report["unmapped"].items()) or "none"
    print(f"Presidio results of other types, not scored: {unmapped}")
    t_ours, t_theirs = report["ours"]["time_ms"], report["presidio"]["time_ms"]
    print(
        f"{report['snippets']} snippets - time per snippet: ours mean {t_ours['mean']:.3f} ms,"
        f" Presidio mean {t_theirs['mean']:.3f} ms (threshold {report['threshold']})"
    )
    print(f"network attempts: {len(report['network_attempts'])}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    ap.add_argument("--data", type=Path, default=GOLDEN, help="golden set (JSONL)")
    ap.add_argument(
        "--threshold", type=float, default=0.0, help="Presidio score threshold (its default: 0)"
    )
    args = ap.parse_args(argv)
    if importlib.util.find_spec("presidio_analyzer") is None:
        print(
            "presidio-analyzer is not installed: `pip install presidio-analyzer` "
            "(it is not a project dependency)",
            file=sys.stderr,
        )
        return 2
    os.environ["HF_HUB_OFFLINE"] = "1"  # nothing here should reach a model hub, ever
    attempts = refuse_network()
    analyzer = build_analyzer(args.threshold)
    covered = covered_types(analyzer)
    detector = PresidioDetector(analyzer)
    rows = load(args.data)
    ours = evaluate(rows)
    theirs = evaluate(rows, repeat=1, detector=detector)  # once: `unmapped` counts each call
    ours.pop("errors"), theirs.pop("errors")
    report = {
        "snippets": len(rows),
        "threshold": args.threshold,
        "covered": covered,
        "not_covered": [t for t in TYPES if t not in covered],
        "support": {
            "all": ours["entities"],
            "covered": sum(e["support"] for t, e in ours["per_type"].items() if t in covered),
        },
        "micro": {
            "all": {
                "ours": micro_over(ours["per_type"], TYPES),
                "presidio": micro_over(theirs["per_type"], TYPES),
            },
            "covered": {
                "ours": micro_over(ours["per_type"], covered),
                "presidio": micro_over(theirs["per_type"], covered),
            },
        },
        "published_presidio": PUBLISHED,
        "unmapped": dict(detector.unmapped.most_common()),
        "network_attempts": attempts,
        "ours": ours,
        "presidio": theirs,
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        _print_tables(report)
    if attempts:
        print(f"network access was attempted: {attempts[:3]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
