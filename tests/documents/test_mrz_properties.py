"""Generated documents of every format: each written MRZ reads back to its fields with every
check passing, and one character changed in a checked field fails that field's check (or the
composite, for the fields only the composite covers). No app needed."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.documents.mrz import read_mrz
from tests.documents.mrz_build import ALPHABET, FORMATS, Doc, documents, value

PROPERTY = settings(max_examples=150, deadline=None, database=None)
TODAYS = st.dates(date(2001, 1, 1), date(2080, 12, 31))


def expected_state(code: str) -> str:
    return "DEU" if code == "D<<" else code


def expected_type(doc: Doc) -> str:
    if doc.code.startswith("P"):
        return "passport"
    if doc.code.startswith("V"):
        return "other"
    foreign = expected_state(doc.nationality) != "ROU"
    return "temporary_protection" if doc.state == "ROU" and foreign else "id_card"


@pytest.mark.parametrize("fmt", FORMATS)
@PROPERTY
@given(data=st.data(), today=TODAYS)
def test_a_written_zone_reads_back_to_its_fields(
    fmt: str, data: st.DataObject, today: date
) -> None:
    doc = data.draw(documents(fmt, today))
    reading = read_mrz(FORMATS[fmt][0](doc), today)
    assert reading.format == fmt
    assert reading.document_code == doc.code
    assert reading.document_type == expected_type(doc)
    assert reading.document_number == doc.number
    assert reading.country == expected_state(doc.state)
    assert reading.nationality == expected_state(doc.nationality)
    assert (reading.family_name, reading.given_name) == (doc.family, doc.given)
    assert (reading.birth_date, reading.birth_date_partial) == (doc.birth, None)
    assert reading.sex == {"<": "X"}.get(doc.sex, doc.sex)
    assert reading.expires_on == doc.expiry
    assert reading.optional_data == ((doc.optional,) if doc.optional else ())
    assert reading.all_checks_pass, reading.checks


# Per format, the characters each check covers: (line, start, end, the check that fails).
CHECKED = {
    "TD1": [
        (0, 5, 15, "document_number"),
        (0, 15, 30, "composite"),
        (1, 0, 7, "birth_date"),
        (1, 8, 15, "expires_on"),
        (1, 18, 30, "composite"),
    ],
    "TD2": [
        (1, 0, 10, "document_number"),
        (1, 13, 20, "birth_date"),
        (1, 21, 28, "expires_on"),
        (1, 28, 36, "composite"),
    ],
    "TD3": [
        (1, 0, 10, "document_number"),
        (1, 13, 20, "birth_date"),
        (1, 21, 28, "expires_on"),
        (1, 28, 43, "optional_data"),
        (1, 43, 44, "composite"),
    ],
    "MRV-A": [(1, 0, 10, "document_number"), (1, 13, 20, "birth_date"), (1, 21, 28, "expires_on")],
    "MRV-B": [(1, 0, 10, "document_number"), (1, 13, 20, "birth_date"), (1, 21, 28, "expires_on")],
}


@pytest.mark.parametrize("fmt", FORMATS)
@PROPERTY
@given(data=st.data(), today=TODAYS)
def test_one_changed_character_fails_its_check(fmt: str, data: st.DataObject, today: date) -> None:
    lines = FORMATS[fmt][0](data.draw(documents(fmt, today, long_numbers=False))).split("\n")
    line, start, end, check = data.draw(st.sampled_from(CHECKED[fmt]))
    at = data.draw(st.integers(start, end - 1))
    old, new = lines[line][at], data.draw(st.sampled_from(ALPHABET))
    # 7-3-1 modulo 10 sees a change only when the values differ modulo 10 (not 0 for A).
    assume(value(new) % 10 != value(old) % 10)
    lines[line] = lines[line][:at] + new + lines[line][at + 1 :]
    checks = read_mrz("\n".join(lines), today).checks
    assert checks[check] is False or checks.get("composite") is False, (check, checks)
