"""Running the rule table: one anchor regex wakes the rules, each runs only near its anchors."""

from __future__ import annotations

import re
from collections.abc import Iterator

from knowledge_base.injection.findings import Channel, InjectionKind
from knowledge_base.injection.folding import deobfuscated
from knowledge_base.injection.rule import Rule
from knowledge_base.injection.rules_exfiltration import EXFILTRATION_RULES
from knowledge_base.injection.rules_override import OVERRIDE_RULES
from knowledge_base.injection.rules_policy import POLICY_RULES
from knowledge_base.injection.rules_role_play import ROLE_PLAY_RULES

RULES: tuple[Rule, ...] = (*OVERRIDE_RULES, *ROLE_PLAY_RULES, *EXFILTRATION_RULES, *POLICY_RULES)
"""The whole rule table, in the order findings of one position are listed."""

_WINDOW = 200
"""Characters around a de-obfuscated span that are scanned again."""
_BEFORE, _AFTER = 250, 300
"""Around an anchor, how far a rule's pattern may reach."""


def _norm(word: str) -> str:
    """The key an anchor and its match share: word characters, single spaces between."""
    return re.sub(r"[\W_]+", " ", word).strip() or word


def _trie(words: list[str]) -> str:
    """A factored alternation ("ign(?:ore|or)"): much faster than a flat one in `re`."""
    tree: dict[str, dict] = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        branches = []
        for ch, child in sorted(node.items()):
            if ch == "":
                continue
            head = _GAP_ANCHOR if ch == " " else r"\b" if ch == "$" else re.escape(ch)
            branches.append(head + emit(child))
        if "" in node:
            return f"(?:{'|'.join(branches)})?" if branches else ""
        return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"

    return emit(tree)


_GAP_ANCHOR = r"[\W_]{1,6}"


def _anchor_index() -> tuple[re.Pattern[str], dict[str, frozenset[int]]]:
    """One regex for every rule's anchors, and the rules each anchor wakes up."""
    rules_of: dict[str, set[int]] = {}
    for number, rule in enumerate(RULES):
        for anchor in rule.anchors.split("|"):
            rules_of.setdefault(anchor, set()).add(number)
    wakes: dict[str, set[int]] = {}
    for anchor, numbers in rules_of.items():
        wakes.setdefault(_norm(anchor.removesuffix("$")), set()).update(numbers)
    for key, numbers in wakes.items():  # "modele" also wakes the rules anchored on "model"
        for shorter, more in wakes.items():
            if shorter != key and key.startswith(shorter) and f"{shorter}$" not in rules_of:
                numbers |= more
    words = [a for a in rules_of if a[0].isalnum()]
    others = [a for a in rules_of if not a[0].isalnum()]
    pattern = rf"\b{_trie(words)}|{_trie(others)}"
    return re.compile(pattern), {k: frozenset(v) for k, v in wakes.items()}


def _windows(view: str, positions: list[int]) -> list[tuple[int, int]]:
    """Merged scan windows around anchor positions, from a line start to a line end."""
    spans: list[tuple[int, int]] = []
    for pos in positions:
        start = view.rfind("\n", 0, max(0, pos - _BEFORE)) + 1
        end = view.find("\n", pos + _AFTER)
        end = len(view) if end < 0 else end
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return spans


def _run(rule: Rule, view: str, start: int, end: int) -> Iterator[tuple[InjectionKind, int, int]]:
    for m in rule.pattern.finditer(view, start, end):
        if rule.check is None or rule.check(m, view):
            first, last = m.span()
            while first < last and view[first] in '\n.!?:;,>•*)]"“« \t':
                first += 1
            yield rule.kind, first, last


def matches(
    view: str, channel: Channel, span: tuple[int, int] | None = None
) -> Iterator[tuple[InjectionKind, int, int]]:
    """Rule matches in `view`: everywhere near an anchor, or every rule inside `span`."""
    if span is not None:
        for rule in RULES:
            if channel in rule.channels:
                yield from _run(rule, view, *span)
        return
    woken: dict[int, list[int]] = {}
    for m in _ANCHORS.finditer(view):
        word = m.group()
        for number in _WAKES.get(word if word.isalnum() else _norm(word), ()):
            woken.setdefault(number, []).append(m.start())
    for number in sorted(woken):
        rule = RULES[number]
        if channel in rule.channels:
            for start, end in _windows(view, woken[number]):
                yield from _run(rule, view, start, end)


_ANCHORS, _WAKES = _anchor_index()


def scan_text(folded: str, channel: Channel) -> list[tuple[InjectionKind, int, int]]:
    """Override, role play, exfiltration and policy findings in a folded text."""
    hits = list(matches(folded, channel))
    clear, changed = deobfuscated(folded)
    # only the neighbourhood of what de-obfuscation changed is scanned again
    windows: list[list[int]] = []
    for start, end in sorted(changed):
        if windows and start - _WINDOW <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], end + _WINDOW)
        else:
            windows.append([max(0, start - _WINDOW), end + _WINDOW])
    for start, end in windows:
        for hit in matches(clear, channel, (start, min(end, len(clear)))):
            if hit not in hits:
                hits.append(hit)
    return hits
