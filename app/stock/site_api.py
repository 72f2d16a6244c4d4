"""The sites API: the list, adding a site, renaming one (a coordinator's)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from app.api import parse_body, writes
from app.api.docs import doc
from app.api.types import Body, Code, Name
from app.auth.access import COORDINATOR, STOCK, allow
from app.errors import ValidationFailed
from app.extensions import db
from app.names import every_name
from app.sites.models import Site
from app.sites.services import SiteTaken, all_sites, create_site, find_site, rename_site
from app.stock.api import Names, NamesIn
from app.stock.api_answers import SiteOut

bp = Blueprint("sites", __name__)


class SiteIn(Body):
    code: Code
    name: Name
    kind: Code
    names: Names | None = None


def site_json(site: Site) -> dict[str, object]:
    return {
        "id": site.id,
        "code": site.code,
        "name": site.name,
        "names": every_name(site.name, site.names),
        "kind": site.kind,
    }


@bp.get("/sites")
@doc(responses={200: list[SiteOut]})
@allow(*STOCK)
def sites() -> Response:
    return jsonify([site_json(s) for s in all_sites(db.session)])


@bp.post("/sites")
@doc(body=SiteIn, responses={201: SiteOut}, errors=(SiteTaken, ValidationFailed))
@allow(*COORDINATOR)
@writes
def add_site() -> tuple[Response, int]:
    body = parse_body(SiteIn)
    site = create_site(db.session, code=body.code, name=body.name, kind=body.kind, names=body.names)
    return jsonify(site_json(site)), 201


@bp.patch("/sites/<code>/names")
@doc(body=NamesIn, responses={200: SiteOut}, errors=(ValidationFailed,))
@allow(*COORDINATOR)
@writes
def rename_site_names(code: str) -> Response:
    """Rename a site: {"names": {"en": "...", "uk": "..."}}; its code stays."""
    body = parse_body(NamesIn)
    site = rename_site(db.session, find_site(db.session, code[:20]), body.names)
    return jsonify(site_json(site))
