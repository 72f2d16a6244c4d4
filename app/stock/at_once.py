"""A handover's stock in one statement, on PostgreSQL (decision 0036).

Every desk of a site takes the same few stock_levels rows, and holds their row locks from the
moment it takes them to its COMMIT. In one server process of several threads, each round trip
made while holding them is also a wait for the GIL, so the time a lock is held is counted in
round trips. ``take`` makes two: the rows locked (``services.take_stock``'s FOR UPDATE, in item
order, which also reads what is on hand), then this one statement, which

- takes each item off its (site, item) figure with the ledger's conditional UPDATE
  (``on_hand >= quantity``, as ``ledger.take_level``),
- works out the first-expiring lots with a running sum and takes each piece off its lot with
  the lots' conditional UPDATE (``on_hand >= quantity``, as ``lots.take_lot``),
- records one movement per piece, and
- writes the audit events of all three, which the engine's listener cannot see in a statement
  of this kind.

It runs after the lock was granted, so its snapshot sees every lot as the last holder of the
lock left it. The row counts it answers say whether each part did all it was asked: when one
did not, it raises and the caller's transaction is rolled back, as with the statement-per-row
path (which SQLite keeps: there the writer holds the whole database anyway, and one statement
per row costs nothing more). The CHECK constraints ``on_hand >= 0`` stay under all of it.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection

from app.audit.trail import audit_actor
from app.db import UTCDateTime, utcnow
from app.stock.ledger import InsufficientStock
from app.stock.lots import LotsOutOfStep

_TAKE = text(
    """
WITH taken AS (
    SELECT t.item_id, t.quantity
    FROM unnest(CAST(:item_ids AS integer[]), CAST(:quantities AS bigint[]))
        AS t(item_id, quantity)
    WHERE t.quantity > 0
),
levels AS (
    UPDATE stock_levels AS s SET on_hand = s.on_hand - t.quantity
    FROM taken AS t
    WHERE s.site_id = :site_id AND s.item_id = t.item_id AND s.on_hand >= t.quantity
    RETURNING s.item_id
),
shelf AS (
    SELECT l.id, l.item_id, l.on_hand, t.quantity,
        sum(l.on_hand) OVER (
            PARTITION BY l.item_id ORDER BY l.expires_on, l.lot, l.id
        ) - l.on_hand AS before
    FROM stock_lots AS l JOIN taken AS t ON t.item_id = l.item_id
    WHERE l.site_id = :site_id AND l.on_hand > 0
),
pieces AS (
    SELECT id, item_id, least(on_hand, quantity - before) AS quantity, before
    FROM shelf
    WHERE before < quantity
),
lots AS (
    UPDATE stock_lots AS l SET on_hand = l.on_hand - p.quantity
    FROM pieces AS p
    WHERE l.id = p.id AND l.on_hand >= p.quantity
    RETURNING l.id
),
moves AS (
    INSERT INTO stock_movements (kind, item_id, site_id, quantity, at, user_id, distribution_id,
        lot_id)
    SELECT :kind, p.item_id, :site_id, -p.quantity, :at, :user_id, :distribution_id, p.id
    FROM pieces AS p
    ORDER BY p.item_id, p.before
    RETURNING id
),
events AS (
    INSERT INTO audit_events (at, user_id, address, action, entity, entity_id, fields)
    SELECT :noted_at, :actor_id, :address, e.action, e.entity, e.entity_id, e.fields
    FROM (
        SELECT 1 AS part, 'update' AS action, 'stock_levels' AS entity,
            CAST(:site_id AS text) || '/' || CAST(item_id AS text) AS entity_id,
            'on_hand' AS fields
        FROM levels
        UNION ALL
        SELECT 2, 'update', 'stock_lots', CAST(id AS text), 'on_hand' FROM lots
        UNION ALL
        SELECT 3, 'create', 'stock_movements', CAST(id AS text), NULL FROM moves
    ) AS e
    WHERE :audited
    ORDER BY e.part, e.entity_id
)
SELECT
    (SELECT count(*) FROM taken) AS items,
    (SELECT count(*) FROM levels) AS levels,
    (SELECT count(*) FROM pieces) AS pieces,
    (SELECT coalesce(sum(quantity), 0) FROM pieces) AS from_lots,
    (SELECT count(*) FROM lots) AS lots
"""
).bindparams(
    # As the columns store them: naive UTC, whatever the session's TimeZone.
    bindparam("at", type_=UTCDateTime()),
    bindparam("noted_at", type_=UTCDateTime()),
)


def take(
    conn: Connection,
    *,
    site_id: int,
    taken: dict[int, int],
    kind: str,
    user_id: int | None,
    distribution_id: int | None,
    at: datetime,
) -> None:
    """Take ``taken[item_id]`` of each item off the site's shelves, its lots and the ledger,
    in one statement; the caller holds the (site, item) rows' locks and read ``taken`` under
    them. Raises (taking nothing the caller's rollback will not undo) when the figures do not
    hold that much or the lots do not add up."""
    items = sorted(item_id for item_id, quantity in taken.items() if quantity > 0)
    if not items:
        return
    actor = audit_actor(conn)
    row = conn.execute(
        _TAKE,
        {
            "item_ids": items,
            "quantities": [taken[item_id] for item_id in items],
            "site_id": site_id,
            "kind": kind,
            "at": at,
            "user_id": user_id,
            "distribution_id": distribution_id,
            "audited": actor is not None,
            "noted_at": utcnow(),
            "actor_id": actor.user_id if actor else None,
            "address": actor.address if actor else None,
        },
    ).one()
    if row.levels != row.items:
        raise InsufficientStock(_l("The stock changed while it was being taken; try again."))
    if row.from_lots != sum(taken[item_id] for item_id in items) or row.lots != row.pieces:
        raise LotsOutOfStep(_l("The lots of this item do not add up to its stock."))
