"""Need to know in every answer (issue 14, point 1): a walk over every route a volunteer may
call, pages and API, reads and writes, taken from the app's URL map.

Each route either has a call below that succeeds on a family with health flags, or is named in
NO_HOUSEHOLD with what it answers instead: a new route fails the walk until it is one or the
other. Every answer is searched for the family's full document numbers and for health flags,
and for the consent to them (a standing consent says a flag is likely set). A coordinator's
answers that show full numbers are each noted in the audit trail.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.extensions import db
from tests.conftest import PASSWORD, member

# Routes that carry no household data: what they answer instead.
NO_HOUSEHOLD = {
    ("GET", "api.openapi"): "the API's own description, no data",
    ("GET", "auth.password"): "the password form",
    ("POST", "auth.password"): "the password form",
    ("POST", "auth.language"): "a redirect with the new language",
    ("POST", "auth.logout"): "a redirect to the login",
    ("GET", "privacy.processing"): "the record of processing, no person",
    ("POST", "api.documents.read_zone"): "the fields of the zone the caller typed",
    ("POST", "desk.decode"): "the text of a QR the desk's camera saw",
    ("GET", "desk.index"): "the empty desk",
    ("GET", "cards.index"): "the sheets of cards, by number",
    ("GET", "cards.sheet"): "a sheet job's progress, by number",
    ("GET", "cards.progress"): "a sheet job's progress, by number",
    ("GET", "cards.pdf"): "card faces: name and card number (cards.make walks it)",
    ("POST", "households.changes.photo"): "a redirect to the household page (walked)",
    ("GET", "households.changes.photo_file"): "the head's photo as a JPEG",
    ("POST", "api.desk_offline_api.journal"): "each journaled handover's outcome: keys and ids",
    ("POST", "desk_offline.journal"): "each journaled handover's outcome: keys and ids",
    ("GET", "desk_offline.worker"): "the desk page's service worker: a static script",
    # A slip carries a distribution, not a household: the site, the items, the dates and a
    # reference; tests/slips reads the PDF and the page for names and numbers.
    ("GET", "slips.print_page"): "a handover's slip: no name, no number",
    ("GET", "api.slips.slip"): "a handover's slip as a PDF: no name, no number",
    # The queue (decisions 0031, 0032): tickets are numbers, lines, desks and times.
    ("POST", "desk.call"): "the desk page with the ticket number called",
    ("GET", "queue.door"): "the empty door page",
    ("POST", "queue.door_registration"): "a registration ticket: a number, no card",
    ("GET", "queue.ticket"): "a ticket to print: a number and a time",
    ("GET", "queue.hall"): "the hall screen: numbers, desks and waits",
    ("POST", "api.queue.ticket"): "a ticket: number, line, time, place and wait",
    ("POST", "api.queue.call"): "the number called and the desk",
    ("GET", "api.queue.queue"): "numbers, desks and waits per line",
    ("GET", "api.programmes_api.programmes"): "the programmes: rhythm, criteria, rules",
}

HEALTH_KEYS = ("disability", "chronic_disease", "pregnant_or_breastfeeding", "single_parent")
# Health flags on a page: their labels outside a <label> (an empty form's checkbox is not a
# value), a ticked flag or consent box, or the consent forms that tell whether it stands.
HEALTH_WORDS = re.compile(
    r"Disability|Chronic disease|Pregnant or breastfeeding|Consent to health flags"
    r"|consents/health_flags"
)
TICKED = re.compile(
    r"<input[^>]*(?:disability|chronic_disease|pregnant_or_breastfeeding|health_consent)"
    r"[^>]*checked|<input[^>]*checked[^>]*"
    r"(?:disability|chronic_disease|pregnant_or_breastfeeding|health_consent)"
)
LABEL = re.compile(r"<label\b.*?</label>", re.S)


@dataclass
class Family:
    """A household with health flags: a head, a spouse with a disability and a child with a
    chronic disease, both with their standing consent."""

    id: int
    head: int
    spouse: int
    child: int
    qr: str
    numbers: list[str]
    other: int  # another household, to move a member to


@dataclass
class Call:
    args: dict[str, Any] = field(default_factory=dict)
    json: Any = None
    data: dict[str, str] | None = None
    query: dict[str, str] | None = None


def _new_member(number: str) -> dict[str, Any]:
    return member(relationship="child", doc=number, disability=True) | {"confirm_new": True}


def _page_family(number: str) -> dict[str, str]:
    return {
        "members-0-given_name": "Oksana",
        "members-0-family_name": "Lysenko",
        "members-0-birth_date": "1980-04-05",
        "members-0-sex": "F",
        "members-0-relationship": "head",
        "members-0-document_type": "passport",
        "members-0-document_number": number,
        "members-0-document_country": "UKR",
        "members-0-health_consent": "y",
        "members-0-chronic_disease": "y",
        "save": "1",
    }


# How to call each route a volunteer may call, on the family f; path arguments not given
# here are the family's (household_id, and member_id: the child).
CALLS: dict[tuple[str, str], Callable[[Family], Call]] = {
    ("GET", "api.households.show"): lambda f: Call(),
    ("GET", "api.households.household_history"): lambda f: Call(),
    ("GET", "api.households.card_png"): lambda f: Call(),
    ("GET", "api.cards.card"): lambda f: Call(),
    ("GET", "api.households.people"): lambda f: Call(query={"q": "Koval"}),
    ("GET", "api.desk.eligibility"): lambda f: Call(query={"qr": f.qr}),
    ("POST", "api.desk.distribute"): lambda f: Call(json={"qr": f.qr}),
    ("POST", "api.cards.sheet"): lambda f: Call(json={"household_ids": [f.id]}),
    ("POST", "api.households.create"): lambda f: Call(
        json={"members": [member(doc="FW400001", chronic_disease=True)], "confirm_new": True}
    ),
    ("POST", "api.households.reissue"): lambda f: Call(json={}),
    ("POST", "api.households.head"): lambda f: Call(
        json={"member_id": f.spouse, "former_head_becomes": "spouse"}
    ),
    ("POST", "api.households.add_member"): lambda f: Call(json=_new_member("FW400002")),
    ("POST", "api.households.give_consent"): lambda f: Call(json={"kind": "photo"}),
    ("POST", "api.households.withdraw_consent"): lambda f: Call(
        args={"member_id": f.spouse, "kind": "health_flags"}
    ),
    ("POST", "api.households.departure"): lambda f: Call(),
    ("POST", "api.households.set_flags"): lambda f: Call(json={"chronic_disease": True}),
    ("GET", "households.show"): lambda f: Call(),
    ("GET", "households.card_png"): lambda f: Call(),
    ("GET", "households.card_pdf_page"): lambda f: Call(),
    ("GET", "households.search"): lambda f: Call(query={"q": "Koval"}),
    ("GET", "households.register"): lambda f: Call(),
    ("POST", "households.register"): lambda f: Call(data=_page_family("FW400003")),
    ("POST", "households.reissue"): lambda f: Call(data={}),
    ("GET", "households.changes.add_member"): lambda f: Call(),
    ("POST", "households.changes.add_member"): lambda f: Call(
        data={
            "member-given_name": "Petro",
            "member-family_name": "Koval",
            "member-birth_date": "2016-01-01",
            "member-sex": "M",
            "member-relationship": "child",
            "member-document_type": "passport",
            "member-document_number": "FW400004",
            "member-document_country": "UKR",
            "member-health_consent": "y",
            "member-disability": "y",
            "confirm_new": "y",
            "save": "1",
        }
    ),
    ("POST", "households.changes.departed"): lambda f: Call(data={}),
    ("POST", "households.changes.head"): lambda f: Call(
        data={"member_id": str(f.spouse), "former_head_becomes": "spouse"}
    ),
    ("POST", "households.changes.give_consent"): lambda f: Call(
        args={"member_id": f.head, "kind": "photo"}, data={}
    ),
    ("POST", "households.changes.withdraw_consent"): lambda f: Call(
        args={"member_id": f.spouse, "kind": "health_flags"}, data={}
    ),
    ("POST", "households.changes.flags"): lambda f: Call(
        data={f"flags-{f.child}-chronic_disease": "y"}
    ),
    ("POST", "desk.check"): lambda f: Call(data={"scan": f.qr}),
    ("POST", "queue.door_scan"): lambda f: Call(data={"scan": f.qr}),
    ("POST", "desk.handover"): lambda f: Call(data={"scan": f.qr}),
    ("POST", "desk.household"): lambda f: Call(data={}),
    ("POST", "desk.decline"): lambda f: Call(data={"scan": f.qr, "reason": "family_left"}),
    ("POST", "api.desk.decline"): lambda f: Call(json={"qr": f.qr, "reason": "family_left"}),
    ("POST", "cards.make"): lambda f: Call(data={"choice": "typed", "household_ids": str(f.id)}),
    ("GET", "api.desk_offline_api.snapshot"): lambda f: Call(),
    ("GET", "desk_offline.snapshot"): lambda f: Call(),
    # a coordinator's only
    ("POST", "api.households.move"): lambda f: Call(json={"household_id": f.other}),
    ("POST", "households.changes.move"): lambda f: Call(
        data={f"move-{f.child}-household_id": str(f.other), f"move-{f.child}-relationship": "child"}
    ),
}
MOVES = {("POST", "api.households.move"), ("POST", "households.changes.move")}


def routes_of(app: Flask, role: str) -> Iterator[tuple[str, str, Any]]:
    """The volunteer's routes; for a coordinator, those and the moves."""
    for rule in app.url_map.iter_rules():
        roles = getattr(app.view_functions[rule.endpoint], "allowed_roles", frozenset())
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if "volunteer" in roles or (role in roles and (method, rule.endpoint) in MOVES):
                yield method, rule.endpoint, rule


