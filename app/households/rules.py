"""What a valid household is: pure checks on the input, no database."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from app.ages import age_on
from app.documents.formats import check_document_number, stored_number
from app.documents.keys import document_key, turned_cyrillic
from app.text import NOT_ALLOWED, has_control_characters

if TYPE_CHECKING:
    from app.errors import Message

SEXES = ("F", "M", "X")
RELATIONSHIPS = ("head", "spouse", "child", "parent", "sibling", "other")
DOCUMENT_TYPES = ("passport", "id_card", "temporary_protection", "birth_certificate", "other")
MAX_NAME = 100
MAX_DOCUMENT_NUMBER = 40
MAX_MEMBERS = 20
MAX_DOCUMENTS = 5
OLDEST_AGE = 125
SENIOR_AGE = 65  # shown as 65+, computed from the birth date, never typed
# A child born before the elder of the head and spouse was this old is a slip in a date.
MIN_PARENT_AGE = 12
PARENTS = ("head", "spouse")
ADULT_AGE = 18
# A Ukrainian child has a birth certificate until the first passport (an ID card) at 14.
PASSPORT_AGE = 14

COUNTRY = re.compile(r"^[A-Z]{3}$")
# Letters of any script (a Ukrainian birth certificate series is Cyrillic: I-БК), digits, and the
# separators the document key drops: space, -, / and .
DOCUMENT_NUMBER = re.compile(r"^(?:[^\W_]|[ /.-])+$")
PHONE = re.compile(r"^\+?[0-9 ()-]{6,32}$")

# Messages more than one check gives (lazily translated: see Problems).
REQUIRED = _l("required")
HEALTH_CONSENT = _l("health flags need the person's consent")
SEX_CHOICES = _l("F, M or X")
NOT_A_CHILD = _l(
    "born before the head or spouse was %(age)s: not their child? Check the relationship",
    age=MIN_PARENT_AGE,
)


def at_most_characters(n: int) -> Message:
    return _l("at most %(n)s characters", n=n)


def one_of(choices: tuple[str, ...]) -> Message:
    """The accepted values, which are codes (head, spouse...): the same in every language."""
    return _l("one of %(choices)s", choices=", ".join(choices))


@dataclass(frozen=True)
class NewDocument:
    type: str
    number: str
    country: str
    expires_on: date | None = None


@dataclass(frozen=True)
class NewMember:
    given_name: str
    family_name: str
    birth_date: date
    sex: str
    relationship: str
    documents: tuple[NewDocument, ...]
    disability: bool = False
    chronic_disease: bool = False
    given_name_native: str | None = None
    family_name_native: str | None = None
    pregnant_or_breastfeeding: bool = False
    single_parent: bool = False
    # The person agreed that health flags be recorded (households.vulnerability).
    health_consent: bool = False

    @property
    def health_flags(self) -> bool:
        return self.disability or self.chronic_disease or self.pregnant_or_breastfeeding


@dataclass(frozen=True)
class NewHousehold:
    members: tuple[NewMember, ...]
    phone: str | None = None
    locality: str | None = None


@dataclass
class Problems:
    """Field path -> message, collected while checking. Each message is lazily translated
    (``_l``): the rules need no request, and the page or the API reads it in its user's
    language."""

    fields: dict[str, Message] = field(default_factory=dict)

    def add(self, path: str, message: Message) -> None:
        self.fields.setdefault(path, message)


def numbers_turned_cyrillic(new: NewHousehold | NewMember) -> list[tuple[str, str]]:
    """(typed, stored) for each number whose Latin letters are stored Cyrillic (documents.
    keys.turned_cyrillic): the volunteer sees what is stored, never a silent change."""
    members = new.members if isinstance(new, NewHousehold) else (new,)
    return [
        (d.number.strip(), stored)
        for m in members
        for d in m.documents
        if turned_cyrillic(d.number, stored := stored_number(d.type, d.number, d.country))
    ]


def check_text(problems: Problems, path: str, value: str, max_length: int) -> None:
    if not value.strip():
        problems.add(path, REQUIRED)
    elif len(value) > max_length:
        problems.add(path, at_most_characters(max_length))
    elif has_control_characters(value):
        problems.add(path, NOT_ALLOWED)


def check_household(
    new: NewHousehold, today: date, *, typed: bool = False, child_at: str = "birth_date"
) -> dict[str, Message]:
    """Every problem with a household to register, by field path; empty when it may be saved.

    ``typed``: the numbers were typed by hand at the desk, so each is checked against the
    format of its type and country (documents.formats); other sources are not held to them.
    ``child_at``: the field of a "child" born before the head or spouse was MIN_PARENT_AGE.
    The page names the relationship (an adult read from a passport left as "child" is the
    usual slip, and its birth date is right); the JSON API keeps naming the birth date.
    """
    problems = Problems()
    if not new.members:
        problems.add("members", _l("at least one member, the head"))
    elif len(new.members) > MAX_MEMBERS:
        problems.add("members", _l("at most %(n)s members", n=MAX_MEMBERS))
    heads = [m for m in new.members if m.relationship == "head"]
    if new.members and len(heads) != 1:
        problems.add("members", _l("exactly one member must be the head"))
    seen: dict[tuple[str, str, str], str] = {}
    for i, member in enumerate(new.members[:MAX_MEMBERS]):
        _check_member(problems, f"members.{i}", member, today, seen, typed)
    parents = [m.birth_date for m in new.members if m.relationship in PARENTS]
    for i, member in enumerate(new.members[:MAX_MEMBERS]):
        skip = member.relationship != "child" or f"members.{i}.birth_date" in problems.fields
        if not skip and (problem := child_problem(member.birth_date, parents)):
            if child_at == "relationship":
                problem = NOT_A_CHILD
            problems.add(f"members.{i}.{child_at}", problem)
    if new.phone is not None and new.phone.strip() and not PHONE.match(new.phone.strip()):
        problems.add("phone", _l("digits, spaces, dashes and an optional leading +"))
    if new.locality is not None:
        if len(new.locality) > MAX_NAME:
            problems.add("locality", at_most_characters(MAX_NAME))
        elif has_control_characters(new.locality):
            problems.add("locality", NOT_ALLOWED)
    return problems.fields


def likely_relationship(
    born: date, head_born: date | None, today: date, *, spouse_taken: bool
) -> str:
    """The relationship to offer for a member read from a document, from the ages: a child
    when the head could be the parent (and a minor, or a generation younger), a parent a
    generation older than the head, else a spouse (or "other" when the family has one)."""
    age = age_on(born, today)
    if head_born is not None:
        head_age_then = age_on(head_born, born) if head_born <= born else -1
        if head_age_then >= MIN_PARENT_AGE and (age < ADULT_AGE or head_age_then >= ADULT_AGE):
            return "child"
        if born <= head_born and age_on(born, head_born) >= ADULT_AGE:
            return "parent"
    if age < ADULT_AGE:
        return "child" if head_born is None else "sibling"
    return "other" if spouse_taken else "spouse"


def likely_document_type(born: date, today: date) -> str:
    """The document to offer for a member typed by hand: a birth certificate for a child
    under PASSPORT_AGE, else a passport."""
    return "birth_certificate" if age_on(born, today) < PASSPORT_AGE else "passport"


def child_problem(child_born: date, parents_born: list[date]) -> Message | None:
    """A child older than its parents, or born before the elder was MIN_PARENT_AGE."""
    if not parents_born:
        return None
    if age_on(min(parents_born), child_born) < MIN_PARENT_AGE:
        return _l(
            "older than the parent, or born before the parent was %(age)s: check both dates",
            age=MIN_PARENT_AGE,
        )
    return None


def check_new_member(member: NewMember, today: date, *, typed: bool = False) -> dict[str, Message]:
    """Every problem with a member to add to a registered household, by field path."""
    problems = Problems()
    _check_member(problems, "member", member, today, {}, typed)
    if member.relationship == "head":
        problems.add("member.relationship", _l("a household has one head: change the head instead"))
    return {path.removeprefix("member."): message for path, message in problems.fields.items()}


def _check_member(
    problems: Problems,
    path: str,
    member: NewMember,
    today: date,
    seen: dict[tuple[str, str, str], str],
    typed: bool,
) -> None:
    check_text(problems, f"{path}.given_name", member.given_name, MAX_NAME)
    check_text(problems, f"{path}.family_name", member.family_name, MAX_NAME)
    for name in ("given_name_native", "family_name_native"):
        value = getattr(member, name)
        if value is not None and value.strip():
            check_text(problems, f"{path}.{name}", value, MAX_NAME)
    if member.birth_date > today:
        problems.add(f"{path}.birth_date", _l("is in the future"))
    elif age_on(member.birth_date, today) > OLDEST_AGE:
        problems.add(f"{path}.birth_date", _l("more than %(years)s years ago", years=OLDEST_AGE))
    if member.health_flags and not member.health_consent:
        problems.add(f"{path}.health_consent", HEALTH_CONSENT)
    if member.sex not in SEXES:
        problems.add(f"{path}.sex", SEX_CHOICES)
    if member.relationship not in RELATIONSHIPS:
        problems.add(f"{path}.relationship", one_of(RELATIONSHIPS))
    if not member.documents:
        problems.add(f"{path}.documents", _l("at least one document"))
    elif len(member.documents) > MAX_DOCUMENTS:
        problems.add(f"{path}.documents", _l("at most %(n)s documents", n=MAX_DOCUMENTS))
    for j, document in enumerate(member.documents[:MAX_DOCUMENTS]):
        _check_document(problems, f"{path}.documents.{j}", document, seen, typed)
        if document.expires_on is not None and document.expires_on <= member.birth_date:
            problems.add(f"{path}.documents.{j}.expires_on", _l("before the holder was born"))


def _check_document(
    problems: Problems,
    path: str,
    document: NewDocument,
    seen: dict[tuple[str, str, str], str],
    typed: bool,
) -> None:
    if document.type not in DOCUMENT_TYPES:
        problems.add(f"{path}.type", one_of(DOCUMENT_TYPES))
    country = document.country.strip().upper()
    # Checked as it will be stored: fullwidth or Arabic-Indic digits are digits.
    number = stored_number(document.type, document.number, country)
    key = document_key(number)
    if not key:
        problems.add(f"{path}.number", REQUIRED)
    elif len(number) > MAX_DOCUMENT_NUMBER:
        problems.add(f"{path}.number", at_most_characters(MAX_DOCUMENT_NUMBER))
    elif has_control_characters(document.number) or not DOCUMENT_NUMBER.match(number):
        problems.add(f"{path}.number", _l("letters, digits, spaces, dashes or /"))
    elif typed and (problem := check_document_number(document.type, number, country)):
        problems.add(f"{path}.number", problem)
    if not COUNTRY.match(country):
        problems.add(f"{path}.country", _l("a three-letter ISO country code, such as UKR"))
    identity = (document.type, country, key)
    if key and identity in seen:
        problems.add(f"{path}.number", _l("the same document as %(path)s", path=seen[identity]))
    seen.setdefault(identity, path)
