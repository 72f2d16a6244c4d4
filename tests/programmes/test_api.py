"""Programmes through the API (issue 17): the list and a new one, enrolments, the desk's one
scan over every programme, and each handover's basis."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from app.desk.models import DistributionLine, HandoverBasis
from app.extensions import db
from app.programmes.models import ProgrammeVisit
from tests.conftest import member

DAY = date(2026, 3, 18)

CHILD_VOUCHERS = {
    "code": "child",
    "name": "Child vouchers",
    "names": {"ro": "Vouchere pentru copii", "uk": "Ваучери на дітей"},
    "period": "month",
    "criteria": {"under_age": 18},
    "entitlements": [{"sku": "CHILD-VOUCHER", "per": "member", "quantity": 1, "under_age": 18}],
}
SUPPORT = {
    "code": "SUPPORT",
    "name": "Single-parent support",
    "interval_days": 30,
    "max_visits": 2,
    "enrolment": "manual",
    "entitlements": [{"sku": "HYGIENE", "per": "household", "quantity": 2}],
}


@pytest.fixture
def family(register: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    """A mother and her child: in the starting programme and in child vouchers."""
    return register(
        member(given="Olena"), member(given="Dmytro", relationship="child", born="2018-04-01")
    )


@pytest.fixture
def center(api: Any, stock_up: Any, set_today: Any) -> Any:
    set_today(DAY)
    stock_up()
    coordinator = api("coordinator")
    for body in (CHILD_VOUCHERS, SUPPORT):
        made = coordinator.post("/api/v1/programmes", json=body)
        assert made.status_code == 201, made.text
    return coordinator


def test_a_new_install_has_one_programme_that_behaves_as_before(api: Any) -> None:
    listed = api("volunteer").get("/api/v1/programmes").get_json()
    assert [p["code"] for p in listed] == ["REGULAR"]
    regular = listed[0]
    assert regular["interval_days"] == 10 and "period" not in regular
    assert regular["enrolment"] == "automatic" and regular["criteria"] == {}
    assert regular["active"] and regular["starting"]
    assert {e["sku"] for e in regular["entitlements"]} == {
        "FOOD",
        "HYGIENE",
        "BABY",
        "CHILD-VOUCHER",
        "MEDICAL-VOUCHER",
    }
    assert regular["names"]["uk"] == "Звичайна видача"


def test_a_coordinator_adds_a_programme_with_its_rules(center: Any) -> None:
    listed = {p["code"]: p for p in center.get("/api/v1/programmes").get_json()}
    child = listed["CHILD"]
    assert child["period"] == "month" and "interval_days" not in child
    assert child["criteria"] == {"under_age": 18}
    assert child["entitlements"] == [
        {"sku": "CHILD-VOUCHER", "per": "member", "quantity": 1, "under_age": 18}
    ]
    assert child["names"] == {
        "en": "Child vouchers",
        "ro": "Vouchere pentru copii",
        "uk": "Ваучери на дітей",
    }
    assert child["version"] == 1
    assert listed["SUPPORT"]["max_visits"] == 2 and listed["SUPPORT"]["enrolment"] == "manual"


def test_a_duplicate_code_is_409_and_bad_input_is_422_with_fields_and_nothing_kept(
    center: Any, api: Any
) -> None:
    again = center.post("/api/v1/programmes", json=CHILD_VOUCHERS)
    assert again.status_code == 409 and again.get_json()["error"] == "duplicate_code"
    both = center.post(
        "/api/v1/programmes",
        json={"code": "X1", "name": "X", "interval_days": 5, "period": "week"},
    )
    assert both.status_code == 422 and "interval_days" in both.get_json()["fields"]
    bad_rule = center.post(
        "/api/v1/programmes",
        json={
            "code": "X2",
            "name": "X",
            "interval_days": 5,
            "entitlements": [{"sku": "NOPE", "per": "household", "quantity": 1}],
        },
    )
    assert bad_rule.status_code == 422
    assert "entitlements.0.sku" in bad_rule.get_json()["fields"]
    manual_with_criteria = center.post(
        "/api/v1/programmes",
        json={
            "code": "X3",
            "name": "X",
            "period": "month",
            "enrolment": "manual",
            "criteria": {"min_age": 65},
        },
    )
    assert manual_with_criteria.status_code == 422
    for hostile in ({"code": "a b", "name": "x", "interval_days": 1}, [], {"code": "Z" * 500}):
        assert center.post("/api/v1/programmes", json=hostile).status_code == 422
    codes = [p["code"] for p in center.get("/api/v1/programmes").get_json()]
    assert codes == ["REGULAR", "CHILD", "SUPPORT"]
    assert api("volunteer").post("/api/v1/programmes", json=SUPPORT).status_code == 403


def test_one_scan_lists_every_programme_and_one_handover_serves_all_due(
    center: Any, family: dict[str, Any], api: Any, set_today: Any, app: Any
) -> None:
    desk = api("volunteer")
    qr = family["card"]["qr"]
    checked = desk.get("/api/v1/eligibility", query_string={"qr": qr}).get_json()
    assert checked["eligible"] is True  # the starting programme, as before
    standing = {p["code"]: p for p in checked["programmes"]}
    assert set(standing) == {"REGULAR", "CHILD"}  # not enrolled in SUPPORT
    assert standing["CHILD"]["eligible"] is True
    assert standing["CHILD"]["entitlements"] == [
        {"sku": "CHILD-VOUCHER", "quantity": 1, "available": True}
    ]

    served = desk.post("/api/v1/distributions", json={"qr": qr})
    assert served.status_code == 201, served.text
    body = served.get_json()
    by_sku = {i["sku"]: i for i in body["items"]}
    # One voucher from the starting programme's rules and one from CHILD: two in all.
    assert by_sku["CHILD-VOUCHER"]["quantity"] == 2
    programmes = {p["code"]: p for p in body["programmes"]}
    assert programmes["REGULAR"]["next_eligible_on"] == "2026-03-28"
    assert programmes["CHILD"]["served"] and programmes["CHILD"]["next_eligible_on"] == "2026-04-01"
    assert body["next_eligible_on"] == "2026-03-28"

    with app.app_context():
        bases = db.session.scalars(select(HandoverBasis)).all()
        assert sorted(b.rule_version for b in bases) == [1, 1]
        assert all(b.composition == {"18-59": 1, "5-11": 1} for b in bases)
        lines = db.session.scalars(select(DistributionLine)).all()
        assert {line.programme_id for line in lines} == {b.programme_id for b in bases}

    # Ten days on, still March: the starting programme is due, CHILD is not.
    set_today(date(2026, 3, 28))
    again = desk.post("/api/v1/distributions", json={"qr": qr}).get_json()
    later = {p["code"]: p for p in again["programmes"]}
    assert later["REGULAR"]["served"] and not later["CHILD"]["served"]
    assert later["CHILD"]["next_eligible_on"] == "2026-04-01"
    assert {i["sku"]: i["quantity"] for i in again["items"]}["CHILD-VOUCHER"] == 1

    # 1 April: CHILD is due, the starting programme is not: ELIGIBLE for CHILD alone.
    set_today(date(2026, 4, 1))
    checked = desk.get("/api/v1/eligibility", query_string={"qr": qr}).get_json()
    assert checked["eligible"] is False  # the top-level fields: the starting programme
    assert {p["code"]: p["eligible"] for p in checked["programmes"]} == {
        "REGULAR": False,
        "CHILD": True,
    }
    only_child = desk.post("/api/v1/distributions", json={"qr": qr})
    assert only_child.status_code == 201
    assert [(i["sku"], i["quantity"]) for i in only_child.get_json()["items"]] == [
        ("CHILD-VOUCHER", 1)
    ]
    assert only_child.get_json()["next_eligible_on"] == "2026-04-07"
    refused = desk.post("/api/v1/distributions", json={"qr": qr})
    assert refused.status_code == 409 and refused.get_json()["error"] == "not_eligible"


def test_a_line_unticked_is_kept_as_declined_and_not_taken_from_stock(
    center: Any, family: dict[str, Any], api: Any, app: Any
) -> None:
    desk = api("volunteer")
    served = desk.post(
        "/api/v1/distributions",
        json={"qr": family["card"]["qr"], "skip": [{"programme": "child", "sku": "child-voucher"}]},
    ).get_json()
    child = {p["code"]: p for p in served["programmes"]}["CHILD"]
    assert child["served"] is False  # its only line was not taken: its window is not used
    assert {i["sku"]: i["quantity"] for i in served["items"]}["CHILD-VOUCHER"] == 1
    with app.app_context():
        assert db.session.scalars(select(ProgrammeVisit)).all() == []
    checked = desk.get("/api/v1/eligibility", query_string={"qr": family["card"]["qr"]})
    # Served today: the other programmes wait until tomorrow (one handover a day).
    child_now = {p["code"]: p for p in checked.get_json()["programmes"]}["CHILD"]
    assert child_now["eligible"] is False and child_now["next_eligible_on"] == "2026-03-19"


def test_enrolment_in_a_manual_programme_its_maximum_and_its_end(
    center: Any, family: dict[str, Any], api: Any, set_today: Any
) -> None:
    household = family["id"]
    enrolled = center.post(
        f"/api/v1/households/{household}/enrolments",
        json={
            "programme": "support",
            "reason": "Assessed by the social worker",
            "ends_on": "2026-09-30",
        },
    )
    assert enrolled.status_code == 201, enrolled.text
    answer = enrolled.get_json()
    assert answer["programme"] == "SUPPORT" and answer["starts_on"] == "2026-03-18"
    assert answer["ends_on"] == "2026-09-30"
    twice = center.post(
        f"/api/v1/households/{household}/enrolments",
        json={"programme": "SUPPORT", "reason": "again"},
    )
    assert twice.status_code == 409 and twice.get_json()["error"] == "already_enrolled"
    automatic = center.post(
        f"/api/v1/households/{household}/enrolments", json={"programme": "CHILD", "reason": "x"}
    )
    assert automatic.status_code == 422
    unknown = center.post(
        f"/api/v1/households/{household}/enrolments", json={"programme": "NOPE", "reason": "x"}
    )
    assert unknown.status_code == 422
    nobody = center.post(
        "/api/v1/households/999999/enrolments", json={"programme": "SUPPORT", "reason": "x"}
    )
    assert nobody.status_code == 404
    assert (
        api("volunteer")
        .post(
            f"/api/v1/households/{household}/enrolments",
            json={"programme": "SUPPORT", "reason": "x"},
        )
        .status_code
        == 403
    )

    desk = api("volunteer")
    qr = family["card"]["qr"]
    visits = []
    for day in (date(2026, 3, 18), date(2026, 4, 17), date(2026, 5, 17)):
        set_today(day)
        served = desk.post("/api/v1/distributions", json={"qr": qr}).get_json()
        visits.append({p["code"]: p for p in served["programmes"]}["SUPPORT"])
    assert [v["served"] for v in visits] == [True, True, False]  # at most two visits
    assert visits[0]["next_eligible_on"] == "2026-04-17"
    assert visits[1]["next_eligible_on"] is None  # the maximum reached

    ended = center.post(f"/api/v1/enrolments/{answer['id']}/end")
    assert ended.status_code == 200 and ended.get_json()["ended_on"] == "2026-05-17"
    assert center.post(f"/api/v1/enrolments/{answer['id']}/end").status_code == 404
    checked = desk.get("/api/v1/eligibility", query_string={"qr": qr}).get_json()
    assert "SUPPORT" not in {p["code"] for p in checked["programmes"]}
    again = center.post(
        f"/api/v1/households/{household}/enrolments",
        json={"programme": "SUPPORT", "reason": "A new assessment"},
    )
    assert again.status_code == 201


def test_a_rule_change_counts_in_the_programmes_version_and_past_handovers_keep_theirs(
    center: Any, family: dict[str, Any], api: Any, app: Any, login: Any
) -> None:
    api("volunteer").post("/api/v1/distributions", json={"qr": family["card"]["qr"]})
    with app.app_context():
        from app.programmes.services import find_programme

        child = find_programme(db.session, "CHILD")
        child_id = child.id
    page = login("coordinator")
    added = page.post(
        "/entitlements",
        data={
            "programme_id": str(child_id),
            "sku": "BABY",
            "per": "member",
            "quantity": "1",
            "under_age": "2",
        },
    )
    assert added.status_code == 302
    listed = {p["code"]: p for p in center.get("/api/v1/programmes").get_json()}
    assert listed["CHILD"]["version"] == 2
    assert len(listed["CHILD"]["entitlements"]) == 2
    with app.app_context():
        basis = db.session.scalars(
            select(HandoverBasis).where(HandoverBasis.programme_id == child_id)
        ).one()
        assert basis.rule_version == 1


def test_the_slip_gives_the_next_date_per_programme_in_the_familys_languages(
    center: Any, family: dict[str, Any], api: Any, set_today: Any
) -> None:
    from tests.cards.conftest import page_texts

    desk = api("volunteer")
    center.post(
        f"/api/v1/households/{family['id']}/enrolments",
        json={"programme": "SUPPORT", "reason": "assessed", "ends_on": "2026-04-10"},
    )
    served = desk.post("/api/v1/distributions", json={"qr": family["card"]["qr"]}).get_json()
    pdf = desk.get(f"/api/v1/distributions/{served['id']}/slip.pdf?paper=a6")
    assert pdf.status_code == 200
    text = " ".join(page_texts(pdf.data)).replace("\r", "").replace("\n", " ")
    assert "Ваучери на дітей" in text and "01.04.2026" in text
    assert "28.03.2026" in text  # the starting programme's next date
    # SUPPORT's next visit, in 30 days, would fall after the enrolment's end: none is promised.
    assert "17.04.2026" not in text
    assert "Single-parent support" in text  # its line says no further visit
    answer = {p["code"]: p for p in served["programmes"]}
    assert answer["SUPPORT"]["served"] and answer["SUPPORT"]["next_eligible_on"] is None
    assert "Olena" not in text


def test_the_door_lets_in_a_family_due_under_one_programme_only(
    center: Any, family: dict[str, Any], api: Any, set_today: Any
) -> None:
    desk = api("volunteer")
    qr = family["card"]["qr"]
    assert desk.post("/api/v1/distributions", json={"qr": qr}).status_code == 201
    set_today(date(2026, 3, 28))  # the starting programme again; CHILD waits for April
    assert desk.post("/api/v1/distributions", json={"qr": qr}).status_code == 201
    set_today(date(2026, 3, 30))  # nothing due: the door says when something is next
    refused = desk.post("/api/v1/queue/tickets", json={"qr": qr})
    assert refused.status_code == 409
    assert refused.get_json()["next_eligible_on"] == "2026-04-01"  # CHILD's, before 7 April
    set_today(date(2026, 4, 2))  # CHILD is due, the starting programme is not
    ticket = desk.post("/api/v1/queue/tickets", json={"qr": qr})
    assert ticket.status_code == 201, ticket.text


def test_served_today_under_one_programme_alone_the_family_is_not_served_twice(
    center: Any, family: dict[str, Any], api: Any
) -> None:
    desk = api("volunteer")
    qr = family["card"]["qr"]
    skip = [{"programme": "REGULAR", "sku": sku} for sku in ("FOOD", "HYGIENE", "CHILD-VOUCHER")]
    first = desk.post("/api/v1/distributions", json={"qr": qr, "skip": skip})
    assert first.status_code == 201
    served = {p["code"]: p["served"] for p in first.get_json()["programmes"]}
    assert served == {"REGULAR": False, "CHILD": True}
    checked = desk.get("/api/v1/eligibility", query_string={"qr": qr}).get_json()
    assert [p["eligible"] for p in checked["programmes"]] == [False, False]
    again = desk.post("/api/v1/distributions", json={"qr": qr})
    assert again.status_code == 409 and again.get_json()["error"] == "not_eligible"


def test_served_elsewhere_between_a_handovers_reads_and_its_writes_the_family_is_refused(
    center: Any, family: dict[str, Any], api: Any, app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Decision 0038: a handover reads the programmes before its writes (on SQLite apart from
    the write gate). Another desk serves the family under child vouchers alone in between:
    the claims read again once the writes begin say so, and this desk's handover is refused,
    not recorded as a second handover of the day (a 500 on the unique day)."""
    from app.desk import services

    desk, other = api("volunteer"), api("volunteer")
    qr = family["card"]["qr"]
    skip = [{"programme": "REGULAR", "sku": sku} for sku in ("FOOD", "HYGIENE", "CHILD-VOUCHER")]
    real = services.in_force
    meanwhile: list[Any] = []

    def other_desk_serves(reader: Any, today: date) -> Any:
        found = real(reader, today)
        if not meanwhile:
            monkeypatch.setattr(services, "in_force", real)
            meanwhile.append(other.post("/api/v1/distributions", json={"qr": qr, "skip": skip}))
        return found

    monkeypatch.setattr(services, "in_force", other_desk_serves)
    answer = desk.post("/api/v1/distributions", json={"qr": qr})
    assert meanwhile[0].status_code == 201
    assert answer.status_code == 409 and answer.get_json()["error"] == "not_eligible"
    with app.app_context():
        lines = db.session.scalars(select(DistributionLine.id)).all()
    assert len(lines) == len(meanwhile[0].get_json()["programmes"][1]["items"])


