"""The programmes API: the list (any desk role), a new programme (a coordinator's)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from flask import Blueprint, Response, jsonify
from pydantic import Field, StringConstraints

from app import context
from app.api import parse_body, writes
from app.api.docs import Answer, doc
from app.api.types import Body, Code, Name, Printable
from app.auth.access import COORDINATOR, DESK, allow
from app.entitlements.editor import rules_in_force
from app.entitlements.models import EntitlementRule
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.names import every_name
from app.programmes import services
from app.programmes.models import Programme
from app.programmes.rules import Criteria
from app.programmes.services import DuplicateCode, ProgrammeIn

bp = Blueprint("programmes_api", __name__)

Age = Annotated[int, Field(ge=1, le=120)]
ShortName = Annotated[str, StringConstraints(max_length=80), Printable]


class CriteriaIn(Body):
    under_age: Age | None = None
    min_age: Age | None = None
    disability: bool = False
    chronic_disease: bool = False
    pregnant_or_breastfeeding: bool = False
    single_parent: bool = False


class RuleIn(Body):
    sku: Code
    per: Literal["household", "member"]
    quantity: Annotated[int, Field(ge=1, le=100)]
    under_age: Age | None = None
    min_age: Age | None = None
    include_flagged: bool = False


class ProgrammeBody(Body):
    code: Code
    name: Name
    names: Annotated[dict[Code, ShortName], Field(max_length=3)] | None = None
    interval_days: Annotated[int, Field(ge=1, le=366)] | None = None
    period: Literal["week", "month"] | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    max_visits: Annotated[int, Field(ge=1, le=1000)] | None = None
    enrolment: Literal["automatic", "manual"] = "automatic"
    criteria: CriteriaIn | None = None
    entitlements: Annotated[list[RuleIn], Field(max_length=50)] = []


class ProgrammeChange(Body):
    """What changes; a field left out keeps its value. ``interval_days`` or ``period`` sets
    the rhythm (the other one is cleared); a date or maximum given as null clears it."""

    name: Name | None = None
    names: Annotated[dict[Code, ShortName], Field(max_length=3)] | None = None
    interval_days: Annotated[int, Field(ge=1, le=366)] | None = None
    period: Literal["week", "month"] | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    max_visits: Annotated[int, Field(ge=1, le=1000)] | None = None
    criteria: CriteriaIn | None = None


class CriteriaOut(Answer):
    under_age: int | None = None
    min_age: int | None = None
    disability: bool | None = None
    chronic_disease: bool | None = None
    pregnant_or_breastfeeding: bool | None = None
    single_parent: bool | None = None


class RuleOut(Answer):
    sku: str
    per: str
    quantity: int
    under_age: int | None = None
    min_age: int | None = None
    include_flagged: bool | None = None


class ProgrammeOut(Answer):
    code: str
    name: str
    names: dict[str, str]
    interval_days: int | None = None
    period: str | None = None
    starts_on: date | None
    ends_on: date | None
    max_visits: int | None
    enrolment: str
    criteria: CriteriaOut
    entitlements: list[RuleOut]
    active: bool
    starting: bool
    version: int


def _rule_json(rule: EntitlementRule) -> dict[str, object]:
    found: dict[str, object] = {"sku": rule.item.sku, "per": rule.per, "quantity": rule.quantity}
    if rule.under_age is not None:
        found["under_age"] = rule.under_age
    if rule.min_age is not None:
        found["min_age"] = rule.min_age
    if rule.include_flagged:
        found["include_flagged"] = True
    return found


def programme_json(
    programme: Programme, rules: list[EntitlementRule], today: date, days: int
) -> dict[str, object]:
    rhythm: dict[str, object] = (
        {"period": programme.period}
        if programme.period
        else {"interval_days": programme.interval_days or days}
    )
    rule = services.as_rule(programme)
    return {
        "code": programme.code,
        "name": programme.name,
        "names": every_name(programme.name, programme.names),
        **rhythm,
        "starts_on": programme.starts_on.isoformat() if programme.starts_on else None,
        "ends_on": programme.ends_on.isoformat() if programme.ends_on else None,
        "max_visits": programme.max_visits,
        "enrolment": programme.enrolment,
        "criteria": rule.criteria.as_dict(),
        "entitlements": [_rule_json(r) for r in rules if r.programme_id == programme.id],
        "active": programme.active and rule.running_on(today),
        "starting": programme.starting,
        "version": programme.version,
    }


@bp.get("/programmes")
@doc(responses={200: list[ProgrammeOut]})
@allow(*DESK)
def programmes() -> Response:
    """Every programme, the starting one first (its interval is ELIGIBILITY_DAYS)."""
    rules = rules_in_force(db.session)
    today, days = context.today(), context.eligibility_days()
    return jsonify(
        [programme_json(p, rules, today, days) for p in services.all_programmes(db.session)]
    )


@bp.post("/programmes")
@doc(body=ProgrammeBody, responses={201: ProgrammeOut}, errors=(DuplicateCode, ValidationFailed))
@allow(*COORDINATOR)
@writes
def add_programme() -> tuple[Response, int]:
    """A new programme with its entitlement rules, in one: nothing is kept if any is wrong."""
    body = parse_body(ProgrammeBody)
    names = dict(body.names or {})
    criteria = body.criteria or CriteriaIn()
    programme = services.create_programme(
        db.session,
        ProgrammeIn(
            code=body.code,
            name=names.get("en") or body.name,
            names=names,
            interval_days=body.interval_days,
            period=body.period,
            starts_on=body.starts_on,
            ends_on=body.ends_on,
            max_visits=body.max_visits,
            enrolment=body.enrolment,
            criteria=Criteria(**criteria.model_dump()),
        ),
        rules=[rule.model_dump() for rule in body.entitlements],
    )
    rules = rules_in_force(db.session)
    return jsonify(
        programme_json(programme, rules, context.today(), context.eligibility_days())
    ), 201


@bp.patch("/programmes/<code>")
@doc(body=ProgrammeChange, responses={200: ProgrammeOut}, errors=(NotFound, ValidationFailed))
@allow(*COORDINATOR)
@writes
def change_programme(code: str) -> Response:
    """Change a programme: past handovers keep what they were given and their basis; its
    ``version`` grows when its rhythm, dates, maximum or criteria change."""
    body = parse_body(ProgrammeChange)
    programme = services.find_programme(db.session, code[:20])
    now = services.as_rule(programme)
    sent = body.model_fields_set
    rhythm_sent = bool({"interval_days", "period"} & sent)
    names = dict(body.names) if body.names is not None else dict(programme.names or {})
    criteria = body.criteria or CriteriaIn()
    services.update_programme(
        db.session,
        programme,
        ProgrammeIn(
            code=programme.code,
            name=names.get("en") or body.name or programme.name,
            names=names,
            interval_days=body.interval_days if rhythm_sent else programme.interval_days,
            period=body.period if rhythm_sent else programme.period,
            starts_on=body.starts_on if "starts_on" in sent else programme.starts_on,
            ends_on=body.ends_on if "ends_on" in sent else programme.ends_on,
            max_visits=body.max_visits if "max_visits" in sent else programme.max_visits,
            enrolment=programme.enrolment,
            criteria=Criteria(**criteria.model_dump()) if "criteria" in sent else now.criteria,
        ),
    )
    rules = rules_in_force(db.session)
    return jsonify(programme_json(programme, rules, context.today(), context.eligibility_days()))
