"""The day's counts as an .xlsx file: a label in one cell, its number in the cell to its right."""

from __future__ import annotations

import io
from datetime import datetime

from flask_babel import get_locale
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from app.desk.models import AGE_BANDS
from app.reports.exports import SEX_LABELS, TOTAL, Label, sheet_title
from app.reports.services import DailyCounts


def daily_workbook(counts: DailyCounts, *, site: Label, exported_at: datetime) -> bytes:
    """Its labels in the current language: the downloading user's, or the CLI's --lang."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title(_("Daily report"))
    bold = Font(bold=True)
    ws.append([_("AidDesk daily report")])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([_("Site"), str(site)])
    ws.append([_("Date"), counts.day])
    ws["B3"].number_format = "yyyy-mm-dd"
    ws.append([_("Exported at"), exported_at.replace(tzinfo=None)])
    ws["B4"].number_format = "yyyy-mm-dd hh:mm"
    ws.append([])
    for label, value in (
        (_("Households served"), counts.households_served),
        (_("People served"), counts.people_served),
        (_("New households"), counts.new_households),
        (_("Households refused"), counts.households_refused),
    ):
        ws.append([label, value])
    ws.append([])
    ws.append([_("SKU"), _("Quantity"), _("Item")])
    for cell in ws[ws.max_row]:
        cell.font = bold
    # The name after the quantity: a sheet that reads column B as the figure keeps working.
    for sku, name, quantity in counts.item_rows(str(get_locale())):
        ws.append([sku, quantity, name])
    ws.append([])
    ws.append([_("Sex"), *AGE_BANDS, str(TOTAL)])
    for cell in ws[ws.max_row]:
        cell.font = bold
    for sex, row in counts.sex_age_table():
        ws.append([str(SEX_LABELS[sex]), *row, sum(row)])
    ws.column_dimensions["A"].width = 22
    for column in "BCDEFG":
        ws.column_dimensions[column].width = 12
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
