"""A database made by the first released schema (0001) upgrades to the current one with its
data, and the upgraded center goes on working: the same reports, the same cards, the same rule."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection

from app import create_app
from app.cards import tokens
from app.desk.services import Handover, check_card, record_handover
from app.extensions import db
from app.registry.search import search_people
from app.reports.services import daily_counts
from app.stock.services import on_hand_by_item

CARD_KEY = "upgrade-card-key"
SERVED = date(2026, 1, 5)


def _insert(conn: Connection, tables: MetaData, table: str, **values: Any) -> int:
    result = conn.execute(tables.tables[table].insert().values(**values))
    return int(result.inserted_primary_key[0]) if result.inserted_primary_key else 0


def fill_first_release(conn: Connection) -> str:
    """A household of two served on SERVED, as release 0001 stored it; returns its card's QR."""
    tables = MetaData()
    tables.reflect(conn)
    at = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
    site = _insert(conn, tables, "sites", code="MAIN", name="Main", kind="distribution")
    items = {
        sku: _insert(conn, tables, "items", sku=sku, name=name, category=category, created_at=at)
        for sku, name, category in (
            ("FOOD", "Food parcel", "food"),
            ("HYGIENE", "Hygiene kit", "hygiene"),
        )
    }
    for item in items.values():
        _insert(
            conn,
            tables,
            "entitlement_rules",
            item_id=item,
            per="household",
            quantity=1,
            under_age=None,
            min_age=None,
            include_flagged=False,
            active=True,
        )
        _insert(conn, tables, "stock_levels", site_id=site, item_id=item, on_hand=50)
    user = _insert(
        conn,
        tables,
        "users",
        username="coordinator",
        password_hash="not-a-real-hash",
        role="coordinator",
        active=True,
        session_version=1,
        created_at=at,
    )
    household = _insert(
        conn,
        tables,
        "households",
        site_id=site,
        registered_on=SERVED,
        created_at=at,
        created_by_id=user,
        phone="+40712345678",
        locality="Bucharest",
        last_served_on=SERVED,
    )
    people = (("Yuliia", "Zhuk", date(1985, 3, 2), "F", "head"),)
    people += (("Taras", "Zhuk", date(2015, 6, 1), "M", "child"),)
    members = [
        _insert(
            conn,
            tables,
            "members",
            household_id=household,
            given_name=given,
            family_name=family,
            birth_date=born,
            sex=sex,
            relationship=relationship,
            disability=False,
            chronic_disease=False,
            created_at=at,
        )
        for given, family, born, sex, relationship in people
    ]
    _insert(
        conn,
        tables,
        "documents",
        member_id=members[0],
        type="passport",
        number="FA123456",
        number_key="FA123456",
        country="UKR",
    )
    nonce = tokens.new_nonce()
    token = tokens.derive_token(CARD_KEY, nonce)
    card = _insert(
        conn,
        tables,
        "cards",
        household_id=household,
        number=tokens.new_card_number(),
        nonce=nonce,
        token_hash=tokens.token_hash(token),
        issued_at=at,
        issued_by_id=user,
    )
    visit = _insert(
        conn,
        tables,
        "distributions",
        household_id=household,
        site_id=site,
        served_on=SERVED,
        served_at=at,
        user_id=user,
        card_id=card,
        people=2,
    )
    for item in items.values():
        _insert(
            conn,
            tables,
            "distribution_lines",
            distribution_id=visit,
            item_id=item,
            entitled=1,
            given=1,
        )
        _insert(
            conn,
            tables,
            "stock_movements",
            kind="handover",
            item_id=item,
            site_id=site,
            quantity=-1,
            at=at,
            user_id=user,
            distribution_id=visit,
        )
    for sex, band in (("F", "18-59"), ("M", "5-11")):
        _insert(
            conn, tables, "visit_people", distribution_id=visit, sex=sex, age_band=band, people=1
        )
    return tokens.qr_text(token)


def upgraded_app(database_url: str) -> tuple[Flask, str]:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "CARD_KEY": CARD_KEY,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "AID_TIMEZONE": "Europe/Bucharest",
        }
    )
    with app.app_context():
        upgrade(revision="0001")
        with db.engine.begin() as conn:
            qr = fill_first_release(conn)
        db.engine.dispose()
    # What an operator runs after installing a new release.
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    return app, qr


def test_the_first_release_upgrades_with_its_data_and_keeps_working(database_url: str) -> None:
    app, qr = upgraded_app(database_url)
    with app.app_context():
        session = db.session
        counts = daily_counts(session, SERVED)
        assert (counts.households_served, counts.people_served) == (1, 2)
        assert dict(counts.items) == {"FOOD": 1, "HYGIENE": 1}
        assert counts.by_sex_age == {("F", "18-59"): 1, ("M", "5-11"): 1}

        # Name keys did not exist in 0001: init-db built them, so any spelling finds her.
        for query in ("Юлія Жук", "Iuliia Zhuk", "FA123456", "0712345678"):
            assert [p.given_name for p in search_people(session, query, everything=True)][:1] == [
                "Yuliia"
            ], query

        site_id = 1
        refused = check_card(session, scanned=qr, today=date(2026, 1, 14), days=10, site_id=site_id)
        assert not refused.decision.eligible
        handover = record_handover(
            session,
            scanned=qr,
            today=date(2026, 1, 15),
            now=datetime(2026, 1, 15, 9, 0, tzinfo=UTC),
            days=10,
            site_id=site_id,
            user_id=None,
        )
        session.commit()
        assert isinstance(handover, Handover)
        assert handover.visitor.household_id == refused.visitor.household_id
        assert sorted(on_hand_by_item(session, site_id, [1, 2]).values()) == [49, 49]
        assert daily_counts(session, SERVED) == counts  # the past did not move
        session.remove()
        db.engine.dispose()
