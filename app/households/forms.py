from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.days import DayField
from app.documents.formats import expiry_warning
from app.documents.mrz import MrzReading
from app.households.rules import (
    DOCUMENT_TYPES,
    MAX_DOCUMENT_NUMBER,
    MAX_MEMBERS,
    MAX_NAME,
    NewDocument,
    NewHousehold,
    NewMember,
)
from app.i18n import SubForm


def options(*pairs: tuple[str, object]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


SEX_CHOICES = options(("F", _l("Female")), ("M", _l("Male")), ("X", _l("Other")))
# Labels for showing stored codes, e.g. on the household page.
LABELS = {c.value: c.label for c in SEX_CHOICES}
RELATIONSHIP_CHOICES = options(
    ("head", _l("Head")),
    ("spouse", _l("Spouse")),
    ("child", _l("Child")),
    ("parent", _l("Parent")),
    ("sibling", _l("Sibling")),
    ("other", _l("Other")),
)
DOCUMENT_CHOICES = options(
    ("passport", _l("Passport")),
    ("temporary_protection", _l("Temporary protection permit")),
    ("id_card", _l("ID card")),
    ("birth_certificate", _l("Birth certificate")),
    ("other", _l("Other")),
)
assert {c.value for c in DOCUMENT_CHOICES} == set(DOCUMENT_TYPES)
REASON_CHOICES = options(
    ("lost", _l("Lost")),
    ("damaged", _l("Damaged")),
    ("stolen", _l("Stolen")),
    ("other", _l("Other")),
)
LABELS |= {c.value: c.label for c in (*RELATIONSHIP_CHOICES, *DOCUMENT_CHOICES, *REASON_CHOICES)}


class MemberForm(SubForm):
    given_name = StringField(_l("Given name"), validators=[DataRequired(), Length(max=MAX_NAME)])
    family_name = StringField(_l("Family name"), validators=[DataRequired(), Length(max=MAX_NAME)])
    given_name_native = StringField(_l("Given name (Cyrillic)"), validators=[Length(max=MAX_NAME)])
    family_name_native = StringField(
        _l("Family name (Cyrillic)"), validators=[Length(max=MAX_NAME)]
    )
    # InputRequired, not DataRequired: an impossible date (30 February) keeps its own message.
    birth_date = DayField(_l("Birth date"), validators=[InputRequired()])
    # No default: a sex picked by default would skew the counts by sex silently.
    sex = SelectField(
        _l("Sex"), choices=[SelectChoice("", "—"), *SEX_CHOICES], validators=[DataRequired()]
    )
    relationship = SelectField(_l("Relationship"), choices=RELATIONSHIP_CHOICES, default="child")
    disability = BooleanField(_l("Disability"))
    chronic_disease = BooleanField(_l("Chronic disease"))
    pregnant_or_breastfeeding = BooleanField(_l("Pregnant or breastfeeding"))
    single_parent = BooleanField(_l("Single parent"))
    health_consent = BooleanField(_l("Agrees that health flags be recorded"))
    document_type = SelectField(_l("Document"), choices=DOCUMENT_CHOICES)
    document_number = StringField(
        _l("Document number"), validators=[DataRequired(), Length(max=MAX_DOCUMENT_NUMBER)]
    )
    document_country = StringField(
        _l("Issued by (ISO code)"), default="UKR", validators=[DataRequired(), Length(min=3, max=3)]
    )
    document_expires_on = DayField(_l("Valid until"), validators=[Optional()])
    mrz = TextAreaField(
        _l("Machine-readable zone (scan or paste)"),
        validators=[Optional(), Length(max=300)],
        render_kw={"rows": 3, "spellcheck": "false", "autocapitalize": "characters"},
    )
    read_mrz = SubmitField(_l("Read the zone"))

    def fill_from(self, reading: MrzReading) -> None:
        """Put what the zone says into the fields; a check that failed names its field."""
        self.given_name.data = reading.given_name.title()
        self.family_name.data = reading.family_name.title()
        self.birth_date.data = reading.birth_date
        self.sex.data = reading.sex or ""
        self.document_type.data = reading.document_type
        self.document_number.data = reading.document_number
        self.document_country.data = reading.country or ""
        self.document_expires_on.data = reading.expires_on
        # What was typed before is not shown over what the zone says (even when it gives none).
        self.birth_date.raw_data = []
        self.document_expires_on.raw_data = []
        fields = {
            "document_number": self.document_number,
            "birth_date": self.birth_date,
            "expires_on": self.document_expires_on,
        }
        for check, passed in reading.checks.items():
            field = fields.get(check, self.mrz)
            if not passed:
                field.errors = [
                    *field.errors,
                    _("check digit does not match: compare with the document"),
                ]
        if reading.birth_date is None and reading.birth_date_partial:
            self.birth_date.errors = [
                *self.birth_date.errors,
                _(
                    "the document gives only %(partial)s: ask for the full date",
                    partial=reading.birth_date_partial,
                ),
            ]

    def show_problem(self, path: str, message: str) -> bool:
        """Put a problem of this member's (path like ``birth_date`` or ``documents.0.number``)
        on its field; False when no field shows it."""
        names = {
            "documents.0.type": "document_type",
            "documents.0.number": "document_number",
            "documents.0.country": "document_country",
            "documents.0.expires_on": "document_expires_on",
        }
        field = getattr(self, names.get(path, path), None)
        if field is None or not hasattr(field, "errors"):
            return False
        field.errors = [*field.errors, message]
        return True

    def to_new(self) -> NewMember:
        return NewMember(
            given_name=self.given_name.data or "",
            family_name=self.family_name.data or "",
            birth_date=self.birth_date.data,  # type: ignore[arg-type]
            sex=self.sex.data or "",
            relationship=self.relationship.data or "",
            disability=bool(self.disability.data),
            chronic_disease=bool(self.chronic_disease.data),
            pregnant_or_breastfeeding=bool(self.pregnant_or_breastfeeding.data),
            single_parent=bool(self.single_parent.data),
            health_consent=bool(self.health_consent.data),
            given_name_native=self.given_name_native.data or None,
            family_name_native=self.family_name_native.data or None,
            documents=(
                NewDocument(
                    self.document_type.data or "",
                    self.document_number.data or "",
                    self.document_country.data or "",
                    self.document_expires_on.data,
                ),
            ),
        )


class RegisterForm(FlaskForm):
    members = FieldList(FormField(MemberForm), min_entries=1, max_entries=MAX_MEMBERS)
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=32)])
    locality = StringField(_l("Locality"), validators=[Optional(), Length(max=MAX_NAME)])
    add_member = SubmitField(_l("Add a member"))
    remove_member = SubmitField(_l("Remove the last member"))
    save = SubmitField(_l("Register and issue the card"))
    # Shown beside the likely matches: the volunteer has looked and says "a different person".
    confirm_new = SubmitField(_l("A different person: register"))

    def to_new(self) -> NewHousehold:
        return NewHousehold(
            members=tuple(entry.form.to_new() for entry in self.members),
            phone=self.phone.data,
            locality=self.locality.data,
        )

    def expiry_notices(self, today: date) -> dict[int, str]:
        """A notice for each member whose document has expired, by the member's index: it
        is read from the form, so it stays on every step until the family is registered."""
        notices = {}
        for index, entry in enumerate(self.members.entries):
            member = entry.form
            warning = expiry_warning(member.document_expires_on.data, today)
            if warning:
                name = f"{member.given_name.data or ''} {member.family_name.data or ''}".strip()
                notices[index] = _("%(name)s: document %(warning)s.", name=name, warning=warning)
        return notices

    def show_problems(self, fields: dict[str, str]) -> list[str]:
        """Put the service's field problems on the form's fields; returns those left over."""
        left = []
        for path, message in fields.items():
            parts = path.split(".", 2)
            if parts[0] == "members" and len(parts) == 3 and parts[1].isdigit():
                index, rest = int(parts[1]), parts[2]
                entries = self.members.entries
                if index < len(entries) and entries[index].form.show_problem(rest, message):
                    continue
            field = getattr(self, path, None) if "." not in path else None
            if field is not None and hasattr(field, "errors"):
                field.errors = [*field.errors, message]
            else:
                left.append(f"{path}: {message}" if path != "members" else message)
        return left


