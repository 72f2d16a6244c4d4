"""The sheets page's form: which households' cards to print."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import Field, RadioField, SelectChoice, SubmitField, TextAreaField
from wtforms.validators import Length, ValidationError

from app.cards.sheets import MAX_SHEET_CARDS

MAX_ID = 2**31 - 1
_SEPARATORS = re.compile(r"[\s,;]+")


class SheetForm(FlaskForm):
    choice = RadioField(
        "Which cards",
        choices=[
            SelectChoice("registered", "Households registered today"),
            SelectChoice("reissued", "Cards reissued today"),
            SelectChoice("typed", "These households"),
        ],
        default="registered",
    )
    household_ids = TextAreaField(
        "Household numbers, separated by spaces, commas or new lines",
        validators=[Length(max=MAX_SHEET_CARDS * 12)],
    )
    submit = SubmitField("Make the PDF")

    def validate_household_ids(self, field: Field) -> None:
        if self.choice.data != "typed":
            return
        words = [w for w in _SEPARATORS.split(field.data or "") if w]
        if not words:
            raise ValidationError("Type the numbers of the households to print.")
        wrong = [w for w in words if not (w.isascii() and w.isdigit() and 0 < int(w) <= MAX_ID)]
        if wrong:
            raise ValidationError(f"Not household numbers: {', '.join(wrong[:10])}")
        if len(set(words)) > MAX_SHEET_CARDS:
            raise ValidationError(f"At most {MAX_SHEET_CARDS:,} households at a time.")

    def typed_ids(self) -> list[int]:
        """The typed numbers, once the form has validated."""
        if self.choice.data != "typed":
            return []
        return [int(w) for w in _SEPARATORS.split(self.household_ids.data or "") if w]
