"""The ELIGIBLE answer a desk has not settled yet, as the page carries it between requests.

An ELIGIBLE answer is settled by a handover or by a "not handed over" with its reason. Until
then the page sends it back (``pending_scan`` or ``pending_household_id``, with the handover's
idempotency key) with the next scan, and the desk asks about that family before it answers the
next card: a family told yes is never dropped without a word. The same fields, without the
prefix, are what the handover and decline forms send.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app import context
from app.cards.services import BadCardNumber, CardRevoked, NotACard, UnknownCard, find_card
from app.desk.services import Check, NoSuchHousehold, check_card, check_household
from app.extensions import db

MAX_ID = 2**31 - 1  # a database id, as the URLs' id converter takes it
REASONS = {
    "family_left": _l("the family left"),
    "item_missing": _l("an item was missing"),
}


@dataclass(frozen=True)
class Pending:
    """A card's text, or a household found without its card; and the handover's key."""

    scan: str | None
    household_id: int | None
    key: str
    vouchers: str = ""


def pending_from(form: Mapping[str, str], prefix: str = "pending_") -> Pending | None:
    """The settled-or-not answer a form names; None when it names none (or nonsense)."""
    scan = form.get(f"{prefix}scan", "").strip()
    household = form.get(f"{prefix}household_id", "").strip()
    key = form.get(f"{prefix}idempotency_key", "")[:64]
    vouchers = form.get(f"{prefix}vouchers", "")[:4000]
    if scan and len(scan) <= 200:
        return Pending(scan, None, key, vouchers)
    if not scan and household.isdigit() and len(household) <= 10 and 0 < int(household) <= MAX_ID:
        return Pending(None, int(household), key, vouchers)
    return None


def check_pending(pending: Pending) -> Check:
    """The desk's check of the pending family, as it is now (reads only)."""
    today, days, site_id = context.today(), context.eligibility_days(), context.site_id()
    if pending.scan is not None:
        return check_card(db.session, scanned=pending.scan, today=today, days=days, site_id=site_id)
    assert pending.household_id is not None
    return check_household(
        db.session, household_id=pending.household_id, today=today, days=days, site_id=site_id
    )


def ask_about(pending: Pending, following: str) -> dict[str, object] | None:
    """The question to ask before answering ``following``: was the pending family served?
    None when there is nothing to ask (it was served meanwhile, or its card is no more)."""
    try:
        result = check_pending(pending)
    except (BadCardNumber, CardRevoked, NotACard, UnknownCard, NoSuchHousehold):
        return None
    if not result.may_serve or _same_household(following, result):
        return None
    return {"state": "confirm", "check": result, "pending": pending, "next": following}


def _same_household(scanned: str, pending: Check) -> bool:
    """The same family's card again (its number typed after its QR): nothing to ask."""
    try:
        card = find_card(db.session, scanned)
    except (BadCardNumber, CardRevoked, NotACard, UnknownCard):
        return False
    return card.household_id == pending.visitor.household_id


def declined_reason(reason: str) -> str:
    return str(REASONS[reason])
