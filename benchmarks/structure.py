"""Structure facts of the house, printed as a table: import loops between modules (imports under
`TYPE_CHECKING` and inside functions included), whether the library (`copilot` outside
`copilot.cli`, and `knowledge_base`) imports the command line or the TUI, and the largest
library modules in lines.

    python benchmarks/structure.py [--top N]

The import graph is grimp's, the one `lint-imports` checks against the contracts in
`.importlinter`. An import that a contract there documents as an exception is listed and marked
"documented"; the exit status is 1 when a loop or an upward import is not documented.
"""

from __future__ import annotations

import argparse
import configparser
import sys
from dataclasses import dataclass
from pathlib import Path

import grimp
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("copilot", "knowledge_base", "tui")
LIBRARY = ("copilot", "knowledge_base")
UPPER = ("copilot.cli", "tui")


def documented_exceptions() -> set[tuple[str, str]]:
    """(importer, imported) pairs that a contract of `.importlinter` ignores, wildcards aside."""
    config = configparser.ConfigParser(inline_comment_prefixes=(";",))
    config.read(ROOT / ".importlinter", encoding="utf-8")
    pairs = set()
    for section in config.sections():
        for line in config[section].get("ignore_imports", "").splitlines():
            importer, _, imported = (part.strip() for part in line.partition("->"))
            if imported and "*" not in line:
                pairs.add((importer, imported))
    return pairs


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def is_library(module: str) -> bool:
    """`copilot` and `knowledge_base`, the command line and its `python -m copilot` aside."""
    return (
        any(within(module, p) for p in LIBRARY)
        and not within(module, "copilot.cli")
        and module != "copilot.__main__"
    )


@dataclass(frozen=True)
class Structure:
    loops: list[list[str]]
    """Groups of modules that import each other in a circle (strongly connected, 2+), once the
    documented exceptions are set aside."""
    documented_loops: list[list[str]]
    """The same with the documented exceptions counted."""
    upward: list[tuple[str, str]]
    """(library module, cli or tui module) it imports."""
    sizes: list[tuple[int, str]]
    """(lines, path) of every library module, largest first."""
    exceptions: set[tuple[str, str]]
    """The imports `.importlinter` documents as exceptions."""

    def undocumented_upward(self) -> list[tuple[str, str]]:
        return [pair for pair in self.upward if pair not in self.exceptions]


def import_loops(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of two or more modules (Tarjan, iterative)."""
    modules = sorted(graph.modules)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = 0
    for start in modules:
        if start in index:
            continue
        work = [(start, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            targets = edges.get(node, [])
            if i < len(targets):
                work.append((node, i + 1))
                target = targets[i]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return sorted(groups, key=len, reverse=True)


def measure() -> Structure:
    sys.path.insert(0, str(ROOT))
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    upward = sorted(
        (importer, imported)
        for importer in graph.modules
        if is_library(importer)
        for imported in graph.find_modules_directly_imported_by(importer)
        if any(within(imported, u) for u in UPPER)
    )
    sizes = sorted(
        (
            (len(path.read_text(encoding="utf-8").splitlines()), str(path.relative_to(ROOT)))
            for package in LIBRARY
            for path in (ROOT / package).rglob("*.py")
            if "cli" not in path.relative_to(ROOT).parts[1:2]
        ),
        reverse=True,
    )
    documented_loops = import_loops(graph)
    exceptions = documented_exceptions()
    for importer, imported in exceptions:
        if graph.direct_import_exists(importer=importer, imported=imported):
            graph.remove_import(importer=importer, imported=imported)
    return Structure(import_loops(graph), documented_loops, upward, sizes, exceptions)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=5, help="How many of the largest modules.")
    top = parser.parse_args().top
    facts = measure()
    table = Table(title="structure of copilot, knowledge_base and tui", show_header=False)
    table.add_column("fact", style="bold")
    table.add_column("value", overflow="fold")
    loops = "\n".join(" ↔ ".join(group) for group in facts.loops)
    table.add_row("import loops", f"{len(facts.loops)}" + (f"\n{loops}" if loops else " (none)"))
    table.add_row(
        "import loops, documented exceptions counted",
        f"{len(facts.documented_loops)} (of {sum(map(len, facts.documented_loops))} modules)",
    )
    upward = "\n".join(
        f"{a} -> {b}" + (" (documented)" if (a, b) in facts.exceptions else "")
        for a, b in facts.upward
    )
    table.add_row(
        "library imports copilot.cli or tui",
        f"{len(facts.upward)}" + (f"\n{upward}" if upward else " (never)"),
    )
    for rank, (lines, path) in enumerate(facts.sizes[:top], start=1):
        table.add_row("largest library module" if rank == 1 else "", f"{lines} lines  {path}")
    Console().print(table)
    return 1 if facts.loops or facts.undocumented_upward() else 0


if __name__ == "__main__":
    sys.exit(main())
