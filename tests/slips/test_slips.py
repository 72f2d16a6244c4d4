"""The slip after a handover: the service, the PDF (read back), the API and the print page."""

from __future__ import annotations

from datetime import date

import pytest

from app.extensions import db
from app.sites.models import Site
from app.slips.reference import slip_reference
from app.slips.services import find_by_reference, slip_for
from app.stock.models import Item
from tests.cards.conftest import page_sizes_mm, page_texts
from tests.conftest import member


@pytest.fixture
def served(register, stock_up, api, set_today, app):  # type: ignore[no-untyped-def]
    """A family of a head and a baby, served on 1 March 2026 with its names in ro and uk."""
    with app.app_context():
        site = db.session.query(Site).one()
        site.names = {"ro": "Punctul principal", "uk": "Головний пункт"}
        for item in db.session.query(Item):
            if item.sku == "FOOD":
                item.names = {"ro": "Pachet alimentar", "uk": "Продуктовий набір"}
        db.session.commit()
    stock_up(FOOD=5)  # no baby packs in stock: the baby pack is not on the slip
    household = register(
        member(given="Oksana", family="Lysenko", doc="SLIP0001"),
        member("Ivan", born="2025-10-01", relationship="child", sex="M", doc="SLIP0002"),
    )
    set_today(date(2026, 3, 1))
    done = api("volunteer").post("/api/v1/distributions", json={"qr": household["card"]["qr"]})
    assert done.status_code == 201, done.text
    return {"household": household, "distribution": done.get_json()}


def test_the_slip_holds_the_site_the_items_the_next_date_and_the_reference(served, app) -> None:  # type: ignore[no-untyped-def]
    distribution_id = served["distribution"]["id"]
    with app.app_context():
        slip = slip_for(
            db.session,
            distribution_id,
            card_key="test-card-key",
            days=10,
            timezone="Europe/Bucharest",
        )
    assert slip.reference == slip_reference("test-card-key", distribution_id)
    assert slip.site_names["uk"] == "Головний пункт"
    assert [(i.name, i.quantity) for i in slip.items] == [("Food parcel", 1)]
    assert [v.on for v in slip.next_visits] == [date(2026, 3, 11)]
    assert slip.served_at.utcoffset() is not None and slip.served_at.hour == 12


@pytest.mark.parametrize(("paper", "width"), [("58", 58.0), ("80", 80.0)])
def test_the_slip_pdf_is_a_roll_of_the_paper_width_with_no_name_and_no_document(
    served, api, paper, width
) -> None:  # type: ignore[no-untyped-def]
    distribution_id = served["distribution"]["id"]
    response = api("volunteer").get(
        f"/api/v1/distributions/{distribution_id}/slip.pdf?paper={paper}"
    )
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    ((page_width, page_height),) = page_sizes_mm(response.data)
    assert page_width == width and 40 < page_height < 200
    (text,) = page_texts(response.data)
    flat = " ".join(text.split())
    assert slip_reference("test-card-key", distribution_id) in flat
    assert "Продуктовий набір" in flat and "Pachet alimentar" in flat
    assert "Головний пункт" in flat and "Punctul principal" in flat
    assert "01.03.2026" in flat and "11.03.2026" in flat
    assert "Ви можете прийти знову з 11.03.2026" in flat  # the family's lines, uk and ro
    for personal in (
        "Oksana",
        "Lysenko",
        "Ivan",
        "SLIP0001",
        "SLIP0002",
        served["household"]["card"]["number"],
    ):
        assert personal not in flat


def test_the_slip_pdf_in_a6_and_by_the_sites_setting(served, api, app) -> None:  # type: ignore[no-untyped-def]
    distribution_id = served["distribution"]["id"]
    desk = api("volunteer")
    a6 = desk.get(f"/api/v1/distributions/{distribution_id}/slip.pdf?paper=a6")
    assert page_sizes_mm(a6.data) == [(105.0, 148.0)]
    app.config["AID_SLIP_PAPER"] = "58"
    default = desk.get(f"/api/v1/distributions/{distribution_id}/slip.pdf")
    assert page_sizes_mm(default.data)[0][0] == 58.0


