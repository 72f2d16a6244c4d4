"""A fortnight at two sites, with the answer counted independently of the reports' code.

The test keeps its own book of who is in each household and writes down, at every handover,
who was served. The expected figures are counted from that book (and items from the stock
ledger), never from the tables the reports read.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from app.desk.models import Distribution
from app.extensions import db
from app.households.models import Member
from app.sites.models import Site
from app.stock.models import Item, StockMovement
from tests.conftest import member

MONDAY = date(2026, 3, 2)
WEDNESDAY = date(2026, 3, 4)
THURSDAY_NEXT = date(2026, 3, 12)
MONDAY_AFTER = date(2026, 3, 16)
START, END = date(2026, 3, 1), date(2026, 3, 20)


def band(born: date, day: date) -> str:
    """The age band, counted here without the app's code."""
    years = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    for top, name in ((4, "0-4"), (11, "5-11"), (17, "12-17"), (59, "18-59")):
        if years <= top:
            return name
    return "60+"


@dataclass
class Person:
    key: str
    born: date
    sex: str
    disability: bool = False


@dataclass
class Book:
    households: dict[str, list[Person]] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)
    registered: dict[str, tuple[date, str]] = field(default_factory=dict)  # day, site code
    visits: list[tuple[date, str, str, list[Person]]] = field(default_factory=list)
    refusals: list[tuple[date, str, str]] = field(default_factory=list)

    def expected(self, start: date, end: date, site: str | None) -> dict[str, Any]:
        visits = [v for v in self.visits if start <= v[0] <= end and site in (None, v[1])]
        refusals = [r for r in self.refusals if start <= r[0] <= end and site in (None, r[1])]
        new = [
            day
            for day, where in self.registered.values()
            if start <= day <= end and site in (None, where)
        ]
        people = [(day, p) for day, _, _, served in visits for p in served]
        days = {}
        for day in sorted({v[0] for v in visits} | {r[0] for r in refusals} | set(new)):
            days[day] = {
                "households_served": sum(1 for v in visits if v[0] == day),
                "people_served": sum(len(v[3]) for v in visits if v[0] == day),
                "new_households": new.count(day),
                "households_refused": sum(1 for r in refusals if r[0] == day),
                "people_with_disability": sum(1 for d, p in people if d == day and p.disability),
            }
        return {
            "visits": len(visits),
            "distinct_households": len({v[2] for v in visits}),
            "distinct_people": len({p.key for _, p in people}),
            "people_served": len(people),
            "new_households": len(new),
            "households_refused": len(refusals),
            "people_with_disability": sum(1 for _, p in people if p.disability),
            "distinct_people_with_disability": len({p.key for _, p in people if p.disability}),
            "by_sex_age": dict(Counter((p.sex, band(p.born, day)) for day, p in people)),
            "days": days,
        }


def items_from_the_ledger(app: Flask, start: date, end: date, site: str | None) -> dict:
    """What left the shelves for handovers, by SKU, from the stock ledger."""
    with app.app_context():
        stmt = (
            select(Item.sku, -func.sum(StockMovement.quantity))
            .join(StockMovement, StockMovement.item_id == Item.id)
            .join(Distribution, Distribution.id == StockMovement.distribution_id)
            .join(Site, Site.id == StockMovement.site_id)
            .where(StockMovement.kind == "handover", Distribution.served_on.between(start, end))
            .group_by(Item.sku)
        )
        if site is not None:
            stmt = stmt.where(Site.code == site)
        return {sku: int(n) for sku, n in db.session.execute(stmt)}


