"""The declarative base, time helpers and how each engine is set up.

SQLite is the embedded default. Its writers are serialised by SQLite's single write lock, and
when several threads wait on that lock SQLite's busy handler makes them sleep and retry, which
is what drives the tail latency up under load. So, per database, writers queue on a fair
in-process lock first (the write gate), then on a lock file beside the database that every
process of the app shares (several server processes, a CLI command while serving), and then
open their transaction with BEGIN IMMEDIATE: a writer holds SQLite's lock for the few
milliseconds of its transaction and the next one is woken at once. See
docs/decisions/0002-sqlite-writers.md and 0035-server-processes.md.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias
from zoneinfo import ZoneInfo

from flask import has_request_context, request
from sqlalchemy import DateTime, Engine, MetaData, Select, Table, event
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.orm import DeclarativeBase, Session, registry, scoped_session
from sqlalchemy.types import TypeDecorator

if sys.platform != "win32":
    import fcntl
# Windows has no flock: one process serves there (FileGate).
HAS_FLOCK: bool = sys.platform != "win32"

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Table options for a table whose ids name a person (a household, a member, their documents
# and cards): an id is never given again once its row was erased, so an audit event never
# points at two people. SQLite without AUTOINCREMENT reuses the largest rowid after a delete;
# PostgreSQL's sequences never go back.
NEVER_REUSED: dict[str, object] = {"sqlite_autoincrement": True}

# What a service takes as its ``session``: the request's ``db.session`` (a scoped_session that
# hands every call to the request's Session) or a plain Session (a job's, a test's). The
# scoped_session is Any inside because its type parameter is invariant: Flask-SQLAlchemy's
# Session subclass would not match ``scoped_session[Session]`` (decision 0025).
DbSession: TypeAlias = Session | scoped_session[Any]

# A SELECT of any columns, for a helper that adds a WHERE to whatever it is given.
AnySelect: TypeAlias = Select[*tuple[Any, ...]]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
GATE_WAIT_SECONDS = 30.0


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every engine (SQLite keeps no zone, so it is stored as UTC)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use app.db.utcnow()")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING),
        type_annotation_map={datetime: UTCDateTime()},
    )

    if TYPE_CHECKING:
        # Every model here maps a Table (none maps a SELECT), so the services' Core statements
        # (insert(Model.__table__), update(...)) take it; SQLAlchemy declares a FromClause.
        __table__: ClassVar[Table]


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_date(moment: datetime, timezone: str) -> date:
    """The calendar date of a moment at the site: the 10-day rule counts these."""
    return moment.astimezone(ZoneInfo(timezone)).date()


# --- SQLite writers --------------------------------------------------------------------------

_force_write: ContextVar[bool | None] = ContextVar("force_write", default=None)


def _wants_write() -> bool:
    forced = _force_write.get()
    if forced is not None:
        return forced
    if has_request_context():
        return request.method not in SAFE_METHODS
    return True  # the CLI and services called directly write


@contextmanager
def writing() -> Iterator[None]:
    """Open the next transaction as a writer, for the rare write inside a GET request."""
    token = _force_write.set(True)
    try:
        yield
    finally:
        _force_write.reset(token)


@contextmanager
def read_apart(session: DbSession) -> Iterator[Connection]:
    """A connection for a read that need not wait for writers, even in a write request.

    On SQLite, a short read transaction of its own: a write request then holds the write gate
    for its own work only, not while it looks up who is calling. Other engines have no gate;
    the read runs in the session's transaction.
    """
    bind = session.get_bind()
    if isinstance(bind, Connection) or bind.dialect.name != "sqlite":
        yield session.connection()
        return
    token = _force_write.set(False)
    try:
        with bind.connect() as conn:
            yield conn
    finally:
        _force_write.reset(token)


# What a read takes: the request's session, or a connection (read_first's, a job's).
Reader: TypeAlias = Session | scoped_session[Any] | Connection


def connection_of(reader: Reader) -> Connection:
    """The connection a read runs on: the session's (its transaction), or the one given."""
    return reader if isinstance(reader, Connection) else reader.connection()


@contextmanager
def read_first(session: DbSession) -> Iterator[Connection]:
    """A connection for what a write reads before it writes (the desk's handover: the card,
    the household, the programmes): ``read_apart`` when the session has not begun yet, so on
    SQLite the write gate is taken by the first write and held for the writes alone; the
    session's own connection when it is already in a transaction, whose writes a read apart
    would not see. What the writes rely on must be read again, or held by a condition, once
    the gate is taken (decision 0038)."""
    own = session() if isinstance(session, scoped_session) else session
    if own.in_transaction():
        yield session.connection()
        return
    with read_apart(session) as conn:
        yield conn


class DatabaseBusy(RuntimeError):
    """Another writer held the database for longer than anyone should wait."""


