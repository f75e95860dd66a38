"""The README's test command is what CI runs: `.ci/run` ends with exactly the README's line."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_test_command_is_the_ci_command() -> None:
    ci_command = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = [line for line in readme.splitlines() if line.startswith("{ ls /usr/lib/postgresql")]
    assert commands == [ci_command]
