"""A throw-away LangGraph Server (`langgraph dev`, in-memory runtime) on 127.0.0.1, serving the
repository's copilot graph, for the server test and the load benchmark.

It runs from a temporary directory with a `langgraph.json` naming this checkout's graph, so the
server's own files (`.langgraph_api/`) never land in the repository. The copilot in the server
reads its settings from the `COPILOT_*` variables given, and from no other (the caller's own
environment's are left out).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
NEEDED = ("langgraph_cli", "langgraph_api", "langgraph_runtime_inmem", "langgraph_sdk")


def missing_server_extra() -> str | None:
    """Why the server cannot be started here (None: it can): the `.[server]` extra is absent."""
    absent = [name for name in NEEDED if importlib.util.find_spec(name) is None]
    if absent:
        return f"the server extra is not installed (pip install -e '.[server]'): no {absent[0]}"
    if _langgraph_command() is None:
        return "the server extra is installed but the `langgraph` command is not on the path"
    return None


def _langgraph_command() -> str | None:
    beside = Path(sys.executable).parent / "langgraph"
    return str(beside) if beside.exists() else shutil.which("langgraph")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LangGraphServer:
    """`start()` it, talk to `url` (langgraph-sdk), `stop()` it; `log()` says what it printed."""

    def __init__(self, env: dict[str, str], jobs: int = 10) -> None:
        self.jobs = jobs
        """How many runs the server works on at once (`--n-jobs-per-worker`)."""
        self.port = _free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="copilot-langgraph-"))
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("COPILOT_")},
            **env,
            "PYTHONPATH": str(REPO),
            "LANGSMITH_TRACING": "false",
            "LANGGRAPH_CLI_NO_ANALYTICS": "1",
        }
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, seconds: float = 90) -> None:
        config = {
            "dependencies": [str(REPO)],
            "graphs": {"copilot": f"{REPO}/copilot/server.py:graph"},
        }
        (self.dir / "langgraph.json").write_text(json.dumps(config))
        command = _langgraph_command()
        assert command is not None, missing_server_extra()
        with (self.dir / "server.log").open("wb") as log:
            self.proc = subprocess.Popen(
                [command, "dev", "--no-browser", "--no-reload", "--host", "127.0.0.1"]
                + ["--port", str(self.port), "--n-jobs-per-worker", str(self.jobs)]
                + ["--config", str(self.dir / "langgraph.json")],
                cwd=self.dir,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"langgraph dev exited ({self.proc.returncode}):\n{self.log()}")
            try:
                if httpx.get(f"{self.url}/ok", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"langgraph dev did not answer within {seconds:.0f} s:\n{self.log()}")

    def log(self, tail: int = 40) -> str:
        path = self.dir / "server.log"
        lines = path.read_text(errors="replace").splitlines() if path.exists() else []
        return "\n".join(lines[-tail:])

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # its own session: the server and workers
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)
