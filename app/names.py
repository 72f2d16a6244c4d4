"""Names of items and sites in each interface language.

The default (English) name stays in ``name`` for everything that reads it; the others live in
a ``names`` JSON column, {"ro": ..., "uk": ...}. A language without a name of its own falls
back to the default. Decision 0011 says why a column and not a child table.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from flask_babel import lazy_gettext as _l

DEFAULT_LANGUAGE = "en"
NAME_LANGUAGES = ("en", "ro", "uk")


def name_in(default: str, names: Mapping[str, str] | None, language: str | None) -> str:
    """The name in ``language`` (a locale such as "uk" or "uk_UA"), else the default."""
    code = str(language or DEFAULT_LANGUAGE).split("_")[0].split("-")[0]
    return (names or {}).get(code) or default


def every_name(default: str, names: Mapping[str, str] | None) -> dict[str, str]:
    """{"en": ..., "ro": ..., "uk": ...} as the API shows it: a missing one is the default."""
    return {code: name_in(default, names, code) for code in NAME_LANGUAGES}


def checked_names(
    given: Mapping[str, str | None], fields: dict[str, str], field: str = "names"
) -> tuple[str | None, dict[str, str]]:
    """(default name or None if not given, the other languages' names) from a form or a body.

    An empty name in another language means "use the default"; the default cannot be empty.
    Problems go into ``fields`` as ``names.<language>``.
    """
    default = None
    others: dict[str, str] = {}
    for code, value in given.items():
        if code not in NAME_LANGUAGES:
            fields[f"{field}.{code}"] = _l("one of %(choices)s", choices=", ".join(NAME_LANGUAGES))
            continue
        text = (value or "").strip()
        control = any(unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") for ch in text)
        if len(text) > 100 or control or (code == DEFAULT_LANGUAGE and not text):
            fields[f"{field}.{code}"] = _l("1-100 characters")
        elif code == DEFAULT_LANGUAGE:
            default = text
        elif text:
            others[code] = text
    return default, others


def merged_names(
    name: str, names: Mapping[str, str] | None, given: Mapping[str, str | None]
) -> tuple[str, dict[str, str], dict[str, str]]:
    """(default name, other names, problems) after applying ``given`` to what is stored: a
    language left out keeps its name, an empty one falls back to the default again."""
    fields: dict[str, str] = {}
    default, others = checked_names(given, fields)
    kept = {code: text for code, text in (names or {}).items() if code not in given}
    return default or name, {**kept, **others}, fields
