from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    FormField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from app.i18n import SubForm
from app.stock.services import MAX_QUANTITY, DonationLineInput

DONATION_ROWS = 6


class Between(NumberRange):
    """NumberRange, minus its float conversion, which overflows on a 400-digit number (a 500)."""

    def __call__(self, form: object, field: object) -> None:
        data = getattr(field, "data", None)
        if isinstance(data, int) and abs(data) > 2**53:
            message = field.gettext("Number must be between %(min)s and %(max)s.")  # type: ignore[attr-defined]
            raise ValidationError(message % {"min": self.min, "max": self.max})
        super().__call__(form, field)  # type: ignore[arg-type]


class DonationLineForm(SubForm):
    sku = SelectField(_l("Item"), choices=[], validate_choice=False)
    quantity = IntegerField(_l("Quantity"), validators=[Optional(), Between(1, MAX_QUANTITY)])
    expires_on = DateField(_l("Expires"), validators=[Optional()])


class DonationForm(FlaskForm):
    donor = StringField(_l("Donor"), validators=[DataRequired(), Length(max=200)])
    lines = FieldList(FormField(DonationLineForm), min_entries=DONATION_ROWS, max_entries=50)

    def set_items(self, choices: list[tuple[str, str]]) -> None:
        options = [SelectChoice("", "—"), *(SelectChoice(v, label) for v, label in choices)]
        for entry in self.lines:
            entry.form.sku.choices = options

    def to_lines(self) -> list[DonationLineInput]:
        """The filled rows; a row with neither item nor quantity is left out."""
        lines = []
        for entry in self.lines:
            row = entry.form
            if not row.sku.data and not row.quantity.data:
                continue
            lines.append(
                DonationLineInput(row.sku.data or "", row.quantity.data or 0, row.expires_on.data)
            )
        return lines
