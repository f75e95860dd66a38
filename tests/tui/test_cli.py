"""`copilot workspace` is a thin command; importing it does not load Textual."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from copilot.cli import cli


def test_workspace_command_is_registered_and_documented() -> None:
    import copilot.cli.workspace  # noqa: F401  (registers the command, as main() will)

    result = CliRunner().invoke(cli, ["workspace", "--help"])
    assert result.exit_code == 0
    for option in ("--replay", "--speed", "--stdin", "--thread", "--engine"):
        assert option in result.output


def test_importing_the_command_does_not_import_textual() -> None:
    code = "import sys, copilot.cli.workspace; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_bad_replay_file_is_one_line_and_exit_1(tmp_path) -> None:
    import copilot.cli.workspace  # noqa: F401

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"role": "narrator", "text": "hi"}\n')
    result = CliRunner().invoke(cli, ["workspace", "--replay", str(bad)])
    assert result.exit_code == 1
    assert "bad.jsonl:1: expected" in result.output
