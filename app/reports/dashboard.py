"""The live dashboard: how today is going, as of now, beside the same weekday last week."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import QueryableAttribute

from app.auth.models import User
from app.cards.models import Card
from app.db import AnySelect, DbSession
from app.desk.models import Distribution, Refusal
from app.households.models import Household
from app.sites.models import Site


@dataclass(frozen=True)
class Dashboard:
    day: date
    as_of: datetime  # the site's local time
    households_served: int
    people_served: int
    households_refused: int
    new_households: int
    cards_issued: int
    per_hour: list[tuple[int, int]]  # (local hour, households served), opening hours and any other
    per_desk: list[tuple[str, int]]  # (user who handed over, households served), busiest first
    served_by_now_last_week: int  # the same weekday last week, up to the same time of day
    served_last_week: int  # that whole day

    @property
    def pace(self) -> int | None:
        """Served so far as a percentage of last week's by the same time (None: no base)."""
        if not self.served_by_now_last_week:
            return None
        return round(100 * self.households_served / self.served_by_now_last_week)


OPENING_HOURS = range(9, 17)  # always shown, so a quiet hour shows as a zero


def live_dashboard(
    session: DbSession, *, now: datetime, timezone: str, site: Site | None
) -> Dashboard:
    """Today's figures at one site (or all) up to ``now``; served per hour of the site's clock."""
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    today = local.date()
    last_week = today - timedelta(days=7)

    def at_site(stmt: AnySelect, column: QueryableAttribute[int]) -> AnySelect:
        return stmt if site is None else stmt.where(column == site.id)

    served = session.execute(
        at_site(
            select(Distribution.served_at, Distribution.people, User.username)
            .outerjoin(User, User.id == Distribution.user_id)
            .where(Distribution.served_on == today),
            Distribution.site_id,
        )
    ).all()
    hours = Counter(row.served_at.astimezone(zone).hour for row in served)
    desks = Counter(row.username or "—" for row in served)
    then = now - timedelta(days=7)
    last = session.execute(
        at_site(
            select(
                func.count(),
                func.count().filter(Distribution.served_at <= then),
            ).where(Distribution.served_on == last_week),
            Distribution.site_id,
        )
    ).one()
    refused = session.scalar(
        at_site(select(func.count()).where(Refusal.refused_on == today), Refusal.site_id)
    )
    registered = session.scalar(
        at_site(select(func.count()).where(Household.registered_on == today), Household.site_id)
    )
    midnight = datetime.combine(today, time(0), tzinfo=zone)
    cards = select(func.count(Card.id)).where(
        Card.issued_at >= midnight, Card.issued_at < midnight + timedelta(days=1)
    )
    if site is not None:  # cards have no site: count those of the site's households
        cards = cards.join(Household, Household.id == Card.household_id).where(
            Household.site_id == site.id
        )
    return Dashboard(
        day=today,
        as_of=local,
        households_served=len(served),
        people_served=sum(row.people for row in served),
        households_refused=int(refused or 0),
        new_households=int(registered or 0),
        cards_issued=int(session.scalar(cards) or 0),
        per_hour=[(h, hours.get(h, 0)) for h in sorted(set(OPENING_HOURS) | set(hours))],
        per_desk=sorted(desks.items(), key=lambda d: (-d[1], d[0])),
        served_by_now_last_week=int(last[1] or 0),
        served_last_week=int(last[0] or 0),
    )


def dashboard_json(board: Dashboard) -> dict[str, object]:
    return {
        "date": board.day.isoformat(),
        "as_of": board.as_of.strftime("%H:%M"),
        "households_served": board.households_served,
        "people_served": board.people_served,
        "households_refused": board.households_refused,
        "new_households": board.new_households,
        "cards_issued": board.cards_issued,
        "served_by_now_last_week": board.served_by_now_last_week,
        "served_last_week": board.served_last_week,
        "pace": board.pace,
        "per_hour": [{"hour": h, "households": n} for h, n in board.per_hour],
        "per_desk": [{"desk": d, "households": n} for d, n in board.per_desk],
    }
