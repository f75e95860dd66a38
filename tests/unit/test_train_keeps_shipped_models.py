"""Without the public sets, `copilot train ...` never overwrites the shipped models by default:
a model trained on the repository's turns alone is weaker, so it goes only where --out says."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from copilot.cli.main import cli
from copilot.understanding.route_model import MODEL_DIR
from copilot.understanding.sentiment import MODEL_FILE


@pytest.mark.parametrize("model", ["routing", "sentiment"])
def test_training_without_the_public_sets_needs_out(model: str, tmp_path: Path) -> None:
    shipped = sorted(MODEL_DIR.iterdir()) + [MODEL_FILE]
    before = {path: path.read_bytes() for path in shipped}
    result = CliRunner().invoke(cli, ["train", model, "--eval-dir", str(tmp_path)])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "would replace the shipped" in lines[0] and "--out" in lines[0]
    assert {path: path.read_bytes() for path in shipped} == before
