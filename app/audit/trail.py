"""Every write to a domain table leaves an audit event, whoever's code made it.

One listener on the engine sees every INSERT, UPDATE and DELETE, whether the ORM flushed it or
a service ran it as a statement (the desk's conditional UPDATE, the stock's movements). It
notes the event on the connection, and the transaction's events are written in one INSERT
when it commits, on the same connection, so they are in the same transaction: committed with
the write, or rolled back with it (a rollback to a savepoint forgets the events noted since).
One statement per transaction instead of one per write keeps the desk's handover fast.

A table added later (by any branch) is audited without edits; only the tables in NOT_AUDITED
are left out (the trail itself, derived search keys, the throttle's counts, idempotency
replays, card-sheet progress).

Who and from where: in a request, the signed-in user and the request's remote address; in a
terminal command, the address "cli" (see ``acting``). Only column names are kept, never values.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from flask import g, has_request_context, request
from sqlalchemy import Delete, Engine, Insert, Table, Update, event, insert
from sqlalchemy.engine import Connection, CursorResult
from sqlalchemy.exc import InvalidRequestError

from app.audit.models import AuditEvent
from app.db import utcnow

NOT_AUDITED = frozenset(
    {
        "audit_events",
        "login_attempts",
        # Logins are in the aiddesk.auth log; the lookup budget changes at each typed number.
        "login_sessions",
        "lookup_budgets",
        # The public check's budget per address: a visitor's address, kept minutes, not a trail.
        "public_check_budgets",
        "idempotency_keys",
        "name_keys",
        "name_pairs",
        "card_sheet_jobs",
    }
)
_AUDIT = AuditEvent.__table__
_INSERT_EVENTS = insert(_AUDIT)  # built once: every write transaction's commit runs it


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    address: str | None


_outside_requests: ContextVar[Actor | None] = ContextVar("audit_actor", default=None)


@contextmanager
def acting(user_id: int | None, address: str) -> Iterator[None]:
    """Attribute the writes made inside to this user and desk (CLI commands, jobs)."""
    token = _outside_requests.set(Actor(user_id, address[:64]))
    try:
        yield
    finally:
        _outside_requests.reset(token)


def current_actor() -> Actor:
    if has_request_context():
        # The user this request already looked up (by token, or by session); reading
        # current_user here could start a query in the middle of a flush.
        user = g.get("api_user") or g.get("_login_user")
        user_id = getattr(user, "id", None)
        return Actor(
            user_id if isinstance(user_id, int) else None, (request.remote_addr or "")[:64]
        )
    return _outside_requests.get() or Actor(None, "cli")


def event_row(
    action: str,
    entity: str,
    entity_id: object,
    fields: Sequence[str] = (),
    actor: Actor | None = None,
) -> dict[str, Any]:
    who = actor or current_actor()
    return {
        "at": utcnow(),
        "user_id": who.user_id,
        "address": who.address,
        "action": action,
        "entity": entity[:40],
        "entity_id": None if entity_id is None else str(entity_id)[:40],
        "fields": ",".join(sorted(fields))[:400] or None,
    }


def _key(table: Table, values: dict[str, Any]) -> object:
    keys = [c.name for c in table.primary_key.columns]
    found = [values.get(k, values.get(f"{table.name}_{k}")) for k in keys]
    if any(v is None for v in found):
        return None
    return "/".join(str(v) for v in found)


def _written(
    statement: Insert | Update | Delete,
    params: list[dict[str, Any]],
    result: CursorResult[Any],
) -> list[dict[str, Any]]:
    table = statement.table
    if not isinstance(table, Table) or table.name in NOT_AUDITED:
        return []
    who = current_actor()
    if isinstance(statement, Insert):
        action = "create"
        ids: list[object] = []
        try:
            keys = result.inserted_primary_key_rows  # a row it cannot tell is None: read params
            ids = ["/".join(str(v) for v in row) for row in keys if row is not None]
        except InvalidRequestError:  # this statement cannot tell: read the parameters
            ids = []
        if len(ids) != len(params) or any("None" in str(i) for i in ids):
            ids = [_key(table, p) for p in params]
        return [event_row(action, table.name, i, actor=who) for i in ids]
    action = "update" if isinstance(statement, Update) else "delete"
    columns = _columns(table)
    rows = []
    for values in params or [{}]:
        entity_id = _key(table, values) or _where_key(statement, values)
        names = (
            sorted(
                {k for k in values if k in columns}
                | {getattr(c, "key", str(c)) for c in getattr(statement, "_values", ()) or ()}
            )
            if action == "update"
            else []
        )
        rows.append(event_row(action, table.name, entity_id, names, actor=who))
    return rows


_COLUMNS: dict[Table, frozenset[str]] = {}


def _columns(table: Table) -> frozenset[str]:
    """The names of a table's columns, asked at every UPDATE: worked out once per table."""
    found = _COLUMNS.get(table)
    if found is None:
        found = _COLUMNS[table] = frozenset(c.name for c in table.columns)
    return found


