"""Real concurrent requests against the real server: each programme's rule is held by the
database (decision 0034), on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from app.desk.models import HandoverBasis
from app.extensions import db
from app.households.models import Household
from app.programmes.models import ProgrammeVisit
from tests.conftest import member
from tests.server.test_concurrency import DESKS, all_at_once

pytestmark = pytest.mark.server


def test_sixteen_desks_serve_a_programme_once_per_window_and_up_to_its_maximum(
    app: Flask, live_server: Any, token_for: Any
) -> None:
    desk, coordinator = token_for("volunteer"), token_for("coordinator")
    stock = token_for("stock_manager")
    donated = live_server.request(
        "POST",
        "/api/v1/donations",
        stock,
        {"donor": "WV", "items": [{"sku": "MEDICAL-VOUCHER", "quantity": 40}]},
    )
    assert donated.status == 201
    made = live_server.request(
        "POST",
        "/api/v1/programmes",
        coordinator,
        {
            "code": "MED",
            "name": "Medical vouchers",
            "period": "month",
            "max_visits": 1,
            "criteria": {"min_age": 65},
            "entitlements": [{"sku": "MEDICAL-VOUCHER", "per": "household", "quantity": 2}],
        },
    )
    assert made.status == 201, made.body
    households = []
    for _ in range(2):
        created = live_server.request(
            "POST", "/api/v1/households", desk, {"members": [member(born="1950-02-01")]}
        )
        assert created.status == 201, created.body
        households.append(created.body)
    three_days_ago = datetime.now(ZoneInfo("Europe/Bucharest")).date() - timedelta(days=3)
    with app.app_context():  # the starting programme is not due: MED alone is
        db.session.execute(
            update(Household)
            .where(Household.id.in_([h["id"] for h in households]))
            .values(last_served_on=three_days_ago)
        )
        db.session.commit()

    answers = all_at_once(
        DESKS,
        lambda i: live_server.request(
            "POST", "/api/v1/distributions", desk, {"qr": households[i % 2]["card"]["qr"]}
        ),
    )

    statuses = sorted(a.status for a in answers)
    assert statuses == [201, 201] + [409] * (DESKS - 2), [a.body for a in answers]
    served = [a.body for a in answers if a.status == 201]
    assert {s["household_id"] for s in served} == {h["id"] for h in households}
    for body in served:
        med = {p["code"]: p for p in body["programmes"]}["MED"]
        assert med["served"] and med["next_eligible_on"] is None  # its one visit
        assert body["items"] == [{"sku": "MEDICAL-VOUCHER", "quantity": 2, "entitled": 2}]
    on_hand = live_server.request("GET", "/api/v1/stock", stock).body
    assert {row["sku"]: row["on_hand"] for row in on_hand}["MEDICAL-VOUCHER"] == 36
    with app.app_context():
        assert db.session.scalar(select(func.sum(ProgrammeVisit.visits))) == 2
        assert db.session.scalar(select(func.count()).select_from(HandoverBasis)) == 2