class ReissueForm(FlaskForm):
    reason = SelectField(
        _l("Reason"),
        choices=REASON_CHOICES,
    )
    submit = SubmitField(_l("Issue a new card"))


RELATIONSHIPS_NOT_HEAD = [c for c in RELATIONSHIP_CHOICES if c.value != "head"]


class AddMemberForm(FlaskForm):
    """A member joining a registered household: a newborn, a relative arriving later."""

    member = FormField(MemberForm)
    save = SubmitField(_l("Add to the household"))
    confirm_new = SubmitField(_l("A different person: add"))


class DepartedForm(FlaskForm):
    submit = SubmitField(_l("Departed"))


class HeadForm(FlaskForm):
    member_id = SelectField(_l("New head"), coerce=int, validate_choice=True)
    former_head_becomes = SelectField(
        _l("The former head becomes"), choices=RELATIONSHIPS_NOT_HEAD, default="spouse"
    )
    submit = SubmitField(_l("Change the head"))


class MoveForm(FlaskForm):
    household_id = IntegerField(
        _l("To household number"), validators=[DataRequired(), NumberRange(1, 2**31 - 1)]
    )
    relationship = SelectField(_l("Relationship there"), choices=RELATIONSHIPS_NOT_HEAD)
    submit = SubmitField(_l("Move"))


class ConsentForm(FlaskForm):
    submit = SubmitField(_l("Record consent"))


class WithdrawForm(FlaskForm):
    submit = SubmitField(_l("Withdraw consent"))


class FlagsForm(FlaskForm):
    disability = BooleanField(_l("Disability"))
    chronic_disease = BooleanField(_l("Chronic disease"))
    pregnant_or_breastfeeding = BooleanField(_l("Pregnant or breastfeeding"))
    single_parent = BooleanField(_l("Single parent"))
    submit = SubmitField(_l("Save the flags"))


class ImportForm(FlaskForm):
    file = FileField(
        _l("Register (.xlsx or .csv)"),
        validators=[FileRequired(), FileAllowed(["xlsx", "csv"], _l("a .xlsx or .csv file"))],
    )
    submit = SubmitField(_l("Upload"))


class ImportStepForm(FlaskForm):
    """The token of the mapping and import buttons; the mapping's selects are read by name."""


IMPORT_FIELDS = {
    "household": _l("Household (rows with the same value are one household)"),
    "relationship": _l("Relationship"),
    "given_name": _l("Given name"),
    "family_name": _l("Family name"),
    "given_name_native": _l("Given name (Cyrillic)"),
    "family_name_native": _l("Family name (Cyrillic)"),
    "birth_date": _l("Birth date"),
    "sex": _l("Sex"),
    "document_type": _l("Document"),
    "document_number": _l("Document number"),
    "document_country": _l("Issued by (ISO code)"),
    "document_expires_on": _l("Valid until"),
    "phone": _l("Phone"),
    "locality": _l("Locality"),
}


class PhotoForm(FlaskForm):
    photo = FileField(
        _l("Photo of the head (a file, or from the camera)"),
        validators=[FileRequired(), FileAllowed(["jpg", "jpeg", "png", "webp"])],
    )
    submit = SubmitField(_l("Save the photo"))
