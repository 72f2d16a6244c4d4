"""What is wrong with each field of a JSON body pydantic refused, in the caller's language.

The field keys are pydantic's locations joined by dots, as the API has always given them; the
texts are pydantic's English sentences, translated through the catalogs for the kinds of error
a body can meet, and left as pydantic writes them for any other kind.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from pydantic import ValidationError

from app.errors import Message

# pydantic's error type -> its sentence, with pydantic's context values as the named values.
_SENTENCES = {
    "missing": _l("Field required"),
    "string_type": _l("Input should be a valid string"),
    "int_type": _l("Input should be a valid integer"),
    "bool_type": _l("Input should be a valid boolean"),
    "list_type": _l("Input should be a valid array"),
    "model_type": _l("Input should be an object"),
    "dict_type": _l("Input should be a valid dictionary"),
}


def _sentence(error: Any) -> Message:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind in _SENTENCES:
        return _SENTENCES[kind]
    if kind == "string_too_short":
        n = ctx["min_length"]
        return ngettext(
            "String should have at least %(num)d character",
            "String should have at least %(num)d characters",
            n,
        )
    if kind == "string_too_long":
        n = ctx["max_length"]
        return ngettext(
            "String should have at most %(num)d character",
            "String should have at most %(num)d characters",
            n,
        )
    if kind == "greater_than_equal":
        return _l("Input should be greater than or equal to %(n)s", n=ctx["ge"])
    if kind == "less_than_equal":
        return _l("Input should be less than or equal to %(n)s", n=ctx["le"])
    if kind == "literal_error":  # pydantic writes "'F', 'M' or 'X'": the "or" is English
        choices = str(ctx["expected"]).replace(" or ", ", ")
        return _l("Input should be one of %(choices)s", choices=choices)
    if kind == "value_error":  # our own validators (api.types) raise a lazy message
        return _l("Value error, %(reason)s", reason=ctx["error"])
    return str(error["msg"])


def validation_fields(exc: ValidationError) -> dict[str, Message]:
    fields: dict[str, Message] = {}
    for error in exc.errors():
        path = ".".join(str(part) for part in error["loc"]) or "body"
        fields.setdefault(path, _sentence(error))
    return fields
