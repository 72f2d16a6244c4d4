"""The sheets page's form: which households' cards to print."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, RadioField, SelectChoice, SubmitField, TextAreaField
from wtforms.validators import Length, ValidationError

from app.cards.sheets import MAX_SHEET_CARDS

MAX_ID = 2**31 - 1
_SEPARATORS = re.compile(r"[\s,;]+")


class SheetForm(FlaskForm):
    choice = RadioField(
        _l("Which cards"),
        choices=[
            SelectChoice("registered", _l("Households registered today")),
            SelectChoice("reissued", _l("Cards reissued today")),
            SelectChoice("typed", _l("These households")),
        ],
        default="registered",
    )
    household_ids = TextAreaField(
        _l("Household numbers, separated by spaces, commas or new lines"),
        validators=[Length(max=MAX_SHEET_CARDS * 12)],
    )
    submit = SubmitField(_l("Make the PDF"))

    def validate_household_ids(self, field: Field) -> None:
        if self.choice.data != "typed":
            return
        words = [w for w in _SEPARATORS.split(field.data or "") if w]
        if not words:
            raise ValidationError(_("Type the numbers of the households to print."))
        wrong = [w for w in words if not (w.isascii() and w.isdigit() and 0 < int(w) <= MAX_ID)]
        if wrong:
            raise ValidationError(
                _("Not household numbers: %(numbers)s", numbers=", ".join(wrong[:10]))
            )
        if len(set(words)) > MAX_SHEET_CARDS:
            raise ValidationError(
                _("At most %(count)s households at a time.", count=f"{MAX_SHEET_CARDS:,}")
            )

    def typed_ids(self) -> list[int]:
        """The typed numbers, once the form has validated."""
        if self.choice.data != "typed":
            return []
        return [int(w) for w in _SEPARATORS.split(self.household_ids.data or "") if w]
