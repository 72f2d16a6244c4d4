"""Stock counts: start one for a site, enter what is on the shelves, finish it.

Finishing turns each counted item's difference from on hand into a count correction;
items not counted are left as they are. A count is finished once: the conditional UPDATE
of ``finished_at`` says which request finishes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app.db import DbSession, dialect_insert
from app.errors import DomainError, NotFound, ValidationFailed
from app.stock.ledger import MAX_QUANTITY, correct_count, on_hand_of
from app.stock.models import StockCount, StockCountLine, StockLevel


class CountOpen(DomainError):
    code = "count_open"
    status = 409


class CountFinished(DomainError):
    code = "count_finished"
    status = 409


@dataclass(frozen=True)
class Correction:
    sku: str
    name: str
    expected: int
    counted: int

    @property
    def difference(self) -> int:
        return self.counted - self.expected


def open_count(session: DbSession, site_id: int) -> StockCount | None:
    return session.scalar(
        select(StockCount).where(StockCount.site_id == site_id, StockCount.finished_at.is_(None))
    )


def start_count(
    session: DbSession, *, site_id: int, user_id: int | None, at: datetime
) -> StockCount:
    """Start a count; a site has one open count at a time."""
    running = open_count(session, site_id)
    if running is not None:
        raise CountOpen(_l("A count of this site is open already."), id=running.id)
    count = StockCount(site_id=site_id, started_at=at, started_by=user_id)
    session.add(count)
    session.flush()
    return count


def get_count(session: DbSession, count_id: int) -> StockCount:
    count = session.get(StockCount, count_id)
    if count is None:
        raise NotFound(_l("No such count."))
    return count


def enter_counted(
    session: DbSession, *, count_id: int, item_id: int, counted: int, add: bool = False
) -> int:
    """Enter what was counted of an item (``add``: a scanned box adds to it); returns the
    item's counted figure."""
    count = get_count(session, count_id)
    if count.finished_at is not None:
        raise CountFinished(_l("This count is finished."))
    if isinstance(counted, bool) or not 0 <= counted <= MAX_QUANTITY:
        raise ValidationFailed({"counted": _l("a whole number from 0 to %(n)s", n=MAX_QUANTITY)})
    lines = StockCountLine.__table__
    upsert = dialect_insert(session.get_bind().dialect.name)
    stmt = upsert(lines).values(count_id=count_id, item_id=item_id, counted=counted)
    new_value = lines.c.counted + stmt.excluded.counted if add else stmt.excluded.counted
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=["count_id", "item_id"], set_={"counted": new_value}
        )
    )
    return int(
        session.scalar(
            select(StockCountLine.counted).where(
                StockCountLine.count_id == count_id, StockCountLine.item_id == item_id
            )
        )
        or 0
    )


def finish_count(
    session: DbSession, *, count_id: int, user_id: int | None, at: datetime
) -> list[Correction]:
    """Finish the count: each counted item's on hand becomes what was counted, by a count
    correction; returns the differences found."""
    count = get_count(session, count_id)
    finished = session.execute(  # type: ignore[attr-defined]  # .rowcount below
        update(StockCount.__table__)
        .where(StockCount.id == count_id, StockCount.finished_at.is_(None))
        .values(finished_at=at, finished_by=user_id)
    ).rowcount
    if finished != 1:
        raise CountFinished(_l("This count was finished already."))
    corrections = []
    lines = session.scalars(
        select(StockCountLine)
        .where(StockCountLine.count_id == count_id)
        .order_by(StockCountLine.item_id)
        .execution_options(populate_existing=True)
    )
    for line in lines:
        # Locked in item order (FOR UPDATE on PostgreSQL), so the figure read is the one
        # the correction replaces.
        session.execute(
            select(StockLevel.on_hand)
            .where(StockLevel.site_id == count.site_id, StockLevel.item_id == line.item_id)
            .with_for_update()
        )
        expected = on_hand_of(session, count.site_id, line.item_id)
        correct_count(
            session,
            site_id=count.site_id,
            item_id=line.item_id,
            counted=line.counted,
            expected=expected,
            user_id=user_id,
            at=at,
            reason=f"count {count.id}",
        )
        line.expected = expected
        if line.counted != expected:
            corrections.append(
                Correction(line.item.sku, line.item.name, expected, int(line.counted))
            )
    session.flush()
    return corrections


def recent_counts(session: DbSession, limit: int = 20) -> list[StockCount]:
    return list(session.scalars(select(StockCount).order_by(StockCount.id.desc()).limit(limit)))