def test_hostile_names_and_reasons_are_refused_with_a_message(
    center: Any, family: dict[str, Any], login: Any
) -> None:
    bad = center.post(
        "/api/v1/programmes",
        json={"code": "H1", "name": "A\x00B", "interval_days": 3, "names": {"uk": "x\x1by"}},
    )
    assert bad.status_code == 422
    reason = center.post(
        f"/api/v1/households/{family['id']}/enrolments",
        json={"programme": "SUPPORT", "reason": "ok\x07"},
    )
    assert reason.status_code == 422
    page = login("coordinator")
    # A NUL in a form is refused by the app before any view (400, web.py).
    nul = {"code": "H2", "name": "x\x00", "rhythm": "days", "interval_days": "3"}
    assert page.post("/programmes", data=nul).status_code == 400
    for data in (
        {"code": "H2", "name": "x\x07", "rhythm": "days", "interval_days": "3"},
        {"code": "H3", "name": "x", "rhythm": "days", "interval_days": "9" * 400},
        {
            "code": "H4",
            "name": "x",
            "rhythm": "days",
            "interval_days": "3",
            "ends_on": "31.02.2026",
        },
    ):
        assert page.post("/programmes", data=data).status_code == 302
    codes = {p["code"] for p in center.get("/api/v1/programmes").get_json()}
    assert not codes & {"H1", "H2", "H3", "H4"}
    assert (
        page.post(
            f"/households/{family['id']}/enrolments",
            data={"programme": "SUPPORT", "reason": "x", "ends_on": "99.99.9999"},
        ).status_code
        == 302
    )
    assert page.post("/programmes/999999/edit", data={}).status_code == 404
