"""Migration 0012 fills the lot balances from the data before it: each (site, item)'s on hand
shared over its latest-expiring donated lots, the rest unlotted, summing to on hand."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask_migrate import upgrade
from sqlalchemy import MetaData, select

from app import create_app
from app.extensions import db
from app.stock.models import NO_EXPIRY, StockLevel, StockLot
from tests.test_upgrade import _insert


def test_on_hand_is_shared_over_the_latest_lots_and_the_rest_is_unlotted(
    database_url: str,
) -> None:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "CARD_KEY": "test-card-key",
            "SQLALCHEMY_DATABASE_URI": database_url,
        }
    )
    at = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
    with app.app_context():
        upgrade(revision="0011")
        with db.engine.begin() as conn:
            tables = MetaData()
            tables.reflect(conn)

            def insert(table: str, **values: object) -> int:
                return _insert(conn, tables, table, **values)

            site = insert("sites", code="MAIN", name="Main", kind="distribution")
            milk, soap = (
                insert("items", sku=sku, name=sku, category="food", created_at=at)
                for sku in ("MILK", "SOAP")
            )
            given = insert(
                "donations", donor="WV", site_id=site, received_on=date(2026, 1, 2), created_at=at
            )
            for lot, expires_on, quantity in (
                ("A", date(2026, 3, 1), 10),
                ("B", date(2026, 6, 1), 10),
                ("C", None, 5),
            ):
                insert(
                    "donation_lines",
                    donation_id=given,
                    item_id=milk,
                    quantity=quantity,
                    lot=lot,
                    expires_on=expires_on,
                )
            wrong = insert(
                "donations", donor="WV", site_id=site, received_on=date(2026, 1, 3), created_at=at
            )
            insert(
                "donation_lines",
                donation_id=wrong,
                item_id=milk,
                quantity=50,
                lot="Z",
                expires_on=date(2027, 1, 1),
            )
            undone = insert(
                "donations",
                donor="WV",
                site_id=site,
                received_on=date(2026, 1, 3),
                created_at=at,
                reverses_id=wrong,
            )
            insert(
                "donation_lines",
                donation_id=undone,
                item_id=milk,
                quantity=50,
                lot="Z",
                expires_on=date(2027, 1, 1),
            )
            insert("stock_levels", site_id=site, item_id=milk, on_hand=12)
            insert("stock_levels", site_id=site, item_id=soap, on_hand=7)
        upgrade(revision="0012")
        lots = {
            (row.item_id, row.lot, row.expires_on): row.on_hand
            for row in db.session.scalars(select(StockLot))
        }
        assert lots == {
            (milk, "C", NO_EXPIRY): 5,
            (milk, "B", date(2026, 6, 1)): 7,
            (soap, "", NO_EXPIRY): 7,
        }
        for level in db.session.scalars(select(StockLevel)):
            assert level.on_hand == sum(n for (i, _l, _e), n in lots.items() if i == level.item_id)
        db.session.remove()
        db.engine.dispose()
