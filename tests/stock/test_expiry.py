"""Lots by expiry: first-expiring first, a warning window, expired lots written off at once."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.stock import expiry


def donate(api: Any, *lines: tuple[str, int, str | None, str | None]) -> None:
    items = [
        {
            "sku": sku,
            "quantity": q,
            **({"lot": lot} if lot else {}),
            **({"expires_on": day} if day else {}),
        }
        for sku, q, lot, day in lines
    ]
    response = api.post("/api/v1/donations", json={"donor": "Lidl", "items": items})
    assert response.status_code == 201, response.text


def test_stock_leaves_the_first_expiring_lot_first_and_lots_are_listed_so(
    api: Any, set_today: Any, session: Any
) -> None:
    set_today(date(2026, 3, 1))
    storekeeper = api("stock_manager")
    donate(storekeeper, ("FOOD", 5, "A", "2026-03-10"), ("FOOD", 5, "B", "2026-06-01"))
    donate(storekeeper, ("HYGIENE", 2, "H", "2026-03-05"))
    storekeeper.post(
        "/api/v1/stock/adjustments", json={"sku": "FOOD", "quantity": -3, "reason": "handed"}
    )
    lots = expiry.lots_by_expiry(session, site_id=None, today=date(2026, 3, 1))
    assert [(lot.sku, lot.lot, lot.quantity, lot.days_left) for lot in lots] == [
        ("HYGIENE", "H", 2, 4),
        ("FOOD", "A", 2, 9),
        ("FOOD", "B", 5, 92),
    ]


def test_the_stock_page_warns_within_the_window_and_writes_off_expired_lots(
    api: Any, login: Any, set_today: Any, app: Any
) -> None:
    app.config["AID_EXPIRY_WARNING_DAYS"] = 7
    set_today(date(2026, 3, 1))
    storekeeper = api("stock_manager")
    donate(
        storekeeper,
        ("FOOD", 4, "OLD", "2026-02-20"),
        ("FOOD", 6, "SOON", "2026-03-05"),
        ("BABY", 3, "LATER", "2026-04-30"),
        ("HYGIENE", 9, None, None),
    )
    client = login("stock_manager")
    page = client.get("/stock").text
    assert page.index("OLD") < page.index("SOON") < page.index("LATER")
    assert "expires in 4 days" in page and "expires in 60 days" not in page
    assert page.count('class="expired"') == 1
    done = client.post("/stock/expired", follow_redirects=True)
    assert "1 expired lots written off: 4 items." in done.text
    rows = {r["sku"]: r["on_hand"] for r in storekeeper.get("/api/v1/stock").get_json()}
    assert (rows["FOOD"], rows["BABY"], rows["HYGIENE"]) == (6, 3, 9)
    moves = storekeeper.get("/api/v1/stock/movements?kind=expiry_writeoff").get_json()
    assert [(m["sku"], m["quantity"], m["reason"]) for m in moves] == [
        ("FOOD", -4, "lot OLD, expired 2026-02-20")
    ]
    lots = storekeeper.get("/api/v1/stock/lots").get_json()
    assert [lot["lot"] for lot in lots] == ["SOON", "LATER"]
    again = storekeeper.post("/api/v1/stock/expired/write-off").get_json()
    assert again == {"written_off": []}


def test_a_reversed_donation_leaves_no_lot(api: Any, session: Any) -> None:
    storekeeper = api("stock_manager")
    donate(storekeeper, ("FOOD", 4, "X", "2030-01-01"))
    storekeeper.post("/api/v1/donations/1/reversal", json={"reason": "wrong"})
    assert expiry.lots_by_expiry(session, site_id=None, today=date(2026, 1, 1)) == []
