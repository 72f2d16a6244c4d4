"""Sites (a warehouse, distribution points) and finding an item or a site by its code."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import DomainError, ValidationFailed
from app.stock.models import SITE_KINDS, Item, Site
from app.text import has_control_characters

SITE_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,19}$")


class SiteTaken(DomainError):
    code = "site_exists"
    status = 409


def find_site(session: Session, code: str, field: str = "site") -> Site:
    """The site with this code; a 422 naming the field when there is none."""
    site = session.scalar(select(Site).where(Site.code == code.strip().upper()))
    if site is None:
        raise ValidationFailed({field: _l("no site with the code %(code)s", code=repr(code[:20]))})
    return site


def create_site(session: Session, *, code: str, name: str, kind: str) -> Site:
    """A warehouse or a distribution point; codes are unique and upper case."""
    code = code.strip().upper()
    fields = {}
    if not SITE_CODE.match(code):
        fields["code"] = _l("1-20 letters, digits, '-' or '_'")
    if not name.strip() or len(name) > 100 or has_control_characters(name):
        fields["name"] = _l("1-100 characters")
    if kind not in SITE_KINDS:
        fields["kind"] = _l("one of %(choices)s", choices=", ".join(SITE_KINDS))
    if fields:
        raise ValidationFailed(fields)
    if session.scalar(select(Site.id).where(Site.code == code)) is not None:
        raise SiteTaken(_l("The site code %(code)s is taken.", code=code), code=code)
    site = Site(code=code, name=name.strip(), kind=kind)
    session.add(site)
    session.flush()
    return site


def all_sites(session: Session) -> list[Site]:
    return list(session.scalars(select(Site).order_by(Site.kind.desc(), Site.code)))


def find_item(session: Session, sku: str, field: str = "sku") -> Item:
    item = session.scalar(select(Item).where(Item.sku == sku.strip().upper()))
    if item is None:
        raise ValidationFailed({field: _l("unknown SKU %(sku)s", sku=repr(sku[:40]))})
    return item
