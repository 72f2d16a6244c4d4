"""Backups and restores of a database, safe while the server is serving.

SQLite: the online backup API copies one consistent snapshot while the desks keep writing
(in WAL mode a reader never blocks the writer). The copy is made a self-contained file (a
rollback journal, not WAL) and checked with PRAGMA quick_check before it gets its name.

PostgreSQL: pg_dump in its custom format (one consistent snapshot), restored with pg_restore
--clean in a single transaction, so a failed restore changes nothing. The URL's parts reach
the tools as libpq environment variables: never through a shell, and never on the command
line, where any user of the machine could read a password (ps).

A backup is written beside its final name and renamed into place only when complete, so a
crash or a full disk never leaves a truncated file that looks like a backup. It holds every
family's personal data: it is made readable and writable by its owner only (0600), whatever
the umask of whoever runs the command.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
BUSY_SECONDS = 15.0
OWNER_ONLY = 0o600
# Tables that say nothing about whether a database is in use.
BOOKKEEPING_TABLES = frozenset({"alembic_version"})
# URL query options that libpq also reads from the environment.
LIBPQ_ENVIRONMENT = {
    "host": "PGHOST",
    "hostaddr": "PGHOSTADDR",
    "port": "PGPORT",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "passfile": "PGPASSFILE",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
    "options": "PGOPTIONS",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "gssencmode": "PGGSSENCMODE",
    "client_encoding": "PGCLIENTENCODING",
}


class BackupError(RuntimeError):
    """A backup or a restore could not be done; the message says why and what to do."""


@dataclass(frozen=True)
class BackupFile:
    path: Path
    engine: str  # "sqlite" or "postgresql"
    size: int


def backup(database_url: str, target: Path) -> BackupFile:
    """Write a consistent copy of the database to ``target``, a file that must not exist."""
    url = make_url(database_url)
    engine = _engine_name(url)
    if target.exists():
        raise BackupError(f"{target} exists already; give the backup a new name.")
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} does not exist.")
    partial = target.with_name(f".{target.name}.partial")
    try:
        _owner_only(partial)
        if engine == "sqlite":
            _sqlite_backup(_sqlite_path(url), partial)
        else:
            _pg_backup(url, partial)
        partial.chmod(OWNER_ONLY)  # pg_dump may have made the file again
        _fsync(partial)
        os.replace(partial, target)
        _fsync_folder(target.parent)
    finally:
        partial.unlink(missing_ok=True)
    return BackupFile(target, engine, target.stat().st_size)


def restore(database_url: str, source: Path, *, force: bool = False) -> str:
    """Replace the database's contents with the backup in ``source``; returns the engine.

    Refuses a database that holds data unless ``force``: a restore over the wrong database
    would lose every visit recorded since the backup.
    """
    url = make_url(database_url)
    engine = _engine_name(url)
    magic = SQLITE_MAGIC if engine == "sqlite" else PGDUMP_MAGIC
    with source.open("rb") as file:
        if not file.read(len(magic)) == magic:
            raise BackupError(f"{source} is not a backup of a {engine} database.")
    if not force and holds_data(database_url):
        raise BackupError(
            "The database holds data already; restoring would replace all of it. "
            "Pass --force to replace it."
        )
    if engine == "sqlite":
        _sqlite_restore(source, _sqlite_path(url))
    else:
        _pg_restore(url, source)
    return engine


def holds_data(database_url: str) -> bool:
    """Whether any table of the database (other than Alembic's) has a row."""
    url = make_url(database_url)
    if _engine_name(url) == "sqlite":
        path = _sqlite_path(url)
        if not path.exists() or path.stat().st_size == 0:
            return False
    db = create_engine(url)
    try:
        with db.connect() as conn:
            quote = conn.dialect.identifier_preparer.quote
            for table in inspect(conn).get_table_names():
                if table in BOOKKEEPING_TABLES:
                    continue
                if conn.execute(text(f"SELECT 1 FROM {quote(table)} LIMIT 1")).first():
                    return True
        return False
    except SQLAlchemyError as exc:
        raise BackupError(f"Cannot open the database: {getattr(exc, 'orig', None) or exc}") from exc
    finally:
        db.dispose()


def _engine_name(url: URL) -> str:
    name = url.get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups of {name} databases are not supported.")
    return name


# --- SQLite ----------------------------------------------------------------------------------


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise BackupError("The SQLite database must be a file named in DATABASE_URL.")
    return Path(url.database)


def _sqlite_backup(database: Path, partial: Path) -> None:
    if not database.is_file():
        raise BackupError(f"There is no SQLite database at {database}.")
    with (
        closing(sqlite3.connect(database, timeout=BUSY_SECONDS)) as live,
        closing(sqlite3.connect(partial)) as copy,
    ):
        # One step (pages=-1): a single read transaction, hence one consistent snapshot.
        # Writers carry on meanwhile: in WAL mode a reader does not block them.
        live.backup(copy)
        # The copy inherits WAL mode; as a rollback-journal database it is one file.
        copy.execute("PRAGMA journal_mode=DELETE")
        verdict = copy.execute("PRAGMA quick_check").fetchone()[0]
    if verdict != "ok":
        raise BackupError(f"The copy failed its check ({verdict}); the backup was not kept.")


def _sqlite_restore(source: Path, database: Path) -> None:
    if not database.parent.is_dir():
        raise BackupError(f"The folder {database.parent} does not exist.")
    readonly = f"{source.resolve().as_uri()}?mode=ro"
    with closing(sqlite3.connect(readonly, uri=True)) as backup_copy:
        verdict = backup_copy.execute("PRAGMA quick_check").fetchone()[0]
        if verdict != "ok":
            raise BackupError(f"{source} failed its check ({verdict}); nothing was restored.")
        with closing(sqlite3.connect(database, timeout=BUSY_SECONDS)) as live:
            # The backup API writes the whole database under one write lock: other
            # connections see either the old database or the restored one.
            backup_copy.backup(live)
            live.execute("PRAGMA journal_mode=WAL")


# --- PostgreSQL ------------------------------------------------------------------------------


def _pg_environment(url: URL) -> dict[str, str]:
    """The connection as libpq environment variables, over the inherited ones (which the app
    itself would use for anything the URL leaves out)."""
    parts: dict[str, object] = {
        "PGHOST": url.host,
        "PGPORT": url.port,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
    }
    for key, value in url.query.items():
        if key not in LIBPQ_ENVIRONMENT or not isinstance(value, str):
            raise BackupError(f"The URL option {key!r} cannot be passed to pg_dump.")
        parts[LIBPQ_ENVIRONMENT[key]] = value
    if not parts["PGDATABASE"]:
        raise BackupError("DATABASE_URL names no database.")
    environment = dict(os.environ)
    environment.update({name: str(value) for name, value in parts.items() if value is not None})
    return environment


def _conninfo_value(value: str) -> str:
    """A value quoted for a libpq connection string (a name with '=' is still just a name)."""
    escaped = value.replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'"


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} was not found on PATH; install the PostgreSQL client tools "
            "(apt-get install postgresql-client), of the server's version or newer."
        )
    return found