def test_the_slip_api_refuses_a_bad_paper_an_unknown_distribution_and_a_stock_manager(
    served, api
) -> None:  # type: ignore[no-untyped-def]
    distribution_id = served["distribution"]["id"]
    desk = api("volunteer")
    bad = desk.get(f"/api/v1/distributions/{distribution_id}/slip.pdf?paper=A0")
    assert bad.status_code == 422 and "paper" in bad.get_json()["fields"]
    huge = desk.get(f"/api/v1/distributions/{distribution_id}/slip.pdf?paper={'8' * 5000}")
    assert huge.status_code == 422
    missing = desk.get("/api/v1/distributions/999999/slip.pdf")
    assert missing.status_code == 404 and missing.get_json()["error"] == "not_found"
    assert desk.get("/api/v1/distributions/99999999999999/slip.pdf").status_code == 404
    assert (
        api("stock_manager").get(f"/api/v1/distributions/{distribution_id}/slip.pdf").status_code
        == 403
    )


def test_the_desks_answer_offers_the_slip_and_its_page_prints_at_the_chosen_width(
    login, register, stock_up
) -> None:  # type: ignore[no-untyped-def]
    stock_up(FOOD=5)
    household = register(member(given="Oksana", family="Lysenko", doc="SLIP0003"))
    desk = login("volunteer")
    done = desk.post("/desk/handover", data={"scan": household["card"]["qr"]})
    assert 'id="print-slip"' in done.text and 'target="_blank"' in done.text
    link = done.text.split('id="print-slip" href="')[1].split('"')[0].replace("&amp;", "&")
    page = desk.get(link)
    assert page.status_code == 200
    assert "slip-80.css" in page.text and 'data-print="1"' in page.text
    assert "Oksana" not in page.text and "SLIP0003" not in page.text
    assert household["card"]["number"] not in page.text
    narrow = desk.get(link.split("?")[0] + "?paper=58")
    assert "slip-58.css" in narrow.text and 'data-chosen="1"' in narrow.text
    odd = desk.get(link.split("?")[0] + "?paper=<script>")
    assert odd.status_code == 200 and "slip-80.css" in odd.text and "<script>" not in odd.text


def test_a_coordinator_finds_the_handover_behind_a_reference(served, login, app) -> None:  # type: ignore[no-untyped-def]
    distribution_id = served["distribution"]["id"]
    reference = slip_reference("test-card-key", distribution_id)
    coordinator = login("coordinator")
    found = coordinator.get("/slips", query_string={"ref": reference.lower()})
    assert found.status_code == 200 and "01.03.2026" in found.text
    assert f"/households/{served['household']['id']}" in found.text
    for wrong in ("ZZZZZ-ZZZZZ", "5901234123457", "x" * 5000):
        missing = coordinator.get("/slips", query_string={"ref": wrong})
        assert missing.status_code == 404 and "No slip has this reference" in missing.text
    with app.app_context():
        assert find_by_reference(db.session, reference, card_key="another-key") is None


def test_a_volunteer_may_not_look_up_references(served, login) -> None:  # type: ignore[no-untyped-def]
    assert login("volunteer").get("/slips", query_string={"ref": "ABCDE-FGHJK"}).status_code == 403


def test_a_handover_with_nothing_in_stock_gets_a_slip_that_says_so(register, api) -> None:  # type: ignore[no-untyped-def]
    household = register()  # no stock at all: the handover counts, nothing is given
    desk = api("volunteer")
    done = desk.post("/api/v1/distributions", json={"qr": household["card"]["qr"]})
    assert done.status_code == 201 and done.get_json()["items"] == []
    pdf = desk.get(f"/api/v1/distributions/{done.get_json()['id']}/slip.pdf")
    (text,) = page_texts(pdf.data)
    flat = " ".join(text.split())
    assert "Цього разу нічого не вдалося видати." in flat
    assert "De data aceasta nu s-a putut da nimic." in flat
