"""Vouchers by serial: batches in, each serial handed over once, with the handover."""

from __future__ import annotations

from typing import Any

from tests.api.contract import Cases, assert_error, assert_validation, json_of
from tests.conftest import member

BATCHES = "/api/v1/voucher-batches"
DISTRIBUTIONS = "/api/v1/distributions"


def batch(storekeeper: Any, first: str, last: str, sku: str = "CHILD-VOUCHER") -> Any:
    body = {"sku": sku, "donor": "Save the Children", "first_serial": first, "last_serial": last}
    return storekeeper.post(BATCHES, json=body)


def stock(storekeeper: Any) -> dict[str, dict[str, Any]]:
    return {row["sku"]: row for row in json_of(storekeeper.get("/api/v1/stock"))}


def family_with_a_child(register: Any) -> str:
    head = member()
    child = member(given="Ivan", born="2019-05-01", relationship="child")
    return register(head, child)["card"]["qr"]


def test_a_batch_adds_its_count_to_stock_and_tracks_the_item_by_serial(
    storekeeper: Any,
) -> None:
    assert stock(storekeeper)["CHILD-VOUCHER"]["serial_tracked"] is False
    response = batch(storekeeper, "SA-000100", "sa-000199")
    assert response.status_code == 201, response.text
    body = json_of(response)
    assert (body["first_serial"], body["last_serial"], body["count"]) == (
        "SA-000100",
        "SA-000199",
        100,
    )
    row = stock(storekeeper)["CHILD-VOUCHER"]
    assert (row["on_hand"], row["serial_tracked"]) == (100, True)
    moves = json_of(storekeeper.get("/api/v1/stock/movements?sku=CHILD-VOUCHER"))
    assert [(m["kind"], m["quantity"]) for m in moves] == [("voucher_batch", 100)]


def test_plain_numbers_make_a_batch_too(storekeeper: Any) -> None:
    body = json_of(batch(storekeeper, "98", "101"))
    assert (body["first_serial"], body["last_serial"], body["count"]) == ("98", "101", 4)


def test_a_bad_range_answers_422_and_records_nothing(storekeeper: Any, saved: Any) -> None:
    before, cases = saved(), Cases()
    for first, last, field in [
        ("SA-000100", "SB-000199", "last_serial"),
        ("SA-000199", "SA-000100", "last_serial"),
        ("SA-000100", "SA-00199", "last_serial"),
        ("1", "20000", "last_serial"),
        ("SA-", "SA-10", "first_serial"),
        ("SA 100", "SA 110", "first_serial"),
        ("", "10", "first_serial"),
    ]:
        with cases.case(f"{first}..{last}"):
            assert_validation(batch(storekeeper, first, last), field)
    with cases.case("unknown sku"):
        assert_validation(batch(storekeeper, "1", "2", sku="CAVIAR"), "sku")
    cases.check()
    assert saved() == before


def test_a_batch_overlapping_a_known_one_answers_409_and_records_nothing(
    storekeeper: Any, saved: Any
) -> None:
    assert batch(storekeeper, "SA-000100", "SA-000199").status_code == 201
    before = saved()
    assert_error(batch(storekeeper, "SA-000190", "SA-000250"), 409, "serials_exist")
    assert saved() == before


def test_a_volunteer_cannot_record_a_batch(desk: Any) -> None:
    body = {"sku": "FOOD", "donor": "x", "first_serial": "1", "last_serial": "2"}
    assert_error(desk.post(BATCHES, json=body), 403)


