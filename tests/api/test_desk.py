"""The desk: eligibility, entitlements, the handover and the 10-day rule."""

from __future__ import annotations

import secrets
from base64 import b32encode
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

from tests.api.contract import Cases, assert_error, json_of, quantities, years_before
from tests.conftest import member

DISTRIBUTIONS = "/api/v1/distributions"
MARCH_1 = date(2026, 3, 1)
DAY = date(2026, 3, 15)
ADULT = years_before(DAY, 40)


def eligibility(desk: Any, qr: str) -> Any:
    return desk.get(f"/api/v1/eligibility?qr={quote(qr)}")


def entitled(response: Any) -> dict[str, int]:
    """What the answer lists, leaving out any line of nothing."""
    return {sku: n for sku, n in quantities(json_of(response)["entitlements"]).items() if n}


def random_qr() -> str:
    """A QR text of the cards' format (AD1- and 32 base32 characters) that no card holds."""
    return "AD1-" + b32encode(secrets.token_bytes(20)).decode()


def on_hand(storekeeper: Any) -> dict[str, int]:
    return {row["sku"]: row["on_hand"] for row in json_of(storekeeper.get("/api/v1/stock"))}


# --- Eligibility -----------------------------------------------------------------------------


def test_a_new_household_is_eligible_with_its_entitlements(desk: Any, register: Any) -> None:
    household = register()
    response = eligibility(desk, household["card"]["qr"])
    assert response.status_code == 200
    body = json_of(response)
    assert body["household_id"] == household["id"]
    assert body["eligible"] is True
    assert body["last_served_on"] is None
    assert body["next_eligible_on"] is None
    assert entitled(response) == {"FOOD": 1, "HYGIENE": 1}
    for line in body["entitlements"]:
        assert set(line) >= {"sku", "quantity", "available"}
        assert isinstance(line["available"], bool)


ONE_MORE_MEMBER: dict[str, tuple[dict[str, Any], dict[str, int]]] = {
    "adult": ({}, {}),
    "newborn_born_today": ({"born": DAY.isoformat()}, {"BABY": 1, "CHILD-VOUCHER": 1}),
    "baby_of_one": ({"born": years_before(DAY, 1)}, {"BABY": 1, "CHILD-VOUCHER": 1}),
    "a_day_short_of_two": (
        {"born": years_before(DAY, 2, days=1)},
        {"BABY": 1, "CHILD-VOUCHER": 1},
    ),
    "two_today": ({"born": years_before(DAY, 2)}, {"CHILD-VOUCHER": 1}),
    "seventeen": ({"born": years_before(DAY, 17)}, {"CHILD-VOUCHER": 1}),
    "a_day_short_of_eighteen": ({"born": years_before(DAY, 18, days=1)}, {"CHILD-VOUCHER": 1}),
    "eighteen_today": ({"born": years_before(DAY, 18)}, {}),
    "a_day_short_of_sixty_five": ({"born": years_before(DAY, 65, days=1)}, {}),
    "sixty_five_today": ({"born": years_before(DAY, 65)}, {"MEDICAL-VOUCHER": 1}),
    "ninety": ({"born": years_before(DAY, 90)}, {"MEDICAL-VOUCHER": 1}),
    "adult_with_disability": ({"disability": True}, {"MEDICAL-VOUCHER": 1}),
    "adult_with_chronic_disease": ({"chronic_disease": True}, {"MEDICAL-VOUCHER": 1}),
    "seventy_with_both_flags": (
        {"born": years_before(DAY, 70), "disability": True, "chronic_disease": True},
        {"MEDICAL-VOUCHER": 1},
    ),
    "child_with_disability": (
        {"born": years_before(DAY, 8), "disability": True},
        {"CHILD-VOUCHER": 1, "MEDICAL-VOUCHER": 1},
    ),
    "flags_set_false": ({"disability": False, "chronic_disease": False}, {}),
}


def test_entitlements_of_a_head_and_one_more_member(
    desk: Any, register: Any, set_today: Callable[[date], None]
) -> None:
    set_today(DAY)
    cases = Cases()
    for case, (fields, extra) in ONE_MORE_MEMBER.items():
        with cases.case(case):
            other = member(relationship="other", **{"born": ADULT} | fields)
            household = register(member(born=ADULT), other)
            found = entitled(eligibility(desk, household["card"]["qr"]))
            assert found == {"FOOD": 1, "HYGIENE": 1} | extra, found
    cases.check()


