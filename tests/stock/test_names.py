"""Item and site names in each interface language, with the English name as the fallback."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask_migrate import upgrade
from sqlalchemy import MetaData, select

from app import create_app
from app.errors import ValidationFailed
from app.extensions import db
from app.names import name_in
from app.sites.models import Site
from app.sites.services import rename_site
from app.stock.catalog import rename_item
from app.stock.models import Item
from tests.test_upgrade import _insert

UK = {"Accept-Language": "uk"}
RO = {"Accept-Language": "ro"}


def test_a_name_falls_back_to_the_default_in_a_language_without_one() -> None:
    names = {"uk": "Продуктовий набір"}
    assert name_in("Food parcel", names, "uk") == "Продуктовий набір"
    assert name_in("Food parcel", names, "uk_UA") == "Продуктовий набір"
    assert name_in("Food parcel", names, "ro") == "Food parcel"
    assert name_in("Food parcel", None, None) == "Food parcel"


def test_renaming_keeps_the_languages_left_out_and_an_empty_one_falls_back(session: Any) -> None:
    item = session.scalar(select(Item).where(Item.sku == "FOOD"))
    rename_item(session, item, {"uk": "Набір продуктів"})
    assert item.names == {"ro": "Pachet alimentar", "uk": "Набір продуктів"}
    rename_item(session, item, {"en": "Food box", "ro": ""})
    assert (item.name, item.names) == ("Food box", {"uk": "Набір продуктів"})
    assert item.name_in("ro") == "Food box"


@pytest.mark.parametrize(
    "names", [{"en": ""}, {"de": "Lebensmittel"}, {"uk": "x" * 101}, {"ro": "a\x07b"}]
)
def test_a_bad_name_is_refused_and_nothing_changes(session: Any, names: dict[str, str]) -> None:
    site = session.scalar(select(Site).where(Site.code == "MAIN"))
    with pytest.raises(ValidationFailed) as refused:
        rename_site(session, site, names)
    assert all(path.startswith("names.") for path in refused.value.fields)
    assert site.name == "Main distribution point"


def test_the_starting_catalog_ships_english_romanian_and_ukrainian(session: Any) -> None:
    for thing in [*session.scalars(select(Item)), *session.scalars(select(Site))]:
        assert set(thing.names) == {"ro", "uk"}, thing.name
        assert thing.name_in("uk") != thing.name and thing.name_in("ro") != thing.name


def test_a_ukrainian_desk_reads_the_items_and_the_last_site_in_ukrainian(
    login: Any, register: Any, stock_up: Any, set_today: Any
) -> None:
    stock_up(FOOD=5, HYGIENE=5)
    household = register()
    client = login("volunteer")
    set_today(date(2026, 3, 1))
    answer = client.post("/desk/check", data={"scan": household["card"]["qr"]}, headers=UK)
    assert "1 × Продуктовий набір" in answer.text and "1 × Гігієнічний набір" in answer.text
    assert "Food parcel" not in answer.text
    done = client.post("/desk/handover", data={"scan": household["card"]["qr"]}, headers=RO)
    assert "1 × Pachet alimentar" in done.text
    set_today(date(2026, 3, 4))
    later = client.post("/desk/check", data={"scan": household["card"]["qr"]}, headers=UK)
    assert 'data-state="not_yet"' in later.text
    assert "Головний пункт видачі" in later.text and "Main distribution point" not in later.text


def test_names_saved_on_the_catalog_page_are_what_the_desk_reads(
    login: Any, register: Any, stock_up: Any
) -> None:
    stock_up(FOOD=5)
    client = login("stock_manager")
    saved = client.post(
        "/stock/items/FOOD/names",
        data={"name": "Food parcel", "name_ro": "Colet alimentar", "name_uk": ""},
    )
    assert saved.status_code == 302
    catalog = client.get("/stock/items").text
    assert 'value="Colet alimentar"' in catalog
    household = register()
    desk = login("volunteer")
    answer = desk.post("/desk/check", data={"scan": household["card"]["qr"]}, headers=RO)
    assert "1 × Colet alimentar" in answer.text
    # No Ukrainian name any more: the English one, not an empty line.
    answer = desk.post("/desk/check", data={"scan": household["card"]["qr"]}, headers=UK)
    assert "1 × Food parcel" in answer.text


def test_the_api_gives_and_takes_names_per_language(api: Any) -> None:
    storekeeper, coordinator = api("stock_manager"), api("coordinator")
    made = storekeeper.post(
        "/api/v1/items",
        json={"sku": "RICE", "name": "Rice 1 kg", "category": "food", "names": {"uk": "Рис"}},
    )
    assert made.status_code == 201, made.text
    assert made.get_json()["names"] == {"en": "Rice 1 kg", "ro": "Rice 1 kg", "uk": "Рис"}
    renamed = storekeeper.patch("/api/v1/items/rice/names", json={"names": {"ro": "Orez"}})
    assert renamed.status_code == 200, renamed.text
    assert renamed.get_json()["names"] == {"en": "Rice 1 kg", "ro": "Orez", "uk": "Рис"}
    row = next(r for r in storekeeper.get("/api/v1/stock").get_json() if r["sku"] == "RICE")
    assert row["name"] == "Rice 1 kg" and row["names"]["ro"] == "Orez"

    bad = storekeeper.patch("/api/v1/items/RICE/names", json={"names": {"en": ""}})
    assert bad.status_code == 422 and "names.en" in bad.text
    assert storekeeper.patch("/api/v1/items/NOPE/names", json={"names": {}}).status_code == 422

    site = coordinator.post(
        "/api/v1/sites",
        json={"code": "WH", "name": "Warehouse", "kind": "warehouse", "names": {"ro": "Depozit"}},
    )
    assert site.status_code == 201, site.text
    moved = coordinator.patch(
        "/api/v1/sites/WH/names", json={"names": {"en": "North warehouse", "uk": "Склад"}}
    )
    assert moved.status_code == 200, moved.text
    listed = {s["code"]: s for s in coordinator.get("/api/v1/sites").get_json()}
    assert listed["WH"]["name"] == "North warehouse"
    assert listed["WH"]["names"] == {"en": "North warehouse", "ro": "Depozit", "uk": "Склад"}
    assert storekeeper.patch("/api/v1/sites/WH/names", json={"names": {}}).status_code == 403


def test_migration_0017_names_the_starting_catalog_and_leaves_renamed_items_alone(
    database_url: str,
) -> None:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "CARD_KEY": "test-card-key",
            "SQLALCHEMY_DATABASE_URI": database_url,
        }
    )
    at = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
    with app.app_context():
        upgrade(revision="0012")
        with db.engine.begin() as conn:
            tables = MetaData()
            tables.reflect(conn)
            _insert(
                conn,
                tables,
                "sites",
                code="MAIN",
                name="Main distribution point",
                kind="distribution",
            )
            for sku, name in (("FOOD", "Food parcel"), ("HYGIENE", "Soap and towels")):
                _insert(conn, tables, "items", sku=sku, name=name, category="food", created_at=at)
        upgrade(revision="0017")
        food, hygiene = (
            db.session.scalar(select(Item).where(Item.sku == sku)) for sku in ("FOOD", "HYGIENE")
        )
        assert food.name_in("uk") == "Продуктовий набір"
        assert hygiene.names == {} and hygiene.name_in("uk") == "Soap and towels"
        main = db.session.scalar(select(Site))
        assert main.name_in("ro") == "Punctul principal de distribuire"
        db.session.remove()
        db.engine.dispose()


def test_the_stock_page_names_items_and_sites_in_the_readers_language(login: Any) -> None:
    page = login("stock_manager").get("/stock", headers=UK).text
    assert "<td>Продуктовий набір</td>" in page
    assert '<option selected value="MAIN">Головний пункт видачі</option>' in page
    assert "Food parcel" not in page.split('<table class="stock">')[1].split("</table>")[0]


def test_the_household_page_names_what_it_receives_in_the_readers_language(
    login: Any, register: Any
) -> None:
    household = register()
    page = login("volunteer").get(f"/households/{household['id']}", headers=UK).text
    assert "Продуктовий набір × 1" in page and "Food parcel" not in page


def test_every_page_links_the_projects_own_favicon(client: Any) -> None:
    page = client.get("/login").text
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    with client.get("/static/favicon.svg") as icon:
        assert icon.status_code == 200 and icon.data.startswith(b"<svg")


def test_item_settings_sent_without_the_name_fields_keep_the_names(login: Any, api: Any) -> None:
    client = login("stock_manager")
    saved = client.post(
        "/stock/items/HYGIENE/settings",
        data={"name": "Hygiene kit", "category": "hygiene", "unit": "kit", "minimum": "5"},
    )
    assert saved.status_code == 302
    client.post(
        "/stock/items/HYGIENE/settings",
        data={"name": "Hygiene kit", "category": "hygiene", "unit": "kit", "name_ro": ""},
    )
    row = next(
        r for r in api("stock_manager").get("/api/v1/stock").get_json() if r["sku"] == "HYGIENE"
    )
    assert row["names"] == {"en": "Hygiene kit", "ro": "Hygiene kit", "uk": "Гігієнічний набір"}
