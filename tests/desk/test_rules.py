from datetime import date

from app.desk.rules import age_band, decide, next_eligible_on
from app.entitlements.rules import Person, Rule, entitlements

DAYS = 10


def test_refused_through_day_nine_served_again_on_day_ten() -> None:
    served = date(2026, 3, 1)
    for day in range(2, 11):
        decision = decide(served, date(2026, 3, day), DAYS)
        assert not decision.eligible
        assert decision.next_eligible_on == date(2026, 3, 11)
    assert decide(served, date(2026, 3, 11), DAYS).eligible


def test_never_served_is_eligible_with_no_dates() -> None:
    decision = decide(None, date(2026, 3, 1), DAYS)
    assert decision.eligible
    assert decision.last_served_on is None and decision.next_eligible_on is None


def test_served_today_is_not_eligible_again_today() -> None:
    assert not decide(date(2026, 3, 1), date(2026, 3, 1), DAYS).eligible


def test_interval_crosses_month_and_leap_day() -> None:
    assert next_eligible_on(date(2028, 2, 25), DAYS) == date(2028, 3, 6)
    assert next_eligible_on(date(2026, 12, 28), DAYS) == date(2027, 1, 7)


def test_age_bands_change_on_the_birthday() -> None:
    born = date(2020, 6, 15)
    assert age_band(born, date(2025, 6, 14)) == "0-4"
    assert age_band(born, date(2025, 6, 15)) == "5-11"
    assert age_band(date(2008, 1, 1), date(2026, 1, 1)) == "18-59"
    assert age_band(date(2008, 1, 2), date(2026, 1, 1)) == "12-17"
    assert age_band(date(1966, 1, 1), date(2026, 1, 1)) == "60+"


DEFAULT_RULES = [
    Rule(1, "FOOD", "household", 1),
    Rule(2, "HYGIENE", "household", 1),
    Rule(3, "BABY", "member", 1, under_age=2),
    Rule(4, "CHILD-VOUCHER", "member", 1, under_age=18),
    Rule(5, "MEDICAL-VOUCHER", "member", 1, min_age=65, include_flagged=True),
]
TODAY = date(2026, 3, 11)


def due(*people: Person) -> dict[str, int]:
    return {e.sku: e.quantity for e in entitlements(DEFAULT_RULES, list(people), TODAY)}


def test_single_adult_gets_food_and_hygiene_only() -> None:
    assert due(Person(date(1990, 1, 1))) == {"FOOD": 1, "HYGIENE": 1}


def test_baby_under_two_gets_a_baby_pack_and_a_child_voucher() -> None:
    assert due(Person(date(1990, 1, 1)), Person(date(2025, 3, 12))) == {
        "FOOD": 1,
        "HYGIENE": 1,
        "BABY": 1,
        "CHILD-VOUCHER": 1,
    }


def test_second_birthday_ends_the_baby_pack() -> None:
    assert "BABY" not in due(Person(date(2024, 3, 11)))


def test_one_child_voucher_per_member_under_eighteen() -> None:
    kids = [Person(date(2010, 1, 1)), Person(date(2015, 1, 1)), Person(date(2008, 3, 11))]
    assert due(*kids)["CHILD-VOUCHER"] == 2  # the third turned 18 today


def test_medical_voucher_once_per_person_aged_65_or_flagged() -> None:
    people = [
        Person(date(1961, 3, 11)),  # 65 today
        Person(date(1990, 1, 1), disability=True),
        Person(date(1990, 1, 1), chronic_disease=True),
        Person(date(1950, 1, 1), disability=True, chronic_disease=True),  # counts once
        Person(date(1970, 1, 1)),
    ]
    assert due(*people)["MEDICAL-VOUCHER"] == 4


def test_rules_for_the_same_item_add_up() -> None:
    rules = [Rule(1, "FOOD", "household", 1), Rule(1, "FOOD", "member", 1, min_age=65)]
    result = entitlements(rules, [Person(date(1950, 1, 1))], TODAY)
    assert [(e.sku, e.quantity) for e in result] == [("FOOD", 2)]
