"""What any database of ours must say after a crash or a restore, read with plain SQL.

Nothing half-written: a handover is a distribution with its lines, its people counts and a
stock movement for every line given, and the household's last service date; none of these
exists without the others. The ledger adds up: on hand per site and item is the sum of its
movements.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.orm import Session

from app.reports.services import DailyCounts, daily_counts

HALF_WRITTEN = {
    "distribution without lines": """
        SELECT d.id FROM distributions d
         WHERE NOT EXISTS (SELECT 1 FROM distribution_lines l WHERE l.distribution_id = d.id)
    """,
    "distribution without people counts": """
        SELECT d.id FROM distributions d
         WHERE NOT EXISTS (SELECT 1 FROM visit_people p WHERE p.distribution_id = d.id)
            OR d.people <> (SELECT SUM(p.people) FROM visit_people p
                             WHERE p.distribution_id = d.id)
    """,
    # A line's stock may come from several lots: one movement per lot, summing to the line.
    "line given without its stock movement": """
        SELECT l.id FROM distribution_lines l
         WHERE l.given > 0 AND l.given <> COALESCE((
               SELECT -SUM(m.quantity) FROM stock_movements m
                WHERE m.distribution_id = l.distribution_id AND m.item_id = l.item_id), 0)
    """,
    "handover movement without its line": """
        SELECT m.id FROM stock_movements m
         WHERE m.kind = 'handover' AND NOT EXISTS (
               SELECT 1 FROM distribution_lines l
                WHERE l.distribution_id = m.distribution_id AND l.item_id = m.item_id
                  AND l.given > 0)
    """,
    "household marked served without its distribution": """
        SELECT h.id FROM households h
         WHERE h.last_served_on IS NOT NULL AND NOT EXISTS (
               SELECT 1 FROM distributions d
                WHERE d.household_id = h.id AND d.served_on = h.last_served_on)
    """,
    "distribution later than its household's last service": """
        SELECT d.id FROM distributions d JOIN households h ON h.id = d.household_id
         WHERE h.last_served_on IS NULL OR d.served_on > h.last_served_on
    """,
}

LEDGER = """
    SELECT s.site_id, s.item_id, s.on_hand, COALESCE(SUM(m.quantity), 0) AS moved
      FROM stock_levels s
      LEFT JOIN stock_movements m ON m.site_id = s.site_id AND m.item_id = s.item_id
     GROUP BY s.site_id, s.item_id, s.on_hand
    HAVING s.on_hand <> COALESCE(SUM(m.quantity), 0)
    UNION ALL
    SELECT m.site_id, m.item_id, NULL, SUM(m.quantity)
      FROM stock_movements m
     WHERE NOT EXISTS (SELECT 1 FROM stock_levels s
                        WHERE s.site_id = m.site_id AND s.item_id = m.item_id)
     GROUP BY m.site_id, m.item_id
    UNION ALL
    SELECT s.site_id, s.item_id, s.on_hand, (SELECT SUM(l.on_hand) FROM stock_lots l
                                               WHERE l.site_id = s.site_id
                                                 AND l.item_id = s.item_id)
      FROM stock_levels s
     WHERE s.on_hand <> COALESCE((SELECT SUM(l.on_hand) FROM stock_lots l
                                   WHERE l.site_id = s.site_id AND l.item_id = s.item_id), 0)
"""


def engine_for(url: str) -> Engine:
    return create_engine(url)


def half_written(engine: Engine) -> dict[str, list[int]]:
    """Each rule broken, with the ids of the rows that break it; {} when all hold."""
    with engine.connect() as conn:
        found = {
            name: conn.execute(text(sql)).scalars().all() for name, sql in HALF_WRITTEN.items()
        }
    return {name: ids for name, ids in found.items() if ids}


def ledger_gaps(engine: Engine) -> list[tuple[Any, ...]]:
    """(site, item, on hand, sum of movements or of lots) wherever they differ; [] when it
    adds up."""
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(LEDGER))]


def table_counts(engine: Engine) -> dict[str, int]:
    """The number of rows of every table in the database."""
    with engine.connect() as conn:
        quote = conn.dialect.identifier_preparer.quote
        return {
            table: conn.execute(text(f"SELECT COUNT(*) FROM {quote(table)}")).scalar_one()
            for table in sorted(inspect(conn).get_table_names())
        }


def distribution_ids(engine: Engine) -> set[int]:
    with engine.connect() as conn:
        return set(conn.execute(text("SELECT id FROM distributions")).scalars())


def service_days(engine: Engine) -> list[date]:
    with engine.connect() as conn:
        days = conn.execute(text("SELECT DISTINCT served_on FROM distributions")).scalars()
        return sorted(d if isinstance(d, date) else date.fromisoformat(d) for d in days)


def reports(engine: Engine, days: list[date]) -> dict[date, DailyCounts]:
    """The coordinator's daily report, all sites, for each day."""
    with Session(engine) as session:
        return {day: daily_counts(session, day) for day in days}


def sqlite_integrity(engine: Engine) -> list[str]:
    """PRAGMA integrity_check's verdict and any foreign key that points nowhere."""
    with engine.connect() as conn:
        verdict = [row[0] for row in conn.exec_driver_sql("PRAGMA integrity_check")]
        orphans = [str(tuple(row)) for row in conn.exec_driver_sql("PRAGMA foreign_key_check")]
    return verdict + orphans