class FileGate:
    """The write gate between the processes of one SQLite database: an exclusive lock
    (``flock``) on a file beside it, ``<database>-gate``.

    Within a process the thread gate comes first, so one thread per process at most waits
    here. A writer that finds the gate taken waits in the kernel (``_KernelWait``), woken the
    moment the holder lets go, within the gate's time limit. A lock belongs to its open file,
    so a process opens its own (again after a fork: a file inherited from the parent would
    share the parent's lock). Where there is no ``flock`` (Windows), there is no file gate:
    one process serves there (app.ops.serve), and SQLite's busy timeout remains between it and
    a CLI command.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd = -1
        self._pid = 0
        self._held = -1  # the open file that holds the lock (a kernel wait's, or _fd)

    def _file(self) -> int:
        if self._pid != os.getpid():
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
            self._held = -1
        return self._fd

    def acquire(self, deadline: float) -> bool:
        fd = self._file()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            self._held = fd
            return True
        except BlockingIOError:
            pass
        self._held = _KernelWait(self.path).until(deadline)
        return self._held >= 0

    def release(self) -> None:
        held, self._held = self._held, -1
        if held < 0:
            return
        fcntl.flock(held, fcntl.LOCK_UN)
        if held != self._fd:
            os.close(held)


class _KernelWait:
    """One wait for a file gate in the kernel. ``flock`` can wait without a time limit only,
    so a thread of its own waits in it, on a file of its own, and is woken by the kernel the
    moment the holder lets go (polling left the gate idle between tries, and to the holder's
    next writer); the writer waits for that thread within the gate's limit. A wait given up
    is let go by its thread as soon as it gets the lock."""

    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        self.got = threading.Event()
        self.lock = threading.Lock()
        self.given_up = False
        threading.Thread(target=self._wait, name="aiddesk-gate-wait", daemon=True).start()

    def _wait(self) -> None:
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        with self.lock:
            if not self.given_up:
                self.got.set()
                return
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)

    def until(self, deadline: float) -> int:
        """The open file holding the lock, or -1 when the deadline passed first."""
        if self.got.wait(max(0.0, deadline - time.monotonic())):
            return self.fd
        with self.lock:
            if self.got.is_set():  # got it just as the time ran out
                return self.fd
            self.given_up = True
        return -1


class GatedConnection(sqlite3.Connection):
    """A SQLite connection that queues on its database's write gate before BEGIN IMMEDIATE:
    the process's thread gate, then the file gate shared with the other processes."""

    gate: threading.Lock
    file_gate: FileGate | None = None
    _holding = False
    _held_file_gate: FileGate | None = None

    def begin_write(self) -> None:
        deadline = time.monotonic() + GATE_WAIT_SECONDS
        if not self.gate.acquire(timeout=GATE_WAIT_SECONDS):
            raise DatabaseBusy("the database is busy; try again")
        self._holding = True
        try:
            gate = self.file_gate
            if gate is not None:
                if not gate.acquire(deadline):
                    raise DatabaseBusy("the database is busy; try again")
                self._held_file_gate = gate
            self.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._release()
            raise

    def _release(self) -> None:
        held, self._held_file_gate = self._held_file_gate, None
        if held is not None:
            held.release()
        if self._holding:
            self._holding = False
            self.gate.release()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._release()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._release()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._release()


def sqlite_connect_args() -> dict[str, Any]:
    """connect_args for one SQLite database: its own connection class, hence its own gate
    (and, once configure_engine knows the database's file, its own file gate)."""
    gated = type("Gated", (GatedConnection,), {"gate": threading.Lock()})
    return {"factory": gated, "timeout": 15, "check_same_thread": False}


_file_gates_lock = threading.Lock()


def _give_file_gate(connection: sqlite3.Connection, path: Path | None) -> None:
    """Give the connection class of a database on file its file gate, once."""
    if not HAS_FLOCK or path is None or not isinstance(connection, GatedConnection):
        return
    kind = type(connection)
    with _file_gates_lock:
        if "file_gate" not in kind.__dict__:
            kind.file_gate = FileGate(Path(f"{path}-gate"))


def configure_engine(engine: Engine, checkpoint_seconds: int = 0, replicated: bool = False) -> None:
    """Pragmas and transaction control for SQLite; PostgreSQL needs nothing here.

    ``checkpoint_seconds``: checkpoint from a background thread this often instead of inside
    commits (app.checkpoints); 0 leaves checkpoints to SQLite. ``replicated``: Litestream
    replicates the file (app.ops.standby) and checkpoints it itself, PASSIVE, after it has
    copied the log; the app makes none but the TRUNCATE after an erasure.
    """
    if engine.dialect.name != "sqlite":
        return
    from app import checkpoints

    path = checkpoints.database_file(engine)
    on_file = path is not None
    in_background = checkpoint_seconds > 0 and on_file and not replicated
    pragmas = ["journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "busy_timeout=15000"]
    # What is deleted or overwritten is zeroed in the file, not left on free pages: an erased
    # person's name must not stay readable in the database file (privacy.services).
    pragmas.append("secure_delete=ON")
    if in_background or (replicated and on_file):
        pragmas.append("wal_autocheckpoint=0")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # We issue BEGIN ourselves (below); pysqlite's own transaction handling would defer it.
        dbapi_connection.isolation_level = None
        _give_file_gate(dbapi_connection, path)
        for pragma in pragmas:
            dbapi_connection.execute(f"PRAGMA {pragma}")
        if in_background:
            checkpoints.start(engine, checkpoint_seconds)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        dbapi_connection = conn.connection.dbapi_connection
        if _wants_write() and isinstance(dbapi_connection, GatedConnection):
            dbapi_connection.begin_write()
        else:
            conn.exec_driver_sql("BEGIN")


def dialect_insert(dialect_name: str) -> Any:
    """The INSERT construct with ON CONFLICT support for this engine (SQLite or PostgreSQL)."""
    if dialect_name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert
