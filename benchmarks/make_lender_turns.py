"""Build the lender's own labelled customer turns (routing, flags, sentiment) from their sources.

Usage (from the repository root)::

    python benchmarks/make_lender_turns.py          # writes both files below
    python benchmarks/make_lender_turns.py --check  # exit 1 if either file is out of date

Outputs:

- ``copilot/understanding/data/turns.jsonl``: the training set (package data);
- ``benchmarks/data/routing_heldout.jsonl``: the held-apart check, never trained on.

Sources live in ``benchmarks/data/lender_turns/``: ``train_*.txt`` and ``heldout.txt``, written
by hand in a compact block format (see ``parse``).  To the hand-written training rows this script
adds, with a fixed seed, two kinds of composed rows: slot compositions (``compose_*.txt``: one
opener x one situation x one closer, same situation = same paraphrase group) and style variants of
a sample of the hand-written rows (a typed sentence retyped with typos, or said aloud: lower case,
no punctuation, fillers).  Every row is checked against the rule of escalation before it is
written; a source that breaks it stops the build with the line number.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from copilot.understanding.routing import CATEGORIES, Category, Flag  # noqa: E402
from copilot.understanding.turn_labels import (  # noqa: E402
    EMOTIONS,
    STYLES,
    label_problems,
    sentiment_of,
)

SOURCES = ROOT / "benchmarks" / "data" / "lender_turns"
TRAIN_OUT = ROOT / "copilot" / "understanding" / "data" / "turns.jsonl"
HELDOUT_OUT = ROOT / "benchmarks" / "data" / "routing_heldout.jsonl"
SEED = 14
VARIANT_SHARE = 0.30
"""Share of the hand-written typed rows that also get one style variant (typo or spoken)."""


@dataclass(frozen=True)
class Turn:
    text: str
    lang: str
    category: str
    flags: tuple[str, ...]
    emotion: str
    intensity: int
    style: str
    group: str
    origin: str  # "hand", "composed" or "variant": kept out of the JSON, counted in the report

    def as_row(self, row_id: str) -> dict[str, object]:
        return {
            "id": row_id,
            "text": self.text,
            "lang": self.lang,
            "category": self.category,
            "human_led": CATEGORIES[Category(self.category)].human_led,
            "flags": [f.value for f in Flag if f.value in self.flags],
            "sentiment": sentiment_of(self.emotion),
            "intensity": self.intensity,
            "emotion": self.emotion,
            "style": self.style,
            "group": self.group,
        }


class SourceError(ValueError):
    """A source line that cannot be read or whose labels break the rules."""


def _tokens(spec: str, where: str) -> dict[str, object]:
    """Read `lang [style] [emotion] [intensity]` (any order after lang) into overrides."""
    out: dict[str, object] = {}
    for token in spec.split():
        if token in ("en", "fr"):
            out["lang"] = token
        elif token in EMOTIONS:
            out["emotion"] = token
        elif token in STYLES:
            out["style"] = token
        elif token.isdigit():
            out["intensity"] = int(token)
        else:
            raise SourceError(f"{where}: unknown token {token!r}")
    return out


def parse(path: Path) -> list[Turn]:
    """Read one source file (see `parse_lines`)."""
    return parse_lines(list(enumerate(path.read_text(encoding="utf-8").splitlines(), 1)), path.name)


def parse_lines(lines: list[tuple[int, str]], name: str) -> list[Turn]:
    """Read labelled blocks.

    A block starts with a header ``@ group category flags emotion intensity`` (flags
    comma-separated, ``-`` for none); each following line is ``lang [style] [emotion]
    [intensity] | text``, the optional tokens overriding the header for that line.
    Blank lines and lines starting with ``#`` are ignored.
    """
    turns: list[Turn] = []
    header: Turn | None = None
    for number, raw in lines:
        line = raw.strip()
        where = f"{name}:{number}"
        if not line or line.startswith("#"):
            continue
        if line.startswith("@"):
            parts = line[1:].split()
            if len(parts) != 5:
                raise SourceError(f"{where}: header needs group category flags emotion intensity")
            group, category, flags, emotion, intensity = parts
            header = Turn(
                "", "", category, tuple(f for f in flags.split(",") if f != "-"),
                emotion, int(intensity), "typed", group, "hand",
            )  # fmt: skip
            continue
        if header is None or "|" not in line:
            raise SourceError(f"{where}: expected a header or 'lang ... | text'")
        spec, text = line.split("|", 1)
        turn = replace(header, text=text.strip(), **_tokens(spec, where))  # type: ignore[arg-type]
        if not turn.lang:
            raise SourceError(f"{where}: no language")
        problems = label_problems(turn.as_row("check"))
        if problems:
            raise SourceError(f"{where}: {'; '.join(problems)}")
        turns.append(turn)
    return turns


# ------------------------------------------------------------------ composed rows
def compose(path: Path, rng: random.Random, per_situation: int) -> list[Turn]:
    """Slot compositions: ``[openers]``, ``[closers]`` and situations (labelled blocks).

    Each situation is joined with ``per_situation`` distinct (opener, closer) pairs drawn with
    the seed; a composed row keeps the situation's labels, and the compositions of one situation
    share a paraphrase group of their own.  An opener or closer marked ``polite`` ("sorry to
    bother you", "cheers") is kept away from angry and distressed situations.
    """
    openers: dict[str, list[tuple[str, bool]]] = {"en": [], "fr": []}
    closers: dict[str, list[tuple[str, bool]]] = {"en": [], "fr": []}
    section: dict[str, list[tuple[str, bool]]] | None = None
    body: list[tuple[int, str]] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if line == "[openers]":
            section = openers
        elif line == "[closers]":
            section = closers
        elif line == "[situations]":
            section = None
        elif section is not None and line and not line.startswith("#"):
            spec, text = line.split("|", 1)
            lang, *tone = spec.split()
            section[lang].append((text.strip(), tone == ["polite"]))
        elif section is None:
            body.append((number, raw))
    situations = parse_lines(body, path.name)
    out: list[Turn] = []
    for number, situation in enumerate(situations, 1):
        blunt = situation.emotion in ("angry", "distressed")
        pairs = [
            (opener, closer)
            for opener, polite_opener in openers[situation.lang]
            for closer, polite_closer in closers[situation.lang]
            if not (blunt and (polite_opener or polite_closer))
        ]
        group = f"{situation.group}-{number}"  # one situation's compositions are paraphrases
        for opener, closer in rng.sample(pairs, min(per_situation, len(pairs))):
            text = " ".join(p for p in (opener, situation.text, closer) if p)
            out.append(replace(situation, text=text, group=group, origin="composed"))
    return out


# ------------------------------------------------------------------ style variants
_NEIGHBOURS = "qwertyuiopasdfghjklzxcvbnm"
_FILLERS = {
    "en": ["um", "so", "yeah so", "like", "uh", "okay so", "right so"],
    "fr": ["euh", "alors", "ben", "en fait", "bah", "oui alors", "du coup"],
}


def with_typos(text: str, rng: random.Random) -> str:
    """Two or three slips of a hurried thumb: a dropped, doubled, swapped or wrong letter."""
    chars = list(text)
    letters = [i for i, c in enumerate(chars) if c.isalpha()]
    for i in sorted(rng.sample(letters, min(len(letters), rng.randint(2, 3))), reverse=True):
        slip = rng.choice(("drop", "double", "swap", "wrong"))
        if slip == "drop":
            del chars[i]
        elif slip == "double":
            chars.insert(i, chars[i])
        elif slip == "swap" and i + 1 < len(chars) and chars[i + 1].isalpha():
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        else:
            chars[i] = rng.choice(_NEIGHBOURS)
    return "".join(chars)


def spoken(text: str, lang: str, rng: random.Random) -> str:
    """A speech-to-text transcript: lower case, no punctuation, a filler at the start and
    possibly one where a clause ended (where a speaker hesitates, not mid-phrase)."""
    clauses = [c.split() for c in re.split(r"[!?.,;:…()\"]+", text.lower())]
    clauses = [c for c in clauses if c]
    fillers = _FILLERS[lang]
    if len(clauses) > 1 and rng.random() < 0.6:
        at = rng.randint(1, len(clauses) - 1)
        clauses.insert(at, [rng.choice(fillers)])
    return " ".join([rng.choice(fillers), *(w for c in clauses for w in c)])


def variants(turns: list[Turn], rng: random.Random) -> list[Turn]:
    typed = [t for t in turns if t.style == "typed"]
    out = []
    for turn in rng.sample(typed, int(len(typed) * VARIANT_SHARE)):
        if rng.random() < 0.5:
            out.append(replace(turn, text=with_typos(turn.text, rng), style="typo"))
        else:
            out.append(replace(turn, text=spoken(turn.text, turn.lang, rng), style="spoken"))
    return [replace(t, origin="variant") for t in out]


# ------------------------------------------------------------------ build
def _key(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def unique(turns: list[Turn], taken: set[str] | None = None) -> list[Turn]:
    """Drop later rows whose text repeats an earlier one (case and punctuation aside)."""
    seen = set(taken or ())
    out = []
    for turn in turns:
        if _key(turn.text) not in seen:
            seen.add(_key(turn.text))
            out.append(turn)
    return out


def build_train() -> list[Turn]:
    rng = random.Random(SEED)
    hand = unique([t for p in sorted(SOURCES.glob("train_*.txt")) for t in parse(p)])
    composed = [t for p in sorted(SOURCES.glob("compose_*.txt")) for t in compose(p, rng, 4)]
    return unique(hand + composed + variants(hand, rng))


def build_heldout(train: list[Turn]) -> list[Turn]:
    held = unique(parse(SOURCES / "heldout.txt"))
    taken = {_key(t.text) for t in train}
    clash = [t.text for t in held if _key(t.text) in taken]
    if clash:
        raise SourceError(f"held-out rows also in training: {clash[:3]}")
    return held


def render(turns: list[Turn], prefix: str) -> str:
    rows = [t.as_row(f"{prefix}{i:04d}") for i, t in enumerate(turns, 1)]
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    try:
        train = build_train()
        held = build_heldout(train)
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    outputs = {TRAIN_OUT: render(train, "lt"), HELDOUT_OUT: render(held, "ho")}
    stale = [p for p, text in outputs.items() if not p.exists() or p.read_text("utf-8") != text]
    if args.check:
        for path in stale:
            print(f"out of date: {path.relative_to(ROOT)}", file=sys.stderr)
        return 1 if stale else 0
    for path, text in outputs.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    origins = {o: sum(t.origin == o for t in train) for o in ("hand", "composed", "variant")}
    print(f"{len(train)} training rows {origins}, {len(held)} held-out rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
