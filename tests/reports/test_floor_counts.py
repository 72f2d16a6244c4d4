"""The day's workbook counts what the desk recorded beyond handovers: families served without
their card, and families told ELIGIBLE that were not served (with why)."""

import io

from openpyxl import load_workbook

from tests.conftest import member


def test_the_daily_workbook_counts_handovers_without_the_card_and_those_not_made(
    login, register
) -> None:  # type: ignore[no-untyped-def]
    forgot, left, missing = (
        register(member("Olena", "Koval")),
        register(member("Iryna", "Melnyk", born="1975-02-03")),
        register(member("Taras", "Bondar", born="1960-05-06", sex="M")),
    )
    desk = login("volunteer")
    found = desk.post(f"/desk/household/{forgot['id']}")
    assert 'data-state="eligible"' in found.text
    desk.post("/desk/handover", data={"household_id": str(forgot["id"])})
    desk.post("/desk/decline", data={"scan": left["card"]["qr"], "reason": "family_left"})
    desk.post("/desk/decline", data={"scan": missing["card"]["qr"], "reason": "item_missing"})
    download = login("coordinator").get("/reports/daily.xlsx")
    sheet = load_workbook(io.BytesIO(download.data)).active
    figures = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert figures["Households served"] == 1
    assert figures["Served without the card"] == 1
    assert figures["Not handed over: the family left"] == 1
    assert figures["Not handed over: an item was missing"] == 1
