from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import DataRequired


class EraseForm(FlaskForm):
    confirm = BooleanField(
        _l("I understand: names, documents, phone, photo and card are removed for good."),
        validators=[DataRequired()],
    )
