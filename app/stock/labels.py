"""The words the pages use for movement and site kinds."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

MOVEMENT_LABELS = {
    "donation": _l("donation"),
    "handover": _l("handover"),
    "adjustment": _l("adjustment"),
    "transfer_out": _l("transfer out"),
    "transfer_in": _l("transfer in"),
    "count_correction": _l("count correction"),
    "expiry_writeoff": _l("expiry write-off"),
    "voucher_batch": _l("voucher batch"),
}
SITE_LABELS = {"warehouse": _l("warehouse"), "distribution": _l("distribution point")}
