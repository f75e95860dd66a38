"""Every third-party distribution that the package sources import is declared in
pyproject.toml, so `pip install .` on a fresh machine brings what the code needs (an import that
works here only because another package pulled it in breaks the day that package drops it).

The sources' imports are read with `ast` (imports inside functions and under TYPE_CHECKING
included); import names map to distributions through `importlib.metadata`."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("copilot", "knowledge_base", "tui")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def imported_top_levels() -> dict[str, str]:
    """Top-level third-party module -> the first source file importing it."""
    local = {p.name for p in ROOT.iterdir() if p.is_dir()}
    found: dict[str, str] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top not in local and top not in sys.stdlib_module_names:
                        found.setdefault(top, str(path.relative_to(ROOT)))
    return found


def declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {
        canonical(re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0])
        for requirement in project["dependencies"]
    }


def test_every_imported_distribution_is_declared() -> None:
    distributions = packages_distributions()
    wanted = declared()
    missing = []
    for module, source in sorted(imported_top_levels().items()):
        provided_by = {canonical(d) for d in distributions.get(module, [])}
        assert provided_by, f"{source} imports {module}, which no installed distribution provides"
        if not provided_by & wanted:
            missing.append(f"{'/'.join(sorted(provided_by))} (imported as {module} in {source})")
    assert not missing, "declare in pyproject.toml [project] dependencies: " + "; ".join(missing)


def test_the_walk_sees_the_imports_it_checks() -> None:
    seen = imported_top_levels()
    assert {"numpy", "click", "textual", "langgraph", "yaml"} <= set(seen)
    assert "copilot" not in seen and "json" not in seen
