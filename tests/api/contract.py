"""What every answer of the API promises, as assertions the contract tests share."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

JSON = "application/json"


def json_of(response: Any) -> Any:
    assert response.mimetype == JSON, (
        f"{response.status_code} answered {response.mimetype}, not JSON: {response.data[:120]!r}"
    )
    return response.get_json()


def assert_error(response: Any, status: int | None = None, code: str | None = None) -> dict:
    """A JSON error answer: a 4xx status, ``error`` and ``message``; its body."""
    body = json_of(response)
    got = f"got {response.status_code} {json.dumps(body, ensure_ascii=False)[:200]}"
    if status is not None:
        assert response.status_code == status, f"expected {status}, {got}"
    assert 400 <= response.status_code < 500, f"expected a 4xx, {got}"
    assert isinstance(body, dict), f"expected an object, {got}"
    assert isinstance(body.get("error"), str) and body["error"], f"no error code, {got}"
    assert isinstance(body.get("message"), str) and body["message"], f"no message, {got}"
    if code is not None:
        assert body["error"] == code, f"expected error {code!r}, {got}"
    return body


def assert_validation(response: Any, *fields: str) -> dict:
    """A 422 with ``fields``; each named field path (or one under it) is among them."""
    body = assert_error(response, 422, "validation")
    found = body.get("fields")
    assert isinstance(found, dict) and found, f"no fields in {body}"
    for path in fields:
        assert any(key == path or key.startswith(path + ".") for key in found), (
            f"{path} not among the fields {found}"
        )
    return body


def quantities(lines: list[dict[str, Any]]) -> dict[str, int]:
    """``[{"sku", "quantity"}, ...]`` as {sku: quantity}."""
    return {line["sku"]: line["quantity"] for line in lines}


def years_before(day: date, years: int, *, days: int = 0) -> str:
    """The birth date of someone ``years`` old on ``day`` (``days`` more make them younger)."""
    born = date(day.year - years, day.month, day.day)
    return date.fromordinal(born.toordinal() + days).isoformat()


class Cases:
    """Many cases in one test, so they share one app and one database: every case runs, each
    failed assertion is kept under the case's name, and check() reports them all together."""

    def __init__(self) -> None:
        self.misses: dict[str, str] = {}

    @contextmanager
    def case(self, name: str) -> Iterator[None]:
        try:
            yield
        except AssertionError as exc:
            self.misses[name] = str(exc).splitlines()[0] if str(exc) else repr(exc)

    def check(self) -> None:
        assert not self.misses, "\n" + "\n".join(f"{k}: {v}" for k, v in self.misses.items())
