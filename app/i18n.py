"""The interface in the languages of the people at the desk.

English is the source; catalogs live in translations/. A signed-in user's choice wins, then
the browser's Accept-Language. The lines the family reads at the desk come from the catalogs
of AID_BENEFICIARY_LANGUAGES whatever the volunteer reads.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask, current_app, has_request_context, request
from flask_babel import LazyString, force_locale, get_locale, gettext, lazy_gettext
from flask_wtf.i18n import translations as wtforms_translations
from wtforms import Form

from app.auth.access import current_actor
from app.extensions import babel
from app.languages import LANGUAGES

# The interface languages, each named in its own language for the picker.


class SubForm(Form):
    """A form inside a FlaskForm (a FormField's rows): WTForms' own messages, such as "This
    field is required.", in the user's language as FlaskForm gives them."""

    class Meta:
        def get_translations(self, form: Form) -> object:
            return wtforms_translations


def select_locale() -> str:
    if not has_request_context():  # a command or a background job: the messages in English
        return "en"
    actor = current_actor()
    chosen = getattr(actor, "language", None)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(list(LANGUAGES)) or "en"


def beneficiary_lines(day: date) -> list[tuple[str, str]]:
    """(language, line) pairs telling the family when to come again, one per beneficiary
    language; a language with a catalog in translations/ needs no code to appear here."""
    from app.web import format_day

    lines = []
    for language in current_app.config["AID_BENEFICIARY_LANGUAGES"]:
        with force_locale(language):
            lines.append(
                (language, gettext("You can come again from %(day)s", day=format_day(day)))
            )
    return lines


def programme_lines(
    programmes: list[tuple[str, dict[str, str], date | None]],
) -> list[tuple[str, str]]:
    """(language, line) pairs telling the family, per programme (its name, its names in other
    languages, its next date or None for no further visit), when to come again."""
    from app.names import name_in
    from app.web import format_day

    lines = []
    for language in current_app.config["AID_BENEFICIARY_LANGUAGES"]:
        with force_locale(language):
            for name, names, day in programmes:
                called = name_in(name, names, language)
                lines.append(
                    (
                        language,
                        gettext(
                            "%(programme)s: you can come again from %(day)s",
                            programme=called,
                            day=format_day(day),
                        )
                        if day
                        else gettext("%(programme)s: no further visit", programme=called),
                    )
                )
    return lines


def in_family_languages(message: LazyString) -> str:
    """``message`` in each of AID_BENEFICIARY_LANGUAGES, joined by " / " ("Видача / Distribuire"):
    for what the families read from afar, such as the hall screen, whatever the screen's own
    browser asks for."""
    said: list[str] = []
    for language in current_app.config["AID_BENEFICIARY_LANGUAGES"]:
        with force_locale(language):
            text = str(message)
        if text not in said:
            said.append(text)
    return " / ".join(said)


def init_i18n(app: Flask) -> None:
    from pathlib import Path

    from app.catalogs import compiled_catalogs

    if "BABEL_TRANSLATION_DIRECTORIES" not in app.config:
        root = Path(app.root_path).parent  # the repository: app/ is its package
        folder = compiled_catalogs(root / "translations", Path(app.instance_path) / "translations")
        app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(folder)
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    babel.init_app(app, locale_selector=select_locale)
    # {% trans %} blocks are extracted trimmed (babel.cfg): render them the same way.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.globals["beneficiary_lines"] = beneficiary_lines
    app.jinja_env.globals["programme_lines"] = programme_lines
    app.jinja_env.globals["languages"] = LANGUAGES
    app.jinja_env.globals["get_locale"] = get_locale


def message_to_json(message: str | LazyString) -> str | list[Any]:
    """A message to keep in the database untranslated: a lazy one as [message id, values],
    so that whoever reads it later reads it in their own language (message_from_json)."""
    if isinstance(message, LazyString) and message._func is gettext and message._args:
        values = {
            name: value if isinstance(value, int | float) else str(value)
            for name, value in message._kwargs.items()
        }
        return [message._args[0], values]
    return str(message)


def message_from_json(stored: str | list[Any]) -> str | LazyString:
    if isinstance(stored, list):
        text, values = stored
        return lazy_gettext(text, **values)
    return stored
