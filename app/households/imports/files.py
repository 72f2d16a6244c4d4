"""Reading a register file for import (households.imports): a .csv or .xlsx as a header
and rows of text, and a first guess of which column holds which field.

A file is read row by row and refused as soon as it passes a cap (rows, columns, cells, text),
before any row is padded to the header's width: a 1 MB file cannot become a page of hundreds
of megabytes. The .xlsx is opened by households.imports.xlsx, which does not trust it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from contextlib import closing
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from app.errors import ValidationFailed
from app.households.imports.xlsx import sheet_rows

MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 200  # a register has 14 fields; a Kobo export, some dozens more
MAX_CELLS = 500_000  # rows × columns once padded: 20,000 people × 25 columns
MAX_TEXT = 16 * 1024 * 1024  # characters kept, all cells together
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
    at ``file`` for anything else, an empty or unreadable file, or one past the caps."""
    name = filename.lower()
    if len(data) > MAX_FILE_BYTES:
        raise ValidationFailed({"file": _l("at most %(n)s MB", n=MAX_FILE_BYTES // 1024 // 1024)})
    if name.endswith(".xlsx"):
        with closing(sheet_rows(data)) as cells:
            table = _rows(cells)
    elif name.endswith(".csv"):
        table = _rows(_csv_cells(data))
    else:
        raise ValidationFailed({"file": _l("a .xlsx or .csv file")})
    if len(table) < 2:
        raise ValidationFailed({"file": _l("a header row and at least one row of people")})
    header = [h or f"#{i + 1}" for i, h in enumerate(table[0])]
    width = len(header)
    if (len(table) - 1) * width > MAX_CELLS:
        raise _too_many_cells()
    rows = [(row + [""] * width)[:width] for row in table[1:]]
    return header, rows


def _too_many_cells() -> ValidationFailed:
    return ValidationFailed(
        {"file": _l("at most %(n)s cells; import it in parts", n=f"{MAX_CELLS:,}")}
    )


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _rows(cells: Iterable[Sequence[Any]]) -> list[list[str]]:
    """The rows that hold something, as text without their empty cells at the end; refused
    past MAX_ROWS rows, MAX_COLUMNS columns, MAX_CELLS cells or MAX_TEXT characters."""
    rows: list[list[str]] = []
    count = text = 0
    for raw in cells:
        width = len(raw)
        while width and _blank(raw[width - 1]):
            width -= 1
        if width > MAX_COLUMNS:
            raise ValidationFailed({"file": _l("at most %(n)s columns", n=MAX_COLUMNS)})
        if not width:
            continue
        row = [_cell(c) for c in raw[:width]]
        count += width
        text += sum(len(c) for c in row)
        if count > MAX_CELLS:
            raise _too_many_cells()
        if text > MAX_TEXT:
            raise ValidationFailed({"file": _l("at most %(n)s MB", n=MAX_TEXT // 1024 // 1024)})
        rows.append(row)
        if len(rows) - 1 > MAX_ROWS:
            raise ValidationFailed(
                {"file": _l("at most %(n)s rows; import it in parts", n=f"{MAX_ROWS:,}")}
            )
    return rows


def _csv_cells(data: bytes) -> Iterable[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1251", errors="replace")  # an older Ukrainian Excel's CSV
    if "\x00" in text:
        raise ValidationFailed({"file": _l("this is not a text CSV file")})
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        yield from csv.reader(io.StringIO(text), dialect)
    except csv.Error as exc:
        raise ValidationFailed(
            {"file": _l("the CSV cannot be read: %(why)s", why=str(exc))}
        ) from None


def guess_mapping(columns: list[str]) -> dict[str, int | None]:
    """Each field's column, by the header's name; None where nothing fits."""
    folded = [_fold(c) for c in columns]
    found: dict[str, int | None] = {}
    for name in FIELDS:
        candidates = (_fold(name), *(_fold(a) for a in _ALIASES.get(name, ())))
        found[name] = next((i for i, c in enumerate(folded) if c in candidates), None)
    return found
