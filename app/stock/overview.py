"""The stock page's table: a page of the catalog with what is on hand, at one site with the
total of all sites, or at every site side by side.

Only the page's rows are read and drawn: with 500 items at 5 sites, the whole table was most
of the page's time, and nobody reads 2,500 figures at once. The filter (SKU or name, category)
finds any item in one step.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select

from app.db import DbSession
from app.stock.models import Item, StockLevel

PAGE_SIZE = 100


@dataclass(frozen=True)
class StockTable:
    # (sku, name, category, figures: one per site shown, total of all sites)
    rows: list[tuple[str, str, str, list[int], int]]
    total_items: int  # items matching the filter
    page: int
    pages: int

    @property
    def first(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0


def _filters(text: str, category: str) -> list[ColumnElement[bool]]:
    where = []
    if text:
        upper = text.upper()
        where.append(
            or_(
                Item.sku.contains(upper, autoescape=True),
                func.upper(Item.name).contains(upper, autoescape=True),
            )
        )
    if category:
        where.append(Item.category == category)
    return where


def stock_table(
    session: DbSession,
    *,
    site_ids: list[int],
    text: str = "",
    category: str = "",
    page: int = 1,
    labels: dict[str, str] | None = None,
) -> StockTable:
    """A page of the catalog in SKU order, with on hand at each of ``site_ids`` and in all."""
    where = _filters(text.strip()[:40], category)
    total_items = int(session.scalar(select(func.count(Item.id)).where(*where)) or 0)
    pages = max(1, -(-total_items // PAGE_SIZE))
    page = min(max(page, 1), pages)
    items = session.execute(
        select(Item.id, Item.sku, Item.name, Item.category)
        .where(*where)
        .order_by(Item.sku)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    figures: dict[int, dict[int, int]] = {}
    if items:
        levels = session.execute(
            select(StockLevel.item_id, StockLevel.site_id, StockLevel.on_hand).where(
                StockLevel.item_id.in_([item.id for item in items])
            )
        )
        for item_id, site_id, on_hand in levels:
            figures.setdefault(item_id, {})[site_id] = int(on_hand)
    labels = labels or {}
    rows = []
    for item_id, sku, name, category_key in items:
        at = figures.get(item_id, {})
        rows.append(
            (
                sku,
                name,
                labels.get(category_key, category_key),
                [at.get(site_id, 0) for site_id in site_ids],
                sum(at.values()),
            )
        )
    return StockTable(rows, total_items, page, pages)


def item_choices(session: DbSession) -> list[tuple[str, str]]:
    """(sku, name) of the whole catalog, for the donation form's list of items."""
    return [
        (sku, name) for sku, name in session.execute(select(Item.sku, Item.name).order_by(Item.sku))
    ]
