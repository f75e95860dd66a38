"""Every command on every bad input: one line on stderr and a non-zero exit, or the bad part
skipped and reported while the rest completes; never a traceback.

Each case runs the real command line in process (click's CliRunner). The inputs are the kinds
an attack on the product found: files that are not UTF-8 or not text, empty transcripts and
turns, invalid decision and query files, unsupported database URLs, a model endpoint that cannot
be used, and a full disk.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from copilot.cli import assist as _assist  # noqa: F401  (registers commands)
from copilot.cli import cli
from copilot.cli import evaluate as _evaluate  # noqa: F401
from copilot.cli import records as _records  # noqa: F401
from copilot.cli import workspace as _workspace  # noqa: F401
from copilot.config import Settings

OK_TURN = b'{"role": "customer", "text": "why was I charged a late fee?"}\n'

BAD_TRANSCRIPTS = {
    "latin-1": '{"role": "customer", "text": "un remboursement refusé"}\n'.encode("latin-1"),
    "binary": bytes(range(256)) * 8,
    "utf-16": '{"role": "customer", "text": "hello"}\n'.encode("utf-16"),
    "empty file": b"",
    "blank lines": b"\n   \n",
    "not JSON": b"role=customer text=hello\n",
    "not an object": b'["customer", "hello"]\n',
    "unknown role": b'{"role": "robot", "text": "hello"}\n',
    "text not a string": b'{"role": "customer", "text": 42}\n',
}

BAD_DECISIONS = {
    "invalid JSON": b'{"kind": accept}\n',
    "unknown kind": b'{"kind": "maybe"}\n',
    "not an object": b"[1, 2]\n",
    "latin-1": '{"kind": "reject", "reason": "refusé"}\n'.encode("latin-1"),
}

BAD_QUERIES = {
    "no query": b'{"id": "q1", "relevant_ids": ["late-fees"]}\n',
    "empty query": b'{"query": "  "}\n',
    "invalid JSON": b'{"query": \n',
    "not an object": b'["late fee"]\n',
    "latin-1": '{"query": "délai"}\n'.encode("latin-1"),
    "relevant ids not a list": b'{"query": "late fee", "relevant_ids": "late-fees"}\n',
}


def run(*args: str, stdin: bytes | None = None, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin, env=env)


def assert_one_line_error(result: Result) -> str:
    """Non-zero exit, one error line on stderr (the last; progress notes may come before it),
    no traceback anywhere."""
    assert result.exit_code != 0, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)  # not a crash
    lines = result.stderr.strip().splitlines()
    assert [line for line in lines if line.startswith("error: ")] == lines[-1:], result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return lines[-1]


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("kind", BAD_TRANSCRIPTS)
@pytest.mark.parametrize("command", ["assist", "summarize", "workspace"])
def test_a_bad_transcript_is_one_line(tmp_path: Path, command: str, kind: str) -> None:
    path = write(tmp_path, "t.jsonl", BAD_TRANSCRIPTS[kind])
    option = "--replay" if command == "workspace" else "--transcript"
    line = assert_one_line_error(run(command, option, str(path)))
    assert line.startswith("error: ") and str(path) in line


@pytest.mark.parametrize("kind", BAD_DECISIONS)
def test_a_bad_decisions_file_is_one_line(tmp_path: Path, kind: str) -> None:
    transcript = write(tmp_path, "t.jsonl", OK_TURN)
    decisions = write(tmp_path, "d.jsonl", BAD_DECISIONS[kind])
    line = assert_one_line_error(
        run("assist", "--transcript", str(transcript), "--decisions", str(decisions))
    )
    assert f"{decisions}" in line and "COPILOT_" not in line  # a file, not a setting


@pytest.mark.parametrize("kind", BAD_QUERIES)
def test_a_bad_queries_file_is_one_line(tmp_path: Path, kind: str) -> None:
    queries = write(tmp_path, "q.jsonl", BAD_QUERIES[kind])
    line = assert_one_line_error(run("eval", "retrieval", "--queries", str(queries)))
    assert str(queries) in line


@pytest.mark.parametrize("command", ["classify", "redact"])
def test_stdin_lines_that_are_not_utf8_are_skipped_and_reported(command: str) -> None:
    stdin = b"why was I charged a late fee?\n\xff\xfe\x00binary\nrembours\xe9ment\nthanks\n"
    result = run(command, stdin=stdin)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert result.stderr.splitlines() == [
        "stdin line 2: not UTF-8 text, skipped",
        "stdin line 3: not UTF-8 text, skipped",
    ]
    assert len(result.stdout.splitlines()) == 2  # the rest of the stream was processed
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", ["assist", "summarize"])
def test_an_empty_customer_turn_is_skipped_and_reported(tmp_path: Path, command: str) -> None:
    path = write(tmp_path, "t.jsonl", b'{"role": "customer", "text": "  "}\n' + OK_TURN)
    result = run(command, "--transcript", str(path), "--json")
    assert result.exit_code == 0, result.output
    assert f"{path}:1: empty customer turn skipped" in result.stderr.splitlines()
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    if command == "assist":
        assert len(rows) == 2 and "route" in rows[0] and "summary" in rows[1]
    else:
        assert len(rows) == 1 and rows[0]  # the summary of the other turn
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "url",
    ["mysql://u:secret@db/copilot", "sqlite://", "sqlite:///tmp/records.db", "records.db"],
)
def test_an_unsupported_database_url_names_the_supported_schemes(
    url: str, isolated_env: Path
) -> None:
    line = assert_one_line_error(run("audit", "verify", env={"COPILOT_DATABASE_URL": url}))
    assert "postgresql://" in line and "COPILOT_DATABASE_URL" in line
    assert "secret" not in line  # a URL may hold a password: never echoed
    assert not (isolated_env / "records.sqlite").exists()  # no silent fallback to SQLite


@pytest.mark.parametrize(
    ("given", "opened"),
    [
        ("postgresql+psycopg://u:p@h/db", "postgresql://u:p@h/db"),
        ("postgres://u:p@h/db", "postgres://u:p@h/db"),
        ("postgresql://u:p@h/db", "postgresql://u:p@h/db"),
        ("", None),
    ],
)
def test_supported_database_urls_are_normalised(
    given: str, opened: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COPILOT_DATABASE_URL", given)
    assert Settings().database_url == opened


@pytest.mark.parametrize("command", ["classify", "summarize", "assist"])
def test_a_model_that_cannot_be_used_is_one_line(tmp_path: Path, command: str) -> None:
    transcript = write(tmp_path, "t.jsonl", OK_TURN)
    args = [command] if command == "classify" else [command, "--transcript", str(transcript)]
    result = run(*args, stdin=OK_TURN, env={"COPILOT_LLM_MODEL": "gpt-test"})  # no API key
    line = assert_one_line_error(result)
    assert "API key" in line


def test_an_unreachable_model_endpoint_is_one_line() -> None:
    env = {
        "COPILOT_LLM_MODEL": "m",
        "COPILOT_LLM_BASE_URL": "http://127.0.0.1:9/v1",  # discard port: refused at once
        "COPILOT_LLM_API_KEY": "k",
        "COPILOT_LLM_TIMEOUT_S": "5",
    }
    line = assert_one_line_error(run("classify", stdin=b"late fee?\n", env=env))
    assert "127.0.0.1:9" in line


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A 256 kB tmpfs filled to its last few kB (needs root; skipped where mount is refused)."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount_point)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        filler = mount_point / "filler"
        with filler.open("wb", buffering=0) as out:
            try:
                while True:
                    out.write(b"\0" * 4096)
            except OSError:  # full: then give back 8 kB, too little for anything real
                pass
        os.truncate(filler, filler.stat().st_size - 8192)
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


@pytest.mark.parametrize("command", ["classify", "assist", "audit"])
def test_a_full_disk_is_one_line_or_goes_on(tmp_path: Path, full_disk: Path, command: str) -> None:
    transcript = write(tmp_path, "t.jsonl", OK_TURN)
    args = {
        "classify": ["classify"],
        "assist": ["assist", "--transcript", str(transcript)],
        "audit": ["audit", "verify"],
    }[command]
    result = run(*args, stdin=OK_TURN, env={"COPILOT_DATA_DIR": str(full_disk / "data")})
    assert "Traceback" not in result.output
    if result.exit_code == 0:  # a cache that could not be saved is not worth failing for
        assert result.stdout.strip()
    else:
        assert_one_line_error(result)
