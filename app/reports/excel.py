"""The day's counts as an .xlsx file: a label in one cell, its number in the cell to its right."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Font

from app.desk.models import AGE_BANDS
from app.reports.services import DailyCounts

SEX_LABELS = {"F": "Female", "M": "Male", "X": "Other"}


def daily_workbook(counts: DailyCounts, *, site: str, exported_at: datetime) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Daily report"
    bold = Font(bold=True)
    ws.append(["AidDesk daily report"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["Site", site])
    ws.append(["Date", counts.day])
    ws["B3"].number_format = "yyyy-mm-dd"
    ws.append(["Exported at", exported_at.replace(tzinfo=None)])
    ws["B4"].number_format = "yyyy-mm-dd hh:mm"
    ws.append([])
    for label, value in (
        ("Households served", counts.households_served),
        ("People served", counts.people_served),
        ("New households", counts.new_households),
        ("Households refused", counts.households_refused),
    ):
        ws.append([label, value])
    ws.append([])
    ws.append(["SKU", "Quantity"])
    for cell in ws[ws.max_row]:
        cell.font = bold
    for sku, quantity in counts.items:
        ws.append([sku, quantity])
    ws.append([])
    ws.append(["Sex", *AGE_BANDS, "Total"])
    for cell in ws[ws.max_row]:
        cell.font = bold
    for sex, row in counts.sex_age_table():
        ws.append([SEX_LABELS[sex], *row, sum(row)])
    ws.column_dimensions["A"].width = 22
    for column in "BCDEFG":
        ws.column_dimensions[column].width = 12
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
