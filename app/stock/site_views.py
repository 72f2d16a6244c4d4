"""The sites page: a coordinator adds a warehouse or a distribution point and renames it."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.auth.access import COORDINATOR, STOCK, allow
from app.errors import DomainError
from app.extensions import db
from app.sites.services import all_sites, create_site, find_site, rename_site
from app.stock.forms import NamesForm, SiteForm
from app.stock.labels import SITE_LABELS
from app.unit_of_work import page_writes, refuse

bp = Blueprint("sites", __name__, url_prefix="/stock")


def _page(form: SiteForm, status: int = 200) -> tuple[str, int]:
    return render_template(
        "stock/sites.html", sites=all_sites(db.session), form=form, kinds=SITE_LABELS
    ), status


@bp.get("/sites")
@allow(*STOCK)
def sites() -> tuple[str, int]:
    """Every site with its name in each language; a coordinator adds and renames them."""
    return _page(SiteForm(formdata=None))


@bp.post("/sites")
@allow(*COORDINATOR)
@page_writes
def add_site() -> Response | tuple[str, int]:
    form = SiteForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    try:
        site = create_site(
            db.session,
            code=form.code.data or "",
            name=form.name.data or "",
            kind=form.kind.data or "",
            names=form.other_names(),
        )
    except DomainError as exc:
        refuse(exc)
        return _page(form, 422)
    flash(_("Site %(code)s added.", code=site.code), "ok")
    return redirect(url_for("sites.sites"))


@bp.post("/sites/<code>/names")
@allow(*COORDINATOR)
@page_writes
def site_names(code: str) -> Response:
    """Rename a site in each language; its code, stock and history stay."""
    form = NamesForm()
    if not form.validate_on_submit():
        flash(_("Give the site's name in English."), "error")
        return redirect(url_for("sites.sites"))
    try:
        site = rename_site(db.session, find_site(db.session, code[:20]), form.names())
    except DomainError as exc:
        refuse(exc)
    else:
        flash(_("Site %(code)s renamed.", code=site.code), "ok")
    return redirect(url_for("sites.sites"))
