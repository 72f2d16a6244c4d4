"""The households served on one day: who came, when, at which desk. For the coordinator only.

No health data leaves here: no disability, no chronic disease, no documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import aliased

from app.auth.models import User
from app.cards.models import Card
from app.db import DbSession
from app.desk.models import Distribution
from app.households.models import Member
from app.reports.exports import TOTAL
from app.sites.models import Site
from app.workbook import Table


@dataclass(frozen=True)
class ServedHousehold:
    served_at: datetime  # at the site's local time
    household_id: int
    card_number: str | None
    head: str
    head_native: str | None
    people: int
    site: str
    desk: str | None


def served_on(
    session: DbSession, day: date, site: Site | None, timezone: str
) -> list[ServedHousehold]:
    """Every handover of the day, in the order they happened."""
    head = aliased(Member)
    stmt = (
        select(
            Distribution.served_at,
            Distribution.household_id,
            Card.number,
            head.given_name,
            head.family_name,
            head.given_name_native,
            head.family_name_native,
            Distribution.people,
            Site.name,
            User.username,
        )
        .join(
            head, (head.household_id == Distribution.household_id) & (head.relationship == "head")
        )
        .join(Site, Site.id == Distribution.site_id)
        .outerjoin(Card, Card.id == Distribution.card_id)
        .outerjoin(User, User.id == Distribution.user_id)
        .where(Distribution.served_on == day)
        .order_by(Distribution.served_at, Distribution.id)
    )
    if site is not None:
        stmt = stmt.where(Distribution.site_id == site.id)
    zone = ZoneInfo(timezone)
    return [
        ServedHousehold(
            served_at=row[0].astimezone(zone),
            household_id=row[1],
            card_number=row[2],
            head=f"{row[3]} {row[4]}",
            head_native=" ".join(p for p in (row[5], row[6]) if p) or None,
            people=row[7],
            site=row[8],
            desk=row[9],
        )
        for row in session.execute(stmt)
    ]


def served_table(rows: list[ServedHousehold]) -> Table:
    return Table(
        _l("Served"),
        [
            _l("Served at"),
            _l("Household"),
            _l("Card"),
            _l("Head of household"),
            _l("Name in own script"),
            _l("People"),
            _l("Site"),
            _l("Desk"),
        ],
        [
            [
                r.served_at,
                r.household_id,
                r.card_number or "",
                r.head,
                r.head_native or "",
                r.people,
                r.site,
                r.desk or "",
            ]
            for r in rows
        ],
        totals=[TOTAL, len(rows), "", "", "", sum(r.people for r in rows), "", ""],
    )
