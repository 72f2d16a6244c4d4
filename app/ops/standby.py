"""A standby laptop: the server's SQLite database replicated to it with Litestream, and the
replica brought up as the server when the server laptop dies (decision 0030).

The server laptop runs ``litestream replicate`` beside the server, from a configuration
written here from the app's own settings: the database file, and AID_STANDBY_REPLICA, the
place on the standby laptop the replica goes (a folder, for a replica on a disk this machine
writes, or ``sftp://user@standby/path`` over the LAN). Litestream then owns the checkpoints
(app.db turns the app's own off), ships each committed transaction within a second, and keeps
the replica's older files for AID_STANDBY_RETENTION_HOURS only, so an erased person's rows
leave the replica within that time (docs/threat-model.md).

On the standby, ``promote`` restores the newest state of the replica into the database file
and checks it, ready for the server to start on it.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url

from app.checkpoints import litestream_socket


class StandbyError(Exception):
    """Replication or promotion cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class Replication:
    """What Litestream needs: the database, where its replica goes, and how long the
    replica's history is kept."""

    database: Path
    replica: str
    retention_hours: int
    ssh_key: str | None = None
    host_key: str | None = None  # the standby's SSH host key, as in known_hosts


def sqlite_file(database_url: str) -> Path:
    """The file of a SQLite database URL; the standby is for SQLite only (PostgreSQL has
    its own streaming replication, docs/operations.md)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise StandbyError(
            "the standby with Litestream is for SQLite; on PostgreSQL use streaming "
            "replication (docs/operations.md, 'A standby on PostgreSQL')"
        )
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise StandbyError("the database is not a file: nothing to replicate")
    return Path(url.database).resolve()


def replica_target(
    replica: str, ssh_key: str | None = None, host_key: str | None = None
) -> dict[str, str]:
    """Litestream's replica section for AID_STANDBY_REPLICA: an absolute folder (a file
    replica) or an sftp:// address of the standby laptop."""
    if replica.startswith("sftp://"):
        parts = urlsplit(replica)
        if not parts.hostname or not parts.path or parts.path == "/":
            raise StandbyError("AID_STANDBY_REPLICA: an sftp address names a host and a folder")
        target = {"url": replica}
        if ssh_key:
            target["key-path"] = ssh_key
        if host_key:
            target["host-key"] = host_key
        return target
    if "://" in replica or not Path(replica).is_absolute():
        raise StandbyError(
            "AID_STANDBY_REPLICA is an absolute folder or sftp://user@host/folder, "
            f"not {replica[:80]!r}"
        )
    return {"type": "file", "path": str(Path(replica))}


def litestream_config(replication: Replication) -> str:
    """Litestream's configuration, as JSON (which is YAML too).

    - sync-interval 1s: a committed handover reaches the replica within about a second;
    - monitor-interval 1s: Litestream looks at the log that often;
    - checkpoint-interval 1m, min-checkpoint-page-count 1000: Litestream checkpoints (PASSIVE,
      never blocking a desk), in place of the app's background thread;
    - snapshot every hour, and retention: the replica keeps no file older than that, so what
      an erasure removed from the database leaves the replica within the retention;
    - a control socket beside the database, through which an erasure pauses replication
      while it empties the log (app.checkpoints.replication_paused).
    """
    target = replica_target(replication.replica, replication.ssh_key, replication.host_key)
    retention = f"{replication.retention_hours}h"
    config = {
        "dbs": [
            {
                "path": str(replication.database),
                "monitor-interval": "1s",
                "checkpoint-interval": "1m",
                "min-checkpoint-page-count": 1000,
                "busy-timeout": "15s",
                "replica": {**target, "sync-interval": "1s"},
            }
        ],
        "snapshot": {"interval": "1h", "retention": retention},
        "l0-retention": "5m",
        # An erasure pauses replication through it to empty the log (app.checkpoints).
        "socket": {"enabled": True, "path": str(litestream_socket(replication.database))},
    }
    return json.dumps(config, indent=2) + "\n"


def replication_state(database_url: str, replica: str) -> str | None:
    """For /healthz: "running" when a Litestream answers on the database's control socket,
    "stopped" when none does (the log then grows unchecked: start aiddesk-replicate), None
    when no standby is configured."""
    if not replica or not database_url.startswith("sqlite"):
        return None
    try:
        path = litestream_socket(sqlite_file(database_url))
    except StandbyError:
        return None
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        try:
            probe.connect(str(path))
        except OSError:
            return "stopped"
    return "running"


def litestream_binary() -> str:
    """The litestream program: installed beside this Python (the ``standby`` extra) or on
    the PATH."""
    beside = Path(sys.executable).parent / "litestream"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("litestream")
    if found:
        return found
    raise StandbyError(
        "litestream is not installed: pip install --require-hashes -r requirements/standby.txt"
    )


def write_config(replication: Replication, path: Path) -> Path:
    """Write Litestream's configuration to ``path`` (readable by the service only)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(litestream_config(replication))
    path.chmod(0o600)
    return path


def replicate_command(config: Path) -> list[str]:
    """The command that replicates until stopped."""
    return [litestream_binary(), "replicate", "-config", str(config)]


@dataclass(frozen=True)
class Promoted:
    database: Path
    handovers: int
    seconds: float


def promote(replica: str, database: Path, *, force: bool = False, timeout: float = 300) -> Promoted:
    """Restore the newest state of ``replica`` (a folder on this standby, or an sftp
    address) into ``database`` and check it; the server can then start on it.

    Refuses to write over a database that exists unless ``force``: on a standby there is
    none, and one that is there may be the server's own."""
    target = replica_target(replica)
    source = target.get("url") or f"file://{target['path']}"
    if database.exists() and not force:
        raise StandbyError(f"{database} exists: is this the server? Use --force to replace it")
    database.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    command = [litestream_binary(), "restore", "-o", str(database)]
    if force:
        command.append("-force")
    command.append(source)
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise StandbyError(f"the restore took more than {timeout:.0f} s") from None
    if done.returncode != 0:
        raise StandbyError(f"litestream restore failed: {done.stderr.strip()[-500:]}")
    conn = sqlite3.connect(f"file:{database}?mode=rw", uri=True)
    try:
        (integrity,) = conn.execute("PRAGMA integrity_check").fetchone()
        if integrity != "ok":
            raise StandbyError(f"the restored database is damaged: {integrity[:200]}")
        conn.execute("PRAGMA journal_mode=WAL")
        (handovers,) = conn.execute("SELECT count(*) FROM distributions").fetchone()
    except sqlite3.DatabaseError as exc:
        raise StandbyError(f"the restored database cannot be read: {exc}") from None
    finally:
        conn.close()
    return Promoted(database, int(handovers), time.monotonic() - started)
