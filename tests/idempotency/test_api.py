"""Safe retries of API writes with an Idempotency-Key."""

from typing import Any

from sqlalchemy import func, select

from app.desk.models import Distribution
from app.extensions import db
from app.households.models import Household
from tests.conftest import member


def count(app: Any, model: Any) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_the_same_key_returns_the_first_answer_and_records_nothing_new(
    app: Any, api: Any, register: Any
) -> None:
    desk = api("volunteer")
    qr = register()["card"]["qr"]
    headers = {**desk.headers, "Idempotency-Key": "desk-1-0001"}
    first = desk.client.post("/api/v1/distributions", json={"qr": qr}, headers=headers)
    again = desk.client.post("/api/v1/distributions", json={"qr": qr}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert count(app, Distribution) == 1


def test_the_same_key_with_another_body_is_a_422(api: Any, register: Any) -> None:
    desk = api("volunteer")
    first, second = register()["card"]["qr"], register()["card"]["qr"]
    headers = {**desk.headers, "Idempotency-Key": "k-2"}
    assert (
        desk.client.post("/api/v1/distributions", json={"qr": first}, headers=headers).status_code
        == 201
    )
    reused = desk.client.post("/api/v1/distributions", json={"qr": second}, headers=headers)
    assert reused.status_code == 422 and reused.get_json()["error"] == "idempotency_key_reused"


def test_a_registration_retried_with_its_key_saves_one_household(app: Any, api: Any) -> None:
    desk = api("volunteer")
    headers = {**desk.headers, "Idempotency-Key": "reg-77"}
    body = {"members": [member()]}
    answers = [desk.client.post("/api/v1/households", json=body, headers=headers) for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 201]
    assert len({a.get_json()["card"]["qr"] for a in answers}) == 1
    assert count(app, Household) == 1


def test_keys_belong_to_their_user(app: Any, api: Any, register: Any) -> None:
    one, other = api("volunteer"), api("volunteer")
    qr = register()["card"]["qr"]
    key = {"Idempotency-Key": "shared-name"}
    ok = one.client.post("/api/v1/distributions", json={"qr": qr}, headers={**one.headers, **key})
    refused = other.client.post(
        "/api/v1/distributions", json={"qr": qr}, headers={**other.headers, **key}
    )
    assert ok.status_code == 201 and refused.status_code == 409


def test_a_failed_request_leaves_its_key_free_for_the_retry(api: Any, register: Any) -> None:
    desk = api("volunteer")
    headers = {**desk.headers, "Idempotency-Key": "retry-after-422"}
    bad = desk.client.post("/api/v1/donations", json={"donor": "x", "items": []}, headers=headers)
    assert bad.status_code in (403, 422)
    stock = api("stock_manager")
    headers = {**stock.headers, "Idempotency-Key": "don-1"}
    body = {"donor": "WV", "items": [{"sku": "NOPE", "quantity": 1}]}
    assert stock.client.post("/api/v1/donations", json=body, headers=headers).status_code == 422
    body = {"donor": "WV", "items": [{"sku": "FOOD", "quantity": 1}]}
    # The same key with another body: the failed first request stored nothing to compare.
    retried = stock.client.post("/api/v1/donations", json=body, headers=headers)
    assert retried.status_code == 201


def test_a_malformed_key_is_a_422(api: Any, register: Any) -> None:
    desk = api("volunteer")
    headers = {**desk.headers, "Idempotency-Key": "no spaces allowed"}
    answer = desk.client.post(
        "/api/v1/distributions", json={"qr": register()["card"]["qr"]}, headers=headers
    )
    assert answer.status_code == 422


def test_stored_answers_hold_no_working_card_token(app: Any, api: Any) -> None:
    from app.idempotency.models import IdempotencyRecord

    desk = api("volunteer")
    headers = {**desk.headers, "Idempotency-Key": "reg-secret"}
    body = {"members": [member()]}
    answer = desk.client.post("/api/v1/households", json=body, headers=headers)
    qr = answer.get_json()["card"]["qr"]
    with app.app_context():
        stored = db.session.scalar(select(IdempotencyRecord.body))
    assert qr.split("-")[1].encode() not in stored
    replay = desk.client.post("/api/v1/households", json=body, headers=headers)
    assert replay.get_json()["card"]["qr"] == qr  # the app, which knows CARD_KEY, reads it
