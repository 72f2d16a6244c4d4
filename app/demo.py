"""Demo and scale data: families with documents and cards, visits every 10-20 days, donations.

Bulk inserts in chunks, so 200,000 households and 2,000,000 visits take minutes, not hours.
The ledger adds up: every handed-over line has its stock movement, and on hand is what was
donated less what was handed over.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, insert, select, text

from app.audit.trail import in_bulk
from app.cards import tokens
from app.cards.models import Card
from app.db import DbSession
from app.demo_names import FAMILY, GIVEN_F, GIVEN_M
from app.desk.models import (
    Distribution,
    DistributionLine,
    HandoverBasis,
    VisitMember,
    VisitPeople,
)
from app.desk.rules import age_band
from app.documents.keys import document_key
from app.households.models import Document, Household, Member, NameKey, NamePair
from app.households.names import key_pairs, name_keys
from app.programmes.models import Programme
from app.programmes.rules import Criteria
from app.programmes.services import ProgrammeIn, create_programme, starting_programme
from app.sites.models import Site
from app.sites.services import create_site
from app.stock import lots as stock_lots
from app.stock.donations import DonationLineInput, record_donation
from app.stock.models import Donation, DonationLine, Item, StockLevel, StockMovement

SIZES = [1, 2, 3, 4, 5, 6, 7]
SIZE_WEIGHTS = [20, 25, 25, 15, 8, 4, 3]
CHUNK = 5000


@dataclass(frozen=True)
class DemoSummary:
    households: int
    members: int
    visits: int


def _chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def _bulk(session: DbSession, model: Any, rows: list[dict[str, Any]]) -> None:
    for chunk in _chunks(rows):
        session.execute(model.__table__.insert(), chunk)
    rows.clear()


def _next_id(session: DbSession, model: Any) -> int:
    return (session.scalar(select(func.max(model.id))) or 0) + 1


def seed_demo(
    session: DbSession,
    *,
    households: int,
    days: int,
    today: date,
    card_key: str,
    site_code: str = "MAIN",
    seed: int = 2026,
) -> DemoSummary:
    """Made-up households with past visits and the donations they took; in the audit trail
    as one bulk load, not millions of rows."""
    with in_bulk(session.connection(), "demo"):
        return _seed(session, households, days, today, card_key, site_code, seed)


def _seed(
    session: DbSession,
    households: int,
    days: int,
    today: date,
    card_key: str,
    site_code: str,
    seed: int,
) -> DemoSummary:
    rng = random.Random(seed)
    site_id = session.scalar(select(Site.id).where(Site.code == site_code))
    if site_id is None:  # else the first household fails on its NOT NULL site_id
        raise LookupError(f"No site {site_code}: set AID_SITE to the code of a site.")
    items = {i.sku: i.id for i in session.scalars(select(Item))}
    food, hygiene = items["FOOD"], items["HYGIENE"]
    starting = starting_programme(session).id
    demo_programmes(session, today)
    start = today - timedelta(days=days)
    household_id = _next_id(session, Household)
    member_id = _next_id(session, Member)
    distribution_id = _next_id(session, Distribution)
    rows: dict[str, list[dict[str, Any]]] = {
        name: []
        for name in (
            "households",
            "members",
            "keys",
            "pairs",
            "documents",
            "cards",
            "visits",
            "lines",
            "people",
            "served",
            "moves",
            "bases",
        )
    }
    used_numbers: set[str] = set(session.scalars(select(Card.number)))
    handed = Counter[int]()
    member_count = visit_count = 0
    document_serial = rng.randrange(10**5)

    def flush() -> None:
        for name, model in (
            ("households", Household),
            ("members", Member),
            ("keys", NameKey),
            ("pairs", NamePair),
            ("documents", Document),
            ("cards", Card),
            ("visits", Distribution),
            ("lines", DistributionLine),
            ("people", VisitPeople),
            ("served", VisitMember),
            ("moves", StockMovement),
            ("bases", HandoverBasis),
        ):
            _bulk(session, model, rows[name])

    for _ in range(households):
        registered = start + timedelta(days=rng.randrange(max(days, 1)))
        size = rng.choices(SIZES, SIZE_WEIGHTS)[0]
        family = rng.choice(FAMILY)
        people = []
        family_ids: list[tuple[int, date, bool]] = []
        for position in range(size):
            sex = rng.choice("FM")
            if position == 0:
                born = today - timedelta(days=rng.randrange(20 * 365, 75 * 365))
                relationship = "head"
            elif position == 1 and size > 2:
                born = today - timedelta(days=rng.randrange(20 * 365, 70 * 365))
                relationship = "spouse"
            else:
                born = today - timedelta(days=rng.randrange(30, 17 * 365))
                relationship = "child"
            document_serial += 1
            adult = relationship != "child"
            rows["members"].append(
                {
                    "id": member_id,
                    "household_id": household_id,
                    "given_name": rng.choice(GIVEN_F if sex == "F" else GIVEN_M),
                    "family_name": family,
                    "birth_date": born,
                    "sex": sex,
                    "relationship": relationship,
                    "disability": rng.random() < 0.04,
                    "chronic_disease": rng.random() < 0.08,
                    "created_at": _moment(registered),
                }
            )
            given = rows["members"][-1]["given_name"]
            keys = name_keys(given, family)
            rows["keys"].extend({"member_id": member_id, "key": key} for key in keys)
            rows["pairs"].extend({"member_id": member_id, "pair": p} for p in key_pairs(keys))
            number = f"{'FE' if adult else 'I-БК'}{document_serial:08d}"
            rows["documents"].append(
                {
                    "member_id": member_id,
                    "type": "passport" if adult else "birth_certificate",
                    "number": number,
                    "number_key": document_key(number),
                    "country": "UKR",
                }
            )
            people.append((sex, born))
            family_ids.append((member_id, born, rows["members"][-1]["disability"]))
            member_id += 1
        member_count += size
        visit_days = []
        day = registered + timedelta(days=rng.randrange(0, 5))
        while day <= today - timedelta(days=1):
            visit_days.append(day)
            day += timedelta(days=rng.randrange(10, 21))
        nonce = rng.randbytes(16)
        number = _card_number(rng, used_numbers)
        rows["households"].append(
            {
                "id": household_id,
                "site_id": site_id,
                "registered_on": registered,
                "created_at": _moment(registered),
                "last_served_on": visit_days[-1] if visit_days else None,
            }
        )
        rows["cards"].append(
            {
                "household_id": household_id,
                "number": number,
                "nonce": nonce,
                "token_hash": tokens.token_hash(tokens.derive_token(card_key, nonce)),
                "issued_at": _moment(registered),
            }
        )
        for served in visit_days:
            rows["visits"].append(
                {
                    "id": distribution_id,
                    "household_id": household_id,
                    "site_id": site_id,
                    "served_on": served,
                    "served_at": _moment(served),
                    "people": size,
                }
            )
            rows["bases"].append(
                {
                    "distribution_id": distribution_id,
                    "programme_id": starting,
                    "household_id": household_id,
                    "served_on": served,
                    "rule_version": 1,
                }
            )
            for item_id in (food, hygiene):
                rows["lines"].append(
                    {
                        "distribution_id": distribution_id,
                        "item_id": item_id,
                        "entitled": 1,
                        "given": 1,
                        "programme_id": starting,
                    }
                )
                rows["moves"].append(
                    {
                        "kind": "handover",
                        "item_id": item_id,
                        "site_id": site_id,
                        "quantity": -1,
                        "at": _moment(served),
                        "distribution_id": distribution_id,
                    }
                )
                handed[item_id] += 1
            bands = Counter((sex, age_band(born, served)) for sex, born in people if born <= served)
            rows["people"].extend(
                {"distribution_id": distribution_id, "sex": s, "age_band": b, "people": n}
                for (s, b), n in bands.items()
            )
            rows["served"].extend(
                {"distribution_id": distribution_id, "member_id": m, "disability": d}
                for m, birth, d in family_ids
                if birth <= served
            )
            distribution_id += 1
            visit_count += 1
        household_id += 1
        if len(rows["visits"]) >= 4 * CHUNK or len(rows["members"]) >= 4 * CHUNK:
            flush()
    flush()
    # What was handed over was donated first, with a reserve for today's queue.
    donation_id = _next_id(session, Donation)
    session.execute(
        insert(Donation),
        [
            {
                "id": donation_id,
                "donor": "Demo donor",
                "site_id": site_id,
                "received_on": start,
                "created_at": _moment(start),
            }
        ],
    )
    reserve = max(1000, households)
    for item_id in items.values():
        quantity = handed[item_id] + reserve
        session.execute(
            insert(DonationLine),
            [{"donation_id": donation_id, "item_id": item_id, "quantity": quantity}],
        )
        session.execute(
            insert(StockMovement),
            [
                {
                    "kind": "donation",
                    "item_id": item_id,
                    "site_id": site_id,
                    "quantity": quantity,
                    "at": _moment(start),
                    "donation_id": donation_id,
                }
            ],
        )
        level = session.get(StockLevel, (site_id, item_id))
        if level is None:
            session.add(StockLevel(site_id=site_id, item_id=item_id, on_hand=reserve))
        else:
            level.on_hand += reserve
        stock_lots.add(session, site_id=site_id, item_id=item_id, quantity=reserve)
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        # The rows above carry their ids: move each table's id sequence past them.
        for model in (Household, Member, Distribution, Donation):
            table = model.__table__.name
            session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            )
    return DemoSummary(households, member_count, visit_count)


def demo_sites(
    session: DbSession, *, count: int, first: str, quantity: int, received_on: date
) -> list[str]:
    """The codes of ``count`` distribution sites: ``first`` (the seeded one), then SITE02,
    SITE03, ...; a site not there yet is created with ``quantity`` of every catalog item,
    donated there (the benchmark spreads its desks over them)."""
    codes = [first] + [f"SITE{n:02d}" for n in range(2, count + 1)]
    skus = list(session.scalars(select(Item.sku).order_by(Item.id)))
    for n, code in enumerate(codes[1:], start=2):
        if session.scalar(select(Site.id).where(Site.code == code)) is not None:
            continue
        site = create_site(session, code=code, name=f"Demo site {n}", kind="distribution")
        record_donation(
            session,
            donor="Demo donor",
            lines=[DonationLineInput(sku, quantity) for sku in skus],
            site_id=site.id,
            received_on=received_on,
            user_id=None,
        )
    return codes


# The examples of issue 17, so the pages show something real: vouchers for children and
# medical vouchers monthly from partners, and a manual six-month support for single parents.
DEMO_PROGRAMMES = (
    (
        ProgrammeIn(
            code="CHILD",
            name="Vouchers for children",
            names={"ro": "Vouchere pentru copii", "uk": "Ваучери на дітей"},
            period="month",
            criteria=Criteria(under_age=18),
        ),
        [{"sku": "CHILD-VOUCHER", "per": "member", "quantity": 1, "under_age": 18}],
    ),
    (
        ProgrammeIn(
            code="MEDICAL",
            name="Medical vouchers",
            names={"ro": "Vouchere medicale", "uk": "Медичні ваучери"},
            period="month",
            criteria=Criteria(min_age=65),
        ),
        [{"sku": "MEDICAL-VOUCHER", "per": "member", "quantity": 1, "min_age": 65}],
    ),
    (
        ProgrammeIn(
            code="SINGLE",
            name="Single-parent support",
            names={"ro": "Sprijin pentru părinți singuri", "uk": "Підтримка одиноких батьків"},
            interval_days=14,
            max_visits=12,
            enrolment="manual",
        ),
        [
            {"sku": "FOOD", "per": "household", "quantity": 1},
            {"sku": "HYGIENE", "per": "household", "quantity": 1},
        ],
    ),
)


def demo_programmes(session: DbSession, today: date) -> list[str]:
    """Add the example programmes that are not there yet; the single-parent support runs six
    months from today. Returns the codes added."""
    added = []
    for given, rules in DEMO_PROGRAMMES:
        if session.scalar(select(Programme.id).where(Programme.code == given.code)) is None:
            if given.enrolment == "manual":
                given = replace(given, starts_on=today, ends_on=today + timedelta(days=183))
            create_programme(session, given, rules)
            added.append(given.code)
    return added


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(9, 30), tzinfo=UTC)


def _card_number(rng: random.Random, used: set[str]) -> str:
    while True:
        body = f"{rng.randrange(10**9):09d}"
        number = body + str(tokens.damm_digit(body))
        if number not in used:
            used.add(number)
            return number