@dataclass
class Caller:
    app: Flask
    role: str
    make_user: Callable[..., str]
    family_count: int = 0

    def __post_init__(self) -> None:
        from app.auth.services import find_user, issue_api_token

        name = self.make_user(self.role)
        with self.app.app_context():
            self.token = issue_api_token(db.session, find_user(db.session, name))  # type: ignore[arg-type]
            db.session.commit()
        self.pages = self.app.test_client()
        signed_in = self.pages.post("/login", data={"username": name, "password": PASSWORD})
        assert signed_in.status_code == 302
        self.api = self.app.test_client()

    def family(self, coordinator: Any) -> Family:
        """A new flagged family (with the consents to its flags), registered by a coordinator."""
        self.family_count += 1
        numbers = [f"FV{self.family_count:03d}{n:03d}" for n in (1, 2, 3)]
        body = {
            "members": [
                member(family="Koval", doc=numbers[0]),
                member(family="Koval", relationship="spouse", doc=numbers[1], disability=True),
                member(family="Koval", relationship="child", doc=numbers[2], chronic_disease=True),
            ],
            "confirm_new": True,  # the families of the walk share a name
        }
        created = coordinator.post("/api/v1/households", json=body).get_json()
        head, spouse, child = (m["id"] for m in created["members"])
        other = coordinator.post(
            "/api/v1/households", json={"members": [member()], "confirm_new": True}
        ).get_json()
        return Family(
            created["id"], head, spouse, child, created["card"]["qr"], numbers, other["id"]
        )

    def call(self, method: str, rule: Any, f: Family, call: Call) -> Any:
        values = {"household_id": f.id, "member_id": f.child} | call.args
        path = rule.build({k: v for k, v in values.items() if k in rule.arguments})[1]
        if path.startswith("/api/"):
            headers = {"Authorization": f"Bearer {self.token}"}
            return self.api.open(
                path, method=method, json=call.json, query_string=call.query, headers=headers
            )
        return self.pages.open(
            path, method=method, data=call.data, query_string=call.query, follow_redirects=True
        )


