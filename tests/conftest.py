"""Shared fixtures: every test gets its own data directory and a clean COPILOT_* environment."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from copilot.config import Settings

ARTICLE = """---
id: {id}
title: {title}
lang: {lang}
product: pay_in_3
audience: {audience}
effective_date: {date}
version: {version}
{extra}---
# {title}
{body}
"""


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test reads the user's settings, data or API keys."""
    for key in list(os.environ):
        if key.startswith("COPILOT_") or key in {"OPENAI_API_KEY", "LANGSMITH_API_KEY"}:
            monkeypatch.delenv(key, raising=False)
    data = tmp_path / "data"
    monkeypatch.setenv("COPILOT_DATA_DIR", str(data))
    monkeypatch.setenv("COPILOT_EMBEDDINGS", "hash")
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")
    return data


@pytest.fixture
def settings() -> Settings:
    return Settings()


def write_article(
    folder: Path,
    doc_id: str,
    body: str,
    *,
    title: str | None = None,
    lang: str = "en",
    audience: str = "customer",
    date: str = "2026-01-01",
    version: int = 1,
    extra: str = "",
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{doc_id}.md"
    path.write_text(
        ARTICLE.format(
            id=doc_id,
            title=title or doc_id.replace("-", " ").title(),
            lang=lang,
            audience=audience,
            date=date,
            version=version,
            extra=extra,
            body=body,
        ),
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="session")
def postgres_server():  # type: ignore[no-untyped-def]
    """A real PostgreSQL on 127.0.0.1 for the whole run (skipped where it is not installed,
    a failure where REQUIRE_POSTGRES=1 says it must run, as in .ci/run)."""
    from tests.postgres_server import PostgresServer, find_postgres_bin

    bin_dir = find_postgres_bin()
    if bin_dir is None:
        message = "PostgreSQL is not installed (Debian: apt-get install postgresql)"
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    server = PostgresServer(bin_dir)
    server.start()
    yield server
    server.stop()
