"""The answers of the stock API, as the OpenAPI document describes them (app/stock/api.py and
app/stock/api_movements.py build them; the document and tests/server check they agree)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from app.api.docs import Answer


class BarcodeOut(Answer):
    code: str
    pack_quantity: int


class ItemOut(Answer):
    id: int
    sku: str
    name: str
    names: dict[str, str]  # {"en", "ro", "uk"}: the name in each language, English as fallback
    category: str
    unit: str
    minimum: int
    barcodes: list[BarcodeOut]


class DonorOut(Answer):
    id: int
    name: str
    kind: str | None
    contact: str | None


class DonationOut(Answer):
    id: int


class ReversalOut(Answer):
    id: int
    reverses: int


class OnHandRow(Answer):
    sku: str
    name: str
    names: dict[str, str]
    category: str
    on_hand: int
    serial_tracked: bool
    unit: str
    minimum: int
    site: str | None = None  # with ?site=: that site's code
    sites: dict[str, int] | None = None  # without: site code -> on hand


class SiteOut(Answer):
    id: int
    code: str
    name: str
    names: dict[str, str]
    kind: str


class MovementOut(Answer):
    id: int
    kind: str
    sku: str
    site: str
    quantity: int
    at: datetime
    by: str | None
    reason: str | None
    lot: str | None
    expires_on: date | None


class LotTaken(Answer):
    id: int
    lot: str | None
    expires_on: date | None
    quantity: int


class AdjustmentOut(MovementOut):
    """The adjustment as a whole: its first movement's id, the total, and a line per lot."""

    lots: list[LotTaken]


class TransferOut(Answer):
    id: int
    sku: str
    from_: str = Field(alias="from")
    to: str
    sent: int
    received: int | None
    reason: str | None
    status: str
    sent_at: datetime
    received_at: datetime | None


class VoucherBatchOut(Answer):
    id: int
    sku: str
    donor: str
    first_serial: str
    last_serial: str
    count: int


class CountLineOut(Answer):
    sku: str
    counted: int


class CountOut(Answer):
    id: int
    site: str
    status: str
    lines: list[CountLineOut]


class CorrectionOut(Answer):
    sku: str
    expected: int
    counted: int
    difference: int


class FinishedCountOut(Answer):
    id: int
    corrections: list[CorrectionOut]


class LotOut(Answer):
    sku: str
    site: str
    lot: str | None
    expires_on: date
    quantity: int
    expired: bool


class WriteOffOut(Answer):
    written_off: list[LotOut]
