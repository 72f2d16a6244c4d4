"""Arbitrary JSON thrown at the two endpoints the desk writes through: every answer is a 201
or a JSON 4xx with "error" and "message", never a 500, and a refused household saves nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from app.households.models import Household
from tests.api.contract import assert_error, json_of
from tests.conftest import member

FUZZ = settings(
    max_examples=90,
    deadline=None,
    database=None,  # nothing written outside the test run
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.sampled_from(["", " ", "\x00", "head", "F", "passport", "UKR", "2020-01-01", "AD1-"])
)
anything = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


def either(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Nine times in ten a value of the field's type, else anything at all."""
    return st.integers(0, 9).flatmap(lambda n: anything if n == 9 else valid)


def mostly(good: st.SearchStrategy[Any], edge: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Three times in four a good value, else an edge case of the same type."""
    return st.integers(0, 3).flatmap(lambda n: edge if n == 3 else good)


names = mostly(st.sampled_from(["Olena", "Ștefan", "Шевченко", "O'Brien"]), st.text(max_size=110))
documents = st.lists(
    st.fixed_dictionaries(
        {
            "type": either(mostly(st.sampled_from(["passport", "id_card"]), st.just("visa"))),
            "number": either(
                mostly(
                    st.from_regex(r"[A-Z]{2}[ -]?[0-9]{6}", fullmatch=True), st.text(max_size=45)
                )
            ),
            "country": either(mostly(st.sampled_from(["UKR", "ukr", "MDA"]), st.just("UK"))),
        }
    ),
    min_size=1,
    max_size=3,
)


def members(relationship: st.SearchStrategy[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "given_name": either(names),
            "family_name": either(names),
            "birth_date": either(
                mostly(st.dates(date(1905, 1, 1), date(2025, 12, 31)), st.dates()).map(str)
            ),
            "sex": either(mostly(st.sampled_from(["F", "M", "X"]), st.sampled_from(["f", "Q"]))),
            "relationship": either(relationship),
            "documents": either(documents),
        },
        optional={"disability": either(st.booleans()), "chronic_disease": either(st.booleans())},
    )


families = st.tuples(
    members(mostly(st.just("head"), st.just("child"))),
    st.lists(members(mostly(st.sampled_from(["child", "spouse"]), st.just("head"))), max_size=3),
).map(lambda family: [family[0], *family[1]])
households = mostly(
    st.fixed_dictionaries(
        {"members": either(families)},
        optional={
            "phone": either(mostly(st.just("+40 721 000 000"), st.text(max_size=40))),
            "locality": either(mostly(st.just("Iași"), st.text(max_size=110))),
        },
    ),
    anything,
)


def check_answer(response: Any) -> int:
    if response.status_code == 201:
        json_of(response)
    else:
        assert_error(response)
    return response.status_code


@FUZZ
@given(body=households)
def test_any_json_posted_as_a_household_answers_201_or_a_json_4xx(
    desk: Any, rows: Callable[[type[Any]], int], body: Any
) -> None:
    before = rows(Household)
    raw = json.dumps(body)  # NaN and Infinity go out as JSON does not allow them
    response = desk.client.post(
        "/api/v1/households", data=raw, headers=desk.headers, content_type="application/json"
    )
    status = check_answer(response)
    event(f"status {status}")
    assert rows(Household) == before + (status == 201)


@pytest.fixture
def card_texts(desk: Any, register: Callable[..., dict[str, Any]]) -> dict[str, str]:
    """The QR text of a card in force and of the card it replaced."""
    household = register(member())
    current = json_of(desk.post(f"/api/v1/households/{household['id']}/cards", json={}))
    return {"REAL": current["qr"], "REVOKED": household["card"]["qr"]}


# A real card's text, sometimes with a few characters before or after it.
near_cards = st.tuples(
    st.sampled_from(["REAL", "REVOKED"]),
    st.text(max_size=3) | st.just(""),
    st.text(max_size=3) | st.just(""),
)


@FUZZ
@given(
    body=st.one_of(
        anything,
        st.fixed_dictionaries({"qr": either(st.text(max_size=60))}),
        st.fixed_dictionaries({"qr": near_cards}),
    )
)
def test_any_json_posted_as_a_handover_answers_201_or_a_json_4xx(
    desk: Any, card_texts: dict[str, str], body: Any
) -> None:
    if isinstance(body, dict) and isinstance(body.get("qr"), tuple):
        which, before, after = body["qr"]
        body = {"qr": before + card_texts[which] + after}
    response = desk.client.post(
        "/api/v1/distributions",
        data=json.dumps(body),
        headers=desk.headers,
        content_type="application/json",
    )
    event(f"status {check_answer(response)}")
