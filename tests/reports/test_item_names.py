"""The day's counts name each item, not only its SKU: on the page, in the Excel and CSV files
in the reader's language, and in the API as an added field."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from tests.conftest import TZ

UK = {"Accept-Language": "uk"}


def serve_one(register: Any, api: Any, stock_up: Any) -> None:
    stock_up(FOOD=5, HYGIENE=5)
    household = register()
    served = api("volunteer").post("/api/v1/distributions", json={"qr": household["card"]["qr"]})
    assert served.status_code == 201, served.text


def test_the_days_page_and_excel_name_the_items_in_the_readers_language(
    login: Any, register: Any, api: Any, stock_up: Any
) -> None:
    serve_one(register, api, stock_up)
    client = login("coordinator")
    page = " ".join(client.get("/reports/today").text.split())
    assert '<td>Food parcel</td><td>FOOD</td><td class="num">1</td>' in page
    page = " ".join(client.get("/reports/today", headers=UK).text.split())
    assert "<td>Продуктовий набір</td><td>FOOD</td>" in page

    sheet = load_workbook(io.BytesIO(client.get("/reports/daily.xlsx", headers=UK).data)).active
    rows = {row[0]: row[1:] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert rows["FOOD"][:2] == (1, "Продуктовий набір")
    assert rows["HYGIENE"][:2] == (1, "Гігієнічний набір")


def test_the_daily_api_adds_each_items_name_and_keeps_its_fields(
    register: Any, api: Any, stock_up: Any
) -> None:
    serve_one(register, api, stock_up)
    daily = api("coordinator").get("/api/v1/reports/daily").get_json()
    food = next(line for line in daily["items"] if line["sku"] == "FOOD")
    assert food["quantity"] == 1 and food["name"] == "Food parcel"
    assert food["names"]["uk"] == "Продуктовий набір"


def test_the_period_workbook_has_an_items_sheet_with_their_names(
    register: Any, api: Any, stock_up: Any
) -> None:
    serve_one(register, api, stock_up)
    coordinator = api("coordinator")
    today = datetime.now(ZoneInfo(TZ)).date().isoformat()
    query = f"from={today}&to={today}"
    got = coordinator.get(f"/api/v1/reports/period?{query}").get_json()
    assert {"sku": "FOOD", "quantity": 1, "name": "Food parcel"} in got["items"]
    download = coordinator.client.get(
        f"/api/v1/reports/period.xlsx?{query}", headers={**coordinator.headers, **UK}
    )
    workbook = load_workbook(io.BytesIO(download.data))
    rows = [row for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)]
    assert ("FOOD", "Продуктовий набір", 1) in [row[:3] for row in rows]
