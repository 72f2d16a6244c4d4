"""Vouchers at the desk page: a field for the serials, a refused serial records nothing."""

from __future__ import annotations

from typing import Any

from tests.conftest import member


def serial_family(register: Any, api: Any) -> dict[str, Any]:
    body = {"sku": "CHILD-VOUCHER", "donor": "SC", "first_serial": "SA-01", "last_serial": "SA-20"}
    assert api("stock_manager").post("/api/v1/voucher-batches", json=body).status_code == 201
    return register(member(), member("Ivan", born="2019-10-01", relationship="child", sex="M"))


def test_a_serial_tracked_item_due_asks_for_the_serials(
    login: Any, register: Any, api: Any
) -> None:
    household = serial_family(register, api)
    answer = login("volunteer").post("/desk/check", data={"scan": household["card"]["qr"]})
    assert 'data-state="eligible"' in answer.text
    assert 'name="vouchers"' in answer.text and "scan each voucher" in answer.text


def test_no_field_for_serials_when_no_serial_tracked_item_is_due(login: Any, register: Any) -> None:
    answer = login("volunteer").post("/desk/check", data={"scan": register()["card"]["qr"]})
    assert 'data-state="eligible"' in answer.text and 'name="vouchers"' not in answer.text


def test_scanned_serials_are_handed_over_and_listed_on_the_household_page(
    login: Any, register: Any, api: Any
) -> None:
    household = serial_family(register, api)
    client = login("volunteer")
    done = client.post(
        "/desk/handover", data={"scan": household["card"]["qr"], "vouchers": "sa-07\n"}
    )
    assert 'data-state="served"' in done.text and "SA-07" in done.text
    page = client.get(f"/households/{household['id']}").text
    assert 'id="voucher-serials"' in page and "SA-07" in page


def test_a_refused_serial_keeps_the_household_eligible_and_says_which(
    login: Any, register: Any, api: Any
) -> None:
    household = serial_family(register, api)
    client = login("volunteer")
    refused = client.post(
        "/desk/handover", data={"scan": household["card"]["qr"], "vouchers": "SA-99"}
    )
    assert refused.status_code == 200  # the desk's answers are panels, like a card problem
    assert 'data-state="eligible"' in refused.text
    assert "SA-99" in refused.text and "Nothing was recorded." in refused.text
    again = client.post("/desk/check", data={"scan": household["card"]["qr"]})
    assert 'data-state="eligible"' in again.text


def test_without_serials_the_voucher_is_recorded_as_not_given(
    login: Any, register: Any, api: Any
) -> None:
    household = serial_family(register, api)
    done = login("volunteer").post("/desk/handover", data={"scan": household["card"]["qr"]})
    assert 'data-state="served"' in done.text and "no voucher scanned" in done.text
