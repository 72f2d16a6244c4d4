from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from app.days import DayField
from app.i18n import SubForm
from app.stock.donations import DonationLineInput
from app.stock.ledger import MAX_QUANTITY
from app.stock.models import CATEGORIES

DONATION_ROWS = 6

DONOR_KIND_CHOICES = [
    SelectChoice("", "—"),
    SelectChoice("person", _l("person")),
    SelectChoice("company", _l("company")),
    SelectChoice("ngo", _l("NGO")),
]
CATEGORY_LABELS = {
    "food": _l("food"),
    "hygiene": _l("hygiene"),
    "baby": _l("baby"),
    "clothing": _l("clothing and shoes"),
    "voucher": _l("voucher"),
    "medical_voucher": _l("medical voucher"),
    "other": _l("other"),
}


class Between(NumberRange):
    """NumberRange, minus its float conversion, which overflows on a 400-digit number (a 500)."""

    def __call__(self, form: object, field: object) -> None:
        data = getattr(field, "data", None)
        if isinstance(data, int) and abs(data) > 2**53:
            message = field.gettext("Number must be between %(min)s and %(max)s.")  # type: ignore[attr-defined]
            raise ValidationError(message % {"min": self.min, "max": self.max})
        super().__call__(form, field)


class DonationLineForm(SubForm):
    # A text field with the catalog as its suggestions (one datalist for every line): a typed
    # name (in any language), SKU or scanned barcode, and a page that stays light with
    # hundreds of items. The view turns it into the item's SKU (catalog.with_skus).
    sku = StringField(_l("Item"), validators=[Optional(), Length(max=100)])
    quantity = IntegerField(_l("Quantity"), validators=[Optional(), Between(1, MAX_QUANTITY)])
    lot = StringField(_l("Lot"), validators=[Optional(), Length(max=40)])
    expires_on = DayField(_l("Expires"), validators=[Optional()])


class DonationForm(FlaskForm):
    donor = StringField(_l("Donor"), validators=[DataRequired(), Length(max=200)])
    donor_kind = SelectField(
        _l("Person, company or NGO"), choices=DONOR_KIND_CHOICES, validate_choice=False
    )
    site = SelectField(_l("Received at"), choices=[], validate_choice=False)
    received_on = DayField(_l("Received on"), validators=[Optional()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=500)])
    barcode = StringField(_l("Scan a box"), validators=[Optional(), Length(max=40)])
    learn_sku = StringField(_l("Which item is it?"), validators=[Optional(), Length(max=100)])
    learn_pack = IntegerField(
        _l("How many in one box"), validators=[Optional(), NumberRange(1, 10_000)], default=1
    )
    lines = FieldList(FormField(DonationLineForm), min_entries=DONATION_ROWS, max_entries=50)

    def add_scanned(self, sku: str, quantity: int) -> int:
        """Add a scanned box to the line of its item (or the first empty line); returns the
        line's new quantity."""
        target = next(
            (e.form for e in self.lines if (e.form.sku.data or "").strip().upper() == sku), None
        )
        if target is None:
            target = next(
                (e.form for e in self.lines if not e.form.sku.data and not e.form.quantity.data),
                None,
            )
        if target is None:
            if len(self.lines) >= self.lines.max_entries:
                return 0
            target = self.lines.append_entry().form
        total = (target.quantity.data or 0) + quantity
        target.sku.data = sku
        target.sku.raw_data = [sku]
        target.quantity.data = total
        target.quantity.raw_data = [str(total)]
        return total

    def to_lines(self) -> list[DonationLineInput]:
        """The filled rows; a row with neither item nor quantity is left out."""
        lines = []
        for entry in self.lines:
            row = entry.form
            if not row.sku.data and not row.quantity.data:
                continue
            lines.append(
                DonationLineInput(
                    row.sku.data or "",
                    row.quantity.data or 0,
                    row.expires_on.data,
                    row.lot.data or None,
                )
            )
        return lines


def submitted_names(*fields: StringField) -> dict[str, str | None]:
    """{"ro": ..., "uk": ...} of the name fields a form sent, keyed by their language."""
    return {f.name.removeprefix("name_"): f.data or "" for f in fields if f.raw_data}


class ItemSettingsForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    name_ro = StringField(_l("Name in Romanian"), validators=[Optional(), Length(max=100)])
    name_uk = StringField(_l("Name in Ukrainian"), validators=[Optional(), Length(max=100)])
    category = SelectField(
        _l("Category"),
        choices=[SelectChoice(c, CATEGORY_LABELS[c]) for c in CATEGORIES],
        validate_choice=True,
    )
    unit = StringField(_l("Unit"), default="piece", validators=[DataRequired(), Length(max=20)])
    minimum = IntegerField(
        _l("Minimum level"), default=0, validators=[Optional(), NumberRange(0, MAX_QUANTITY)]
    )
    serial_tracked = BooleanField(_l("Handed over by serial number"))

    def other_names(self) -> dict[str, str | None]:
        """The names in the other languages that the form sent (one it did not send is kept
        as it is); an empty one means the English name."""
        return submitted_names(self.name_ro, self.name_uk)

    def show_names(self, names: dict[str, str]) -> None:
        self.name_ro.data = names.get("ro", "")
        self.name_uk.data = names.get("uk", "")


class NamesForm(FlaskForm):
    """An item's or a site's name in each interface language."""

    name = StringField(_l("Name in English"), validators=[DataRequired(), Length(max=100)])
    name_ro = StringField(_l("Name in Romanian"), validators=[Optional(), Length(max=100)])
    name_uk = StringField(_l("Name in Ukrainian"), validators=[Optional(), Length(max=100)])

    def names(self) -> dict[str, str | None]:
        return {"en": self.name.data or "", **submitted_names(self.name_ro, self.name_uk)}


class SiteForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=20)])
    name = StringField(_l("Name in English"), validators=[DataRequired(), Length(max=100)])
    name_ro = StringField(_l("Name in Romanian"), validators=[Optional(), Length(max=100)])
    name_uk = StringField(_l("Name in Ukrainian"), validators=[Optional(), Length(max=100)])
    kind = SelectField(
        _l("Kind"),
        choices=[
            SelectChoice("distribution", _l("distribution point")),
            SelectChoice("warehouse", _l("warehouse")),
        ],
        validate_choice=True,
    )

    def other_names(self) -> dict[str, str | None]:
        return submitted_names(self.name_ro, self.name_uk)


class MinimumsForm(FlaskForm):
    households_a_day = IntegerField(
        _l("Households expected a day"),
        default=100,
        validators=[DataRequired(), NumberRange(1, 10_000)],
    )


class ItemForm(ItemSettingsForm):
    sku = StringField(_l("SKU"), validators=[DataRequired(), Length(max=40)])


class BarcodeForm(FlaskForm):
    barcode = StringField(_l("Barcode"), validators=[DataRequired(), Length(max=40)])
    pack_quantity = IntegerField(
        _l("How many in one box"), default=1, validators=[DataRequired(), NumberRange(1, 10_000)]
    )


class ReversalForm(FlaskForm):
    reason = StringField(_l("Why"), validators=[DataRequired(), Length(max=200)])


class DonorForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(
        _l("Person, company or NGO"), choices=DONOR_KIND_CHOICES, validate_choice=False
    )
    contact = StringField(_l("Contact"), validators=[Optional(), Length(max=200)])


def posted_count(name: str) -> int | None:
    """A whole number of at most 9 digits posted in the field ``name``; None for anything else."""
    value = request.form.get(name, "").strip()
    return int(value) if value.isdigit() and len(value) <= 9 else None