def _run(command: list[str], environment: dict[str, str]) -> None:
    done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tool = Path(command[0]).name
        raise BackupError(f"{tool} failed: {done.stderr.strip() or done.returncode}")


def _pg_backup(url: URL, partial: Path) -> None:
    environment = _pg_environment(url)
    # --no-password: a timer must fail, never wait at a prompt.
    _run(
        [_tool("pg_dump"), "--format=custom", "--no-password", f"--file={partial}"],
        environment,
    )
    # Reading the archive's table of contents proves it is whole.
    _run([_tool("pg_restore"), "--list", f"--file={os.devnull}", str(partial)], environment)


def _pg_restore(url: URL, source: Path) -> None:
    environment = _pg_environment(url)
    _run(
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            # Objects belong to the account the app uses here, whoever owned them there.
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "--no-password",
            f"--dbname=dbname={_conninfo_value(environment['PGDATABASE'])}",
            str(source.resolve()),
        ],
        environment,
    )
    # pg_restore leaves the planner without statistics until autovacuum comes round.
    db = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with db.connect() as conn:
            conn.execute(text("ANALYZE"))
    finally:
        db.dispose()


# --- Files -----------------------------------------------------------------------------------


def _owner_only(path: Path) -> None:
    """Create ``path`` empty, readable by its owner only, before anything is written to it: a
    file made by the tools would follow the umask (0644), if only for a moment."""
    path.unlink(missing_ok=True)  # a partial file left by a crash
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY))


def _fsync(path: Path) -> None:
    with path.open("rb") as file:
        os.fsync(file.fileno())


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX; Windows cannot open a folder, nor needs to)."""
    if os.name != "posix":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