def test_a_scanned_serial_is_handed_over_and_listed_with_the_item(
    storekeeper: Any, desk: Any, register: Any, stock_up: Any
) -> None:
    stock_up(FOOD=5)
    batch(storekeeper, "SA-000100", "SA-000199")
    qr = family_with_a_child(register)
    check = json_of(desk.get(f"/api/v1/eligibility?qr={qr}"))
    lines = {line["sku"]: line for line in check["entitlements"]}
    assert lines["CHILD-VOUCHER"]["serial_tracked"] is True
    assert "serial_tracked" not in lines["FOOD"]
    body = {"qr": qr, "vouchers": [{"sku": "CHILD-VOUCHER", "serial": "SA-000150"}]}
    response = desk.post(DISTRIBUTIONS, json=body)
    assert response.status_code == 201, response.text
    items = {i["sku"]: i for i in json_of(response)["items"]}
    assert items["CHILD-VOUCHER"] == {
        "sku": "CHILD-VOUCHER",
        "quantity": 1,
        "entitled": 1,
        "serials": ["SA-000150"],
    }
    assert set(items["FOOD"]) == {"sku", "quantity", "entitled"}  # unchanged for other items
    assert stock(storekeeper)["CHILD-VOUCHER"]["on_hand"] == 99


def test_an_entitled_serial_tracked_item_without_serials_is_not_given(
    storekeeper: Any, desk: Any, register: Any
) -> None:
    batch(storekeeper, "SA-000100", "SA-000199")
    response = desk.post(DISTRIBUTIONS, json={"qr": family_with_a_child(register)})
    assert response.status_code == 201, response.text
    body = json_of(response)
    assert "CHILD-VOUCHER" not in {i["sku"] for i in body["items"]}
    assert {"sku": "CHILD-VOUCHER", "entitled": 1, "given": 0} in body["short"]
    assert stock(storekeeper)["CHILD-VOUCHER"]["on_hand"] == 100


def test_a_bad_serial_answers_422_naming_it_and_records_nothing(
    storekeeper: Any, desk: Any, register: Any, saved: Any
) -> None:
    batch(storekeeper, "SA-000100", "SA-000199")
    batch(storekeeper, "MV-1", "MV-9", sku="MEDICAL-VOUCHER")
    given = family_with_a_child(register)
    first = {"qr": given, "vouchers": [{"sku": "CHILD-VOUCHER", "serial": "SA-000100"}]}
    assert desk.post(DISTRIBUTIONS, json=first).status_code == 201
    qr = family_with_a_child(register)
    before, cases = saved(), Cases()
    for name, vouchers, serial in [
        ("unknown", [("CHILD-VOUCHER", "SA-000999")], "SA-000999"),
        ("issued", [("CHILD-VOUCHER", "SA-000100")], "SA-000100"),
        ("other_item", [("CHILD-VOUCHER", "MV-3")], "MV-3"),
        ("not_due", [("MEDICAL-VOUCHER", "MV-3")], "MV-3"),
        ("too_many", [("CHILD-VOUCHER", "SA-000101"), ("CHILD-VOUCHER", "SA-000102")], "SA-000102"),
        ("twice", [("CHILD-VOUCHER", "SA-000101"), ("CHILD-VOUCHER", "SA-000101")], "SA-000101"),
    ]:
        with cases.case(name):
            body = {"qr": qr, "vouchers": [{"sku": s, "serial": v} for s, v in vouchers]}
            answer = assert_error(desk.post(DISTRIBUTIONS, json=body), 422, "voucher_invalid")
            assert answer["serial"] == serial
            assert serial in answer["message"]
    cases.check()
    assert saved() == before
    ok = {"qr": qr, "vouchers": [{"sku": "CHILD-VOUCHER", "serial": "SA-000101"}]}
    assert desk.post(DISTRIBUTIONS, json=ok).status_code == 201


def test_a_malformed_voucher_list_answers_422(desk: Any, register: Any) -> None:
    qr = family_with_a_child(register)
    cases = Cases()
    for name, vouchers in [
        ("object", {"sku": "CHILD-VOUCHER", "serial": "1"}),
        ("no_serial", [{"sku": "CHILD-VOUCHER"}]),
        ("number_serial", [{"sku": "CHILD-VOUCHER", "serial": 5}]),
    ]:
        with cases.case(name):
            assert_validation(desk.post(DISTRIBUTIONS, json={"qr": qr, "vouchers": vouchers}))
    cases.check()
