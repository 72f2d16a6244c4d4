"""The catalog: items and their settings, box barcodes, and the donors list."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, TypeVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.db import DbSession, dialect_insert
from app.errors import DomainError, ValidationFailed
from app.names import merged_names
from app.stock.ledger import MAX_QUANTITY
from app.stock.models import CATEGORIES, DONOR_KINDS, Barcode, Donor, Item
from app.text import has_control_characters

T = TypeVar("T", bound=Any)  # a dataclass with a ``sku`` field, such as DonationLineInput
BARCODE = re.compile(r"^[0-9A-Z./_-]{4,40}$")
UNIT = re.compile(r"^[^\x00-\x1f]{1,20}$")


SKU_PATTERN = r"^[A-Z0-9][A-Z0-9_.-]{0,39}$"


class SkuTaken(DomainError):
    code = "sku_exists"
    status = 409


class BarcodeTaken(DomainError):
    code = "barcode_exists"
    status = 409


class DonorTaken(DomainError):
    code = "donor_exists"
    status = 409


def normalize_barcode(code: str) -> str:
    return code.strip().upper()


def check_item_settings(fields: dict[str, str], *, category: str, unit: str, minimum: int) -> None:
    if category not in CATEGORIES:
        fields["category"] = _l("one of %(choices)s", choices=", ".join(CATEGORIES))
    if not UNIT.match(unit.strip()):
        fields["unit"] = _l("1-20 characters (piece, box, kg)")
    if isinstance(minimum, bool) or not 0 <= minimum <= MAX_QUANTITY:
        fields["minimum"] = _l("a whole number from 0 to %(n)s", n=MAX_QUANTITY)


def update_item(
    session: DbSession,
    item: Item,
    *,
    name: str,
    category: str,
    unit: str,
    minimum: int,
    serial_tracked: bool,
    names: Mapping[str, str | None] | None = None,
) -> Item:
    """Change an item's settings; its movements and past handovers stay as they are.
    ``names`` gives its name in other languages (see rename_item)."""
    fields: dict[str, str] = {}
    if not name.strip() or len(name) > 100 or has_control_characters(name):
        fields["name"] = _l("1-100 characters")
    check_item_settings(fields, category=category, unit=unit, minimum=minimum)
    _, others, problems = merged_names(item.name, item.names, names or {})
    fields.update(problems)
    if fields:
        raise ValidationFailed(fields)
    item.names = others
    item.name, item.category, item.unit = name.strip(), category, unit.strip()
    item.minimum, item.serial_tracked = minimum, serial_tracked
    session.flush()
    return item


def rename_item(session: DbSession, item: Item, names: Mapping[str, str | None]) -> Item:
    """Give an item its name in some languages ({"en": ..., "uk": ...}): "en" is the default
    name, a language left out keeps its name, an empty one falls back to the default."""
    default, others, fields = merged_names(item.name, item.names, names)
    if fields:
        raise ValidationFailed(fields)
    item.name, item.names = default, others
    session.flush()
    return item


def add_barcode(session: DbSession, *, item: Item, code: str, pack_quantity: int) -> Barcode:
    """Teach the catalog a box code: scanning it adds ``pack_quantity`` of the item."""
    code = normalize_barcode(code)
    fields = {}
    if not BARCODE.match(code):
        fields["barcode"] = _l("4-40 digits or capital letters")
    if isinstance(pack_quantity, bool) or not 1 <= pack_quantity <= 10_000:
        fields["pack_quantity"] = _l("a whole number from 1 to %(n)s", n=10000)
    if fields:
        raise ValidationFailed(fields)
    known = session.scalar(select(Barcode).where(Barcode.code == code))
    if known is not None:
        raise BarcodeTaken(
            _l("The barcode %(code)s belongs to an item already.", code=code), barcode=code
        )
    barcode = Barcode(code=code, item_id=item.id, pack_quantity=pack_quantity)
    session.add(barcode)
    session.flush()
    return barcode


def find_barcode(session: DbSession, code: str) -> tuple[Item, int] | None:
    """The item and pack quantity of a scanned box code, or None if it is not known."""
    row = session.execute(
        select(Item, Barcode.pack_quantity)
        .join(Barcode, Barcode.item_id == Item.id)
        .where(Barcode.code == normalize_barcode(code)[:40])
    ).first()
    return (row[0], int(row[1])) if row else None


# --- Donors ----------------------------------------------------------------------------------


def check_donor(name: str, kind: str | None, contact: str | None) -> dict[str, str]:
    fields = {}
    if not name.strip() or len(name) > 200 or has_control_characters(name):
        fields["donor"] = _l("1-200 characters")
    if kind is not None and kind not in DONOR_KINDS:
        fields["donor_kind"] = _l("one of %(choices)s", choices=", ".join(DONOR_KINDS))
    if contact is not None and (len(contact) > 200 or has_control_characters(contact)):
        fields["contact"] = _l("at most %(n)s characters", n=200)
    return fields


def donor_named(session: DbSession, name: str) -> Donor | None:
    return session.scalar(select(Donor).where(func.lower(Donor.name) == name.strip().lower()))


def create_donor(session: DbSession, *, name: str, kind: str | None, contact: str | None) -> Donor:
    fields = check_donor(name, kind, contact)
    if fields:
        raise ValidationFailed(fields)
    if donor_named(session, name) is not None:
        raise DonorTaken(_l("A donor named %(name)s is in the list already.", name=name.strip()))
    donor = Donor(name=name.strip(), kind=kind, contact=(contact or "").strip() or None)
    session.add(donor)
    session.flush()
    return donor


def donor_for(session: DbSession, name: str, kind: str | None) -> Donor:
    """The donor of that name (any case), added to the list the first time it gives."""
    donor = donor_named(session, name)
    if donor is None:
        fields = check_donor(name, kind, None)
        if fields:
            raise ValidationFailed(fields)
        # Two first donations of a new donor at once: ON CONFLICT lets both use one row.
        upsert = dialect_insert(session.get_bind().dialect.name)
        session.execute(
            upsert(Donor.__table__)
            .values(name=name.strip(), kind=kind)
            .on_conflict_do_nothing(index_elements=["name"])
        )
        donor = donor_named(session, name)
        assert donor is not None
        return donor
    if donor.kind is None and kind is not None:
        donor.kind = kind
    return donor


def all_donors(session: DbSession) -> list[Donor]:
    return list(session.scalars(select(Donor).order_by(func.lower(Donor.name))))


# --- An item as a person types it --------------------------------------------------------------


def item_for_text(session: DbSession, text: str) -> Item | list[Item] | None:
    """The item a person means by ``text``: its SKU, a box barcode, or its name in any
    language (any case). A list when several items share that name; None when none fits."""
    wanted = text.strip()
    if not wanted:
        return None
    item = session.scalar(select(Item).where(Item.sku == wanted.upper()[:40]))
    if item is not None:
        return item
    found = find_barcode(session, wanted)
    if found is not None:
        return found[0]
    folded = wanted.casefold()
    named = [
        item
        for item in session.scalars(select(Item).order_by(Item.sku))
        if folded in {n.casefold() for n in (item.name, *(item.names or {}).values())}
    ]
    return named[0] if len(named) == 1 else (named or None)


def with_skus(session: DbSession, lines: list[T], field: str = "items") -> list[T]:
    """Donation lines with the item as typed (name, SKU or barcode) turned into its SKU; a
    422 naming each line whose item is unknown or ambiguous."""
    fields: dict[str, str] = {}
    resolved = []
    for i, line in enumerate(lines):
        found = item_for_text(session, line.sku)
        if isinstance(found, Item):
            resolved.append(replace(line, sku=found.sku))
            continue
        if found:
            fields[f"{field}.{i}.sku"] = _l(
                "%(name)s is the name of several items: type the SKU (%(skus)s)",
                name=repr(line.sku[:100]),
                skus=", ".join(item.sku for item in found),
            )
        elif line.sku.strip():
            fields[f"{field}.{i}.sku"] = _l(
                "no item %(text)s: type its name, SKU or barcode", text=repr(line.sku[:100])
            )
        resolved.append(line)
    if fields:
        raise ValidationFailed(fields)
    return resolved


def find_item(session: DbSession, sku: str, field: str = "sku") -> Item:
    """The item with this SKU; a 422 naming the field when there is none."""
    item = session.scalar(select(Item).where(Item.sku == sku.strip().upper()))
    if item is None:
        raise ValidationFailed({field: _l("unknown SKU %(sku)s", sku=repr(sku[:40]))})
    return item


def items_without_minimum(session: DbSession) -> int:
    """How many items have no minimum level, so are never shown as low."""
    return int(session.scalar(select(func.count(Item.id)).where(Item.minimum == 0)) or 0)


def create_item(
    session: DbSession,
    sku: str,
    name: str,
    category: str,
    *,
    unit: str = "piece",
    minimum: int = 0,
    serial_tracked: bool = False,
    barcodes: list[tuple[str, int]] | None = None,
    names: Mapping[str, str | None] | None = None,
) -> Item:
    """Add an item to the catalog. SKUs are unique and upper case; barcodes are (code, pack);
    ``names`` gives its name in other languages."""
    sku = sku.strip().upper()
    fields: dict[str, str] = {}
    if not re.match(SKU_PATTERN, sku):
        fields["sku"] = _l("1-40 letters, digits, '-', '_' or '.'")
    if not name.strip() or len(name) > 100 or has_control_characters(name):
        fields["name"] = _l("1-100 characters")
    if category not in CATEGORIES:
        fields["category"] = _l("one of %(choices)s", choices=", ".join(CATEGORIES))
    check_item_settings(fields, category=category, unit=unit, minimum=minimum)
    _, others, problems = merged_names(name, {}, names or {})
    fields.update(problems)
    if fields:
        raise ValidationFailed(fields)
    if session.scalar(select(Item.id).where(Item.sku == sku)) is not None:
        raise SkuTaken(_l("The SKU %(sku)s is in the catalog already.", sku=sku), sku=sku)
    item = Item(
        sku=sku,
        name=name.strip(),
        category=category,
        unit=unit.strip(),
        minimum=minimum,
        serial_tracked=serial_tracked,
        names=others,
    )
    session.add(item)
    session.flush()
    for code, pack in barcodes or []:
        add_barcode(session, item=item, code=code, pack_quantity=pack)
    return item


def items_by_sku(session: DbSession, skus: set[str]) -> dict[str, Item]:
    return {i.sku: i for i in session.scalars(select(Item).where(Item.sku.in_(skus)))}
