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
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
import weakref
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
            except sqlite3.Error as exc:  # a database being restored, a disk full: try again
                log.warning("checkpoint failed", extra={"error": type(exc).__name__})

    threading.Thread(target=run, name="sqlite-checkpoints", daemon=True).start()
