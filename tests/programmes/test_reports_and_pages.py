"""Unmet needs and figures per programme (issue 17, points 5 and 7), and the coordinator's
pages: programmes, rules per programme, enrolment on the household page."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

from openpyxl import load_workbook

from tests.conftest import member
from tests.programmes.test_api import CHILD_VOUCHERS, DAY


def test_due_given_and_unmet_per_programme_in_the_reports_and_the_partners_file(
    api: Any, set_today: Any, stock_up: Any, register: Any, login: Any
) -> None:
    set_today(DAY)
    stock_up(FOOD=10, HYGIENE=10, CHILD_VOUCHER=1)  # one voucher for two due
    coordinator = api("coordinator")
    assert coordinator.post("/api/v1/programmes", json=CHILD_VOUCHERS).status_code == 201
    family = register(member(), member(relationship="child", born="2019-01-01"))
    desk = api("volunteer")
    served = desk.post("/api/v1/distributions", json={"qr": family["card"]["qr"]}).get_json()
    assert {s["sku"]: (s["entitled"], s["given"]) for s in served["short"]} == {
        "CHILD-VOUCHER": (2, 1)
    }

    daily = coordinator.get("/api/v1/reports/daily").get_json()
    per = {p["code"]: p for p in daily["programmes"]}
    assert per["REGULAR"]["households_served"] == 1 and per["CHILD"]["people_served"] == 2
    child_items = {i["sku"]: i for i in per["CHILD"]["items"]}
    regular_items = {i["sku"]: i for i in per["REGULAR"]["items"]}
    # The starting programme's line came first and took the one voucher on hand.
    assert (regular_items["CHILD-VOUCHER"]["given"], regular_items["CHILD-VOUCHER"]["unmet"]) == (
        1,
        0,
    )
    assert child_items["CHILD-VOUCHER"] == {
        "sku": "CHILD-VOUCHER",
        "due": 1,
        "given": 0,
        "unmet": 1,
        "declined": 0,
    }

    period = {"from": "2026-03-01", "to": "2026-03-31"}
    figures = coordinator.get("/api/v1/reports/period", query_string=period).get_json()
    assert {p["code"] for p in figures["programmes"]} == {"REGULAR", "CHILD"}
    partner = coordinator.get(
        "/api/v1/reports/programmes", query_string=period | {"programme": "child"}
    ).get_json()
    assert [p["code"] for p in partner] == ["CHILD"]
    unknown = coordinator.get(
        "/api/v1/reports/programmes", query_string=period | {"programme": "NOPE"}
    )
    assert unknown.status_code == 404
    sheet = coordinator.get(
        "/api/v1/reports/programmes.xlsx", query_string=period | {"programme": "CHILD"}
    )
    assert sheet.status_code == 200
    book = load_workbook(io.BytesIO(sheet.data))
    cells = [c for ws in book for row in ws.iter_rows(values_only=True) for c in row if c]
    assert "CHILD" in cells and "REGULAR" not in cells
    csv = coordinator.get("/api/v1/reports/programmes.csv", query_string=period).get_data(
        as_text=True
    )
    assert "REGULAR" in csv and "CHILD-VOUCHER" in csv
    daily_xlsx = coordinator.get("/api/v1/reports/daily.xlsx")
    day_cells = [
        c
        for ws in load_workbook(io.BytesIO(daily_xlsx.data))
        for row in ws.iter_rows(values_only=True)
        for c in row
        if c
    ]
    assert "CHILD" in day_cells

    page = login("coordinator")
    today = page.get("/reports/today").get_data(as_text=True)
    assert 'data-programme="CHILD" data-sku="CHILD-VOUCHER" class="short"' in today
    page.post("/language", data={"language": "ro"})
    in_romanian = page.get("/reports/today").get_data(as_text=True)
    # Handed to the families: not the donor report's "Donat" (the same English word).
    assert '<th class="num">Acordat</th>' in in_romanian and "Donat" not in in_romanian
    page.post("/language", data={"language": "en"})
    board = page.get("/reports/dashboard").get_data(as_text=True)
    assert 'data-live-html="programmes"' in board and 'data-programme="CHILD"' in board
    live = page.get("/reports/dashboard.json").get_json()["programmes_html"]
    assert 'data-sku="CHILD-VOUCHER" class="short"' in live
    stock = login("stock_manager").get("/stock").get_data(as_text=True)
    assert "Unmet (30 days)" in stock
    assert '<td class="figure short">1</td>' in stock


def test_the_programmes_page_adds_one_and_ends_it_and_rules_are_kept_per_programme(
    login: Any, api: Any, set_today: Any
) -> None:
    set_today(DAY)
    page = login("coordinator")
    listed = page.get("/programmes").get_data(as_text=True)
    assert 'id="programme-REGULAR"' in listed and "every 10 days" in listed
    added = page.post(
        "/programmes",
        data={
            "code": "elderly",
            "name": "Medical vouchers",
            "name_uk": "Медичні ваучери",
            "rhythm": "month",
            "enrolment": "automatic",
            "min_age": "65",
        },
    )
    assert added.status_code == 302 and "/entitlements?programme=" in added.headers["Location"]
    shown = page.get("/programmes").get_data(as_text=True)
    assert 'id="programme-ELDERLY"' in shown and "once a month" in shown
    assert "households with a member aged 65 or more" in shown
    bad = page.post("/programmes", data={"code": "", "name": "", "rhythm": "days"})
    assert bad.status_code == 302
    assert "code" in page.get("/programmes").get_data(as_text=True)
    [elderly] = [
        p for p in api("coordinator").get("/api/v1/programmes").get_json() if p["code"] == "ELDERLY"
    ]
    assert elderly["names"]["uk"] == "Медичні ваучери" and elderly["criteria"] == {"min_age": 65}

    rules = page.get("/entitlements").get_data(as_text=True)
    assert "ELDERLY: Medical vouchers" in rules  # the rules page's programme picker
    end_url = shown.split('action="/programmes/')[1].split('"')[0]
    assert page.post(f"/programmes/{end_url}").status_code == 302
    after = {p["code"]: p for p in api("coordinator").get("/api/v1/programmes").get_json()}
    assert after["ELDERLY"]["ends_on"] == DAY.isoformat()
    set_today(date(2026, 3, 19))
    after = {p["code"]: p for p in api("coordinator").get("/api/v1/programmes").get_json()}
    assert after["ELDERLY"]["active"] is False


def test_a_coordinator_enrols_a_family_on_its_page_and_the_desk_shows_the_programme(
    login: Any, api: Any, set_today: Any, register: Any, stock_up: Any
) -> None:
    set_today(DAY)
    stock_up()
    from tests.programmes.test_api import SUPPORT

    assert api("coordinator").post("/api/v1/programmes", json=SUPPORT).status_code == 201
    family = register(member(single_parent=True), member(relationship="child", born="2019-01-01"))
    page = login("coordinator")
    shown = page.get(f"/households/{family['id']}").get_data(as_text=True)
    assert 'id="enrolments"' in shown and 'value="SUPPORT"' in shown
    enrolled = page.post(
        f"/households/{family['id']}/enrolments",
        data={
            "programme": "SUPPORT",
            "reason": "Social worker's assessment",
            "ends_on": "2026-09-30",
        },
    )
    assert enrolled.status_code == 302
    shown = page.get(f"/households/{family['id']}").get_data(as_text=True)
    assert "Social worker&#39;s assessment" in shown
    again = page.post(
        f"/households/{family['id']}/enrolments", data={"programme": "SUPPORT", "reason": "x"}
    )
    assert again.status_code == 302
    assert "already" in page.get(f"/households/{family['id']}").get_data(as_text=True)

    volunteer = login("volunteer")
    assert "Social worker" not in volunteer.get(f"/households/{family['id']}").get_data(
        as_text=True
    )
    desk = volunteer.post("/desk/check", data={"scan": family["card"]["qr"]})
    answer = desk.get_data(as_text=True)
    assert 'data-programme="SUPPORT"' in answer and 'value="SUPPORT:HYGIENE"' in answer
    key = answer.split('name="idempotency_key" value="')[1].split('"')[0]
    served = volunteer.post(
        "/desk/handover",
        data={
            "scan": family["card"]["qr"],
            "idempotency_key": key,
            "offered": ["REGULAR:FOOD", "REGULAR:HYGIENE", "SUPPORT:HYGIENE"],
            "take": ["REGULAR:FOOD", "SUPPORT:HYGIENE"],
        },
    ).get_data(as_text=True)
    assert "HANDED OVER" in served
    assert "no further visit" not in served and "next from" in served
    assert 'lang="uk"' in served
    daily = api("coordinator").get("/api/v1/reports/daily").get_json()
    regular = {
        i["sku"]: i for p in daily["programmes"] if p["code"] == "REGULAR" for i in p["items"]
    }
    assert regular["HYGIENE"]["declined"] == 1 and regular["HYGIENE"]["given"] == 0
    support = {
        i["sku"]: i for p in daily["programmes"] if p["code"] == "SUPPORT" for i in p["items"]
    }
    assert support["HYGIENE"]["given"] == 2


def test_the_demo_adds_the_issues_example_programmes_once(app: Any, api: Any) -> None:
    from app import context
    from app.demo import seed_demo
    from app.extensions import db

    with app.test_request_context():
        for seed in (1, 2):
            seed_demo(
                db.session, households=5, days=20, today=context.today(), card_key="k", seed=seed
            )
            db.session.commit()
    listed = {p["code"]: p for p in api("coordinator").get("/api/v1/programmes").get_json()}
    assert list(listed) == ["REGULAR", "CHILD", "MEDICAL", "SINGLE"]
    assert listed["SINGLE"]["enrolment"] == "manual" and listed["SINGLE"]["ends_on"]
    assert listed["CHILD"]["entitlements"][0]["sku"] == "CHILD-VOUCHER"
    with app.app_context():
        today = context.today()
    period = api("coordinator").get(
        "/api/v1/reports/programmes",
        query_string={"from": (today - timedelta(days=30)).isoformat(), "to": today.isoformat()},
    )
    regular = {p["code"]: p for p in period.get_json()}["REGULAR"]
    assert regular["households_served"] > 0


def test_a_programme_changed_on_its_page_and_in_the_api_keeps_past_handovers(
    login: Any, api: Any, set_today: Any, register: Any, stock_up: Any, app: Any
) -> None:
    from sqlalchemy import select

    from app.desk.models import HandoverBasis
    from app.extensions import db
    from tests.programmes.test_api import CHILD_VOUCHERS

    set_today(DAY)
    stock_up()
    coordinator = api("coordinator")
    assert coordinator.post("/api/v1/programmes", json=CHILD_VOUCHERS).status_code == 201
    family = register(member(), member(relationship="child", born="2019-01-01"))
    api("volunteer").post("/api/v1/distributions", json={"qr": family["card"]["qr"]})

    changed = coordinator.patch(
        "/api/v1/programmes/child", json={"interval_days": 20, "max_visits": 3}
    )
    assert changed.status_code == 200, changed.text
    body = changed.get_json()
    assert body["interval_days"] == 20 and "period" not in body and body["version"] == 2
    assert coordinator.patch("/api/v1/programmes/NOPE", json={}).status_code == 404
    assert coordinator.patch("/api/v1/programmes/CHILD", json={"max_visits": 0}).status_code == 422
    renamed = coordinator.patch("/api/v1/programmes/REGULAR", json={"name": "Food and hygiene"})
    assert renamed.get_json()["name"] == "Food and hygiene"
    assert renamed.get_json()["interval_days"] == 10 and renamed.get_json()["version"] == 1

    page = login("coordinator")
    listed = page.get("/programmes").get_data(as_text=True)
    edit_url = listed.split('href="/programmes/')[2].split('"')[0]
    form = page.get(f"/programmes/{edit_url}").get_data(as_text=True)
    assert 'value="CHILD" readonly' in form and 'value="20"' in form
    saved = page.post(
        f"/programmes/{edit_url}",
        data={
            "code": "CHILD",
            "name": "Vouchers for children",
            "rhythm": "month",
            "enrolment": "automatic",
            "under_age": "16",
        },
    )
    assert saved.status_code == 302
    after = {p["code"]: p for p in coordinator.get("/api/v1/programmes").get_json()}["CHILD"]
    assert after["period"] == "month" and after["criteria"] == {"under_age": 16}
    assert after["version"] == 3 and after["max_visits"] is None
    with app.app_context():
        versions = db.session.scalars(select(HandoverBasis.rule_version)).all()
        assert sorted(versions) == [1, 1]  # the past handover keeps the version it was given
