"""SQLite's checkpoints, moved off the desk's path.

In WAL mode a commit appends to the write-ahead log, and now and then the log's pages are
copied into the database file (a checkpoint). Left to SQLite, the checkpoint runs inside the
commit that crossed 1,000 pages of log, so that one handover also writes and syncs megabytes
of the database file while it still holds the write gate (app.db), and every desk behind it
waits. That was the slow tail of the desk at 200,000 households.

So each process that uses a SQLite file turns SQLite's own checkpoints off and runs them from
a background thread instead, every AID_SQLITE_CHECKPOINT_SECONDS, in PASSIVE mode: it copies
what no reader still needs, waits for nobody, and blocks no writer. A checkpoint is crash-safe
whenever it is interrupted; the last connection to close checkpoints what is left. With the
setting at 0, SQLite checkpoints at commit as it does by default.

After an erasure commits, a TRUNCATE checkpoint (``truncate``) copies the log into the
database file, where secure_delete (app.db) has zeroed what was deleted, and empties the log
file, which would otherwise keep the erased rows until SQLite wrote over them.

When Litestream replicates the file (app.ops.standby), it holds a read transaction that a
TRUNCATE checkpoint waits for in vain; so the truncate pauses Litestream's replication of the
file through its control socket (``litestream_socket``: beside the database), empties the
log, and starts it again: Litestream then ships a fresh snapshot of the erased file. The
replica's older files keep what was erased until its retention (decision 0030).
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Engine

log = logging.getLogger("aiddesk.checkpoints")

_started: weakref.WeakSet[Engine] = weakref.WeakSet()
_lock = threading.Lock()


def database_file(engine: Engine) -> Path | None:
    """The file of a SQLite engine; None for an in-memory database."""
    name = engine.url.database
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    return Path(name)


def checkpoint(path: Path) -> tuple[int, int, int]:
    """One PASSIVE checkpoint from a connection of its own: (busy, log frames, copied)."""
    # mode=rw: a database that is gone is not made again, empty.
    uri = f"file:{quote(str(path.resolve()))}?mode=rw"
    conn = sqlite3.connect(uri, uri=True, timeout=0, isolation_level=None)
    try:
        busy, frames, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return int(busy), int(frames), int(copied)
    finally:
        conn.close()


def litestream_socket(path: Path) -> Path:
    """The control socket of the Litestream that replicates ``path`` (app.ops.standby)."""
    return path.resolve().with_name(path.name + "-litestream.sock")


def _litestream() -> str | None:
    beside = Path(sys.executable).parent / "litestream"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("litestream")


@contextmanager
def replication_paused(path: Path) -> Iterator[None]:
    """Stop Litestream's replication of ``path`` (after its last sync) for the time of the
    block, when a Litestream replicates it; start it again after, whatever happened."""
    socket, program = litestream_socket(path), _litestream()
    if not socket.exists() or program is None:
        yield
        return

    def control(verb: str) -> bool:
        command = [program, verb, "-socket", str(socket), str(path.resolve())]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            return False
        if done.returncode != 0:
            log.warning("litestream %s failed: %s", verb, done.stderr.strip()[:200])
        return done.returncode == 0

    stopped = control("stop")
    try:
        yield
    finally:
        if stopped and not control("start"):
            log.error("replication to the standby did not start again: restart it")


def truncate(path: Path, *, seconds: float = 2.0, pause: float = 0.05) -> bool:
    """A TRUNCATE checkpoint: copy the whole log into the database file and empty the log
    file, so that no page an erasure rewrote stays readable in it. A reader still using the
    log, or the background PASSIVE checkpoint at work, makes it busy: it is tried again
    every ``pause`` for ``seconds``. True when the log was emptied."""
    with replication_paused(path):
        return _truncate(path, seconds=seconds, pause=pause)


def _truncate(path: Path, *, seconds: float, pause: float) -> bool:
    uri = f"file:{quote(str(path.resolve()))}?mode=rw"
    deadline = time.monotonic() + seconds
    conn = sqlite3.connect(uri, uri=True, timeout=pause, isolation_level=None)
    try:
        while True:
            try:
                busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                busy = 1
            if not busy:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(pause)
    finally:
        conn.close()


def truncate_soon(path: Path, *, seconds: float = 2.0, patience: float = 300.0) -> bool:
    """Truncate now if readers let it within ``seconds``; else keep trying from a thread for
    ``patience`` seconds (a long report holding the log), and log if it never could."""
    if truncate(path, seconds=seconds):
        return True

    def later() -> None:
        if not truncate(path, seconds=patience, pause=0.5):
            log.warning("the log of %s could not be emptied after an erasure", path.name)

    threading.Thread(target=later, name="sqlite-truncate", daemon=True).start()
    return False


def start(engine: Engine, seconds: int) -> None:
    """Checkpoint this engine's file every ``seconds`` until the engine is gone (once)."""
    path = database_file(engine)
    if path is None or seconds <= 0:
        return
    with _lock:
        if engine in _started:
            return
        _started.add(engine)
    ref = weakref.ref(engine)

    def run() -> None:
        while True:
            time.sleep(seconds)
            if ref() is None or not path.exists():
                return
            try:
                checkpoint(path)
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc) or "busy" in str(exc):
                    continue  # another process's checkpoint is running: the next round
                log.warning("checkpoint failed: %s", str(exc)[:200])
            except sqlite3.Error as exc:  # a database being restored, a disk full: try again
                log.warning("checkpoint failed: %s", str(exc)[:200])

    threading.Thread(target=run, name="sqlite-checkpoints", daemon=True).start()
