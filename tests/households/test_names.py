"""Name keys: the same person however the name was spelt (no app needed)."""

from hypothesis import given
from hypothesis import strategies as st

from app.households.names import key_pair, key_pairs, name_keys, query_keys, skeleton

YULIIA = ["Юлія Жук", "Yuliia Zhuk", "Iuliia Zhuk", "Julia Zhuk", "Yulia Zhuk", "Юлия Жук"]


def test_every_usual_spelling_of_a_name_meets_on_one_key() -> None:
    assert {frozenset(name_keys(n)) for n in YULIIA} == {frozenset({"ula", "zuk"})}


def test_ukrainian_and_russian_forms_of_g_and_h_meet() -> None:
    assert name_keys("Григоренко") & name_keys("Grigorenko") == {"hrihorenko"}
    assert name_keys("Мар'яна") == name_keys("Maryana") == name_keys("Mariana")


def test_sch_and_shch_meet() -> None:
    assert skeleton("Shcherbak") == skeleton("Scherbak")
    assert name_keys("Щербак") >= {skeleton("Shcherbak")}


def test_a_cyrillic_query_finds_latin_keys_by_prefix() -> None:
    groups = query_keys("Юл Жу")
    assert any("ula".startswith(k) for k in groups[0])
    assert any("zuk".startswith(k) for k in groups[1])


@given(st.text(max_size=40))
def test_keys_are_always_plain_latin_letters(text: str) -> None:
    for key in name_keys(text):
        assert key and key.isascii() and key.isalpha() and key.islower()


def test_a_pair_is_two_different_keys_the_smaller_first() -> None:
    assert key_pair("olena", "kovalenko") == key_pair("kovalenko", "olena") == "kovalenko olena"
    assert key_pairs({"olena", "kovalenko", "ula"}) == {
        "kovalenko olena",
        "kovalenko ula",
        "olena ula",
    }
    assert key_pairs({"zuk"}) == set()