def test_entitlements_add_up_over_a_large_family(
    desk: Any, register: Any, set_today: Callable[[date], None]
) -> None:
    set_today(DAY)
    household = register(
        member(born=ADULT),
        member(relationship="spouse", born=years_before(DAY, 66)),
        member(relationship="child", born=years_before(DAY, 0, days=-30)),
        member(relationship="child", born=years_before(DAY, 1)),
        member(relationship="child", born=years_before(DAY, 10)),
        member(relationship="child", born=years_before(DAY, 17), chronic_disease=True),
        member(relationship="parent", born=years_before(DAY, 88), disability=True),
    )
    assert entitled(eligibility(desk, household["card"]["qr"])) == {
        "FOOD": 1,
        "HYGIENE": 1,
        "BABY": 2,
        "CHILD-VOUCHER": 4,
        "MEDICAL-VOUCHER": 3,
    }


def test_available_means_the_full_quantity_is_on_hand(
    desk: Any, register: Any, stock_up: Callable[..., None], set_today: Callable[[date], None]
) -> None:
    set_today(DAY)
    twins = years_before(DAY, 5)
    household = register(
        member(born=ADULT),
        member(relationship="child", born=twins),
        member(relationship="child", born=twins),
    )
    qr = household["card"]["qr"]

    def available() -> dict[str, bool]:
        lines = json_of(eligibility(desk, qr))["entitlements"]
        return {line["sku"]: line["available"] for line in lines if line["quantity"]}

    assert available() == {"FOOD": False, "HYGIENE": False, "CHILD-VOUCHER": False}
    stock_up(FOOD=1, CHILD_VOUCHER=1)
    assert available() == {"FOOD": True, "HYGIENE": False, "CHILD-VOUCHER": False}
    stock_up(CHILD_VOUCHER=1, HYGIENE=5)
    assert available() == {"FOOD": True, "HYGIENE": True, "CHILD-VOUCHER": True}


def test_checking_eligibility_changes_nothing(
    desk: Any,
    register: Any,
    stock_up: Callable[..., None],
    storekeeper: Any,
    saved: Callable[[], dict[str, int]],
) -> None:
    stock_up()
    household = register()
    qr = household["card"]["qr"]
    stock, before = on_hand(storekeeper), saved()
    for _ in range(3):
        assert json_of(eligibility(desk, qr))["eligible"] is True
    assert on_hand(storekeeper) == stock
    assert saved() == before
    assert desk.post(DISTRIBUTIONS, json={"qr": qr}).status_code == 201


def test_checking_a_refused_household_changes_no_stock_and_no_visit(
    desk: Any,
    register: Any,
    stock_up: Callable[..., None],
    storekeeper: Any,
    saved: Callable[[], dict[str, int]],
    set_today: Callable[[date], None],
) -> None:
    stock_up()
    set_today(MARCH_1)
    household = register()
    qr = household["card"]["qr"]
    assert desk.post(DISTRIBUTIONS, json={"qr": qr}).status_code == 201
    set_today(MARCH_1 + timedelta(days=4))
    stock, before = on_hand(storekeeper), saved()
    assert json_of(eligibility(desk, qr))["eligible"] is False
    assert saved() == before  # a check reads: not even the refusal is counted by it
    assert on_hand(storekeeper) == stock
    again = json_of(eligibility(desk, qr))
    assert (again["last_served_on"], again["next_eligible_on"]) == ("2026-03-01", "2026-03-11")


def test_a_refused_handover_answers_409_and_counts_the_refusal_once(
    desk: Any,
    register: Any,
    stock_up: Callable[..., None],
    storekeeper: Any,
    saved: Callable[[], dict[str, int]],
    set_today: Callable[[date], None],
) -> None:
    stock_up()
    set_today(MARCH_1)
    household = register()
    qr = household["card"]["qr"]
    assert desk.post(DISTRIBUTIONS, json={"qr": qr}).status_code == 201
    set_today(MARCH_1 + timedelta(days=4))
    stock, before = on_hand(storekeeper), saved()
    for _ in range(2):
        answer = desk.post(DISTRIBUTIONS, json={"qr": qr})
        assert answer.status_code == 409
        assert answer.get_json() == {
            "error": "not_eligible",
            "message": "This household was served within the interval.",
            "household_id": household["id"],
            "last_served_on": "2026-03-01",
            "next_eligible_on": "2026-03-11",
        }
    # The refusal is the one thing the refused handover keeps, once for the day.
    assert saved() == before | {"Refusal": before["Refusal"] + 1}
    assert on_hand(storekeeper) == stock


def test_an_unknown_card_of_the_right_format_answers_404(desk: Any, register: Any) -> None:
    register()
    assert_error(eligibility(desk, random_qr()), 404, "unknown_card")


