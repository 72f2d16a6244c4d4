"""The audit trail's words as a coordinator reads them: what was done, to which record.

The trail stores codes (``create``, ``households``); the page shows them in the reader's
language, and the CSV export keeps the codes for machines.
"""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

ACTIONS: dict[str, LazyString] = {
    "create": _l("created"),
    "update": _l("changed"),
    "delete": _l("deleted"),
    "view": _l("viewed sensitive data"),
    "export": _l("exported"),
    "erase": _l("erased"),
    "bulk_load": _l("loaded in bulk"),
}

RECORDS: dict[str, LazyString] = {
    "households": _l("household"),
    "members": _l("member"),
    "documents": _l("document"),
    "cards": _l("card"),
    "consents": _l("consent"),
    "distributions": _l("handover"),
    "declined_handovers": _l("handover not made"),
    "refusals": _l("refusal"),
    "users": _l("user account"),
    "entitlement_rules": _l("entitlement rule"),
    "donations": _l("donation"),
    "transfers": _l("transfer"),
    "stock_counts": _l("stock count"),
    "items": _l("item"),
    "vouchers": _l("voucher"),
}


def action_label(action: str) -> str:
    return str(ACTIONS.get(action, action))


def record_label(entity: str) -> str:
    """A record's name; a table without one is shown as it is stored."""
    return str(RECORDS.get(entity, entity))
