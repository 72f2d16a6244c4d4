"""The household's record as the person it is about reads it: words for the fields, yes and
no, dates as dd.mm.yyyy in the site's time. The JSON export keeps the stored form; this is the
printable page's reading of the same record.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

FIELDS: dict[str, LazyString] = {
    "id": _l("Number"),
    "registered_on": _l("Registered on"),
    "registered_at": _l("Registered on"),
    "phone": _l("Phone"),
    "locality": _l("Locality"),
    "last_served_on": _l("Last served on"),
    "given_name": _l("Given name"),
    "family_name": _l("Family name"),
    "given_name_native": _l("Given name in Cyrillic"),
    "family_name_native": _l("Family name in Cyrillic"),
    "birth_date": _l("Born"),
    "sex": _l("Sex"),
    "relationship": _l("Relationship"),
    "disability": _l("Disability"),
    "chronic_disease": _l("Chronic disease"),
    "pregnant_or_breastfeeding": _l("Pregnant or breastfeeding"),
    "single_parent": _l("Single parent"),
    "departed_on": _l("Left the household on"),
    "photo": _l("Photo"),
    "household_changes": _l("Changes to the household"),
    "duplicate_confirmations": _l("Checked as not the same person as another"),
    "consents": _l("Consents"),
    "vouchers": _l("Vouchers received"),
    "kind": _l("Kind"),
    "given_at": _l("Given on"),
    "withdrawn_at": _l("Withdrawn on"),
    "changed_at": _l("Changed on"),
    "confirmed_at": _l("Confirmed on"),
    "issued_at": _l("Issued on"),
    "serial": _l("Serial"),
    "reason": _l("Reason"),
}
# Internal references (which user, which site row): not something the record's reader holds.
_REFERENCE = re.compile(r"(^|_)id$")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def field_label(key: str) -> str:
    """A field's name in the reader's language (a field added later: its words, not code)."""
    label = FIELDS.get(key)
    return str(label) if label is not None else key.replace("_", " ").capitalize()


def shown_value(value: Any, timezone: str, labels: Mapping[str, object]) -> str:
    """Yes or no, a date as dd.mm.yyyy, a moment at the site's time, a code as its word."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime) or (isinstance(value, str) and _MOMENT.fullmatch(value[:16])):
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
        if moment.tzinfo is None:
            return moment.strftime("%d.%m.%Y %H:%M")
        return moment.astimezone(ZoneInfo(timezone)).strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date) or (isinstance(value, str) and _DATE.fullmatch(value)):
        day = value if isinstance(value, date) else date.fromisoformat(value)
        return day.strftime("%d.%m.%Y")
    if isinstance(value, str) and value in labels:
        return str(labels[value])
    return str(value)


def rows(
    record: Mapping[str, Any], timezone: str, labels: Mapping[str, object], skip: set[str]
) -> list[tuple[str, str | list[str]]]:
    """The fields of one part of the record, each as (label, text); rows of a related table
    (consents, changes) as one line each."""
    shown: list[tuple[str, str | list[str]]] = []
    for key, value in record.items():
        if key in skip:
            continue
        if isinstance(value, list) and all(isinstance(v, Mapping) for v in value):
            lines = [
                "; ".join(
                    f"{field_label(k)}: {shown_value(v, timezone, labels)}"
                    for k, v in row.items()
                    if not _REFERENCE.search(k)
                )
                for row in value
            ]
            shown.append((field_label(key), lines or "—"))
        else:
            shown.append((field_label(key), shown_value(value, timezone, labels)))
    return shown