def test_a_revoked_card_answers_410(desk: Any, register: Any) -> None:
    household = register()
    desk.post(f"/api/v1/households/{household['id']}/cards", json={"reason": "lost"})
    assert_error(eligibility(desk, household["card"]["qr"]), 410, "card_revoked")


# --- The handover ----------------------------------------------------------------------------


def test_a_handover_answers_201_with_the_items_and_the_next_date(
    desk: Any, register: Any, stock_up: Callable[..., None], set_today: Callable[[date], None]
) -> None:
    stock_up()
    set_today(MARCH_1)
    household = register(member(born="1990-01-01"), member(relationship="child", born="2025-06-01"))
    response = desk.post(DISTRIBUTIONS, json={"qr": household["card"]["qr"]})
    assert response.status_code == 201, response.text
    body = json_of(response)
    assert isinstance(body["id"], int)
    assert body["household_id"] == household["id"]
    assert body["served_on"] == "2026-03-01"
    assert body["next_eligible_on"] == "2026-03-11"
    assert quantities(body["items"]) == {
        "FOOD": 1,
        "HYGIENE": 1,
        "BABY": 1,
        "CHILD-VOUCHER": 1,
    }


def test_a_handover_takes_its_items_off_the_stock(
    desk: Any, register: Any, stock_up: Callable[..., None], storekeeper: Any
) -> None:
    stock_up()
    household = register(member(born="1950-01-01"))
    before = on_hand(storekeeper)
    assert desk.post(DISTRIBUTIONS, json={"qr": household["card"]["qr"]}).status_code == 201
    after = on_hand(storekeeper)
    assert {sku: before[sku] - after[sku] for sku in before if before[sku] != after[sku]} == {
        "FOOD": 1,
        "HYGIENE": 1,
        "MEDICAL-VOUCHER": 1,
    }


def test_a_handover_with_empty_shelves_never_drives_stock_below_zero(
    desk: Any, register: Any, storekeeper: Any
) -> None:
    household = register()
    response = desk.post(DISTRIBUTIONS, json={"qr": household["card"]["qr"]})
    assert response.status_code in (201, 409), response.text
    assert all(n >= 0 for n in on_hand(storekeeper).values())


def test_served_on_1_march_refused_through_10_march(
    desk: Any, register: Any, stock_up: Callable[..., None], set_today: Callable[[date], None]
) -> None:
    stock_up()
    set_today(MARCH_1)
    qr = register()["card"]["qr"]
    assert desk.post(DISTRIBUTIONS, json={"qr": qr}).status_code == 201
    for day in range(1, 11):
        set_today(date(2026, 3, day))
        check = json_of(eligibility(desk, qr))
        assert (check["eligible"], check["last_served_on"], check["next_eligible_on"]) == (
            False,
            "2026-03-01",
            "2026-03-11",
        ), day
        refused = assert_error(desk.post(DISTRIBUTIONS, json={"qr": qr}), 409, "not_eligible")
        assert (refused["last_served_on"], refused["next_eligible_on"]) == (
            "2026-03-01",
            "2026-03-11",
        ), day


def test_served_on_1_march_served_again_from_11_march(
    desk: Any, register: Any, stock_up: Callable[..., None], set_today: Callable[[date], None]
) -> None:
    stock_up()
    set_today(MARCH_1)
    qr = register()["card"]["qr"]
    assert desk.post(DISTRIBUTIONS, json={"qr": qr}).status_code == 201
    set_today(date(2026, 3, 11))
    check = json_of(eligibility(desk, qr))
    assert check["eligible"] is True
    assert check["last_served_on"] == "2026-03-01"
    response = desk.post(DISTRIBUTIONS, json={"qr": qr})
    assert response.status_code == 201, response.text
    assert json_of(response)["served_on"] == "2026-03-11"
    assert json_of(response)["next_eligible_on"] == "2026-03-21"


def test_the_interval_counts_calendar_days_across_the_end_of_february(
    desk: Any, register: Any, stock_up: Callable[..., None], set_today: Callable[[date], None]
) -> None:
    stock_up()
    set_today(date(2026, 2, 25))
    qr = register()["card"]["qr"]
    served = json_of(desk.post(DISTRIBUTIONS, json={"qr": qr}))
    assert served["next_eligible_on"] == "2026-03-07"
    set_today(date(2026, 3, 6))
    assert_error(desk.post(DISTRIBUTIONS, json={"qr": qr}), 409, "not_eligible")
    set_today(date(2026, 3, 7))
    assert desk.post(DISTRIBUTIONS, json={"qr": qr}).status_code == 201


