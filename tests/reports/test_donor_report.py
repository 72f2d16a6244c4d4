"""Donor accountability: given and handed over in a period; issued voucher serials."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

import openpyxl

from tests.conftest import member


def test_a_donor_report_shares_handovers_first_in_first_out_and_counts_serials(
    api: Any, login: Any, register: Any, set_today: Any
) -> None:
    storekeeper, desk = api("stock_manager"), api("volunteer")
    set_today(date(2026, 3, 2))
    storekeeper.post(
        "/api/v1/donations",
        json={"donor": "Lidl", "donor_kind": "company", "items": [{"sku": "FOOD", "quantity": 2}]},
    )
    set_today(date(2026, 3, 3))
    storekeeper.post(
        "/api/v1/donations", json={"donor": "Caritas", "items": [{"sku": "FOOD", "quantity": 5}]}
    )
    storekeeper.post(
        "/api/v1/voucher-batches",
        json={
            "sku": "CHILD-VOUCHER",
            "donor": "Caritas",
            "first_serial": "C-10",
            "last_serial": "C-19",
        },
    )
    set_today(date(2026, 3, 4))
    for n in range(3):
        qr = register(member(), member(born="2019-01-01", relationship="child"))["card"]["qr"]
        vouchers = [{"sku": "CHILD-VOUCHER", "serial": f"C-1{n}"}] if n < 2 else []
        assert (
            desk.post("/api/v1/distributions", json={"qr": qr, "vouchers": vouchers}).status_code
            == 201
        )
    donors = {d["name"]: d["id"] for d in storekeeper.get("/api/v1/donors").get_json()}
    client = login("stock_manager")
    page = " ".join(
        client.get(
            f"/stock/donors/{donors['Caritas']}/report?from=2026-03-01&to=2026-03-31"
        ).text.split()
    )
    # 3 food parcels handed over: Lidl's 2 first, then 1 of Caritas's 5.
    assert (
        '<td>FOOD</td><td>Food parcel</td><td class="figure">5</td><td class="figure">1</td>'
        in page
    )
    assert (
        "<td>CHILD-VOUCHER</td><td>Voucher for a child</td>"
        '<td class="figure">10</td><td class="figure">2</td>' in page
    )
    assert "C-10" in page and "C-11" in page and "C-12" not in page
    lidl = " ".join(
        client.get(
            f"/stock/donors/{donors['Lidl']}/report?from=2026-03-01&to=2026-03-31"
        ).text.split()
    )
    assert '<td class="figure">2</td><td class="figure">2</td>' in lidl
    earlier = client.get(
        f"/stock/donors/{donors['Caritas']}/report?from=2026-02-01&to=2026-02-28"
    ).text
    assert "Nothing given in this period." in earlier

    xlsx = client.get(
        f"/stock/donors/{donors['Caritas']}/report.xlsx?from=2026-03-01&to=2026-03-31"
    )
    assert xlsx.status_code == 200 and xlsx.mimetype.endswith("spreadsheetml.sheet")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    assert ("FOOD", "Food parcel", "piece", 5, 1) in rows
    assert any(r[:3] == ("Caritas", "CHILD-VOUCHER", "C-10") for r in rows)  # as in the CSV

    report = " ".join(
        client.get("/stock/vouchers?from=2026-03-04&to=2026-03-04&donor=Caritas").text.split()
    )
    assert "C-10" in report and "C-11" in report and "2 serials" in report
    none = client.get("/stock/vouchers?from=2026-03-05&to=2026-03-06").text
    assert "No serials issued in this period." in none

    # The same reports as files for the partners: CSV with a byte-order mark, and Excel.
    csv_file = client.get(
        f"/stock/donors/{donors['Caritas']}/report.csv?from=2026-03-01&to=2026-03-31"
    )
    assert csv_file.mimetype == "text/csv" and csv_file.data.startswith(b"\xef\xbb\xbf")
    lines = csv_file.data.decode("utf-8-sig").splitlines()
    assert "FOOD,Food parcel,piece,5,1" in lines
    assert any(line.startswith("Caritas,CHILD-VOUCHER,C-10,") for line in lines)
    serials = client.get("/stock/vouchers.xlsx?from=2026-03-04&to=2026-03-04&donor=Caritas")
    sheet = openpyxl.load_workbook(io.BytesIO(serials.data)).active
    rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    assert [r[:3] for r in rows[2:]] == [
        ("Caritas", "CHILD-VOUCHER", "C-10"),
        ("Caritas", "CHILD-VOUCHER", "C-11"),
    ]
    assert isinstance(rows[2][3], datetime)  # a real date, not text
    as_csv = client.get("/stock/vouchers.csv?from=2026-03-04&to=2026-03-04").data
    assert as_csv.decode("utf-8-sig").count("CHILD-VOUCHER,C-1") == 2
    assert client.get("/stock/vouchers.pdf").status_code == 404


def test_an_unknown_donor_is_404(login: Any) -> None:
    assert login("stock_manager").get("/stock/donors/99/report").status_code == 404
