"""Reports per programme (issue 17): households and people served, new enrolments, and per
item what was due, given, unmet (due and not on hand: what to ask donors for) and declined
(unticked at the desk: the family did not take it), for a day or a period, per programme and
in total."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import ColumnElement, and_, func, select

from app.db import DbSession
from app.desk.models import Distribution, DistributionLine, HandoverBasis
from app.names import name_in
from app.programmes.models import Enrolment, Programme
from app.stock.models import Item
from app.workbook import Table


@dataclass(frozen=True)
class ItemFigures:
    sku: str
    name: str
    names: dict[str, str]
    due: int
    given: int
    declined: int

    @property
    def unmet(self) -> int:
        return self.due - self.given

    def name_in(self, language: str | None) -> str:
        return name_in(self.name, self.names, language)


@dataclass(frozen=True)
class ProgrammeFigures:
    code: str
    name: str
    names: dict[str, str]
    households: int = 0
    people: int = 0
    new_enrolments: int = 0
    items: list[ItemFigures] = field(default_factory=list)

    def name_in(self, language: str | None) -> str:
        return name_in(self.name, self.names, language)

    @property
    def unmet(self) -> int:
        return sum(i.unmet for i in self.items)


def programme_figures(
    session: DbSession,
    start: date,
    end: date,
    site_id: int | None = None,
    code: str | None = None,
) -> list[ProgrammeFigures]:
    """Every programme's figures from start to end (both included), at one site or all;
    ``code`` keeps one programme (a partner's export)."""
    in_period: ColumnElement[bool] = Distribution.served_on.between(start, end)
    if site_id is not None:
        in_period = and_(in_period, Distribution.site_id == site_id)
    chosen = select(Programme).order_by(Programme.starting.desc(), Programme.id)
    if code is not None:
        chosen = chosen.where(Programme.code == code)
    programmes = list(session.scalars(chosen))
    served = {
        pid: (int(n), int(people or 0))
        for pid, n, people in session.execute(
            select(HandoverBasis.programme_id, func.count(), func.sum(Distribution.people))
            .join(Distribution, Distribution.id == HandoverBasis.distribution_id)
            .where(in_period)
            .group_by(HandoverBasis.programme_id)
        )
    }
    enrolled = {
        pid: int(n)
        for pid, n in session.execute(
            select(Enrolment.programme_id, func.count())
            .where(Enrolment.starts_on.between(start, end))
            .group_by(Enrolment.programme_id)
        )
    }
    lines: dict[int | None, list[ItemFigures]] = {}
    line = DistributionLine
    sums = session.execute(
        select(
            line.programme_id,
            line.item_id,
            func.coalesce(func.sum(line.entitled).filter(line.declined.is_(False)), 0),
            func.coalesce(func.sum(line.given), 0),
            func.coalesce(func.sum(line.entitled).filter(line.declined.is_(True)), 0),
        )
        .join(Distribution, Distribution.id == line.distribution_id)
        .where(in_period)
        .group_by(line.programme_id, line.item_id)
    ).all()
    # Names apart: PostgreSQL groups by no JSON column.
    items = {
        row.id: row
        for row in session.execute(
            select(Item.id, Item.sku, Item.name, Item.names).where(
                Item.id.in_({item_id for _, item_id, *_ in sums})
            )
        )
    }
    for pid, item_id, due, given, declined in sorted(sums, key=lambda r: items[r[1]].sku):
        item = items[item_id]
        lines.setdefault(pid, []).append(
            ItemFigures(
                item.sku, item.name, dict(item.names or {}), int(due), int(given), int(declined)
            )
        )
    return [
        ProgrammeFigures(
            p.code,
            p.name,
            dict(p.names or {}),
            *served.get(p.id, (0, 0)),
            int(enrolled.get(p.id, 0)),
            lines.get(p.id, []),
        )
        for p in programmes
    ]


def item_totals(figures: list[ProgrammeFigures]) -> list[ItemFigures]:
    """Per item over every programme."""
    totals: dict[str, ItemFigures] = {}
    for programme in figures:
        for i in programme.items:
            was = totals.get(i.sku)
            totals[i.sku] = (
                i
                if was is None
                else ItemFigures(
                    i.sku,
                    i.name,
                    i.names,
                    was.due + i.due,
                    was.given + i.given,
                    was.declined + i.declined,
                )
            )
    return sorted(totals.values(), key=lambda i: i.sku)


def unmet_by_item(
    session: DbSession, start: date, end: date, site_id: int | None = None
) -> dict[str, int]:
    """What was due and not on hand, per SKU, from start to end: the stock page shows it
    beside on-hand, because that is what to ask donors for."""
    line = DistributionLine
    stmt = (
        select(Item.sku, func.sum(line.entitled - line.given))
        .join(line, line.item_id == Item.id)
        .join(Distribution, Distribution.id == line.distribution_id)
        .where(
            Distribution.served_on.between(start, end),
            line.declined.is_(False),
            line.given < line.entitled,
        )
        .group_by(Item.sku)
    )
    if site_id is not None:
        stmt = stmt.where(Distribution.site_id == site_id)
    return {sku: int(n) for sku, n in session.execute(stmt)}


def programme_tables(
    figures: list[ProgrammeFigures], language: str, *, mask: Callable[[int], Any] = lambda n: n
) -> list[Table]:
    """The figures as two tables for .xlsx and CSV: per programme, and per programme and item.
    ``mask`` shows small counts of households and people as "<5" in files shared outside."""
    m = mask
    return [
        Table(
            _l("Programmes"),
            [
                _l("Programme"),
                _l("Name"),
                # Not "Households served": the day's file is one sheet, a label once.
                _l("Households"),
                _l("People"),
                _l("New enrolments"),
                _l("Unmet"),
            ],
            [
                [
                    p.code,
                    p.name_in(language),
                    m(p.households),
                    m(p.people),
                    m(p.new_enrolments),
                    p.unmet,
                ]
                for p in figures
            ],
            notes=[
                _l("A handover under several programmes counts in each."),
                _l("Refusals are counted for the whole household, in the day's figures."),
            ],
        ),
        Table(
            _l("Due and given"),
            [
                _l("Programme"),
                _l("SKU"),
                _l("Item"),
                _l("Due"),
                # To the families, not by a donor (the donor report's "Given").
                lazy_pgettext("handed to families", "Given"),
                _l("Unmet"),
                _l("Not taken"),
            ],
            [
                [p.code, i.sku, i.name_in(language), i.due, i.given, i.unmet, i.declined]
                for p in figures
                for i in p.items
            ],
            notes=[
                _l("Unmet: due and not on hand. Not taken: unticked at the desk."),
            ],
        ),
    ]
