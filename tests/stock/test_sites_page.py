"""Sites from the pages: a coordinator adds a site and renames it; the Transfers page leads
there when there is no other site to send to."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.stock.models import Site


def test_a_coordinator_adds_a_site_and_renames_it_on_the_page(login: Any, api: Any) -> None:
    client = login("coordinator")
    transfers = client.get("/stock/transfers").text
    assert "There is no other site to send to yet." in transfers and "/stock/sites" in transfers

    added = client.post(
        "/stock/sites",
        data={
            "code": "wh-north",
            "kind": "warehouse",
            "name": "North warehouse",
            "name_uk": "Склад",
        },
    )
    assert added.status_code == 302, added.text
    renamed = client.post(
        "/stock/sites/WH-NORTH/names",
        data={"name": "North depot", "name_ro": "Depozitul nord", "name_uk": "Склад"},
    )
    assert renamed.status_code == 302
    sites = {s["code"]: s for s in api("coordinator").get("/api/v1/sites").get_json()}
    site = sites["WH-NORTH"]
    assert (site["name"], site["kind"]) == ("North depot", "warehouse")
    assert site["names"] == {"en": "North depot", "ro": "Depozitul nord", "uk": "Склад"}
    page = client.get("/stock/transfers", headers={"Accept-Language": "ro"}).text
    assert '<option value="WH-NORTH">Depozitul nord</option>' in page


def test_a_bad_or_taken_site_code_is_refused_with_a_message(login: Any, session: Any) -> None:
    client = login("coordinator")
    bad = client.post("/stock/sites", data={"code": "no spaces", "kind": "warehouse", "name": "X"})
    assert bad.status_code == 422 and "1-20 letters" in bad.text
    taken = client.post("/stock/sites", data={"code": "MAIN", "kind": "warehouse", "name": "X"})
    assert taken.status_code == 422 and "The site code MAIN is taken." in taken.text
    assert len(session.scalars(select(Site)).all()) == 1


def test_a_stock_manager_reads_the_sites_but_does_not_add_them(login: Any) -> None:
    client = login("stock_manager")
    page = client.get("/stock/sites")
    assert page.status_code == 200 and "Main distribution point" in page.text
    assert "Add a site" not in page.text
    assert client.post("/stock/sites", data={"code": "X", "name": "X"}).status_code == 403


def test_units_missing_on_receipt_are_written_off_with_the_reason_given(
    login: Any, api: Any
) -> None:
    coordinator = api("coordinator")
    site = {"code": "P2", "name": "Point 2", "kind": "distribution"}
    assert coordinator.post("/api/v1/sites", json=site).status_code == 201
    given = {"donor": "WV", "items": [{"sku": "FOOD", "quantity": 10}]}
    assert coordinator.post("/api/v1/donations", json=given).status_code == 201
    sent = coordinator.post(
        "/api/v1/transfers", json={"sku": "FOOD", "quantity": 6, "to": "P2", "reason": "Monday"}
    ).get_json()

    client = login("stock_manager")
    answer = client.post(
        f"/stock/transfers/{sent['id']}/receipt",
        data={"received": "4", "missing_reason": "two boxes torn"},
        follow_redirects=True,
    )
    assert "2 missing, written off at this site with the reason given." in answer.text
    lost = coordinator.get("/api/v1/stock/movements?kind=adjustment").get_json()
    assert [(m["site"], m["quantity"], m["reason"]) for m in lost] == [
        ("P2", -2, f"missing on receipt of transfer {sent['id']}: two boxes torn")
    ]
    stock = {r["sku"]: r for r in coordinator.get("/api/v1/stock").get_json()}
    assert stock["FOOD"]["sites"] == {"MAIN": 4, "P2": 4}


def test_a_receipt_with_a_bad_reason_records_nothing(api: Any) -> None:
    coordinator = api("coordinator")
    site = {"code": "P2", "name": "Point 2", "kind": "distribution"}
    assert coordinator.post("/api/v1/sites", json=site).status_code == 201
    given = {"donor": "WV", "items": [{"sku": "FOOD", "quantity": 10}]}
    assert coordinator.post("/api/v1/donations", json=given).status_code == 201
    sent = coordinator.post(
        "/api/v1/transfers", json={"sku": "FOOD", "quantity": 6, "to": "P2", "reason": "Monday"}
    ).get_json()
    receipt = f"/api/v1/transfers/{sent['id']}/receipt"
    refused = coordinator.post(receipt, json={"received": 4, "missing_reason": "x" * 151})
    assert refused.status_code == 422
    assert coordinator.post(receipt, json={"received": 4}).status_code == 200
