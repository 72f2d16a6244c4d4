"""The benchmark's own pieces: the sites it spreads its desks over (app.demo.demo_sites) and
the lean yardstick (scripts/bare.py --lean), which must hold the rule it is measured against."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from datetime import date
from types import ModuleType
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from app.cards.models import Card
from app.cards.services import card_qr
from app.demo import demo_sites, seed_demo
from app.extensions import db
from app.households.models import Household
from app.sites.models import Site
from app.stock.ledger import on_hand_of
from app.stock.models import Item, StockLevel, StockMovement
from tests.live import ROOT

CARD_KEY = "test-card-key"


def load_bare() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bare", ROOT / "scripts" / "bare.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def lean(database_url: str) -> Iterator[FlaskClient]:
    """A client of the lean yardstick on the test's database."""
    yardstick = load_bare().make_lean_app(database_url)
    yield yardstick.test_client()
    yardstick.extensions["bare_engine"].dispose()


def test_demo_sites_are_made_once_each_with_its_stock(session: Any) -> None:
    codes = demo_sites(session, count=3, first="MAIN", quantity=50, received_on=date(2026, 3, 2))
    session.commit()
    assert codes == ["MAIN", "SITE02", "SITE03"]
    items = list(session.scalars(select(Item.id)))
    for code in ("SITE02", "SITE03"):
        site_id = session.scalar(select(Site.id).where(Site.code == code))
        assert {on_hand_of(session, site_id, item) for item in items} == {50}
        # The donation is in the ledger: what is on hand is what was moved there.
        moved = session.scalar(
            select(func.sum(StockMovement.quantity)).where(StockMovement.site_id == site_id)
        )
        assert moved == 50 * len(items)
    again = demo_sites(session, count=2, first="MAIN", quantity=99, received_on=date(2026, 3, 3))
    assert again == ["MAIN", "SITE02"]
    assert session.scalar(select(func.count()).select_from(Site)) == 3
    site_two = session.scalar(select(Site.id).where(Site.code == "SITE02"))
    assert {on_hand_of(session, site_two, item) for item in items} == {50}


def seeded(app: Flask) -> tuple[list[str], int]:
    """A few demo households, and the QR texts of those the 10-day rule lets in today."""
    with app.app_context():
        today = date.today()
        seed_demo(db.session, households=30, days=40, today=today, card_key=CARD_KEY)
        db.session.commit()
        cutoff = date.fromordinal(today.toordinal() - 10)
        cards = db.session.scalars(
            select(Card)
            .join(Household, Household.id == Card.household_id)
            .where((Household.last_served_on.is_(None)) | (Household.last_served_on <= cutoff))
        ).all()
        site_id = db.session.scalar(select(Site.id).where(Site.code == "MAIN"))
        return [card_qr(card, CARD_KEY) for card in cards], site_id


def test_lean_yardstick_serves_once_per_window_and_takes_three_items(
    app: Flask, lean: FlaskClient
) -> None:
    qrs, site_id = seeded(app)
    assert len(qrs) >= 2
    with app.app_context():
        before = {
            level.item_id: level.on_hand
            for level in db.session.scalars(select(StockLevel).where(StockLevel.site_id == site_id))
        }
    first = lean.post("/bare/lean", json={"qr": qrs[0]})
    again = lean.post("/bare/lean", json={"qr": qrs[0]})
    unknown = lean.post("/bare/lean", json={"qr": "AD1-" + "A" * 32})

    assert first.status_code == 201
    assert again.status_code == 409 and again.json["error"] == "not_eligible"
    assert unknown.status_code == 404
    with app.app_context():
        after = {
            level.item_id: level.on_hand
            for level in db.session.scalars(select(StockLevel).where(StockLevel.site_id == site_id))
        }
        taken = {item for item in before if before[item] - after[item] == 1}
        skus = set(db.session.scalars(select(Item.sku).where(Item.id.in_(taken))))
        served = db.session.scalar(
            select(Household.last_served_on).where(Household.id == first.json["household_id"])
        )
    assert skus == {"FOOD", "HYGIENE", "BABY"}
    assert all(before[item] == after[item] for item in before if item not in taken)
    assert served == date.today()


def test_lean_yardstick_never_takes_stock_below_zero_and_then_claims_nothing(
    app: Flask, lean: FlaskClient
) -> None:
    qrs, site_id = seeded(app)
    with app.app_context():
        baby = db.session.scalar(select(Item.id).where(Item.sku == "BABY"))
        db.session.execute(
            update(StockLevel)
            .where(StockLevel.site_id == site_id, StockLevel.item_id == baby)
            .values(on_hand=0)
        )
        db.session.commit()
    answer = lean.post("/bare/lean", json={"qr": qrs[0]})

    assert answer.status_code == 409 and answer.json["error"] == "insufficient_stock"
    with app.app_context():
        assert on_hand_of(db.session, site_id, baby) == 0
        served = db.session.scalars(
            select(Household.last_served_on)
            .join(Card, Card.household_id == Household.id)
            .where(Household.last_served_on == date.today())
        ).all()
    assert served == []  # the claim was rolled back with the stock
