"""Programmes: created by a coordinator, read at every scan; manual enrolments."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, or_, select, update

from app.db import DbSession, Reader, connection_of
from app.entitlements import editor
from app.entitlements.models import EntitlementRule
from app.entitlements.rules import Rule
from app.entitlements.services import rules_of
from app.errors import DomainError, NotFound, ValidationFailed
from app.programmes.models import ENROLMENT, PERIODS, Enrolment, Programme
from app.programmes.rules import Criteria, ProgrammeRule
from app.stock.models import Item
from app.text import has_control_characters

STARTING_CODE = "REGULAR"
STARTING_NAMES = ("Regular visit", {"ro": "Vizită obișnuită", "uk": "Звичайна видача"})


class DuplicateCode(DomainError):
    code = "duplicate_code"
    status = 409


class AlreadyEnrolled(DomainError):
    code = "already_enrolled"
    status = 409


def as_rule(row: Any) -> ProgrammeRule:
    """The rule of a programme: ``row`` is a Programme or a row of the programmes table
    (the same names)."""
    return ProgrammeRule(
        id=row.id,
        code=row.code,
        name=row.name,
        starting=row.starting,
        interval_days=row.interval_days,
        period=row.period,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        max_visits=row.max_visits,
        enrolment=row.enrolment,
        criteria=Criteria(
            row.for_under_age,
            row.for_min_age,
            row.for_disability,
            row.for_chronic_disease,
            row.for_pregnant_or_breastfeeding,
            row.for_single_parent,
        ),
        version=row.version,
        names=dict(row.names or {}),
    )


def all_programmes(session: DbSession) -> list[Programme]:
    """Every programme, the starting one first."""
    return list(
        session.scalars(select(Programme).order_by(Programme.starting.desc(), Programme.id))
    )


_programmes = Programme.__table__
_enrolments = Enrolment.__table__
_rules = EntitlementRule.__table__
_items = Item.__table__
# Built once, run on every scan: constructing a statement costs more than running it.
_IN_FORCE = (
    select(
        _programmes,
        _rules.c.item_id.label("r_item_id"),
        _items.c.sku.label("r_sku"),
        _rules.c.per.label("r_per"),
        _rules.c.quantity.label("r_quantity"),
        _rules.c.under_age.label("r_under_age"),
        _rules.c.min_age.label("r_min_age"),
        _rules.c.include_flagged.label("r_include_flagged"),
        _items.c.name.label("r_name"),
        _items.c.serial_tracked.label("r_serial_tracked"),
    )
    .select_from(
        _programmes.outerjoin(
            _rules, and_(_rules.c.programme_id == _programmes.c.id, _rules.c.active.is_(True))
        ).outerjoin(_items, _items.c.id == _rules.c.item_id)
    )
    .where(_programmes.c.active.is_(True))
    .order_by(_programmes.c.starting.desc(), _programmes.c.id, _rules.c.id)
)
ENROLLED = (
    select(_enrolments.c.programme_id, _enrolments.c.ends_on)
    .where(
        _enrolments.c.household_id == bindparam("household_id"),
        _enrolments.c.starts_on <= bindparam("today"),
        or_(_enrolments.c.ended_on.is_(None), _enrolments.c.ended_on > bindparam("today")),
        or_(_enrolments.c.ends_on.is_(None), _enrolments.c.ends_on >= bindparam("today")),
    )
    .subquery()
)


def in_force(session: Reader, today: date) -> tuple[list[ProgrammeRule], dict[int, list[Rule]]]:
    """The programmes a scan considers today, the starting one first, and each one's rules
    in force: one statement (it runs on every scan)."""
    found: list[ProgrammeRule] = []
    rules: dict[int, list[Rule]] = {}
    last: ProgrammeRule | None = None
    for row in connection_of(session).execute(_IN_FORCE):
        if last is None or last.id != row.id:
            last = as_rule(row)
            if last.starting or last.running_on(today):
                found.append(last)
        if row.r_item_id is not None:
            rules.setdefault(row.id, []).append(
                Rule(
                    row.r_item_id,
                    row.r_sku,
                    row.r_per,
                    row.r_quantity,
                    row.r_under_age,
                    row.r_min_age,
                    row.r_include_flagged,
                    row.r_name,
                    row.r_serial_tracked,
                    row.id,
                )
            )
    return found, rules


def programmes_in_force(session: DbSession, today: date) -> list[ProgrammeRule]:
    """The programmes a scan considers today, the starting one first."""
    return in_force(session, today)[0]


def starting_programme(session: DbSession) -> Programme:
    """The programme that behaves as AidDesk did before programmes (created by seed_defaults
    and by the migration that brought programmes)."""
    found = session.scalar(select(Programme).where(Programme.starting.is_(True)))
    if found is None:
        found = Programme(
            code=STARTING_CODE, name=STARTING_NAMES[0], names=STARTING_NAMES[1], starting=True
        )
        session.add(found)
        session.flush()
    return found


def programme_code(session: DbSession, programme_id: int) -> str:
    return str(session.scalar(select(Programme.code).where(Programme.id == programme_id)))


def find_programme(session: DbSession, code: str) -> Programme:
    found = session.scalar(select(Programme).where(Programme.code == code.strip().upper()))
    if found is None:
        raise NotFound(_l("No programme %(code)s.", code=code))
    return found


@dataclass(frozen=True)
class ProgrammeIn:
    """What a coordinator gives for a new programme (validated by create_programme)."""

    code: str
    name: str
    names: dict[str, str]
    interval_days: int | None = None
    period: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    max_visits: int | None = None
    enrolment: str = "automatic"
    criteria: Criteria = field(default_factory=Criteria)


def problems(given: ProgrammeIn) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    code = given.code.strip().upper()
    if not code or len(code) > 20 or not all(c.isalnum() or c in "-_" for c in code):
        fields["code"] = _l("1 to 20 letters, digits, - or _")
    if not given.name.strip() or len(given.name) > 80 or has_control_characters(given.name):
        fields["name"] = _l("a name of 1 to 80 characters")
    for language, name in given.names.items():
        if language not in ("en", "ro", "uk") or len(name) > 80 or has_control_characters(name):
            fields[f"names.{language}"] = _l("a name of at most 80 characters in en, ro or uk")
    if (given.interval_days is None) == (given.period is None):
        fields["interval_days"] = _l("either an interval in days or a period (week, month)")
    if given.interval_days is not None and not 1 <= given.interval_days <= 366:
        fields["interval_days"] = _l("a whole number of days from 1 to 366")
    if given.period is not None and given.period not in PERIODS:
        fields["period"] = _l("week or month")
    if given.starts_on and given.ends_on and given.ends_on < given.starts_on:
        fields["ends_on"] = _l("on or after the start")
    if given.max_visits is not None and not 1 <= given.max_visits <= 1000:
        fields["max_visits"] = _l("a whole number from 1 to 1000")
    if given.enrolment not in ENROLMENT:
        fields["enrolment"] = _l("automatic or manual")
    for name, age in (("under_age", given.criteria.under_age), ("min_age", given.criteria.min_age)):
        if age is not None and not 0 < age <= 120:
            fields[f"criteria.{name}"] = _l("an age from 1 to 120")
    if given.enrolment == "manual" and given.criteria.as_dict():
        fields["criteria"] = _l("a manual programme takes who a coordinator enrols, no criteria")
    return fields


def create_programme(
    session: DbSession, given: ProgrammeIn, rules: list[dict[str, Any]] | None = None
) -> Programme:
    """A new programme and its first rules (version 1), in one: nothing is kept when any is
    wrong (the caller's unit of work rolls back on the error)."""
    fields = problems(given)
    if fields:
        raise ValidationFailed(fields)
    code = given.code.strip().upper()
    if session.scalar(select(Programme.id).where(Programme.code == code)) is not None:
        raise DuplicateCode(_l("A programme %(code)s exists already.", code=code), code=code)
    criteria = given.criteria
    programme = Programme(
        code=code,
        name=given.name.strip(),
        names={k: v.strip() for k, v in given.names.items() if k != "en" and v.strip()},
        interval_days=given.interval_days,
        period=given.period,
        starts_on=given.starts_on,
        ends_on=given.ends_on,
        max_visits=given.max_visits,
        enrolment=given.enrolment,
        for_under_age=criteria.under_age,
        for_min_age=criteria.min_age,
        for_disability=criteria.disability,
        for_chronic_disease=criteria.chronic_disease,
        for_pregnant_or_breastfeeding=criteria.pregnant_or_breastfeeding,
        for_single_parent=criteria.single_parent,
    )
    session.add(programme)
    session.flush()
    for n, rule in enumerate(rules or []):
        try:
            editor.add_rule(session, programme_id=programme.id, **rule)
        except ValidationFailed as exc:
            fields.update({f"entitlements.{n}.{k}": v for k, v in exc.fields.items()})
    if fields:
        raise ValidationFailed(fields)
    return programme


def update_programme(session: DbSession, programme: Programme, given: ProgrammeIn) -> Programme:
    """Change a programme (its code stays): names, rhythm, dates, maximum, criteria. Past
    handovers keep their lines and their basis; the version grows when what decides a
    handover changed. The starting programme keeps its rhythm (ELIGIBILITY_DAYS) and takes
    every household: only its names change."""
    fields = problems(replace(given, code=programme.code))
    if programme.starting:
        fields = {k: v for k, v in fields.items() if k.startswith("name")}
    if given.enrolment != programme.enrolment:
        fields["enrolment"] = _l("a programme keeps its enrolment mode")
    if fields:
        raise ValidationFailed(fields)
    programme.name = given.name.strip()
    programme.names = {k: v.strip() for k, v in given.names.items() if k != "en" and v.strip()}
    if programme.starting:
        session.flush()
        return programme
    before = as_rule(programme)
    criteria = given.criteria
    programme.interval_days = given.interval_days
    programme.period = given.period
    programme.starts_on = given.starts_on
    programme.ends_on = given.ends_on
    programme.max_visits = given.max_visits
    programme.for_under_age = criteria.under_age
    programme.for_min_age = criteria.min_age
    programme.for_disability = criteria.disability
    programme.for_chronic_disease = criteria.chronic_disease
    programme.for_pregnant_or_breastfeeding = criteria.pregnant_or_breastfeeding
    programme.for_single_parent = criteria.single_parent
    after = as_rule(programme)
    if replace(before, name="", names={}) != replace(after, name="", names={}):
        programme.version += 1
    session.flush()
    return programme


def end_programme(session: DbSession, programme_id: int, today: date) -> None:
    """End a programme today: no handover under it from tomorrow, its enrolments end with it.
    The starting programme cannot end (it is what every household has)."""
    programme = session.get(Programme, programme_id)
    if programme is None or programme.starting:
        raise NotFound(_l("No such programme to end."))
    programme.ends_on = min(programme.ends_on or today, today)
    session.execute(
        update(Enrolment)
        .where(Enrolment.programme_id == programme_id, Enrolment.ended_on.is_(None))
        .values(ended_on=today)
    )


def add_rule(session: DbSession, *, programme_id: int | None, **rule: Any) -> EntitlementRule:
    """Add a rule to a programme (None: the starting one); its version grows."""
    if programme_id is None:
        programme_id = starting_programme(session).id
    elif session.get(Programme, programme_id) is None:
        raise ValidationFailed({"programme": _l("no such programme")})
    added = editor.add_rule(session, programme_id=programme_id, **rule)
    rules_changed(session, programme_id)
    return added


def retire_rule(session: DbSession, rule_id: int) -> None:
    """Retire a rule; its programme's version grows. Past handovers keep their lines."""
    rules_changed(session, editor.retire_rule(session, rule_id))


def starting_rules(session: DbSession) -> list[Rule]:
    """The starting programme's rules: what the offline desk and a household's page show.
    Reads only (a page or the snapshot never makes the programme: seed_defaults does)."""
    found = session.scalar(select(Programme.id).where(Programme.starting.is_(True)))
    return rules_of(session, found) if found is not None else []


def rules_changed(session: DbSession, programme_id: int) -> None:
    """A rule of the programme was added or retired: its version grows, so the handovers
    after the change name a version of their own."""
    session.execute(
        update(Programme).where(Programme.id == programme_id).values(version=Programme.version + 1)
    )


def enrol(
    session: DbSession,
    *,
    household_id: int,
    code: str,
    reason: str,
    today: date,
    user_id: int | None,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> Enrolment:
    """Enrol a household in a manual programme. An enrolment whose end date has passed is
    closed first, so a household may be enrolled again after it."""
    fields: dict[str, Any] = {}
    try:
        programme = find_programme(session, code)
    except NotFound:
        raise ValidationFailed({"programme": _l("no programme with this code")}) from None
    if programme.enrolment != "manual":
        fields["programme"] = _l("an automatic programme takes households by its criteria")
    reason = reason.strip()
    if not reason or len(reason) > 200 or has_control_characters(reason):
        fields["reason"] = _l("a reason of 1 to 200 characters")
    start = starts_on or today
    if ends_on is not None and ends_on < start:
        fields["ends_on"] = _l("on or after the start")
    if programme.ends_on is not None and start > programme.ends_on:
        fields["programme"] = _l("the programme has ended")
    if fields:
        raise ValidationFailed(fields)
    session.execute(
        update(Enrolment)
        .where(
            Enrolment.household_id == household_id,
            Enrolment.programme_id == programme.id,
            Enrolment.ended_on.is_(None),
            Enrolment.ends_on < today,
        )
        .values(ended_on=Enrolment.ends_on)
    )
    open_one = session.scalar(
        select(Enrolment.id).where(
            Enrolment.household_id == household_id,
            Enrolment.programme_id == programme.id,
            Enrolment.ended_on.is_(None),
        )
    )
    if open_one is not None:
        raise AlreadyEnrolled(
            _l("This household is enrolled in %(code)s already.", code=programme.code),
            enrolment_id=open_one,
        )
    enrolment = Enrolment(
        household_id=household_id,
        programme_id=programme.id,
        starts_on=start,
        ends_on=ends_on,
        reason=reason,
        decided_by_id=user_id,
    )
    session.add(enrolment)
    session.flush()
    return enrolment


def end_enrolment(
    session: DbSession, enrolment_id: int, *, today: date, user_id: int | None
) -> Enrolment:
    enrolment = session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.ended_on is not None:
        raise NotFound(_l("No such enrolment in force."))
    enrolment.ended_on = today
    enrolment.ended_by_id = user_id
    if enrolment.ends_on is None or enrolment.ends_on > today:
        enrolment.ends_on = max(today, enrolment.starts_on)
    session.flush()
    return enrolment


def enrolments_of(session: DbSession, household_id: int) -> list[tuple[Enrolment, Programme]]:
    return [
        (e, p)
        for e, p in session.execute(
            select(Enrolment, Programme)
            .join(Programme, Programme.id == Enrolment.programme_id)
            .where(Enrolment.household_id == household_id)
            .order_by(Enrolment.id.desc())
        )
    ]


def enrolled_programmes(
    session: DbSession, household_id: int, today: date
) -> dict[int, date | None]:
    """The manual programmes a household is enrolled in on ``today``, with the day each
    enrolment ends (None: with the programme)."""
    return {
        programme_id: ends_on
        for programme_id, ends_on in session.connection().execute(
            select(ENROLLED), {"household_id": household_id, "today": today}
        )
    }


def for_household(programme: ProgrammeRule, enrolled: dict[int, date | None]) -> ProgrammeRule:
    """A manual programme as it stands for one household: it ends for it when its enrolment
    does, so no next date is promised past the end."""
    ends = enrolled.get(programme.id)
    if programme.enrolment != "manual" or ends is None:
        return programme
    return replace(programme, ends_on=min(ends, programme.ends_on or ends))
