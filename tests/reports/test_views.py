import io

from openpyxl import load_workbook


def test_todays_counts_page_and_its_excel_file_agree(login, register, api) -> None:  # type: ignore[no-untyped-def]
    household = register()
    api("volunteer").post("/api/v1/distributions", json={"qr": household["card"]["qr"]})
    client = login("coordinator")
    page = client.get("/reports/today").text
    assert "Households served" in page
    download = client.get("/reports/daily.xlsx")
    assert download.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(download.data)).active
    figures = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert figures["Households served"] == 1
    assert figures["People served"] == 1
    assert figures["New households"] == 1
    assert "FOOD" not in figures  # nothing was in stock, so nothing was handed over


def test_a_bad_date_falls_back_to_today(login) -> None:  # type: ignore[no-untyped-def]
    assert login("coordinator").get("/reports/today?date=garbage").status_code == 200
