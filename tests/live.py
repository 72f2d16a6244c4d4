"""The real server (waitress, in its own process) against a test's database."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Answer:
    status: int
    body: Any


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def log_tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:]

    def request(
        self,
        method: str,
        path: str,
        token: str,
        body: Any = None,
        timeout: float = 30,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            self.url + path,
            data=data,
            method=method,
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
                **(headers or {}),
            },
        )
        try:
            with urllib.request.urlopen(req, timeout=timeout) as response:
                return Answer(response.status, _decode(response.read()))
        except urllib.error.HTTPError as error:
            return Answer(error.code, _decode(error.read()))

    def stop(self) -> None:
        """SIGTERM (the launcher passes it on to its processes), then SIGKILL to all."""
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """Kill the server at once, the launcher's processes with it (a power cut)."""
        if os.name == "posix" and os.getpgid(self.process.pid) == self.process.pid:
            os.killpg(self.process.pid, signal.SIGKILL)
        else:
            self.process.kill()
        self.process.wait()

    def pids(self) -> list[int]:
        """The server processes: waitress, or the launcher's children."""
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
            found = [int(pid) for pid in children.read_text().split()]
        except OSError:
            found = []
        return found or [self.process.pid]


def _decode(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw


class FileClock:
    """The moment written in ``path``: read on every call, so the server's requests see the
    test's moves at once. The test's own process uses the same object for its app."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __call__(self) -> datetime:
        return datetime.fromisoformat(self.path.read_text())

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("the clock takes an aware moment")
        spare = self.path.with_suffix(".new")
        spare.write_text(moment.astimezone(UTC).isoformat())
        spare.replace(self.path)  # a reader never sees half a moment


def start_server(
    database_url: str,
    *,
    threads: int = 8,
    extra_env: dict[str, str] | None = None,
    port: int | None = None,
    app_spec: str = "wsgi:app",
    processes: int = 1,
    start_timeout: float = 20,
) -> LiveServer:
    """waitress in a process of its own; with ``processes`` above 1, the launcher of
    scripts/run (app.ops.serve) with that many server processes on the one port."""
    port = port or free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "CARD_KEY": "test-card-key",
        "AID_TIMEZONE": "Europe/Bucharest",
        **(extra_env or {}),
    }
    # The server's log goes to a file: a pipe nobody reads fills up and stalls the server.
    log = Path(tempfile.mkstemp(prefix="aiddesk-server-", suffix=".log")[1])
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "waitress" if processes == 1 else "app.ops.serve",
                "--host=127.0.0.1",
                f"--port={port}",
                f"--threads={threads}",
                *([] if processes == 1 else [f"--processes={processes}"]),
                app_spec,
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log_file,
            # The launcher's own process group: kill() takes its processes with it.
            start_new_session=processes > 1,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + start_timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(url + "/login", timeout=1):
                return LiveServer(url, process, log)
        except OSError:
            time.sleep(0.1)
    process.kill()
    process.wait()
    raise RuntimeError(f"server did not start within {start_timeout:.0f} s")
