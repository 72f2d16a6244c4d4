"""The slip's lines, in each of the families' languages: the PDF and the print page draw the
same ones."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import force_locale, gettext

from app.names import name_in
from app.slips.services import Slip

PAPERS = ("58", "80", "a6")


@dataclass(frozen=True)
class SlipText:
    """Each list holds one line per language (a line that reads the same in every language,
    such as a name without translation, once)."""

    titles: list[str]
    site: list[str]
    when: str
    items: list[tuple[int, list[str]]]
    nothing: list[str]  # said when no item could be given (none was in stock)
    next_visits: list[str]
    reference_label: list[str]
    reference: str
    keep: list[str]


def _once(lines: list[str]) -> list[str]:
    return list(dict.fromkeys(lines))


def slip_text(slip: Slip, languages: list[str]) -> SlipText:
    """The slip's words in ``languages`` (the families' languages, AID_BENEFICIARY_LANGUAGES)."""
    titles: list[str] = []
    labels: list[str] = []
    visits: list[str] = []
    keep: list[str] = []
    nothing: list[str] = []
    for language in languages:
        with force_locale(language):
            titles.append(gettext("Receipt of aid"))
            labels.append(gettext("Reference"))
            keep.append(gettext("Keep this slip: quote the reference if you have a complaint."))
            nothing.append(gettext("Nothing could be given this time."))
            for visit in slip.next_visits:
                day = visit.on.strftime("%d.%m.%Y") if visit.on else ""
                if visit.programme is None:
                    visits.append(gettext("You can come again from %(day)s", day=day))
                    continue
                called = name_in(visit.programme, visit.programme_names, language)
                visits.append(
                    gettext(
                        "%(programme)s: you can come again from %(day)s",
                        programme=called,
                        day=day,
                    )
                    if visit.on
                    else gettext("%(programme)s: no further visit", programme=called)
                )
    return SlipText(
        titles=_once(titles),
        site=_once([name_in(slip.site_name, slip.site_names, code) for code in languages]),
        when=slip.served_at.strftime("%d.%m.%Y %H:%M"),
        items=[
            (item.quantity, _once([name_in(item.name, item.names, code) for code in languages]))
            for item in slip.items
        ],
        nothing=[] if slip.items else _once(nothing),
        next_visits=_once(visits),
        reference_label=_once(labels),
        reference=slip.reference,
        keep=_once(keep),
    )