def test_a_second_scan_the_same_day_answers_409_with_today_as_last_service(
    desk: Any, register: Any, stock_up: Callable[..., None], set_today: Callable[[date], None]
) -> None:
    stock_up()
    set_today(MARCH_1)
    qr = register()["card"]["qr"]
    assert desk.post(DISTRIBUTIONS, json={"qr": qr}).status_code == 201
    again = assert_error(desk.post(DISTRIBUTIONS, json={"qr": qr}), 409, "not_eligible")
    assert again["last_served_on"] == "2026-03-01"
    assert again["next_eligible_on"] == "2026-03-11"


def test_a_refused_handover_takes_nothing_off_the_stock(
    desk: Any, register: Any, stock_up: Callable[..., None], storekeeper: Any
) -> None:
    stock_up()
    qr = register()["card"]["qr"]
    assert desk.post(DISTRIBUTIONS, json={"qr": qr}).status_code == 201
    before = on_hand(storekeeper)
    assert_error(desk.post(DISTRIBUTIONS, json={"qr": qr}), 409, "not_eligible")
    assert on_hand(storekeeper) == before


def test_a_handover_on_an_unknown_card_answers_404_and_takes_nothing(
    desk: Any, register: Any, stock_up: Callable[..., None], storekeeper: Any
) -> None:
    stock_up()
    register()
    before = on_hand(storekeeper)
    assert_error(desk.post(DISTRIBUTIONS, json={"qr": random_qr()}), 404, "unknown_card")
    assert on_hand(storekeeper) == before


def test_a_handover_on_a_revoked_card_answers_410_and_takes_nothing(
    desk: Any, register: Any, stock_up: Callable[..., None], storekeeper: Any
) -> None:
    stock_up()
    household = register()
    desk.post(f"/api/v1/households/{household['id']}/cards", json={"reason": "stolen"})
    before = on_hand(storekeeper)
    response = desk.post(DISTRIBUTIONS, json={"qr": household["card"]["qr"]})
    assert_error(response, 410, "card_revoked")
    assert on_hand(storekeeper) == before


def test_the_new_card_serves_a_household_served_on_its_old_card_only_after_the_interval(
    desk: Any, register: Any, stock_up: Callable[..., None], set_today: Callable[[date], None]
) -> None:
    stock_up()
    set_today(MARCH_1)
    household = register()
    assert desk.post(DISTRIBUTIONS, json={"qr": household["card"]["qr"]}).status_code == 201
    new = json_of(desk.post(f"/api/v1/households/{household['id']}/cards", json={}))
    set_today(date(2026, 3, 5))
    assert_error(desk.post(DISTRIBUTIONS, json={"qr": new["qr"]}), 409, "not_eligible")
    set_today(date(2026, 3, 11))
    assert desk.post(DISTRIBUTIONS, json={"qr": new["qr"]}).status_code == 201


def test_the_card_number_works_as_the_qr_in_eligibility_and_handover(
    desk: Any, register: Any
) -> None:
    household = register()
    number = household["card"]["number"]
    typed = f"{number[:4]} {number[4:8]} {number[8:]}"
    check = desk.get(f"/api/v1/eligibility?card={quote(typed)}")
    assert check.status_code == 200 and check.get_json()["household_id"] == household["id"]
    served = desk.post("/api/v1/distributions", json={"card": number})
    assert served.status_code == 201 and served.get_json()["household_id"] == household["id"]
    again = desk.get(f"/api/v1/eligibility?card={number}").get_json()
    assert again["eligible"] is False and again["last_served_at"] is not None


def test_a_card_number_with_a_wrong_check_digit_answers_422_bad_card_number(
    desk: Any, register: Any
) -> None:
    number = register()["card"]["number"]
    typo = number[:-1] + str((int(number[-1]) + 1) % 10)
    assert_error(desk.get(f"/api/v1/eligibility?card={typo}"), 422, "bad_card_number")
    assert_error(desk.post("/api/v1/distributions", json={"card": typo}), 422, "bad_card_number")
    assert_error(
        desk.post("/api/v1/distributions", json={"card": "AD1-" + "A" * 32}), 422, "bad_card_number"
    )


def test_a_product_barcode_answers_422_not_a_card(desk: Any) -> None:
    assert_error(desk.get("/api/v1/eligibility?qr=5901234123457"), 422, "not_a_card")
    assert_error(
        desk.post("/api/v1/distributions", json={"qr": "https://x.org"}), 422, "not_a_card"
    )


def test_qr_and_card_together_or_neither_answer_422(desk: Any, register: Any) -> None:
    card = register()["card"]
    both = desk.post("/api/v1/distributions", json={"qr": card["qr"], "card": card["number"]})
    assert_error(both, 422, "validation")
    assert_error(desk.post("/api/v1/distributions", json={}), 422, "validation")
    assert_error(desk.get("/api/v1/eligibility"), 422, "validation")
