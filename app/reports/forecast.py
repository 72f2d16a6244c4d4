"""Low stock and when it runs out.

An item is low when what is on hand is under its minimum level. The run-out estimate divides
what is on hand by the pace of handovers: today's pace (handed over since the first handover
of the day, per hour) once the day has run for a while, else this week's pattern (handed over
in the last seven days per hour the desks were open). An item that will not run out before
the desks usually close today is not listed unless it is under its minimum. An item with
none left and no minimum set is listed too, last, saying so: "nothing is under its minimum"
beside items at 0 would be true only because nobody set one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Row, func, select
from sqlalchemy.orm import QueryableAttribute

from app.db import AnySelect, DbSession
from app.desk.models import Distribution, DistributionLine
from app.stock.models import Item, StockLevel

# Today's pace is trusted after this much of the day has passed; before, the week's is used.
TODAY_PACE_AFTER = timedelta(minutes=30)
MIN_OPEN_HOURS_A_DAY = 1.0


@dataclass(frozen=True)
class StockForecast:
    sku: str
    name: str
    unit: str
    on_hand: int
    minimum: int
    per_hour: float | None  # items handed over per hour at the pace used
    basis: str | None  # "today" or "week": whose pace
    runs_out_at: datetime | None  # aware; None when nothing is handed over

    @property
    def below_minimum(self) -> bool:
        return self.on_hand < self.minimum

    @property
    def out(self) -> bool:
        return self.on_hand <= 0

    @property
    def no_minimum(self) -> bool:
        return self.minimum <= 0


def low_stock_forecast(
    session: DbSession, *, site_id: int | None, now: datetime
) -> list[StockForecast]:
    """Items under their minimum or running out before today's closing time, soonest first
    (at one site, or all sites together)."""
    zone = ZoneInfo(current_app.config["AID_TIMEZONE"])
    local = now.astimezone(zone)
    today = local.date()

    def at_site(stmt: AnySelect, column: QueryableAttribute[int]) -> AnySelect:
        return stmt if site_id is None else stmt.where(column == site_id)

    levels = at_site(
        select(StockLevel.item_id, func.sum(StockLevel.on_hand)).group_by(StockLevel.item_id),
        StockLevel.site_id,
    )
    on_hand = {item_id: int(n) for item_id, n in session.execute(levels)}

    week_start = today - timedelta(days=7)
    spans = session.execute(
        at_site(
            select(
                Distribution.served_on,
                func.min(Distribution.served_at),
                func.max(Distribution.served_at),
            )
            .where(Distribution.served_on >= week_start, Distribution.served_on <= today)
            .group_by(Distribution.served_on),
            Distribution.site_id,
        )
    ).all()
    given = session.execute(
        at_site(
            select(
                DistributionLine.item_id,
                Distribution.served_on,
                func.sum(DistributionLine.given),
            )
            .join(Distribution, Distribution.id == DistributionLine.distribution_id)
            .where(Distribution.served_on >= week_start, Distribution.served_on <= today)
            .group_by(DistributionLine.item_id, Distribution.served_on),
            Distribution.site_id,
        )
    ).all()

    week_hours, first_today, closing = _opening(spans, today, zone)
    today_hours = (now - first_today).total_seconds() / 3600 if first_today else 0.0
    use_today = first_today is not None and now - first_today >= TODAY_PACE_AFTER
    handed_today: dict[int, int] = {}
    handed_week: dict[int, int] = {}
    for item_id, served_on, n in given:
        target = handed_today if served_on == today else handed_week
        target[item_id] = target.get(item_id, 0) + int(n or 0)

    found = []
    catalog = select(Item.id, Item.sku, Item.name, Item.unit, Item.minimum).order_by(Item.sku)
    for item in session.execute(catalog):
        left = on_hand.get(item.id, 0)
        per_hour, basis = None, None
        if use_today and handed_today.get(item.id):
            per_hour, basis = handed_today[item.id] / today_hours, "today"
        elif week_hours and handed_week.get(item.id):
            per_hour, basis = handed_week[item.id] / week_hours, "week"
        runs_out_at = now + timedelta(hours=left / per_hour) if per_hour else None
        out_today = runs_out_at is not None and (closing is None or runs_out_at <= closing)
        if left < item.minimum or out_today or left <= 0:
            found.append(
                StockForecast(
                    item.sku,
                    item.name,
                    item.unit,
                    left,
                    item.minimum,
                    per_hour,
                    basis,
                    runs_out_at if out_today or left <= 0 else None,
                )
            )
    far = now + timedelta(days=3650)
    return sorted(
        found,
        key=lambda f: (
            f.no_minimum and not f.per_hour,
            f.runs_out_at or far,
            f.on_hand - f.minimum,
            f.sku,
        ),
    )


def _opening(
    spans: Sequence[Row[date, datetime, datetime]], today: date, zone: ZoneInfo
) -> tuple[float, datetime | None, datetime | None]:
    """Hours the desks were open over the past week, today's first handover, and today's
    usual closing (the latest closing time of the week's days, on today's date)."""
    hours = 0.0
    first_today = None
    closing_times = []
    for day, first, last in spans:
        if day == today:
            first_today = first
            continue
        hours += max((last - first).total_seconds() / 3600, MIN_OPEN_HOURS_A_DAY)
        closing_times.append(last.astimezone(zone).time())
    closing = None
    if closing_times:
        latest: time = max(closing_times)
        closing = datetime.combine(today, latest, tzinfo=zone)
    return hours, first_today, closing
