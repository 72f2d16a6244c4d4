"""The desk: may this household be served today, and the handover itself.

The 10-day rule is held by the database: a handover starts with a conditional UPDATE of the
household's last service date, and only the desk whose UPDATE changed the row goes on. Two
desks scanning the same card at the same moment therefore record exactly one distribution, on
SQLite (writers take turns) and on PostgreSQL (the second UPDATE waits for the first, then
finds its condition false). See docs/decisions/0001-eligibility-conditional-update.md.

These are the hot paths of the desk (a queue of 190 families an hour per site, several desks),
so each reads what it needs in as few statements as it can: a check is four queries, a
handover about a dozen.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, bindparam, cast, insert, literal, or_, select, union_all, update
from sqlalchemy.engine import Connection

from app.cards.services import find_card
from app.db import DbSession, Reader, connection_of, dialect_insert, read_first
from app.desk.models import (
    Distribution,
    DistributionLine,
    HandoverBasis,
    Refusal,
    VisitMember,
    VisitPeople,
)
from app.desk.rules import (
    Decision,
    age_band,
    decide,
    latest_service_date_allowed,
    refusal_counts,
)
from app.entitlements.rules import Entitlement, Person, Rule, entitlements
from app.errors import DomainError
from app.households.models import Household, Member
from app.programmes.models import ProgrammeVisit
from app.programmes.rules import ProgrammeRule, Someone, Standing, latest_allowed, meets, standing
from app.programmes.services import ENROLLED, for_household, in_force
from app.sites.models import Site
from app.stock import vouchers as voucher_serials
from app.stock.services import on_hand_by_item, take_stock
from app.tickets.services import Closed, close_for_card


class NotEligible(DomainError):
    """How the API answers a refused handover (409); see Refused.error."""

    code = "not_eligible"
    status = 409


@dataclass(frozen=True)
class MemberAtDesk:
    sex: str
    birth_date: date
    disability: bool
    chronic_disease: bool
    pregnant_or_breastfeeding: bool = False
    single_parent: bool = False


@dataclass(frozen=True)
class Visitor:
    """The household as the desk sees it: who to greet, and who counts for entitlements."""

    household_id: int
    head_name: str
    last_served_on: date | None
    members: list[MemberAtDesk]

    @property
    def people(self) -> int:
        return len(self.members)

    def entitled(self, rules: list[Rule], today: date) -> list[Entitlement]:
        people = [
            Person(m.birth_date, m.disability, m.chronic_disease, m.pregnant_or_breastfeeding)
            for m in self.members
        ]
        return entitlements(rules, people, today)

    def someones(self) -> list[Someone]:
        return [
            Someone(
                m.birth_date,
                m.disability,
                m.chronic_disease,
                m.pregnant_or_breastfeeding,
                m.single_parent,
            )
            for m in self.members
        ]


@dataclass(frozen=True)
class EntitlementLine:
    sku: str
    name: str
    quantity: int
    on_hand: int
    serial_tracked: bool = False

    @property
    def available(self) -> bool:
        return self.on_hand >= self.quantity


@dataclass(frozen=True)
class InProgramme:
    """A programme the household is in today: its standing, and what it gets if due."""

    programme: ProgrammeRule
    standing: Standing
    lines: list[EntitlementLine]
    entitled: list[Entitlement]

    @property
    def due(self) -> bool:
        """Something to hand over under it now (the starting programme is due even with no
        rules: its visit is counted, as before programmes)."""
        return self.standing.eligible and (bool(self.lines) or self.programme.starting)


@dataclass(frozen=True)
class ServedToday:
    """The handover a household already had today: when, and by whom."""

    at: datetime
    user_id: int | None


@dataclass(frozen=True)
class Check:
    visitor: Visitor
    decision: Decision
    entitlements: list[EntitlementLine]
    today: date
    served_today: ServedToday | None = None
    # Every programme the household is in, the starting one first (decision 0034).
    programmes: tuple[InProgramme, ...] = ()

    @property
    def may_serve(self) -> bool:
        """ELIGIBLE: something is due under some programme (NOT YET only when nothing is)."""
        if not self.programmes:
            return self.decision.eligible
        return any(p.due for p in self.programmes)

    @property
    def programme_dates(self) -> list[tuple[str, dict[str, str], date | None]]:
        """Each programme's name, names and next date, for the family's lines."""
        return [
            (p.programme.name, p.programme.names, p.standing.next_eligible_on)
            for p in self.programmes
        ]

    @property
    def next_due_on(self) -> date | None:
        """The first day something is due again under some programme (the door's "come back
        on"); the starting programme's date when there is no other."""
        dates = [p.standing.next_eligible_on for p in self.programmes]
        found = [d for d in dates if d is not None]
        return min(found) if found else self.decision.next_eligible_on

    @property
    def due_lines(self) -> list[EntitlementLine]:
        """What is due now under every programme (the door's "come in" shows it)."""
        if not self.programmes:
            return self.entitlements
        return [line for p in self.programmes if p.due for line in p.lines]

    @property
    def others(self) -> tuple[InProgramme, ...]:
        """The programmes besides the starting one."""
        return tuple(p for p in self.programmes if not p.programme.starting)

    @property
    def refusal_due(self) -> bool:
        """Turned away because of a visit on an earlier day (a repeat scan today is not)."""
        return refusal_counts(self.decision, self.today)


@dataclass(frozen=True)
class HandedOver:
    sku: str
    name: str
    entitled: int
    given: int
    serial_tracked: bool = False
    serials: tuple[str, ...] = ()
    programme: str = ""  # the programme's code
    declined: bool = False  # unticked at the desk: the family did not take it


@dataclass(frozen=True)
class ServedIn:
    """A programme of a handover: served under it now (``served``), or not due yet; and the
    next date the household may come for it (None: no further visit)."""

    programme: ProgrammeRule
    served: bool
    next_eligible_on: date | None


@dataclass(frozen=True)
class Handover:
    """A handover's outcome when the household was served."""

    distribution_id: int
    visitor: Visitor
    served_on: date
    items: list[HandedOver]
    next_eligible_on: date
    card_id: int | None = None  # the card scanned (None: served without it)
    programmes: tuple[ServedIn, ...] = ()
    ticket: Closed | None = None  # the queue's ticket it closed (asked with close_ticket)

    @property
    def several(self) -> bool:
        """More than the starting programme: the desk names each."""
        return any(not p.programme.starting for p in self.programmes)

    @property
    def programme_dates(self) -> list[tuple[str, dict[str, str], date | None]]:
        """Each programme's name, names and next date, for the family's lines."""
        return [(p.programme.name, p.programme.names, p.next_eligible_on) for p in self.programmes]


@dataclass(frozen=True)
class Refused:
    """A handover's outcome when the household was served within the interval: nothing handed
    over. ``counted`` says whether the refusal was counted for the day's report (a visit on an
    earlier day; a second scan on the day of service is no refusal)."""

    household_id: int
    decision: Decision
    counted: bool

    def error(self) -> NotEligible:
        """The refusal as the API answers it: 409 ``not_eligible`` with the dates."""
        return NotEligible(
            _l("This household was served within the interval."),
            household_id=self.household_id,
            last_served_on=_iso(self.decision.last_served_on),
            next_eligible_on=_iso(self.decision.next_eligible_on),
        )


# What record_handover answers: served, or refused (decision 0024).
Outcome = Handover | Refused


_households = Household.__table__
_members = Member.__table__
_distributions = Distribution.__table__
# Built once, run on every scan or handover: constructing a statement costs more than running
# it on SQLite, and the desk's answer is due within a blink.
_VISITOR = (
    select(
        _households.c.last_served_on,
        _members.c.relationship,
        _members.c.given_name,
        _members.c.family_name,
        _members.c.sex,
        _members.c.birth_date,
        _members.c.disability,
        _members.c.chronic_disease,
        _members.c.pregnant_or_breastfeeding,
        _members.c.single_parent,
    )
    .join(_members, _members.c.household_id == _households.c.id)
    .where(_households.c.id == bindparam("household_id"))
    .where(_members.c.departed_on.is_(None))  # departed members are not counted
    .order_by(_members.c.id)
)
_CLAIM_VISIT = (
    update(_households)
    .where(
        _households.c.id == bindparam("p_household_id"),
        or_(
            _households.c.last_served_on.is_(None),
            _households.c.last_served_on <= bindparam("p_latest_allowed"),
        ),
    )
    .values(last_served_on=bindparam("p_today"))
)
_SERVED_TODAY = select(_distributions.c.served_at, _distributions.c.user_id).where(
    _distributions.c.household_id == bindparam("household_id"),
    _distributions.c.served_on == bindparam("today"),
)
_INSERT_DISTRIBUTION = insert(_distributions).returning(_distributions.c.id)
_INSERT_LINES = insert(DistributionLine.__table__)
_INSERT_PEOPLE = insert(VisitPeople.__table__)
# Who was served, copied from the members as they are at the handover (one statement).
_INSERT_MEMBERS = insert(VisitMember.__table__).from_select(
    ["distribution_id", "member_id", "disability"],
    select(cast(bindparam("distribution_id"), Integer), _members.c.id, _members.c.disability).where(
        _members.c.household_id == bindparam("household_id")
    ),
)


class NoSuchHousehold(DomainError):
    code = "not_found"
    status = 404


def visitor(session: Reader, household_id: int) -> Visitor:
    """The household and its members, in one query."""
    rows = connection_of(session).execute(_VISITOR, {"household_id": household_id}).all()
    if not rows:
        raise NoSuchHousehold(_l("No household %(household_id)s.", household_id=household_id))
    return _visitor_of(household_id, rows)


def _visitor_of(household_id: int, rows: Sequence[Any]) -> Visitor:
    head = next((r for r in rows if r.relationship == "head"), None)
    return Visitor(
        household_id=household_id,
        head_name=f"{head.given_name} {head.family_name}" if head else "",
        last_served_on=rows[0].last_served_on if rows else None,
        members=[
            MemberAtDesk(
                r.sex,
                r.birth_date,
                r.disability,
                r.chronic_disease,
                r.pregnant_or_breastfeeding,
                r.single_parent,
            )
            for r in rows
        ],
    )


def programme_standings(
    session: DbSession, *, household_id: int, today: date, days: int
) -> list[tuple[ProgrammeRule, Standing]]:
    """Every programme a household is in and its standing, for the family's own check page:
    the same statements whether the household exists or not (0 for none), so a known number
    costs no more time than an unknown one (decision 0028)."""
    rows = session.connection().execute(_VISITOR, {"household_id": household_id}).all()
    who = _visitor_of(household_id, rows)
    return [(programme, held) for programme, held, _ in _programmes_of(session, who, today, days)]


def check_card(
    session: DbSession,
    *,
    scanned: str,
    today: date,
    days: int,
    site_id: int,
    typed: bool = False,
) -> Check:
    """Whether the household behind a scanned card may be served today, and what it gets.

    Reads only. A household served on an earlier day within the interval is refused; a desk
    that turns it away says so with turn_away. One served today says when and by whom, so the
    desk can tell "served just now" from a refusal.
    """
    card = find_card(session, scanned, typed=typed)
    return check_household(
        session, household_id=card.household_id, today=today, days=days, site_id=site_id
    )


def check_household(
    session: DbSession, *, household_id: int, today: date, days: int, site_id: int
) -> Check:
    """As check_card, for a household found without its card (by name or document)."""
    who = visitor(session, household_id)
    decision = decide(who.last_served_on, today, days)
    evaluated = _programmes_of(session, who, today, days)
    on_hand = on_hand_by_item(
        session, site_id, sorted({e.item_id for _, _, due in evaluated for e in due})
    )
    programmes = tuple(
        InProgramme(
            programme,
            held,
            [
                EntitlementLine(
                    e.sku, e.name, e.quantity, on_hand.get(e.item_id, 0), e.serial_tracked
                )
                for e in due
            ],
            due,
        )
        for programme, held, due in evaluated
    )
    lines = next((p.lines for p in programmes if p.programme.starting), [])
    served_today = None
    if any(p.standing.last_served_on == today for p in programmes) or who.last_served_on == today:
        row = (
            session.connection()
            .execute(_SERVED_TODAY, {"household_id": who.household_id, "today": today})
            .first()
        )
        served_today = ServedToday(row.served_at, row.user_id) if row else None
    return Check(who, decision, lines, today, served_today, programmes)


_visits = ProgrammeVisit.__table__
_VISITS_OF = select(
    literal("visit").label("kind"),
    _visits.c.programme_id,
    _visits.c.last_served_on.label("day"),
    _visits.c.visits,
).where(_visits.c.household_id == bindparam("household_id"))
_ENROLMENTS_OF = select(
    literal("enrolment").label("kind"),
    ENROLLED.c.programme_id,
    ENROLLED.c.ends_on.label("day"),
    literal(0).label("visits"),
)
_VISITS_AND_ENROLMENTS = union_all(_VISITS_OF, _ENROLMENTS_OF)
# What a handover reads again once it holds the write gate (held_now): the household's own
# last service date, and its visits and enrolments when other programmes are in force.
_LAST_SERVED_ROW = select(
    literal("household").label("kind"), _households.c.last_served_on.label("day")
).where(_households.c.id == bindparam("household_id"))
_HELD = union_all(
    select(
        literal("household").label("kind"),
        literal(0).label("programme_id"),
        _households.c.last_served_on.label("day"),
        literal(0).label("visits"),
    ).where(_households.c.id == bindparam("household_id")),
    _VISITS_OF,
    _ENROLMENTS_OF,
)


@dataclass(frozen=True)
class Held:
    """What a household holds under its programmes: the starting programme's last service
    date (on the household's row), its visits of the others, its enrolments in force."""

    last_served_on: date | None
    visits: dict[int, tuple[date | None, int]]
    enrolled: dict[int, date | None]


def _held_of(rows: Sequence[Any], last_served_on: date | None) -> Held:
    visits: dict[int, tuple[date | None, int]] = {}
    enrolled: dict[int, date | None] = {}
    for row in rows:
        if row.kind == "visit":
            visits[row.programme_id] = (row.day, row.visits)
        elif row.kind == "enrolment":
            enrolled[row.programme_id] = row.day
        else:
            last_served_on = row.day
    return Held(last_served_on, visits, enrolled)


def held_now(conn: Connection, household_id: int, today: date, *, others: bool) -> Held:
    """The household's claims as they are now, in one statement (a handover's first read once
    it holds the write gate). ``others``: programmes besides the starting one are in force."""
    params = {"household_id": household_id, "today": today}
    rows = conn.execute(_HELD if others else _LAST_SERVED_ROW, params).all()
    if not any(row.kind == "household" for row in rows):
        raise NoSuchHousehold(_l("No household %(household_id)s.", household_id=household_id))
    return _held_of(rows, None)


def _programmes_of(
    session: DbSession, who: Visitor, today: date, days: int
) -> list[tuple[ProgrammeRule, Standing, list[Entitlement]]]:
    """Every programme the household is in today, its standing in each and what each gives
    it (decision 0034), read in the session's transaction."""
    programmes, rules = in_force(session, today)
    rows: Sequence[Any] = ()
    if any(not p.starting for p in programmes):
        # The household's claims and its enrolments in force, in one statement.
        rows = (
            session.connection()
            .execute(_VISITS_AND_ENROLMENTS, {"household_id": who.household_id, "today": today})
            .all()
        )
    return _standings(programmes, rules, who, _held_of(rows, who.last_served_on), today, days)


def _standings(
    programmes: list[ProgrammeRule],
    rules: dict[int, list[Rule]],
    who: Visitor,
    claims: Held,
    today: date,
    days: int,
) -> list[tuple[ProgrammeRule, Standing, list[Entitlement]]]:
    """The programmes of ``programmes`` the household is in, its standing in each (from its
    ``claims``) and what each gives it. One handover a day covers every programme due: a
    household served today is due under no other programme until tomorrow."""
    visits, enrolled = claims.visits, claims.enrolled
    served_today = claims.last_served_on == today or any(
        last == today for last, _ in visits.values()
    )
    someones = who.someones()
    found = []
    for programme in programmes:
        if programme.starting:
            said = decide(claims.last_served_on, today, days)
            held = Standing(said.eligible, said.last_served_on, said.next_eligible_on)
            if held.eligible and served_today:  # served today under another programme
                held = Standing(False, claims.last_served_on, today + timedelta(days=1))
        elif not _in(programme, enrolled, someones, today):
            continue
        else:
            programme = for_household(programme, enrolled)
            last, count = visits.get(programme.id, (None, 0))
            held = standing(programme, last, count, today, days)
            if held.eligible and served_today:
                held = Standing(False, last, today + timedelta(days=1), visits=count)
        found.append((programme, held, who.entitled(rules.get(programme.id, []), today)))
    return found


def last_site_name(
    session: DbSession, household_id: int, language: str | None = None
) -> str | None:
    """Where the household was last served, named in ``language`` (default: the site's name)."""
    site = session.scalar(
        select(Site)
        .join(Distribution, Distribution.site_id == Site.id)
        .where(Distribution.household_id == household_id)
        .order_by(Distribution.served_on.desc())
        .limit(1)
    )
    return site.name_in(language) if site else None


def turn_away(
    session: DbSession,
    *,
    household_id: int,
    decision: Decision,
    today: date,
    site_id: int,
    user_id: int | None,
) -> Refused:
    """The desk says no to a household it may not serve yet: the one place a refusal is
    counted (when rules.refusal_counts says it is one), for a handover refused here and for
    the desk page's NOT YET. A read (the API's eligibility check) counts nothing."""
    counted = refusal_counts(decision, today)
    if counted:
        note_refusal(
            session, household_id=household_id, site_id=site_id, today=today, user_id=user_id
        )
    return Refused(household_id, decision, counted)


def note_refusal(
    session: DbSession, *, household_id: int, site_id: int, today: date, user_id: int | None
) -> None:
    """Count a refusal; the same household refused again the same day counts once. Called by
    turn_away, which decides whether a "no" is a refusal."""
    insert_ignoring = dialect_insert(session.get_bind().dialect.name)
    session.execute(
        insert_ignoring(Refusal)
        .values(household_id=household_id, site_id=site_id, refused_on=today, user_id=user_id)
        .on_conflict_do_nothing(index_elements=["household_id", "refused_on"])
    )


@dataclass(frozen=True)
class HandoverPlan:
    """What a handover reads before it writes: the card, the household and its members, the
    programmes in force and their rules (decision 0038). The household's claims are not in
    it: record_handover reads them again once it writes."""

    household_id: int
    card_id: int | None
    who: Visitor
    programmes: list[ProgrammeRule]
    rules: dict[int, list[Rule]]


def plan_handover(
    session: DbSession,
    *,
    scanned: str | None,
    today: date,
    typed: bool = False,
    household_id: int | None = None,
) -> HandoverPlan:
    """Read what a handover needs that changes seldom, before its writes: on SQLite apart from
    the write gate (``read_first``), so that the desks' handovers hold it for their writes
    alone. Raises the card's errors and NoSuchHousehold, as record_handover does."""
    if scanned is None and household_id is None:
        raise ValueError("a handover needs a card or a household")
    with read_first(session) as reader:
        card_id = None
        if scanned is not None:
            card = find_card(reader, scanned, typed=typed)
            household_id, card_id = card.household_id, card.id
        assert household_id is not None
        who = visitor(reader, household_id)  # refuses a household that is not there
        programmes, rules = in_force(reader, today)
    return HandoverPlan(household_id, card_id, who, programmes, rules)


def record_handover(
    session: DbSession,
    *,
    scanned: str | None,
    today: date,
    now: datetime,
    days: int,
    site_id: int,
    user_id: int | None,
    typed: bool = False,
    vouchers: list[tuple[str | None, str]] | None = None,
    household_id: int | None = None,
    skip: frozenset[tuple[str, str]] = frozenset(),
    starting_only: bool = False,
    close_ticket: bool = False,
    desk: str | None = None,
) -> Outcome:
    """Serve the household behind the card: everything due under every programme it is in,
    once per programme's window, items out of stock (decision 0034).

    Without a card (``scanned`` None, ``household_id`` given: the family forgot it and was
    found by name), the handover is the same and is recorded as made without the card.
    ``skip`` names the lines the family did not take, as (programme code, sku): recorded as
    declined, not taken from stock; a programme whose every line is skipped is not claimed.
    ``starting_only``: the handover of a desk that worked offline, which knew the starting
    programme alone (decision 0029): the other programmes are neither claimed nor recorded.
    ``close_ticket``: close the card's ticket of today in the queue (or the one ``desk``
    called; tickets.close_for_card), before the stock is taken (decision 0036). What changes
    seldom is read first (plan_handover); the household's claims are read again with the
    writes (decision 0038).

    Answers Refused (the refusal counted, by turn_away) when nothing is due under any
    programme: a refusal is an answer, not a failure, so the caller commits it as any other.
    Items short in stock are given as far as they go, and the visit still counts. A
    serial-tracked item is given only as its scanned ``vouchers`` (sku or None, serial); a
    bad serial raises VoucherInvalid and nothing of the handover is recorded.
    """
    plan = plan_handover(
        session, scanned=scanned, typed=typed, household_id=household_id, today=today
    )
    household_id, card_id, programmes = plan.household_id, plan.card_id, plan.programmes
    conn = session.connection()  # the write's transaction (SQLite: the gate) from here
    claims = held_now(conn, household_id, today, others=any(not p.starting for p in programmes))
    who = replace(plan.who, last_served_on=claims.last_served_on)
    evaluated = _standings(programmes, plan.rules, who, claims, today, days)
    # Served today under another programme alone (its regular lines unticked then): one
    # handover a day, so the starting programme is not claimed again today.
    served_elsewhere = who.last_served_on != today and any(
        held.last_served_on == today for p, held, _ in evaluated if not p.starting
    )
    if starting_only:
        evaluated = [found for found in evaluated if found[0].starting]
    taken = {
        programme.id: [e for e in due if (programme.code, e.sku) not in skip]
        for programme, _, due in evaluated
    }
    starting = next(((p, due) for p, _, due in evaluated if p.starting), None)
    claimed: list[tuple[ProgrammeRule, list[Entitlement]]] = []
    starting_claimed = False
    # The starting programme first, on the household's row (decision 0001): it is what
    # serializes two desks scanning the same card. A programme with no rules is claimed all
    # the same (its visit counts, as before programmes); one whose every line was unticked is
    # not.
    if not served_elsewhere and (starting is None or taken[starting[0].id] or not starting[1]):
        claim = {
            "p_household_id": household_id,
            "p_latest_allowed": latest_service_date_allowed(today, days),
            "p_today": today,
        }
        starting_claimed = conn.execute(_CLAIM_VISIT, claim).rowcount == 1
    for programme, held, due in evaluated:
        if programme.starting:
            if starting_claimed:
                claimed.append((programme, due))
        elif (
            held.eligible
            and taken[programme.id]
            and _claim(
                session, programme, household_id, today, days, seen=programme.id in claims.visits
            )
        ):
            claimed.append((programme, due))
    if not starting_claimed and not claimed:
        # Read again: a claim that failed against what was read lost to another desk.
        last = held_now(conn, household_id, today, others=False).last_served_on
        return turn_away(
            session,
            household_id=household_id,
            decision=decide(last, today, days),
            today=today,
            site_id=site_id,
            user_id=user_id,
        )
    distribution_id = conn.execute(
        _INSERT_DISTRIBUTION,
        {
            "household_id": who.household_id,
            "site_id": site_id,
            "served_on": today,
            "served_at": now,
            "user_id": user_id,
            "card_id": card_id,
            "without_card": card_id is None,
            "people": who.people,
        },
    ).scalar_one()
    # Each line: (programme, entitlement, wanted now); a skipped line is wanted 0.
    lines = [
        (programme, e, e.quantity if e in taken[programme.id] else 0)
        for programme, due in claimed
        for e in due
    ]
    tracked: dict[int, tuple[str, int]] = {}
    for _, e, wanted_now in lines:
        if e.serial_tracked and wanted_now:
            sku, before = tracked.get(e.item_id, (e.sku, 0))
            tracked[e.item_id] = (sku, before + wanted_now)
    serials = voucher_serials.resolve(session, vouchers or [], tracked)
    bands = Counter((m.sex, age_band(m.birth_date, today)) for m in who.members)
    conn.execute(
        _INSERT_PEOPLE,
        [
            {"distribution_id": distribution_id, "sex": sex, "age_band": band, "people": n}
            for (sex, band), n in bands.items()
        ],
    )
    conn.execute(
        _INSERT_MEMBERS, {"distribution_id": distribution_id, "household_id": who.household_id}
    )
    basis = _composition(who, today)
    bases = [
        {
            "distribution_id": distribution_id,
            "programme_id": programme.id,
            "household_id": who.household_id,
            "served_on": today,
            "rule_version": programme.version,
            "composition": basis,
        }
        for programme, _ in claimed
    ]
    if bases:
        conn.execute(_INSERT_BASES, bases)
    wanted: dict[int, int] = {}
    for _, e, wanted_now in lines:
        wanted[e.item_id] = wanted.get(e.item_id, 0) + wanted_now
    for item_id in tracked:
        wanted[item_id] = len(serials.get(item_id, []))
    # The lines as if every item were on hand, before the stock: the stock comes last, since
    # every desk takes the same few stock rows and (on PostgreSQL) holds their locks from
    # there to its commit, so as little as possible comes after (decision 0036). A line the
    # shelves could not fill is corrected after.
    planned = _lines_given(lines, wanted)
    if planned:
        conn.execute(
            _INSERT_LINES,
            [
                {
                    "distribution_id": distribution_id,
                    "item_id": e.item_id,
                    "entitled": e.quantity,
                    "given": got,
                    "programme_id": programme.id,
                    "declined": wanted_now == 0,
                }
                for (programme, e, wanted_now), got in zip(lines, planned, strict=True)
            ],
        )
    closed = (
        close_for_card(session, site_id=site_id, card_id=card_id, day=today, now=now, desk=desk)
        if close_ticket
        else None
    )
    given = take_stock(
        session,
        site_id=site_id,
        wanted=wanted,
        kind="handover",
        user_id=user_id,
        distribution_id=distribution_id,
        at=now,
    )
    for item_id, picked in serials.items():
        if given[item_id] < len(picked):
            serial = picked[given[item_id]].serial
            raise voucher_serials.VoucherInvalid(
                _l("Voucher %(serial)s: none left in this site's stock.", serial=serial),
                serial=serial,
                reason="not_in_stock",
            )
        voucher_serials.issue(
            session, picked, distribution_id=distribution_id, household_id=who.household_id, at=now
        )
    actual = _lines_given(lines, given)
    short = [
        {
            "p_distribution_id": distribution_id,
            "p_programme_id": programme.id,
            "p_item_id": e.item_id,
            "p_given": got,
        }
        for (programme, e, _), got, meant in zip(lines, actual, planned, strict=True)
        if got != meant
    ]
    if short:
        conn.execute(_CORRECT_LINE, short)
    cursor: dict[int, int] = {}  # the serials of an item already put on a line
    items = []
    for (programme, e, wanted_now), got in zip(lines, actual, strict=True):
        mine: tuple[str, ...] = ()
        if e.serial_tracked:
            at = cursor.get(e.item_id, 0)
            mine = tuple(v.serial for v in serials.get(e.item_id, [])[at : at + got])
            cursor[e.item_id] = at + got
        items.append(
            HandedOver(
                e.sku,
                e.name,
                e.quantity,
                got,
                e.serial_tracked,
                mine,
                programme.code,
                wanted_now == 0,
            )
        )
    served = {programme.id for programme, _ in claimed}
    after = decide(today, today, days).next_eligible_on
    assert after is not None
    if not starting_claimed:
        last = who.last_served_on
        after = decide(last, today, days).next_eligible_on or today
    return Handover(
        distribution_id,
        who,
        today,
        items,
        after,
        card_id,
        tuple(
            ServedIn(
                programme,
                programme.id in served,
                _next_after_today(programme, held, today, days)
                if programme.id in served
                else held.next_eligible_on,
            )
            for programme, held, _ in evaluated
        ),
        closed,
    )


_INSERT_BASES = insert(HandoverBasis.__table__)
_lines = DistributionLine.__table__
# A line the shelves could not fill (one per programme and item in a handover).
_CORRECT_LINE = (
    update(_lines)
    .where(
        _lines.c.distribution_id == bindparam("p_distribution_id"),
        _lines.c.programme_id == bindparam("p_programme_id"),
        _lines.c.item_id == bindparam("p_item_id"),
    )
    .values(given=bindparam("p_given"))
)


def _lines_given(
    lines: list[tuple[ProgrammeRule, Entitlement, int]], available: dict[int, int]
) -> list[int]:
    """What each line (programme, entitlement, wanted now) gets of ``available`` per item, the
    lines in order: each as much as it wants, while the item lasts."""
    left = dict(available)
    given = []
    for _, e, wanted_now in lines:
        got = min(wanted_now, left.get(e.item_id, 0))
        left[e.item_id] = left.get(e.item_id, 0) - got
        given.append(got)
    return given


def _in(
    programme: ProgrammeRule, enrolled: dict[int, date | None], someones: list[Someone], day: date
) -> bool:
    """Whether the household is in a programme: enrolled in a manual one, or meeting an
    automatic one's criteria on the day."""
    if programme.enrolment == "manual":
        return programme.id in enrolled
    return meets(programme.criteria, someones, day)


def _claim(
    session: DbSession,
    programme: ProgrammeRule,
    household_id: int,
    today: date,
    days: int,
    *,
    seen: bool,
) -> bool:
    """Take the household's visit of a programme: true for the one desk whose conditional
    UPDATE changed the row (decision 0034). The row is made on the first visit (``seen``: the
    handover found it already there)."""
    conn = session.connection()
    ids = {"p_household_id": household_id, "p_programme_id": programme.id}
    if not seen:
        conn.execute(_first_visit(conn.dialect.name), ids)
    claim = _CLAIM_PROGRAMME if programme.max_visits is None else _CLAIM_PROGRAMME_UP_TO
    params = {
        **ids,
        "p_latest_allowed": latest_allowed(programme, today, days),
        "p_today": today,
        "p_max_visits": programme.max_visits,
    }
    return bool(conn.execute(claim, params).rowcount == 1)


_CLAIM_PROGRAMME = (
    update(_visits)
    .where(
        _visits.c.household_id == bindparam("p_household_id"),
        _visits.c.programme_id == bindparam("p_programme_id"),
        or_(
            _visits.c.last_served_on.is_(None),
            _visits.c.last_served_on <= bindparam("p_latest_allowed"),
        ),
    )
    .values(last_served_on=bindparam("p_today"), visits=_visits.c.visits + 1)
)
_CLAIM_PROGRAMME_UP_TO = _CLAIM_PROGRAMME.where(_visits.c.visits < bindparam("p_max_visits"))
_FIRST_VISIT: dict[str, Any] = {}


def _first_visit(dialect_name: str) -> Any:
    """The INSERT of a household's first visit row of a programme (none if it is there),
    built once per engine."""
    if dialect_name not in _FIRST_VISIT:
        _FIRST_VISIT[dialect_name] = (
            dialect_insert(dialect_name)(_visits)
            .values(
                household_id=bindparam("p_household_id"),
                programme_id=bindparam("p_programme_id"),
                visits=0,
            )
            .on_conflict_do_nothing(index_elements=["household_id", "programme_id"])
        )
    return _FIRST_VISIT[dialect_name]


def _next_after_today(
    programme: ProgrammeRule, held: Standing, today: date, days: int
) -> date | None:
    """The next date under a programme the household was just served in (None: no other
    visit, the programme's maximum reached or its end before then)."""
    if programme.starting:
        return decide(today, today, days).next_eligible_on
    return standing(programme, today, held.visits + 1, today, days).next_eligible_on


def _composition(who: Visitor, today: date) -> dict[str, int]:
    """The household that day as counts (by age band and flag, never names): the basis of
    its entitlements, so a past handover can be re-derived."""
    counts = Counter(age_band(m.birth_date, today) for m in who.members)
    for flag in ("disability", "chronic_disease", "pregnant_or_breastfeeding", "single_parent"):
        n = sum(bool(getattr(m, flag)) for m in who.members)
        if n:
            counts[flag] = n
    return dict(counts)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
