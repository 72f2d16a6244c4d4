"""The entitlement rules editor: a change shows at the next scan, past visits keep theirs."""

from __future__ import annotations

from typing import Any

from tests.conftest import member


def entitled(desk: Any, qr: str) -> dict[str, int]:
    body = desk.get(f"/api/v1/eligibility?qr={qr}").get_json()
    return {line["sku"]: line["quantity"] for line in body["entitlements"]}


def test_a_new_rule_shows_at_the_next_scan_and_a_retired_one_goes(
    login: Any, api: Any, register: Any, stock_up: Any
) -> None:
    stock_up()
    desk = api("volunteer")
    served = register()["card"]["qr"]
    assert desk.post("/api/v1/distributions", json={"qr": served}).status_code == 201
    qr = register(member(), member(born="1950-01-01", relationship="parent"))["card"]["qr"]
    assert entitled(desk, qr)["FOOD"] == 1
    client = login("coordinator")
    page = client.get("/entitlements").text
    assert "each household" in page and "each member aged 65 or more" in page
    client.post(
        "/entitlements", data={"sku": "FOOD", "per": "member", "quantity": "2", "min_age": "60"}
    )
    assert entitled(desk, qr)["FOOD"] == 3  # 1 per household + 2 for the member over 60
    client.post("/entitlements/1/retire")  # the food parcel per household
    assert entitled(desk, qr)["FOOD"] == 2
    visits = api("coordinator").get("/api/v1/reports/daily").get_json()
    assert {"FOOD": 1}.items() <= {i["sku"]: i["quantity"] for i in visits["items"]}.items()


def test_a_bad_rule_is_refused_with_a_message(login: Any) -> None:
    client = login("coordinator")
    answer = client.post(
        "/entitlements",
        data={"sku": "FOOD", "per": "household", "quantity": "0"},
        follow_redirects=True,
    )
    assert "quantity" in answer.text and "a whole number from 1 to 100" in answer.text
    assert (
        "per"
        in client.post(
            "/entitlements",
            data={"sku": "FOOD", "per": "household", "quantity": "1", "under_age": "5"},
            follow_redirects=True,
        ).text
    )


def test_only_a_coordinator_edits_rules(login: Any) -> None:
    assert login("stock_manager").get("/entitlements").status_code == 403