def _where_key(statement: Update | Delete, values: dict[str, Any]) -> object:
    """The id in ``WHERE table.id = :value``, when the statement has one."""
    for criterion in getattr(statement, "_where_criteria", ()):
        left = getattr(criterion, "left", None)
        right = getattr(criterion, "right", None)
        if not getattr(left, "primary_key", False):
            continue
        key = getattr(right, "key", None)
        if key in values:
            return values[key]
        value = getattr(right, "value", None)
        if value is not None:
            return value
    return None


_PENDING = "aid_audit_pending"  # events noted in this transaction, not yet written
_MARKS = "aid_audit_marks"  # how many were noted when each open savepoint began
_UNAUDITED = "aid_migrating"  # a connection whose writes are not audited (migrations/env.py)
# A long transaction (an import, an erasure of many households) writes its events as it goes,
# this many at a time, so that they never pile up in memory.
MAX_NOTED = 1000


def _note(conn: Connection, rows: list[dict[str, Any]]) -> None:
    conn.info.setdefault(_PENDING, []).extend(rows)
    _write_early(conn)


def _write_early(conn: Connection) -> None:
    """Write what piled up, unless a savepoint is open: its rollback would take back events
    noted before it as well."""
    noted = conn.info.get(_PENDING, ())
    if len(noted) >= MAX_NOTED and not conn.info.get(_MARKS):
        conn.info[_PENDING] = []
        conn.execute(_INSERT_EVENTS, noted)


def _write_noted(conn: Connection) -> None:
    """Before COMMIT: the transaction's events, in one statement."""
    rows = conn.info.pop(_PENDING, None)
    conn.info.pop(_MARKS, None)
    if rows:
        conn.execute(_INSERT_EVENTS, rows)


def write_noted_now(conn: Connection) -> None:
    """Write the events noted so far now rather than at COMMIT (unless a savepoint is open,
    whose rollback must still take them back): a transaction about to take rows every desk
    takes writes them before, so that the INSERT is not made while it holds the rows."""
    if not conn.info.get(_MARKS):
        _write_noted(conn)


def audit_actor(conn: Connection) -> Actor | None:
    """Whom to name in the events of a statement the listener cannot see (one that writes
    several tables at once, app/stock/at_once.py); None when the connection's writes are not
    audited."""
    return None if conn.info.get(_UNAUDITED) else current_actor()


def _forget(conn: Connection) -> None:
    conn.info.pop(_PENDING, None)
    conn.info.pop(_MARKS, None)


def _forget_on_reset(_dbapi: object, record: Any, _state: object) -> None:
    """A connection back in the pool keeps nothing noted (the pool rolled it back)."""
    record.info.pop(_PENDING, None)
    record.info.pop(_MARKS, None)


def _savepoint(conn: Connection, _name: object) -> None:
    conn.info.setdefault(_MARKS, []).append(len(conn.info.get(_PENDING, ())))


def _rollback_savepoint(conn: Connection, _name: object, _context: object) -> None:
    marks = conn.info.get(_MARKS)
    if marks:
        del conn.info.get(_PENDING, [])[marks.pop() :]


def _release_savepoint(conn: Connection, _name: object, _context: object) -> None:
    marks = conn.info.get(_MARKS)
    if marks:
        marks.pop()
    _write_early(conn)


def _after_execute(
    conn: Connection,
    statement: object,
    multiparams: Sequence[dict[str, Any]],
    params: dict[str, Any],
    _options: object,
    result: CursorResult[Any],
) -> None:
    if not isinstance(statement, Insert | Update | Delete) or conn.info.get(_UNAUDITED):
        return
    values = list(multiparams) if multiparams else [params or {}]
    rows = _written(statement, values, result)
    if rows:
        _note(conn, rows)


_LISTENERS: tuple[tuple[str, Any], ...] = (
    ("after_execute", _after_execute),
    ("commit", _write_noted),
    ("rollback", _forget),
    ("savepoint", _savepoint),
    ("rollback_savepoint", _rollback_savepoint),
    ("release_savepoint", _release_savepoint),
)


def watch(engine: Engine) -> None:
    """Audit every write made through this engine."""
    for name, listener in _LISTENERS:
        if not event.contains(engine, name, listener):
            event.listen(engine, name, listener)
    if not event.contains(engine.pool, "reset", _forget_on_reset):
        event.listen(engine.pool, "reset", _forget_on_reset)


@contextmanager
def in_bulk(conn: Connection, entity: str) -> Iterator[None]:
    """Writes made inside are not audited row by row; one event says that a bulk load ran.

    For made-up data only (seed-demo's millions of rows): a real import is audited row by row.
    """
    conn.info[_UNAUDITED] = True
    try:
        yield
    finally:
        conn.info.pop(_UNAUDITED, None)
    record(conn, "bulk_load", entity, None)


def record(
    conn: Connection, action: str, entity: str, entity_id: object, fields: Sequence[str] = ()
) -> None:
    """An event the listener cannot see: a view or an export of sensitive data, an erasure.
    Written with the transaction's other events, when it commits."""
    _note(conn, [event_row(action, entity, entity_id, fields)])
