"""A volunteer finds a family by a document number only with the whole number and the family
name or the birth date beside it; a coordinator, by the number alone."""

from __future__ import annotations

from typing import Any

from tests.conftest import member


def _found(desk: Any, query: str) -> list[tuple[int, str]]:
    answer = desk.get("/api/v1/people", query_string={"q": query})
    assert answer.status_code == 200
    return [(p["household_id"], p["matched"]) for p in answer.get_json()]


def test_a_volunteer_needs_the_family_name_or_birth_date_beside_the_document_number(
    api: Any, register: Any
) -> None:
    household = register(member("Olena", "Petrenko", born="1985-03-14", doc="FA123456"))
    desk = api("volunteer")
    assert _found(desk, "FA123456") == []
    assert _found(desk, "FA123456 Kovalenko") == []  # another family's name
    assert _found(desk, "FA123456 12.12.1990") == []  # another birth date
    by_document = [(household["id"], "document")]
    assert _found(desk, "FA123456 Petrenko") == by_document
    assert _found(desk, "Петренко FA 123456") == by_document  # the name in Cyrillic
    assert _found(desk, "FA123456 14.03.1985") == by_document
    assert _found(desk, "1985-03-14 FA123456") == by_document
    for partial in ("FA12345 14.03.1985", "123456 Petrenko"):  # the whole number, or nothing
        assert "document" not in {matched for _, matched in _found(desk, partial)}
    assert _found(api("coordinator"), "FA123456") == by_document  # the number alone will do


def test_the_search_page_tells_a_volunteer_what_to_add_to_a_document_number(
    login: Any, register: Any
) -> None:
    register(member("Olena", "Petrenko", born="1985-03-14", doc="FA123456"))
    page = login("volunteer").get("/households/search?q=FA123456").text
    assert "Olena Petrenko" not in page and "with the family name or the birth date" in page
