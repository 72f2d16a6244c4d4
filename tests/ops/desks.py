"""Desks at work against the real server, from several threads, for the operations drills."""

from __future__ import annotations

import http.client
import itertools
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from typing import Any

from tests.conftest import member
from tests.live import Answer, LiveServer

_documents = itertools.count(1)


def family() -> dict[str, Any]:
    """A head of household, and every other family a child: more lines, more movements.
    Each born on a day of their own, so the duplicate check sees different people."""
    number = next(_documents)
    head_born = (date(1950, 1, 1) + timedelta(days=number)).isoformat()
    child_born = (date(2010, 1, 1) + timedelta(days=number % 5000)).isoformat()
    members = [member(given="Ivanna", family="Drill", born=head_born, doc=f"OPS{number:07d}")]
    if number % 2:
        members.append(
            member(
                given="Petro",
                family="Drill",
                born=child_born,
                sex="M",
                relationship="child",
                doc=f"BC{number:07d}",
                doc_type="birth_certificate",
            )
        )
    return {"members": members}


def ask(server: LiveServer, method: str, path: str, token: str, body: Any = None) -> Answer | None:
    """The server's answer, or None when it gave none (it died, or the connection broke)."""
    try:
        return server.request(method, path, token, body, timeout=10)
    except (OSError, http.client.HTTPException):
        return None


def donate(server: LiveServer, token: str, quantity: int) -> None:
    skus = ("FOOD", "HYGIENE", "BABY", "CHILD-VOUCHER", "MEDICAL-VOUCHER")
    items = [{"sku": sku, "quantity": quantity} for sku in skus]
    answer = server.request("POST", "/api/v1/donations", token, {"donor": "WV", "items": items})
    assert answer.status == 201, answer.body


def register_families(server: LiveServer, token: str, count: int, threads: int = 8) -> list[str]:
    """Register ``count`` families through the API; returns their cards' QR texts."""

    def one(_: int) -> str:
        answer = server.request("POST", "/api/v1/households", token, family())
        assert answer.status == 201, answer.body
        return answer.body["card"]["qr"]

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(one, range(count)))


class Desks:
    """Desks that register a family and hand over to it, again and again, until stopped."""

    def __init__(self, server: LiveServer, token: str, desks: int = 4) -> None:
        self.server = server
        self.token = token
        self.desks = desks
        self.served: list[int] = []  # distribution ids answered 201, in order
        self.failures: list[Any] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for _ in range(self.desks):
            thread = threading.Thread(target=self._work, daemon=True)
            thread.start()
            self._threads.append(thread)

    def _work(self) -> None:
        while not self._stop.is_set():
            created = ask(self.server, "POST", "/api/v1/households", self.token, family())
            if created is None or created.status != 201:
                self._fail(created)
                continue
            qr = created.body["card"]["qr"]
            handed = ask(self.server, "POST", "/api/v1/distributions", self.token, {"qr": qr})
            if handed is None or handed.status != 201:
                self._fail(handed)
                continue
            with self._lock:
                self.served.append(handed.body["id"])

    def _fail(self, answer: Answer | None) -> None:
        with self._lock:
            self.failures.append(answer.body if answer else "no answer")
        time.sleep(0.05)

    def count(self) -> int:
        with self._lock:
            return len(self.served)

    def served_ids(self) -> set[int]:
        with self._lock:
            return set(self.served)

    def wait_for(self, served: int, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while self.count() < served:
            assert time.monotonic() < deadline, f"only {self.count()} served: {self.failures[:3]}"
            time.sleep(0.01)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)
