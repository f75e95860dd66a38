"""The house reads one way: the import contracts of `.importlinter` (layers tui -> copilot ->
knowledge_base with copilot.cli on top, only the CLI imports the CLI, no import loops) hold, and
`benchmarks/structure.py` finds no undocumented loop or upward import. Both read the same import
graph (grimp's); the subprocess check that the library never loads `textual` stays beside them
(tests/tui/test_cli.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_the_import_contracts_are_kept() -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    assert lint_imports.exists(), "import-linter is missing: pip install -e '.[dev]'"
    done = run(str(lint_imports), "--no-cache")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


def test_the_structure_script_finds_no_undocumented_loop() -> None:
    done = run(sys.executable, "benchmarks/structure.py")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "import loops" in done.stdout and "0 (none)" in done.stdout
    assert "largest library module" in done.stdout
