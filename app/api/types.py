"""Field types shared by the API's request models."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from app.text import NOT_ALLOWED, has_control_characters


def _printable(value: str) -> str:
    if has_control_characters(value):
        raise ValueError(NOT_ALLOWED)  # read in the caller's language (api.fields)
    return value


Printable = AfterValidator(_printable)
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), Printable
]
Code = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40), Printable
]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), Printable]
# A database id in a body: positive and 32-bit, so a huge number is a 404, not a 500.
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
ScanText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class Body(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