class Fortnight:
    """Drives the desk through the API and keeps the book."""

    def __init__(self, app: Flask, api: Any, register: Any, set_today: Any) -> None:
        self.app, self.register, self.set_today = app, register, set_today
        self.desk = api("volunteer")
        self.book = Book()
        self.site = "MAIN"
        self.day = MONDAY

    def at(self, day: date, site: str = "MAIN") -> None:
        self.day, self.site = day, site
        self.set_today(day)
        self.app.config["AID_SITE"] = site

    def new(self, name: str, *people: tuple[str, str, str, bool]) -> None:
        """Register a household: people as (born, sex, relationship, disability)."""
        body = [
            member(born=born, sex=sex, relationship=rel, disability=disabled)
            for born, sex, rel, disabled in people
        ]
        household = self.register(*body)
        self.book.ids[name] = household["id"]
        self.book.registered[name] = (self.day, self.site)
        with self.app.app_context():
            ids = db.session.scalars(
                select(Member.id).where(Member.household_id == household["id"]).order_by(Member.id)
            ).all()
        self.book.households[name] = [
            Person(f"m{i}", date.fromisoformat(born), sex, disabled)
            for i, (born, sex, _, disabled) in zip(ids, people, strict=True)
        ]
        self.qr = getattr(self, "qr", {}) | {name: household["card"]["qr"]}

    def serve(self, name: str) -> None:
        response = self.desk.post("/api/v1/distributions", json={"qr": self.qr[name]})
        assert response.status_code == 201, response.text
        served = [replace(p) for p in self.book.households[name]]  # as they are now
        self.book.visits.append((self.day, self.site, name, served))

    def refuse(self, name: str) -> None:
        response = self.desk.post("/api/v1/distributions", json={"qr": self.qr[name]})
        assert response.status_code == 409, response.text
        if (self.day, self.site, name) not in self.book.refusals:  # once a day
            self.book.refusals.append((self.day, self.site, name))

    def join(self, name: str, born: str, sex: str, disability: bool = False) -> None:
        """A member joins a household (a birth, a relative arriving)."""
        with self.app.app_context():
            person = Member(
                household_id=self.book.ids[name],
                given_name="New",
                family_name="Member",
                birth_date=date.fromisoformat(born),
                sex=sex,
                relationship="child",
                disability=disability,
            )
            db.session.add(person)
            db.session.commit()
            key = f"m{person.id}"
        self.book.households[name].append(Person(key, date.fromisoformat(born), sex, disability))

    def move(self, key: str, source: str, target: str) -> None:
        """A member leaves one household for another: the same person, counted once."""
        with self.app.app_context():
            person = db.session.get(Member, int(key[1:]))
            assert person is not None
            person.household_id = self.book.ids[target]
            person.relationship = "other"
            db.session.commit()
        moved = next(p for p in self.book.households[source] if p.key == key)
        self.book.households[source].remove(moved)
        self.book.households[target].append(moved)

    def flag_disability(self, key: str, name: str) -> None:
        with self.app.app_context():
            person = db.session.get(Member, int(key[1:]))
            assert person is not None
            person.disability = True
            db.session.commit()
        for p in self.book.households[name]:
            if p.key == key:
                p.disability = True


def play(app: Flask, api: Any, register: Any, set_today: Any, stock_up: Any) -> Fortnight:
    """Four desk days, a second site, members who join, leave and become disabled between
    visits, refusals, and a household registered at the second site."""
    with app.app_context():
        db.session.add(Site(code="NORTH", name="North hall"))
        db.session.commit()
    f = Fortnight(app, api, register, set_today)
    f.at(MONDAY)
    stock_up()
    f.new(
        "A",
        ("1986-01-10", "F", "head", False),
        ("2024-05-01", "M", "child", False),
        ("1950-02-01", "F", "parent", True),
    )
    f.new("B", ("1990-07-07", "M", "head", True), ("1992-03-03", "F", "spouse", False))
    f.new("C", ("2000-09-09", "F", "head", False))
    f.serve("A")
    f.serve("B")

    f.at(WEDNESDAY, "NORTH")
    f.new("D", ("1970-12-12", "X", "head", False), ("2014-03-04", "M", "child", False))
    f.serve("C")
    f.serve("D")
    f.refuse("A")
    f.refuse("A")  # the same household again the same day: one refusal

    f.at(THURSDAY_NEXT)
    f.join("A", "2026-03-08", "F")  # a baby born between the visits
    b_spouse = f.book.households["B"][1].key
    f.move(b_spouse, "B", "C")  # B's spouse moves to C
    f.flag_disability(f.book.households["A"][0].key, "A")
    f.serve("A")
    f.serve("B")
    f.refuse("D")

    f.at(MONDAY_AFTER, "NORTH")
    f.serve("C")  # now with B's former spouse: the same person counted once as distinct
    f.refuse("B")
    return f
