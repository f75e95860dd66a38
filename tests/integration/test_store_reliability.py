"""Many advisor processes at once, and one killed mid-decision: nothing acknowledged is lost,
nothing is duplicated, and the audit chain verifies. Real processes, real SIGKILL, both
back-ends (PostgreSQL on 127.0.0.1)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.store_writer import open_target

WRITER = Path(__file__).resolve().parents[1] / "store_writer.py"
ADVISORS = 20
DECISIONS = 200


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """What the writer processes get: a SQLite path or a PostgreSQL URL."""
    if request.param == "sqlite":
        yield str(tmp_path / "records.sqlite")
    else:
        yield request.getfixturevalue("postgres_server").create_database()


def writer(target: str, advisor: str, count: int, home: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WRITER), target, advisor, str(count), str(home)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_twenty_advisors_at_once_lose_and_duplicate_nothing(target: str, tmp_path: Path) -> None:
    open_target(target, tmp_path).close()  # schema in place before the race, as at deployment
    procs = [writer(target, f"advisor-{i:02d}", DECISIONS, tmp_path) for i in range(ADVISORS)]
    acked: list[str] = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err[-1000:]
        acked += [line.split()[1] for line in out.splitlines() if line.startswith("ack ")]
    assert len(acked) == ADVISORS * DECISIONS
    store = open_target(target, tmp_path)
    rows = store.suggestions()
    decided = [r["decision"]["id"] for r in rows if r["decision"]]
    assert len(rows) == ADVISORS * DECISIONS
    assert sorted(decided) == sorted(acked)  # none lost, none duplicated
    result = store.verify()
    assert result.ok, result.problem
    assert result.entries == ADVISORS * (1 + 2 * DECISIONS)


def test_a_killed_advisor_process_loses_nothing_it_acknowledged(
    target: str, tmp_path: Path
) -> None:
    open_target(target, tmp_path).close()
    proc = writer(target, "advisor-k", 100_000, tmp_path)
    acked: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        acked.append(line.split()[1])
        if len(acked) == 150:
            os.kill(proc.pid, signal.SIGKILL)  # somewhere inside the next decision
            break
    proc.wait(timeout=30)
    acked += [line.split()[1] for line in proc.stdout.read().splitlines() if line]
    assert proc.returncode == -signal.SIGKILL

    store = open_target(target, tmp_path)
    decided = {r["decision"]["id"] for r in store.suggestions() if r["decision"]}
    assert set(acked) <= decided
    assert store.verify().ok, store.verify().problem
    # after the restart the advisor goes on writing, and the chain still holds
    again = writer(target, "advisor-k", 5, tmp_path)
    out, err = again.communicate(timeout=60)
    assert again.returncode == 0, err[-1000:]
    assert store.verify().ok
