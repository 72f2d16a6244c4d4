"""Opening an uploaded .xlsx register without trusting it (households.imports.files reads it).

An .xlsx is a zip of XML files, and a few kilobytes of zip can unpack to gigabytes: before
openpyxl sees the file, the members' unpacked sizes are added up from the zip's directory
(zipfile never unpacks a member past the size written there) and the XML is read once, looking
for DOCTYPE and ENTITY declarations, which a spreadsheet never needs and which an "entity bomb"
is made of. The sheet's <dimension> is not believed: openpyxl would pad every row to the
width it claims and add the empty rows it claims. Any other fault of the file (bad XML, a
cell that is not what its type says, no sheet) is a ValidationFailed for the file field, not
a 500.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Generator
from typing import Any

from flask_babel import lazy_gettext as _l

from app.errors import ValidationFailed

MAX_UNPACKED_BYTES = 40 * 1024 * 1024  # a 20,000-row register unpacks to about 20 MB
MAX_MEMBERS = 500
_CHUNK = 1024 * 1024
_DECLARATIONS = (b"<!DOCTYPE", b"<!ENTITY")

CANNOT_OPEN = _l("this .xlsx file cannot be opened")
DAMAGED = _l("this .xlsx file is damaged: save it again from the spreadsheet program")


def _refused(message: Any) -> ValidationFailed:
    return ValidationFailed({"file": message})


def check_archive(data: bytes) -> None:
    """Refuse a zip that unpacks too large or holds XML declarations, before parsing it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise _refused(CANNOT_OPEN)
            if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
                raise _refused(
                    _l(
                        "this .xlsx file unpacks to more than %(n)s MB",
                        n=MAX_UNPACKED_BYTES // 1024 // 1024,
                    )
                )
            for member in members:
                if member.filename.endswith((".xml", ".rels")):
                    _check_xml(archive, member)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError):
        raise _refused(CANNOT_OPEN) from None
    except ValueError:  # zlib's and zipfile's own complaints about a damaged member
        raise _refused(DAMAGED) from None


def _check_xml(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    tail = b""
    with archive.open(member) as stream:
        first = True
        while chunk := stream.read(_CHUNK):
            if first and (b"\x00" in chunk[:4]):  # UTF-16 or UTF-32: not what Excel writes
                raise _refused(DAMAGED)
            first = False
            window = tail + chunk
            if any(d in window for d in _DECLARATIONS):
                raise _refused(
                    _l("this .xlsx file declares XML entities: save it again from Excel")
                )
            tail = window[-16:]


def sheet_rows(data: bytes) -> Generator[tuple[Any, ...]]:
    """The first sheet's rows as openpyxl reads their values, each only as wide as its cells.
    ValidationFailed at ``file`` for a file that cannot be read."""
    from openpyxl import load_workbook  # a second's import, for the few who import a register

    check_archive(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except zipfile.BadZipFile:
        raise _refused(CANNOT_OPEN) from None
    except Exception:  # openpyxl has many errors for a malformed file: each is the same answer
        raise _refused(DAMAGED) from None
    try:
        try:
            sheets = book.worksheets
        except Exception:  # a sheet named in the workbook but missing from the zip
            raise _refused(DAMAGED) from None
        if not sheets:
            raise _refused(_l("this .xlsx file has no sheet"))
        sheet = sheets[0]
        sheet.reset_dimensions()  # not the <dimension> the file claims: the cells it has
        rows = sheet.iter_rows(values_only=True)
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception:  # a cell that is not what its type says, bad XML further on
                raise _refused(DAMAGED) from None
            yield row
    finally:
        book.close()
