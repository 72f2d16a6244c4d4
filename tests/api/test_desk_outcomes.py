"""The API's additions for the floor: a handover without the card, and a handover declined
with its reason; both counted in the day's report. The existing fields stay as they were."""

from __future__ import annotations

from typing import Any

from tests.api.contract import assert_error, assert_validation, json_of

DISTRIBUTIONS = "/api/v1/distributions"
DECLINED = "/api/v1/distributions/declined"


def test_a_household_found_by_name_is_checked_and_served_without_its_card(
    desk: Any, coordinator: Any, register: Any
) -> None:
    household = register()
    check = json_of(desk.get(f"/api/v1/eligibility?household_id={household['id']}"))
    assert check["household_id"] == household["id"] and check["eligible"] is True
    served = desk.post(DISTRIBUTIONS, json={"household_id": household["id"]})
    assert served.status_code == 201
    body = json_of(served)
    assert body["household_id"] == household["id"] and body["without_card"] is True
    assert {"id", "served_on", "items", "short", "next_eligible_on"} <= set(body)
    by_card = desk.post(DISTRIBUTIONS, json={"qr": register()["card"]["qr"]})
    assert json_of(by_card)["without_card"] is False
    daily = json_of(coordinator.get("/api/v1/reports/daily"))
    assert daily["served_without_card"] == 1 and daily["households_served"] == 2


def test_a_declined_handover_is_recorded_with_its_reason_and_counted(
    desk: Any, coordinator: Any, register: Any
) -> None:
    household = register()
    answer = desk.post(DECLINED, json={"qr": household["card"]["qr"], "reason": "item_missing"})
    assert answer.status_code == 201
    assert json_of(answer) == {
        "household_id": household["id"],
        "declined_on": json_of(answer)["declined_on"],
        "reason": "item_missing",
        "recorded": True,
    }
    daily = json_of(coordinator.get("/api/v1/reports/daily"))
    assert daily["households_declined"] == {"family_left": 0, "item_missing": 1}
    # Still eligible: nothing was handed over.
    assert json_of(desk.get(f"/api/v1/eligibility?qr={household['card']['qr']}"))["eligible"]


def test_a_family_served_today_is_not_declined(desk: Any, register: Any) -> None:
    household = register()
    desk.post(DISTRIBUTIONS, json={"qr": household["card"]["qr"]})
    answer = desk.post(DECLINED, json={"qr": household["card"]["qr"], "reason": "family_left"})
    assert answer.status_code == 201 and json_of(answer)["recorded"] is False


def test_bad_targets_and_reasons_are_refused_with_a_message(desk: Any, register: Any) -> None:
    household = register()
    qr = household["card"]["qr"]
    assert_validation(desk.post(DECLINED, json={"qr": qr, "reason": "bored"}), "reason")
    assert_validation(desk.post(DECLINED, json={"qr": qr}), "reason")
    both = {"qr": qr, "household_id": household["id"], "reason": "family_left"}
    assert_validation(desk.post(DECLINED, json=both), "qr")
    assert_validation(desk.post(DISTRIBUTIONS, json={"household_id": 0}), "household_id")
    missing = desk.post(DISTRIBUTIONS, json={"household_id": 999_999})
    assert_error(missing, 404, "not_found")
    assert_error(desk.get("/api/v1/eligibility?household_id=999999"), 404, "not_found")
