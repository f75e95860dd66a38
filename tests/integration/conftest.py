"""Fixtures that need real things: the e5 model over the sample KB, a Chroma server, a record
store on each back-end (PostgreSQL for real on 127.0.0.1)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from copilot.config import Settings
from copilot.store import Store
from copilot.store.database import Database
from knowledge_base import SAMPLES_DIR
from knowledge_base.indexer import index_paths
from knowledge_base.store import KnowledgeBase


@pytest.fixture(scope="session")
def sample_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The bundled sample KB indexed once per session with the real multilingual model."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("sample-e5"), embeddings="e5")
    summary = index_paths([SAMPLES_DIR / "articles"], settings, kb="sample")
    assert summary.failed == [] and summary.chunks > 100
    return settings


@pytest.fixture(scope="session")
def sample_kb(sample_settings: Settings) -> KnowledgeBase:
    return KnowledgeBase.open(sample_settings, "sample")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(
    url: str, name: str, proc: subprocess.Popen[bytes] | None = None, seconds: float = 60
) -> None:
    """Poll a started server's health URL; fail with its own words if it exits or stays mute."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            raise RuntimeError(f"{name} exited: {err.strip()[-500:]}")
        try:
            httpx.get(url, timeout=1).raise_for_status()
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"{name} did not answer within {seconds:.0f} s")


class ChromaServer:
    def __init__(self, path: Path):
        self.path = path
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        chroma = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
        self.proc = subprocess.Popen(
            [
                chroma,
                "run",
                "--path",
                str(self.path),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_up(f"{self.url}/api/v2/heartbeat", "chroma run", self.proc)
        except RuntimeError:
            self.stop()
            raise

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.proc = None


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[ChromaServer]:
    server = ChromaServer(tmp_path / "chroma-server")
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str | None, Path]]:
    """(url, sqlite path) for a fresh empty database of each kind; the audit key and head file
    go to the sqlite path's folder for both."""
    if request.param == "sqlite":
        yield None, tmp_path / "records.sqlite"
    else:
        server = request.getfixturevalue("postgres_server")
        yield server.create_database(), tmp_path / "unused.sqlite"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def settings_for(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Settings]:
    """The test's settings, with the records and contacts on SQLite or on a fresh PostgreSQL."""
    if request.param == "sqlite":
        yield settings
    else:
        url = request.getfixturevalue("postgres_server").create_database()
        yield settings.model_copy(update={"database_url": url})


@pytest.fixture
def store(database: tuple[str | None, Path]) -> Iterator[Store]:
    url, path = database
    opened = Store(Database.open(url, path))
    yield opened
    opened.close()
