"""Sites (a warehouse, distribution points): adding, renaming and finding one by its code."""

from __future__ import annotations

import re
from collections.abc import Mapping

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.db import DbSession
from app.errors import DomainError, ValidationFailed
from app.names import merged_names
from app.sites.models import SITE_KINDS, Site
from app.text import has_control_characters

SITE_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,19}$")


class SiteTaken(DomainError):
    code = "site_exists"
    status = 409


class UnknownSite(DomainError):
    code = "unknown_site"
    status = 404


def site_by_code(session: DbSession, code: str) -> Site:
    """This server's site (AID_SITE): a 404 that says how to create it when there is none."""
    site = session.scalar(select(Site).where(Site.code == code))
    if site is None:
        raise UnknownSite(
            _l("No site with the code %(code)s; run init-db or set AID_SITE.", code=code)
        )
    return site


def find_site(session: DbSession, code: str, field: str = "site") -> Site:
    """The site with this code; a 422 naming the field when there is none."""
    site = session.scalar(select(Site).where(Site.code == code.strip().upper()))
    if site is None:
        raise ValidationFailed({field: _l("no site with the code %(code)s", code=repr(code[:20]))})
    return site


def create_site(
    session: DbSession,
    *,
    code: str,
    name: str,
    kind: str,
    names: Mapping[str, str | None] | None = None,
) -> Site:
    """A warehouse or a distribution point; codes are unique and upper case. ``names`` gives
    its name in other languages."""
    code = code.strip().upper()
    fields = {}
    if not SITE_CODE.match(code):
        fields["code"] = _l("1-20 letters, digits, '-' or '_'")
    if not name.strip() or len(name) > 100 or has_control_characters(name):
        fields["name"] = _l("1-100 characters")
    if kind not in SITE_KINDS:
        fields["kind"] = _l("one of %(choices)s", choices=", ".join(SITE_KINDS))
    _, others, problems = merged_names(name, {}, {k: v for k, v in (names or {}).items()})
    fields.update(problems)
    if fields:
        raise ValidationFailed(fields)
    if session.scalar(select(Site.id).where(Site.code == code)) is not None:
        raise SiteTaken(_l("The site code %(code)s is taken.", code=code), code=code)
    site = Site(code=code, name=name.strip(), kind=kind, names=others)
    session.add(site)
    session.flush()
    return site


def rename_site(session: DbSession, site: Site, names: Mapping[str, str | None]) -> Site:
    """Rename a site ({"en": ..., "uk": ...}): "en" is the default name, a language left out
    keeps its name, an empty one falls back to the default. Its code stays."""
    default, others, fields = merged_names(site.name, site.names, names)
    if fields:
        raise ValidationFailed(fields)
    site.name, site.names = default, others
    session.flush()
    return site


def all_sites(session: DbSession) -> list[Site]:
    return list(session.scalars(select(Site).order_by(Site.kind.desc(), Site.code)))
