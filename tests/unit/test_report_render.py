"""`copilot report --format html|png`: the shareable report renders from the seeded store and from
an empty one, is self-contained and escaped, and an unwritable target is one clear error."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from copilot.cli import cli
from copilot.cli import records as _records  # noqa: F401  (registers `copilot report`)
from copilot.store import Store, StoreError
from copilot.store.database import Database
from copilot.store.report import build_report
from copilot.store.report_render import render_report
from knowledge_base.errors import CopilotError
from tests.store_seed import seed

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def report(tmp_path: Path) -> dict[str, Any]:
    store = Store(Database.open(None, tmp_path / "r.sqlite"))
    seed(store)
    return build_report(store.suggestions())


def test_png_is_a_dashboard_sized_image(report: dict[str, Any], tmp_path: Path) -> None:
    target = tmp_path / "report.png"
    render_report(report, target, "png")
    data = target.read_bytes()
    assert data.startswith(PNG_MAGIC)
    assert len(data) > 20_000  # six panels of bars and text, not a blank canvas
    image = pytest.importorskip("PIL.Image")
    with image.open(target) as png:
        assert png.size == (1600, 1000)
    assert not list(tmp_path.glob(".report.png.*")), "the temporary file is left behind"


def test_html_has_the_figures_tables_and_inline_charts(
    report: dict[str, Any], tmp_path: Path
) -> None:
    target = tmp_path / "report.html"
    render_report(report, target, "html")
    page = target.read_text(encoding="utf-8")
    text = re.sub(r"<svg.*?</svg>", "", page, flags=re.S)
    assert "<td>Suggestions</td><td>8</td>" in text
    assert "<td>Acceptance rate</td><td>33%</td>" in text
    assert "<td>Latency p50 / p95</td><td>500 / 800 ms</td>" in text
    for heading in ("By category", "By advisor", "By prompt version", "By KB version", "KB gaps"):
        assert f"<h2>{heading}</h2>" in text
    assert "<td>alice</td>" in text and "<td>offline-1</td>" in text and "sample g1" in text
    # sensitive_data has nothing decided: its rates are a dash, not 0% or "None"
    row = re.search(r"<tr><td>sensitive data.*?</tr>", text)
    assert row is not None and "<td>–</td>" in row.group(0) and "None" not in row.group(0)
    assert "pause_payment" in text and "question 4" in text and "citations rejected" in text
    assert page.count("<svg") == 5


def test_html_is_self_contained(report: dict[str, Any], tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    render_report(report, target, "html")
    page = target.read_text(encoding="utf-8")
    assert "http://" not in page and "https://" not in page
    assert not re.search(r"<(script|link|img|iframe)\b", page)
    assert "@import" not in page
    assert not re.search(r"url\(\s*['\"]?(?!#)", page), "only in-page references (clip paths)"


def test_html_escapes_turns_and_names(report: dict[str, Any], tmp_path: Path) -> None:
    report["kb_gaps"][0]["examples"].append("<script>alert('x')</script> & co")
    report["by_advisor"]["<b>mallory</b>"] = report["by_advisor"]["alice"]
    target = tmp_path / "report.html"
    render_report(report, target, "html")
    page = target.read_text(encoding="utf-8")
    assert "<script>" not in page and "<b>mallory" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; co" in page
    assert "&lt;b&gt;mallory&lt;/b&gt;" in page


@pytest.mark.parametrize("fmt", ["png", "html"])
def test_an_empty_store_still_renders(fmt: str, tmp_path: Path) -> None:
    target = tmp_path / f"empty.{fmt}"
    render_report(build_report([], since="2026-01-01"), target, fmt)
    if fmt == "png":
        assert target.read_bytes().startswith(PNG_MAGIC)
        return
    page = target.read_text(encoding="utf-8")
    assert "since 2026-01-01" in page
    assert "<td>Acceptance rate</td><td>–</td>" in page
    assert page.count("no data") >= 5  # in the charts' text, drawn as paths, and their comments
    assert "No KB gaps recorded." in page


def test_an_existing_report_is_replaced(report: dict[str, Any], tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text("old")
    render_report(report, target, "html")
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_an_unwritable_target_is_one_line_store_error(
    report: dict[str, Any], tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with pytest.raises(StoreError) as caught:
        render_report(report, blocker / "report.png", "png")
    assert isinstance(caught.value, CopilotError)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"cannot write the report to {blocker / 'report.png'}")


def test_an_unknown_format_is_a_store_error(report: dict[str, Any], tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="html or png"):
        render_report(report, tmp_path / "report.pdf", "pdf")


def test_the_report_figures_do_not_load_matplotlib() -> None:
    code = "import sys, copilot.store.report; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_command_writes_the_file_or_says_why_not(tmp_path: Path) -> None:
    target = tmp_path / "out.html"
    result = CliRunner().invoke(cli, ["report", "--format", "html", "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"wrote {target}"
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")

    blocked = tmp_path / "out.html" / "r.png"
    result = CliRunner().invoke(cli, ["report", "--format", "png", "--out", str(blocked)])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"error: cannot write the report to {blocked}")
