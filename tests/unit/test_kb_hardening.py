"""Bad input and a damaged data directory: skipped and reported, or one clear line, never a
traceback; caches that cannot be read are rebuilt."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from copilot.cli import cli
from copilot.cli import kb as _kb  # noqa: F401  (registers commands)
from tests.conftest import write_article


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_an_impossible_date_skips_its_document_and_the_rest_is_indexed(tmp_path: Path) -> None:
    write_article(tmp_path, "bad-date", "Refunds take five days.", date="2026-13-45")
    write_article(tmp_path, "bad-version", "Fees are waived.").write_text(
        "---\nid: bad-version\nlang: en\nversion: .inf\n---\n# Fees\nFees are waived.\n"
    )
    write_article(tmp_path, "fees", "A late fee of 5 euros applies.")
    code, out, err = run("kb", "index", str(tmp_path), "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert summary["added"] == 1 and summary["chunks"] == 1
    failed = {Path(f["path"]).name: f["error"] for f in summary["failed"]}
    assert failed == {
        "bad-date.md": "invalid front matter: effective_date '2026-13-45' is not a YYYY-MM-DD date",
        "bad-version.md": "invalid front matter: version 'inf' is not a whole number",
    }
    code, _, err = run("kb", "index", str(tmp_path))  # the human output names it on stderr
    assert code == 0 and "bad-date.md" in err and "2026-13-45" in err
