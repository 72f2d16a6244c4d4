"""Dates typed and shown as dd.mm.yyyy, whatever the browser's locale.

A native date input follows the browser's locale: on a US-English laptop it shows and expects
mm/dd/yyyy, and 09.03.1980 typed as 09031980 silently becomes 3 September. Every date a person
types in a page is therefore a text input (DayInput: numeric keyboard, a dd.mm.yyyy
placeholder, the mask of static/days.js) parsed here on the server. The JSON API keeps ISO
dates (app.api.parse_day).

Accepted: 09031980, 09.03.1980, 9.3.1980 (dots, slashes, dashes or spaces between the parts),
and 1980-03-09 (ISO, as links and older bookmarks carry it). A two-digit year is refused: 80
could be 1980 or 2080. An impossible date (31.02.1980) is refused with its own message.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import Field
from wtforms.widgets import TextInput

DAY_FORMAT = "%d.%m.%Y"
_DIGITS = re.compile(r"^(\d{2})(\d{2})(\d{4})$")
_PARTS = re.compile(r"^(\d{1,2})[./\- ](\d{1,2})[./\- ](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


class NotADay(ValueError):
    """Text that is not a calendar day; the message says why, for the field to show."""


def parse_day(text: str) -> date | None:
    """The day the text names, None for empty text; NotADay when it names none."""
    text = text.strip()
    if not text:
        return None
    if match := _DIGITS.match(text) or _PARTS.match(text):
        day, month, year = (int(part) for part in match.groups())
    elif match := _ISO.match(text):
        year, month, day = (int(part) for part in match.groups())
    else:
        raise NotADay(_l("write the date as dd.mm.yyyy, for example 09.03.1980"))
    try:
        return date(year, month, day)
    except ValueError:
        raise NotADay(_l("there is no such date: %(text)s", text=text)) from None


def show_day(value: date | None) -> str:
    return value.strftime(DAY_FORMAT) if value else ""


class DayInput(TextInput):
    """A text input for a day: numeric keyboard, the format as placeholder, the page's mask."""

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        kwargs.setdefault("inputmode", "numeric")
        kwargs.setdefault("placeholder", _l("dd.mm.yyyy"))
        kwargs.setdefault("maxlength", 10)
        kwargs.setdefault("autocomplete", "off")
        kwargs.setdefault("data-day", "")
        kwargs.setdefault("data-day-invalid", _l("there is no such date"))
        return super().__call__(field, **kwargs)


class DayField(Field):
    """A WTForms field for a day typed as dd.mm.yyyy (see parse_day). A day it read comes back
    as dd.mm.yyyy (09031980 as 09.03.1980); what it could not read comes back as typed, so
    the volunteer corrects it rather than typing it again."""

    widget = DayInput()

    def _value(self) -> str:
        if self.data is not None:
            return show_day(self.data)
        return str(self.raw_data[0]) if self.raw_data else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        try:
            self.data = parse_day(str(valuelist[0]))
        except NotADay as exc:
            self.data = None
            raise ValueError(str(exc.args[0])) from None


class _Loose:
    """What DayInput reads of a field, for a filter form built in a template."""

    def __init__(self, name: str, value: date | str | None) -> None:
        self.id = self.name = name
        self.value = value

    def _value(self) -> str:
        return show_day(self.value) if isinstance(self.value, date) else (self.value or "")


def day_input(name: str, value: date | str | None, **attrs: Any) -> Markup:
    """The input DayField renders, for a GET filter form outside WTForms (report pickers)."""
    return DayInput()(_Loose(name, value), **attrs)


def day_arg(text: str | None) -> date | None:
    """A day from a query string, typed (dd.mm.yyyy) or from a link (ISO); None for nothing
    readable, so a filter page falls back to its default rather than failing."""
    try:
        return parse_day(text or "")
    except NotADay:
        return None
