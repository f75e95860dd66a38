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


def test_a_truncated_intent_cache_is_rebuilt(isolated_env: Path, monkeypatch) -> None:
    from copilot.cli import assist as _assist  # noqa: F401  (registers commands)
    from copilot.understanding import intent_index

    turn = "I was charged twice for my order, I want a refund\n"
    # a new process: no matrix left in memory by an earlier test, so the cache file is written
    monkeypatch.setattr(intent_index, "_MATRIX_CACHE", {})
    code, first, err = run("classify", "--json", stdin=turn)
    assert code == 0, err
    (cache,) = (isolated_env / "cache").glob("intents-*.npy")
    whole = cache.read_bytes()
    cache.write_bytes(whole[:7])  # what a full disk left behind
    monkeypatch.setattr(intent_index, "_MATRIX_CACHE", {})  # as in a new process
    code, again, err = run("classify", "--json", stdin=turn)
    assert code == 0, err
    assert json.loads(again) == json.loads(first)
    assert cache.read_bytes() == whole  # rebuilt


def test_a_damaged_sidecar_is_rebuilt(tmp_path: Path, settings) -> None:
    from copilot.retrieval.search import Retriever
    from knowledge_base.indexer import index_paths
    from knowledge_base.store import KnowledgeBase, lexical_dir

    write_article(tmp_path / "docs", "fees", "A late fee of 5 euros applies.")
    write_article(tmp_path / "docs", "refunds", "Refunds are credited within 5 days.")
    index_paths([tmp_path / "docs"], settings)
    folder = lexical_dir(settings, KnowledgeBase.open(settings).collection.name)
    whole = {f.name: f.read_bytes() for f in folder.iterdir()}
    for name in whole:
        (folder / name).write_bytes(whole[name][:3])
        kb = KnowledgeBase.open(settings)
        assert Retriever(kb).search("late fee", k=1).hits[0].doc_id == "fees", name
        assert kb.texts is not None and len(kb.texts) == 2, name
        assert all((folder / n).stat().st_size > 3 for n in whole), name  # rebuilt


def test_a_write_that_fails_midway_leaves_the_previous_file(tmp_path: Path, monkeypatch) -> None:
    import errno
    import os

    from knowledge_base import atomic

    target = tmp_path / "cache.npy"
    atomic.write_text_atomic(target, "previous")

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    try:
        atomic.write_text_atomic(target, "x" * 10_000)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    else:
        raise AssertionError("the failed write was not reported")
    assert target.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["cache.npy"]  # no temporary file left


def _commands(tmp_path: Path) -> list[tuple[str, ...]]:
    from copilot.cli import assist as _assist  # noqa: F401  (registers commands)

    write_article(tmp_path / "docs", "fees", "A late fee of 5 euros applies.")
    transcript = tmp_path / "contact.jsonl"
    transcript.write_text('{"role": "customer", "text": "Why was I charged a late fee?"}\n')
    return [
        ("kb", "index", str(tmp_path / "docs")),
        ("kb", "search", "late fee"),
        ("assist", "--transcript", str(transcript)),
    ]


def test_a_data_directory_that_is_a_file_is_one_line(
    tmp_path: Path, isolated_env: Path, monkeypatch
) -> None:
    commands = _commands(tmp_path)
    isolated_env.write_text("not a directory")
    for args in commands:
        code, _, err = run(*args)
        assert code == 1, args
        assert err.strip().splitlines()[-1] == (
            f"error: COPILOT_DATA_DIR {isolated_env} is a file, not a directory"
        ), args
        assert "Traceback" not in err
    monkeypatch.setenv("COPILOT_DATA_DIR", str(isolated_env / "below"))
    code, _, err = run(*commands[0])
    assert (
        code == 1
        and err
        == f"error: COPILOT_DATA_DIR {isolated_env / 'below'}: a part of that path is a file\n"
    )


def test_a_read_only_data_directory_is_one_line(
    tmp_path: Path, isolated_env: Path, monkeypatch
) -> None:
    """Tests run as root, which writes through chmod 0500: the permission check is made to see
    what it sees for any other user (os.access is what it asks)."""
    import os

    commands = _commands(tmp_path)
    isolated_env.mkdir()
    isolated_env.chmod(0o500)
    if os.geteuid() == 0:
        real_access = os.access

        def access(path: Path, mode: int, **kwargs: object) -> bool:
            if Path(path) == isolated_env and mode & os.W_OK:
                return False
            return real_access(path, mode, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(os, "access", access)
    for args in commands:
        code, _, err = run(*args)
        assert code == 1, args
        assert err.strip().splitlines()[-1] == (
            f"error: COPILOT_DATA_DIR {isolated_env} is read-only: "
            "the index and records are kept there"
        ), args
