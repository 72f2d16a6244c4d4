"""Reading a register file for import (households.imports): a .csv or .xlsx as a header
and rows of text, and a first guess of which column holds which field."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from app.errors import ValidationFailed

MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_ROWS = 20_000
MAX_CELL = 200

FIELDS = (
    "household",
    "relationship",
    "given_name",
    "family_name",
    "given_name_native",
    "family_name_native",
    "birth_date",
    "sex",
    "document_type",
    "document_number",
    "document_country",
    "document_expires_on",
    "phone",
    "locality",
)
REQUIRED = ("given_name", "family_name", "birth_date", "sex", "document_number")
# Header names a file may use for a field (lower case, spaces and _ folded), for the guess.
_ALIASES = {
    "household": ("household", "family", "family id", "household id", "hh id", "group"),
    "relationship": ("relationship", "relation", "role"),
    "given_name": ("given name", "first name", "name", "prenume", "імя", "ім'я"),
    "family_name": ("family name", "last name", "surname", "nume", "прізвище"),
    "given_name_native": ("given name cyrillic", "given name native", "first name cyrillic"),
    "family_name_native": ("family name cyrillic", "family name native", "surname cyrillic"),
    "birth_date": ("birth date", "date of birth", "dob", "born", "birthdate", "data nasterii"),
    "sex": ("sex", "gender", "sexul"),
    "document_type": ("document type", "document", "doc type"),
    "document_number": ("document number", "doc number", "passport", "passport number"),
    "document_country": ("document country", "issued by", "country"),
    "document_expires_on": ("valid until", "expires", "expiry", "expires on"),
    "phone": ("phone", "telephone", "mobile", "telefon"),
    "locality": ("locality", "town", "city", "address", "localitate"),
}


def _fold(header: str) -> str:
    return " ".join(header.lower().replace("_", " ").replace("-", " ").split())


# --- Reading the file ------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()[:MAX_CELL]


def read_table(filename: str, data: bytes) -> tuple[list[str], list[list[str]]]:
    """The header and the rows of a .csv or .xlsx file, every cell as text; ValidationFailed
    at ``file`` for anything else, an empty file, or more than MAX_ROWS rows."""
    name = filename.lower()
    if len(data) > MAX_FILE_BYTES:
        raise ValidationFailed({"file": _l("at most %(n)s MB", n=MAX_FILE_BYTES // 1024 // 1024)})
    if name.endswith(".xlsx"):
        table = _read_xlsx(data)
    elif name.endswith(".csv"):
        table = _read_csv(data)
    else:
        raise ValidationFailed({"file": _l("a .xlsx or .csv file")})
    table = [row for row in table if any(row)]
    if len(table) < 2:
        raise ValidationFailed({"file": _l("a header row and at least one row of people")})
    if len(table) - 1 > MAX_ROWS:
        raise ValidationFailed(
            {"file": _l("at most %(n)s rows; import it in parts", n=f"{MAX_ROWS:,}")}
        )
    header = [h or f"#{i + 1}" for i, h in enumerate(table[0])]
    width = len(header)
    rows = [(row + [""] * width)[:width] for row in table[1:]]
    return header, rows


def _read_csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1251", errors="replace")  # an older Ukrainian Excel's CSV
    if "\x00" in text:
        raise ValidationFailed({"file": _l("this is not a text CSV file")})
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # type: ignore[assignment]
    try:
        return [[_cell(c) for c in row] for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:
        raise ValidationFailed(
            {"file": _l("the CSV cannot be read: %(why)s", why=str(exc))}
        ) from None


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ValidationFailed({"file": _l("this .xlsx file cannot be opened")}) from None
    try:
        sheet = book.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append([_cell(c) for c in row])
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        book.close()


def guess_mapping(columns: list[str]) -> dict[str, int | None]:
    """Each field's column, by the header's name; None where nothing fits."""
    folded = [_fold(c) for c in columns]
    found: dict[str, int | None] = {}
    for name in FIELDS:
        candidates = (_fold(name), *(_fold(a) for a in _ALIASES.get(name, ())))
        found[name] = next((i for i, c in enumerate(folded) if c in candidates), None)
    return found
