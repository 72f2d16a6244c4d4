"""Serve AidDesk from several processes on one port (scripts/run; decision 0035).

One Python process runs the Python of one request at a time (the GIL): on a laptop with two
cores, one waitress process leaves the second core almost idle while the desks queue. So the
launcher forks ``--processes`` children; each builds the app and serves the port with
waitress. On Linux each child listens on a socket of its own with SO_REUSEPORT and the kernel
spreads the new connections over them; a shared listening socket would not do: the child that
is awake accepts every connection of a burst before the other is scheduled, and a desk's
connection stays with the child that took it (measured: 160 requests of 8 desks, all by one
of two processes). Elsewhere the children share the parent's socket. The children keep
nothing of their own (docs/operations.md: logins, retried answers, jobs and rules live in the
database), and the SQLite writers of all of them queue on one write gate (app.db.FileGate).

A child that dies is started again (a child that dies within a second of starting, five
times in a row, stops the launcher: something is wrong with the set-up, not with a
request). SIGTERM, SIGINT (Ctrl+C) or SIGHUP stop every child, then the launcher. Without
``os.fork`` (Windows) one process serves, as ``waitress-serve`` would.

    python -m app.ops.serve --host 0.0.0.0 --port 8000 --processes 2 --threads 8

This module imports nothing of the app before the fork: each child makes its own engine, its
own connections and its own background threads.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import signal
import socket
import sys
import time
from types import FrameType
from typing import Any

QUICK_DEATH_SECONDS = 1.0
QUICK_DEATHS_ALLOWED = 5
BACKLOG = 1024  # waitress's own default


def default_processes() -> int:
    """As many processes as cores, at most four; one where there is no fork."""
    if not hasattr(os, "fork"):
        return 1
    return max(1, min(os.cpu_count() or 1, 4))


# Linux spreads connections over the sockets of one port; other systems' SO_REUSEPORT does not.
SPREAD_BY_KERNEL = sys.platform == "linux" and hasattr(socket, "SO_REUSEPORT")


def listen(host: str, port: int, *, reuse_port: bool = False) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(BACKLOG)
    sock.setblocking(False)
    return sock


def load_app(spec: str) -> Any:
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name or "app")


def serve(sock: socket.socket, spec: str, threads: int, ident: str) -> None:
    """Serve the app on ``sock`` in this process, until it is stopped."""
    from waitress import serve as waitress_serve

    waitress_serve(load_app(spec), sockets=[sock], threads=threads, ident=ident)


class Launcher:
    """The parent: starts the children, starts again one that died, stops them all."""

    def __init__(
        self,
        where: tuple[str, int],
        spec: str,
        processes: int,
        threads: int,
        ident: str,
        shared: socket.socket | None = None,
    ):
        """``shared``: the socket every child serves; None: each listens on its own."""
        self.where, self.shared = where, shared
        self.spec, self.threads, self.ident = spec, threads, ident
        self.processes = processes
        self.children: dict[int, float] = {}  # pid -> when it started
        self.stopping = False
        self.quick_deaths = 0

    def start_child(self) -> None:
        pid = os.fork()
        if pid == 0:  # the child
            for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
                signal.signal(signum, signal.SIG_DFL)
            code = 0
            try:
                sock = self.shared or listen(*self.where, reuse_port=True)
                serve(sock, self.spec, self.threads, self.ident)
            except BaseException as exc:  # the child ends here, whatever happened
                print(f"aiddesk: process {os.getpid()} stopped: {exc!r}", file=sys.stderr)
                code = 1
            finally:
                os._exit(code)
        self.children[pid] = time.monotonic()

    def stop(self, signum: int, _frame: FrameType | None = None) -> None:
        self.stopping = True
        for pid in list(self.children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    def run(self) -> int:
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, self.stop)
        for _ in range(self.processes):
            self.start_child()
        code = 0
        while self.children:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            started = self.children.pop(pid, None)
            if started is None or self.stopping:
                continue
            lived = time.monotonic() - started
            self.quick_deaths = self.quick_deaths + 1 if lived < QUICK_DEATH_SECONDS else 0
            print(
                f"aiddesk: process {pid} ended ({describe(status)}) after {lived:.0f} s",
                file=sys.stderr,
            )
            if self.quick_deaths >= QUICK_DEATHS_ALLOWED:
                print("aiddesk: the processes keep dying at start; stopping", file=sys.stderr)
                code = 1
                self.stop(signal.SIGTERM)
                continue
            self.start_child()
        return code


def describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit code {os.waitstatus_to_exitcode(status)}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.ops.serve", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--processes", type=int, default=0, help="server processes (0: one per core, at most 4)"
    )
    parser.add_argument("--threads", type=int, default=8, help="threads per process")
    parser.add_argument("--ident", default="AidDesk")
    parser.add_argument("app", nargs="?", default="wsgi:app", help="module:name of the WSGI app")
    args = parser.parse_args(argv)
    processes = args.processes or default_processes()
    if processes < 1 or args.threads < 1:
        parser.error("--processes and --threads must be at least 1")
    if processes == 1 or not hasattr(os, "fork"):
        serve(listen(args.host, args.port), args.app, args.threads, args.ident)
        return 0
    where = (args.host, args.port)
    # The port is tried here, without SO_REUSEPORT: a port in use (by another AidDesk too) is
    # said once, here, rather than shared with it or refused by every child.
    probe = listen(*where)
    shared = None if SPREAD_BY_KERNEL else probe
    if SPREAD_BY_KERNEL:
        probe.close()  # a socket no child accepts on would keep the connections it is given
    print(
        f"aiddesk: {processes} processes of {args.threads} threads on {args.host}:{args.port}",
        file=sys.stderr,
        flush=True,
    )
    return Launcher(where, args.app, processes, args.threads, args.ident, shared).run()


if __name__ == "__main__":
    sys.exit(main())