def _leaks(response: Any, f: Family) -> list[str]:
    found = []
    text = response.get_data().decode("utf-8", "replace")
    found += [f"full number {n}" for n in f.numbers if n in text]
    if response.is_json:
        found += list(_json_leaks(response.get_json()))
    elif response.mimetype == "text/html":
        without_labels = LABEL.sub("", text)
        found += [f"health on the page: {m}" for m in HEALTH_WORDS.findall(without_labels)]
        found += [f"a ticked box: {m[:80]}" for m in TICKED.findall(text)]
    return found


def _json_leaks(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in HEALTH_KEYS and inner is not None:
                yield f"{key}={inner}"
            elif key == "consents" and isinstance(inner, dict):
                if inner.get("health_flags") is not None:
                    yield f"consents.health_flags={inner['health_flags']}"
            else:
                yield from _json_leaks(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _json_leaks(inner)


def _walk(
    app: Flask, caller: Caller, coordinator: Any
) -> Iterator[tuple[str, str, Family, Any, int]]:
    """Each route called on a new family: the answer, and the view events recorded before."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    unknown = []
    for method, endpoint, rule in routes_of(app, caller.role):
        if (method, endpoint) in NO_HOUSEHOLD:
            continue
        if (method, endpoint) not in CALLS:
            unknown.append(f"{method} {endpoint}")
            continue
        f = caller.family(coordinator)
        before = _views(app)
        response = caller.call(method, rule, f, CALLS[(method, endpoint)](f))
        problem = re.findall(
            r'class="(?:flash )?error">([^<]*)', response.get_data().decode("utf-8", "replace")
        )
        assert response.status_code < 400, f"{method} {endpoint}: {response.status_code} {problem}"
        yield method, endpoint, f, response, before
    assert unknown == [], "say how to call these in CALLS, or why they carry no household"


def test_no_answer_gives_a_volunteer_a_full_number_or_a_health_flag(
    app: Flask, api: Any, make_user: Any
) -> None:
    volunteer = Caller(app, "volunteer", make_user)
    leaks = [
        f"{method} {endpoint}: {leak}"
        for method, endpoint, f, response, _ in _walk(app, volunteer, api("coordinator"))
        for leak in _leaks(response, f)
    ]
    assert leaks == []


def _views(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "view")
        )


def test_every_answer_that_shows_a_coordinator_a_full_number_is_audited(
    app: Flask, api: Any, make_user: Any
) -> None:
    coordinator = Caller(app, "coordinator", make_user)
    unaudited, shown, flagged = [], 0, set()
    for method, endpoint, f, response, before in _walk(app, coordinator, api("coordinator")):
        text = response.get_data().decode("utf-8", "replace")
        if any(n in text for n in f.numbers):
            shown += 1
            if _views(app) == before:
                unaudited.append(f"{method} {endpoint}")
        if any(not leak.startswith("full number") for leak in _leaks(response, f)):
            flagged.add(endpoint)
    assert shown >= 10 and unaudited == []
    # The search for health flags finds them where a coordinator is shown them.
    assert {"households.show", "api.households.show", "api.households.set_flags"} <= flagged


def test_the_public_check_page_tells_anyone_the_date_and_nothing_else(
    app: Flask, api: Any, make_user: Any
) -> None:
    """Not a volunteer's route: the family's own page, with no login. Called with the walked
    family's card number and its QR text, it shows no name, no number, no size, no flag."""
    f = Caller(app, "volunteer", make_user).family(api("coordinator"))
    card = api("coordinator").get(f"/api/v1/households/{f.id}").get_json()["card"]
    anyone = app.test_client()
    for typed in (card["number"], f.qr):
        response = anyone.post("/check", data={"number": typed, "lang": "uk"})
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        assert _leaks(response, f) == []
        assert "Koval" not in text and card["number"] not in text and f.qr not in text
        assert "Ви можете прийти сьогодні." in text
