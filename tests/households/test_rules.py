from datetime import date

from app.ages import age_on
from app.households.rules import (
    NewDocument,
    NewHousehold,
    NewMember,
    check_household,
    document_key,
)

TODAY = date(2026, 3, 11)


def person(relationship: str = "head", number: str = "FA123456", **kw: object) -> NewMember:
    fields: dict[str, object] = {
        "given_name": "Olena",
        "family_name": "Koval",
        "birth_date": date(1985, 3, 2),
        "sex": "F",
        "relationship": relationship,
        "documents": (NewDocument("passport", number, "UKR"),),
    }
    fields.update(kw)
    return NewMember(**fields)  # type: ignore[arg-type]


def test_document_numbers_compare_without_spaces_dashes_or_case() -> None:
    assert document_key(" fa-123 456 ") == "FA123456"
    # Look-alike letters are keyed as Latin ones (documents.keys), Б as itself.
    assert document_key("І-БК 123456") == "I" + "Б" + "K123456"


def test_age_counts_completed_years() -> None:
    assert age_on(date(2000, 3, 12), TODAY) == 25
    assert age_on(date(2000, 3, 11), TODAY) == 26
    assert age_on(date(2000, 2, 29), date(2027, 2, 28)) == 26


def test_a_valid_household_has_no_problems() -> None:
    child = person("child", "X1", birth_date=date(2012, 5, 1))
    assert check_household(NewHousehold((person(), child)), TODAY) == {}


def test_exactly_one_head() -> None:
    assert "members" in check_household(NewHousehold((person("child"),)), TODAY)
    two = NewHousehold((person(), person("head", "FA2")))
    assert "members" in check_household(two, TODAY)


def test_every_member_needs_a_document() -> None:
    problems = check_household(NewHousehold((person(documents=()),)), TODAY)
    assert problems == {"members.0.documents": "at least one document"}


def test_future_birth_date_and_bad_country_are_named() -> None:
    bad = person(birth_date=date(2026, 3, 12), documents=(NewDocument("passport", "X1", "UK"),))
    problems = check_household(NewHousehold((bad,)), TODAY)
    assert set(problems) == {"members.0.birth_date", "members.0.documents.0.country"}


def test_the_same_document_twice_in_one_family_is_refused() -> None:
    problems = check_household(NewHousehold((person(), person("child", "fa 123-456"))), TODAY)
    assert "members.1.documents.0.number" in problems


def test_control_characters_in_names_are_refused() -> None:
    problems = check_household(NewHousehold((person(given_name="Ol\x00ena"),)), TODAY)
    assert "members.0.given_name" in problems


def test_a_child_older_than_its_parent_or_born_before_the_parent_was_twelve_is_a_problem() -> None:
    for born in (date(1984, 1, 1), date(1985, 3, 2), date(1997, 3, 1)):
        problems = check_household(
            NewHousehold((person(), person("child", "X1", birth_date=born))), TODAY
        )
        assert list(problems) == ["members.1.birth_date"], born
    twelve = person("child", "X1", birth_date=date(1997, 3, 2))
    assert check_household(NewHousehold((person(), twelve)), TODAY) == {}


def test_the_elder_of_head_and_spouse_is_the_parent_compared() -> None:
    spouse = person("spouse", "S1", birth_date=date(2000, 1, 1))
    child = person("child", "X1", birth_date=date(2005, 1, 1))
    assert check_household(NewHousehold((person(), spouse, child)), TODAY) == {}


def test_an_adult_read_from_a_passport_is_offered_as_spouse_not_child() -> None:
    from app.households.rules import likely_relationship

    head = date(1987, 4, 12)
    assert likely_relationship(date(1985, 9, 1), head, TODAY, spouse_taken=False) == "spouse"
    assert likely_relationship(date(1990, 1, 1), head, TODAY, spouse_taken=True) == "other"
    assert likely_relationship(date(2019, 8, 14), head, TODAY, spouse_taken=True) == "child"
    assert likely_relationship(date(1960, 5, 1), head, TODAY, spouse_taken=False) == "parent"
    assert likely_relationship(date(2010, 1, 1), date(2004, 1, 1), TODAY, spouse_taken=False) == (
        "sibling"
    )


def test_a_child_under_fourteen_is_offered_a_birth_certificate() -> None:
    from app.households.rules import likely_document_type

    assert likely_document_type(date(2019, 8, 14), TODAY) == "birth_certificate"
    assert likely_document_type(date(2012, 3, 11), TODAY) == "passport"  # 14 today


def test_a_child_older_than_the_head_is_named_at_the_relationship_when_asked() -> None:
    household = NewHousehold((person(), person("child", "FA654321", birth_date=date(1984, 1, 1))))
    assert set(check_household(household, TODAY)) == {"members.1.birth_date"}
    assert set(check_household(household, TODAY, child_at="relationship")) == {
        "members.1.relationship"
    }
