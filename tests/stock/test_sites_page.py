"""Sites from the pages: a coordinator adds a site and renames it; the Transfers page leads
there when there is no other site to send to."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.sites.models import Site


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
