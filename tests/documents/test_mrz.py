"""Reading machine-readable zones: ICAO 9303's specimens, every way a reader or a person
types one, dates, names and what is not an MRZ. No app needed. Generated documents are in
test_mrz_properties.py."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from app.documents.mrz import MrzReading, NotMrz, read_mrz
from app.documents.mrz_fields import check_digit, read_birth_date, read_expiry_date
from tests.documents.mrz_build import Doc, check, td1, td3
from tests.documents.specimens import (
    LONG_TD1,
    LONG_TD1_D2,
    LONG_TD2_D2,
    MRV_A,
    MRV_B,
    TD1,
    TD2,
    TD3,
)

TODAY = date(2026, 3, 11)

SPECIMENS = {"TD1": TD1, "TD2": TD2, "TD3": TD3, "MRV-A": MRV_A, "MRV-B": MRV_B}

ERIKSSON = {
    "document_number": "D23145890",
    "country": "UTO",
    "nationality": "UTO",
    "family_name": "ERIKSSON",
    "given_name": "ANNA MARIA",
    "birth_date": date(1974, 8, 12),
    "sex": "F",
    "expires_on": date(2012, 4, 15),
}
ALL_PASS = {"document_number": True, "birth_date": True, "expires_on": True, "composite": True}


def read(lines: tuple[str, ...], today: date = TODAY) -> MrzReading:
    return read_mrz("\n".join(lines), today)


def fields(reading: MrzReading, *names: str) -> dict[str, Any]:
    return {name: getattr(reading, name) for name in names or ERIKSSON}


def test_the_check_digit_weights_7_3_1_with_letters_from_10() -> None:
    assert check_digit("L898902C3") == "6"
    assert check_digit("740812") == "2"
    assert check_digit("ZE184226B<<<<<") == "1"
    assert check_digit("D23145890734") == "9"


@pytest.mark.parametrize("specimen", [TD1, TD2])
def test_the_id_card_specimens(specimen: tuple[str, ...]) -> None:
    reading = read(specimen)
    assert fields(reading) == ERIKSSON
    assert (reading.document_type, reading.document_code) == ("id_card", "I")
    assert reading.checks == ALL_PASS and reading.all_checks_pass


def test_the_passport_specimen_checks_its_personal_number_too() -> None:
    reading = read(TD3)
    assert fields(reading) == ERIKSSON | {"document_number": "L898902C3"}
    assert (reading.format, reading.document_type) == ("TD3", "passport")
    assert reading.optional_data == ("ZE184226B",)
    assert reading.checks == ALL_PASS | {"optional_data": True}


@pytest.mark.parametrize(("name", "specimen"), [("MRV-A", MRV_A), ("MRV-B", MRV_B)])
def test_the_visa_specimens_have_no_composite_check(name: str, specimen: tuple[str, ...]) -> None:
    reading = read(specimen)
    assert reading.format == name and reading.document_type == "other"
    assert fields(reading) == ERIKSSON | {
        "document_number": "L8988901C",
        "nationality": "XXX",
        "birth_date": date(1940, 9, 7),
        "expires_on": date(1996, 12, 10),
    }
    assert reading.checks == {"document_number": True, "birth_date": True, "expires_on": True}


@pytest.mark.parametrize("specimen", [LONG_TD1, LONG_TD1_D2, LONG_TD2_D2])
def test_a_long_document_number_goes_on_in_the_optional_data(specimen: tuple[str, ...]) -> None:
    reading = read(specimen)
    assert reading.document_number == "D23145890734"
    assert reading.all_checks_pass
    assert reading.optional_data == ()


def test_a_long_document_number_with_a_wrong_digit_fails_its_check() -> None:
    first = LONG_TD1_D2[0].replace("7349", "7359")
    reading = read((first, *LONG_TD1_D2[1:]))
    assert reading.document_number == "D23145890735"
    assert not reading.checks["document_number"] and not reading.checks["composite"]


def test_a_number_field_ending_in_a_filler_with_no_rest_fails_its_check() -> None:
    reading = read(("I<UTOD23145890<<<<<<<<<<<<<<<<", *TD1[1:]))
    assert reading.document_number == "D23145890"
    assert reading.checks["document_number"] is False


def typed_on_ukrainian_layout(text: str) -> str:
    """What a reader typing US key positions gives on a Ukrainian layout."""
    keys = dict(zip("QWERTYUIOPASDFGHJKLZXCVBNM<", "ЙЦУКЕНГШЩЗФІВАПРОЛДЯЧСМИТЬБ", strict=True))
    return "".join(keys.get(ch, ch) for ch in text)


VARIANTS = {
    "LF": lambda lines: "\n".join(lines),
    "CRLF": lambda lines: "\r\n".join(lines),
    "CR": lambda lines: "\r".join(lines),
    "TAB": lambda lines: "\t".join(lines),
    "one line": lambda lines: "".join(lines),
    "lower case": lambda lines: "\n".join(lines).lower(),
    "stray spaces": lambda lines: "\n".join(
        " ".join(line[i : i + 5] for i in range(0, 44, 5)) for line in lines
    ),
    "blank lines and a final newline": lambda lines: "\n\n  " + "\r\n\r\n".join(lines) + "\r\n",
    "a space before each line break": lambda lines: " \n".join(lines) + " ",
    "Ukrainian layout": lambda lines: typed_on_ukrainian_layout("\r\n".join(lines)),
    "Russian layout, lower case": lambda lines: (
        typed_on_ukrainian_layout("\n".join(lines)).replace("І", "Ы").lower()
    ),
}


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("name", SPECIMENS)
def test_every_way_of_typing_a_zone_reads_the_same(name: str, variant: str) -> None:
    lines = SPECIMENS[name]
    assert read_mrz(VARIANTS[variant](lines), TODAY) == read(lines)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        (" \r\n\t ", "empty"),
        ("AD1-ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "'-' is not used"),
        ("ERIKSSON, ANNA", "',' is not used"),
        ("FA123456", "8 characters in one line"),
        ("Олена Коваль", "11 characters in one line"),
        ("\n".join((TD3[0], TD3[1] + "<")), "2 lines of 44, 45 characters"),
        ("\n".join(TD3 + TD3[:1]), "3 lines of 44, 44, 44"),
        ("\n".join(TD1[:2]), "2 lines of 30, 30"),
        ("".join(TD3).replace("P", "1", 1), "document code"),
    ],
)
def test_a_text_that_is_not_a_zone_says_why(text: str, reason: str) -> None:
    with pytest.raises(NotMrz) as raised:
        read_mrz(text, TODAY)
    assert reason in raised.value.reason


def test_a_wrong_check_digit_is_reported_not_raised() -> None:
    reading = read((TD3[0], TD3[1].replace("7408122", "7408123")))
    assert reading.birth_date == date(1974, 8, 12)
    assert reading.checks == ALL_PASS | {
        "optional_data": True,
        "birth_date": False,
        "composite": False,  # the composite covers the birth date's check digit too
    }
    assert not reading.all_checks_pass


def test_a_character_worth_ten_more_slips_past_every_check() -> None:
    # 7-3-1 modulo 10 cannot tell 0/A/K/U, 1/B/L/V, ... apart: a limit of ICAO's scheme, so
    # the volunteer still compares the number on screen with the document.
    reading = read((TD3[0], "B" + TD3[1][1:]))
    assert reading.document_number == "B898902C3" and reading.all_checks_pass


def test_germany_writes_itself_d_and_reads_as_deu() -> None:
    reading = read(tuple(line.replace("UTO", "D<<") for line in TD3))
    assert (reading.country, reading.nationality) == ("DEU", "DEU")
    assert reading.all_checks_pass


def test_sex_written_as_a_filler_is_x() -> None:
    reading = read((TD3[0], TD3[1].replace("2F12", "2<12")))
    assert reading.sex == "X" and reading.all_checks_pass


def test_names_split_at_the_double_filler_and_fillers_become_spaces() -> None:
    reading = read((TD1[0], TD1[1], "DE<LA<CRUZ<<MARIA<<<<<<<<<<<<<"))
    assert (reading.family_name, reading.given_name) == ("DE LA CRUZ", "MARIA")
    reading = read((TD1[0], TD1[1], "KOVAL<<<<<<<<<<<<<<<<<<<<<<<<<"))
    assert (reading.family_name, reading.given_name) == ("KOVAL", "")


def test_a_birth_date_is_never_in_the_future() -> None:
    assert read_birth_date("260311", TODAY) == (date(2026, 3, 11), None)
    assert read_birth_date("260312", TODAY) == (date(1926, 3, 12), None)
    assert read_birth_date("000229", TODAY) == (date(2000, 2, 29), None)
    assert read_birth_date("991231", TODAY) == (date(1999, 12, 31), None)


@pytest.mark.parametrize(
    ("field", "partial"),
    [
        ("74<<<<", "1974"),
        ("7408<<", "1974-08"),
        ("74<<12", "1974"),
        ("740231", "1974-02"),
        ("741312", "1974"),
        ("26<<<<", "2026"),
        ("2604<<", "1926-04"),
    ],
)
def test_a_birth_date_with_unknown_parts_keeps_what_is_known(field: str, partial: str) -> None:
    assert read_birth_date(field, TODAY) == (None, partial)


def test_a_birth_date_that_cannot_be_read_is_none() -> None:
    assert read_birth_date("<<<<<<", TODAY) == (None, None)
    assert read_birth_date("7A0812", TODAY) == (None, None)


def test_an_unknown_birth_day_still_reads_the_rest_and_passes_its_check() -> None:
    doc = Doc("P", "UKR", "FA123456", "UKR", "8506<<", "F", date(2030, 1, 1), "KOVAL", "OLENA")
    reading = read_mrz(td3(doc), TODAY)
    assert (reading.birth_date, reading.birth_date_partial) == (None, "1985-06")
    assert reading.all_checks_pass


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("460311", date(2046, 3, 11)),  # 20 years ahead
        ("460312", date(1946, 3, 12)),  # a day more: long past
        ("260311", date(2026, 3, 11)),  # today: still valid, not yet past
        ("120415", date(2012, 4, 15)),
        ("961210", date(1996, 12, 10)),
        ("300101", date(2030, 1, 1)),
        ("260230", None),
        ("<<<<<<", None),
    ],
)
def test_an_expiry_date_is_at_most_twenty_years_ahead(field: str, expected: date | None) -> None:
    assert read_expiry_date(field, TODAY) == expected


def card(state: str, nationality: str, code: str = "I") -> Doc:
    return Doc(
        code,
        state,
        "AB1234567",
        nationality,
        date(1990, 5, 1),
        "M",
        date(2027, 3, 4),
        "KOVAL",
        "IVAN",
    )


def test_a_romanian_card_of_a_foreign_national_is_the_temporary_protection_permit() -> None:
    assert read_mrz(td1(card("ROU", "UKR")), TODAY).document_type == "temporary_protection"
    assert read_mrz(td1(card("ROU", "UKR", "IR")), TODAY).document_type == "temporary_protection"
    assert read_mrz(td1(card("ROU", "ROU", "ID")), TODAY).document_type == "id_card"
    assert read_mrz(td1(card("UKR", "UKR", "ID")), TODAY).document_type == "id_card"


def test_the_builder_of_these_tests_writes_the_specimens() -> None:
    doc = Doc("I", "UTO", "D23145890", "UTO", "740812", "F", "120415", "ERIKSSON", "ANNA MARIA")
    assert td1(doc) == "\n".join(TD1)
    assert check("L898902C3") == "6"
