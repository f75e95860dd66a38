"""Record-store throughput with many advisor processes writing at once, SQLite and PostgreSQL.

    python benchmarks/bench_store.py [--advisors 20] [--decisions 200] [--kills 3]

Each advisor process (tests/store_writer.py) opens one contact and makes N decisions: a
suggestion, then a decision on it, each its own committed transaction with its audit-chain
entry. The table gives wall time, decisions and records per second, and the checks the issue
asks for: records lost or duplicated, and whether the chain verifies. Then `--kills` advisor
processes are killed with SIGKILL mid-run and the acknowledged decisions are counted back.
PostgreSQL is a throw-away server on 127.0.0.1 (Debian's binaries), as in the tests.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.postgres_server import PostgresServer, find_postgres_bin  # noqa: E402
from tests.store_writer import open_target  # noqa: E402

WRITER = ROOT / "tests" / "store_writer.py"


def concurrent_run(target: str, home: Path, advisors: int, decisions: int) -> dict[str, object]:
    open_target(target, home).close()
    started = time.perf_counter()
    procs = [
        subprocess.Popen(
            [sys.executable, str(WRITER), target, f"adv-{i:02d}", str(decisions), str(home)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(advisors)
    ]
    acked: list[str] = []
    failures = 0
    for proc in procs:
        out, _ = proc.communicate()
        failures += proc.returncode != 0
        acked += [line.split()[1] for line in out.splitlines() if line.startswith("ack ")]
    wall = time.perf_counter() - started
    store = open_target(target, home)
    decided = [r["decision"]["id"] for r in store.suggestions() if r["decision"]]
    verify_started = time.perf_counter()
    result = store.verify()
    verify_s = time.perf_counter() - verify_started
    return {
        "wall_s": wall,
        "acked": len(acked),
        "lost": len(set(acked) - set(decided)),
        "duplicated": len(decided) - len(set(decided)),
        "failures": failures,
        "verifies": result.ok,
        "entries": result.entries,
        "verify_s": verify_s,
    }


def kill_run(target: str, home: Path, kills: int) -> dict[str, object]:
    open_target(target, home).close()
    acked: list[str] = []
    for k in range(kills):
        proc = subprocess.Popen(
            [sys.executable, str(WRITER), target, f"killed-{k}", "100000", str(home)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        stop_after = random.randint(20, 200)
        for n, line in enumerate(proc.stdout, start=1):
            acked.append(line.split()[1])
            if n == stop_after:
                os.kill(proc.pid, signal.SIGKILL)
                break
        proc.wait()
        acked += [line.split()[1] for line in proc.stdout.read().splitlines() if line]
    store = open_target(target, home)
    decided = {r["decision"]["id"] for r in store.suggestions() if r["decision"]}
    return {"acked": len(acked), "lost": len(set(acked) - decided), "verifies": store.verify().ok}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--advisors", type=int, default=20)
    parser.add_argument("--decisions", type=int, default=200)
    parser.add_argument("--kills", type=int, default=3)
    args = parser.parse_args()
    console = Console(width=120)
    scratch = Path(tempfile.mkdtemp(prefix="bench-store-"))
    targets = {"sqlite": str(scratch / "records.sqlite")}
    server = None
    bin_dir = find_postgres_bin()
    if bin_dir is not None:
        server = PostgresServer(bin_dir)
        server.start()
        targets["postgresql"] = server.create_database()
    else:
        console.print("PostgreSQL not installed: only SQLite is measured")
    table = Table(title=f"{args.advisors} advisor processes x {args.decisions} decisions")
    for column in (
        "back-end",
        "wall s",
        "decisions/s",
        "records/s",
        "lost",
        "dup",
        "chain",
        "verify s",
        "killed: acked",
        "lost",
        "chain",
    ):
        table.add_column(column, justify="right")
    try:
        for name, target in targets.items():
            run = concurrent_run(target, scratch, args.advisors, args.decisions)
            kill_target = (
                str(scratch / "killed.sqlite") if name == "sqlite" else server.create_database()
            )  # type: ignore[union-attr]
            killed = kill_run(kill_target, scratch, args.kills)
            wall = float(run["wall_s"])  # type: ignore[arg-type]
            table.add_row(
                name,
                f"{wall:.1f}",
                f"{int(run['acked']) / wall:.0f}",  # type: ignore[call-overload]
                f"{int(run['entries']) / wall:.0f}",  # type: ignore[call-overload]
                str(run["lost"]),
                str(run["duplicated"]),
                "ok" if run["verifies"] else "BROKEN",
                f"{run['verify_s']:.1f}",
                str(killed["acked"]),
                str(killed["lost"]),
                "ok" if killed["verifies"] else "BROKEN",
            )
    finally:
        if server is not None:
            server.stop()
    console.print(table)
    console.print(
        "records/s counts every audited row (contact, suggestions, decisions); each "
        "decision and each suggestion is its own committed transaction "
        "(SQLite synchronous=FULL, PostgreSQL fsync on)."
    )


if __name__ == "__main__":
    main()
