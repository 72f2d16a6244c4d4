"""The public page's words in Ukrainian, Romanian, English and Russian.

English, Romanian and Ukrainian come from the app's catalogs like every other page. Russian is
served for this page only, from the table below: the families read it, the staff never do, so
it is not an interface language (decision 0028). tests/public checks that every message the
page uses has its Russian line here.
"""

from __future__ import annotations

from flask_babel import LazyString, force_locale, gettext
from flask_babel import lazy_gettext as _l

PAGE_LANGUAGES = {"uk": "Українська", "ro": "Română", "en": "English", "ru": "Русский"}

# The page's messages, by the name the template uses.
MESSAGES = {
    "title": _l("When can we come again?"),
    "label": _l("The number on your card"),
    "hint": _l("Type the 10 digits printed on the card, or the text of its QR code."),
    "submit": _l("Check"),
    "privacy": _l("This page shows only the date. It does not show or keep your name."),
    "today": _l("You can come today."),
    "date": _l("You can come again from %(day)s"),
    "no_date": _l("We cannot give a date for this number. Ask at the center's desk."),
    "bad_number": _l("This number has a mistake: check the digits on your card."),
    "not_a_number": _l("Type the 10 digits of the number on your card."),
    "too_many": _l("Too many checks from this connection: try again in %(seconds)s seconds."),
    "language": _l("Language"),
}

# A line per programme besides the starting one, filled in by programme_line.
PROGRAMME_LINES = {
    "today": _l("%(programme)s: you can come today."),
    "date": _l("%(programme)s: you can come again from %(day)s"),
    "none": _l("%(programme)s: no further visit"),
}

RUSSIAN = {
    "When can we come again?": "Когда можно прийти снова?",
    "The number on your card": "Номер на вашей карте",
    "Type the 10 digits printed on the card, or the text of its QR code.": (
        "Введите 10 цифр, напечатанных на карте, или текст её QR-кода."
    ),
    "Check": "Проверить",
    "This page shows only the date. It does not show or keep your name.": (
        "Эта страница показывает только дату. Она не показывает и не хранит ваше имя."
    ),
    "You can come today.": "Можно прийти сегодня.",
    "You can come again from %(day)s": "Можно прийти снова с %(day)s",
    "We cannot give a date for this number. Ask at the center's desk.": (
        "Мы не можем назвать дату для этого номера. Спросите у стойки в центре."
    ),
    "This number has a mistake: check the digits on your card.": (
        "В номере ошибка: проверьте цифры на вашей карте."
    ),
    "Type the 10 digits of the number on your card.": "Введите 10 цифр номера вашей карты.",
    "Too many checks from this connection: try again in %(seconds)s seconds.": (
        "Слишком много проверок с этого подключения: попробуйте снова через %(seconds)s с."
    ),
    "Language": "Язык",
    "%(programme)s: you can come today.": "%(programme)s: можно прийти сегодня.",
    "%(programme)s: you can come again from %(day)s": "%(programme)s: можно прийти снова с %(day)s",
    "%(programme)s: no further visit": "%(programme)s: больше визитов нет",
}


def page_language(asked: str | None, accept: object) -> str:
    """The language asked for in the address, else the browser's best, else Ukrainian."""
    if asked in PAGE_LANGUAGES:
        return str(asked)
    best = accept.best_match(list(PAGE_LANGUAGES))  # type: ignore[attr-defined]
    return best or "uk"


def words(language: str, **values: object) -> dict[str, str]:
    """Every message of the page in ``language``, with ``values`` filled in."""
    out: dict[str, str] = {}
    for name, message in MESSAGES.items():
        text = _in(language, message)
        try:
            out[name] = text % values if "%(" in text else text
        except KeyError:  # a message whose value this answer does not have: not shown
            out[name] = ""
    return out


def programme_line(language: str, programme: str, day: str | None, today: bool) -> str:
    """One programme's line in ``language``: today, from a day, or no further visit."""
    text = _in(language, PROGRAMME_LINES["today" if today else "date" if day else "none"])
    return text % {"programme": programme, "day": day or ""}


def _in(language: str, message: LazyString) -> str:
    """A message in ``language``: Russian from RUSSIAN, the others from the catalogs."""
    msgid = message._args[0]  # the English text the catalogs and RUSSIAN are keyed by
    if language == "ru":
        return RUSSIAN[msgid]
    with force_locale(language):
        return str(gettext(msgid))
