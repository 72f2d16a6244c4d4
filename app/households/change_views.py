"""Pages that change a registered household: add a member, departed, new head, move;
a member's consents and vulnerability flags.

A blueprint of its own, nested in households (endpoints ``households.changes.*``).
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from app import context
from app.auth.access import COORDINATOR, DESK, allow, current_actor
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.households import changes, photos, vulnerability
from app.households.duplicates import PossibleDuplicate
from app.households.forms import (
    LABELS,
    AddMemberForm,
    ConsentForm,
    DepartedForm,
    FlagsForm,
    HeadForm,
    MoveForm,
    PhotoForm,
    WithdrawForm,
)
from app.households.models import CONSENT_KINDS
from app.households.rules import numbers_turned_cyrillic
from app.households.services import DuplicateDocument, get_household
from app.households.visibility import sees_everything
from app.unit_of_work import page_writes, refuse

bp = Blueprint("changes", __name__)


def show_stored_numbers(changed: list[tuple[str, str]]) -> None:
    """Tell the volunteer each number whose Latin letters were stored as Cyrillic ones."""
    for typed, stored in changed:
        flash(
            _(
                "Document number %(typed)s is stored as %(stored)s: its Latin letters are now "
                "the Cyrillic letters that look like them. Check the series against the "
                "document: a letter such as %(letters)s has no Latin twin and must be typed on the "
                "Ukrainian keyboard.",
                typed=typed,
                stored=stored,
                letters="И, Б",
            ),
            "error",
        )


def _back(household_id: int) -> BaseResponse:
    return redirect(url_for("households.show", household_id=household_id) + "#changes")


@bp.route("/<id:household_id>/members/new", methods=["GET", "POST"])
@allow(*DESK)
@page_writes
def add_member(household_id: int) -> str | tuple[str, int] | BaseResponse:
    household = get_household(db.session, household_id)
    form = AddMemberForm()
    status, candidates, duplicate_of = 200, None, None
    if form.validate_on_submit():
        member = form.member.form
        try:
            changes.add_member(
                db.session,
                household_id,
                member.to_new(),
                today=context.today(),
                now=context.now(),
                user_id=context.actor_id(),
                typed=True,
                confirm_new=bool(form.confirm_new.data),
                child_at="relationship",
            )
        except ValidationFailed as exc:
            unshown = [
                f"{path}: {message}"
                for path, message in exc.fields.items()
                if not member.show_problem(path, message)
            ]
            refuse(exc, say=unshown)
            status = 422
        except DuplicateDocument as exc:
            refuse(exc, say=_("A document of this person is registered already."))
            status, duplicate_of = 409, exc.details["household_id"]
        except PossibleDuplicate as exc:
            refuse(exc, say=())  # the page lists the candidates
            status, candidates = 409, exc.candidates
        else:
            flash(_("The member was added to the household."), "ok")
            show_stored_numbers(numbers_turned_cyrillic(member.to_new()))
            return _back(household_id)
    return render_template(
        "households/add_member.html",
        household=household,
        form=form,
        candidates=candidates,
        duplicate_of=duplicate_of,
        labels=LABELS,
    ), status


@bp.post("/<id:household_id>/members/<id:member_id>/departed")
@allow(*DESK)
@page_writes
def departed(household_id: int, member_id: int) -> BaseResponse:
    if DepartedForm().validate_on_submit():
        try:
            changes.mark_departed(
                db.session,
                household_id,
                member_id,
                today=context.today(),
                now=context.now(),
                user_id=context.actor_id(),
            )
        except changes.ChangeRefused as exc:
            refuse(exc, label=None)
        else:
            flash(_("Marked as departed: no longer counted at the desk."), "ok")
    return _back(household_id)


@bp.post("/<id:household_id>/head")
@allow(*DESK)
@page_writes
def head(household_id: int) -> BaseResponse:
    household = get_household(db.session, household_id)
    form = HeadForm()
    form.member_id.choices = [(m.id, m.full_name) for m in household.members]
    if form.validate_on_submit():
        try:
            changes.change_head(
                db.session,
                household_id,
                form.member_id.data,
                former_head_becomes=form.former_head_becomes.data or "",
                now=context.now(),
                user_id=context.actor_id(),
            )
        except (changes.ChangeRefused, ValidationFailed) as exc:
            refuse(exc, label=None)
        else:
            flash(_("The head of the household was changed."), "ok")
    else:
        flash(_("Choose the new head."), "error")
    return _back(household_id)


@bp.post("/<id:household_id>/members/<id:member_id>/move")
@allow(*COORDINATOR)
@page_writes
def move(household_id: int, member_id: int) -> BaseResponse:
    form = MoveForm(prefix=f"move-{member_id}")
    if not form.validate_on_submit():
        flash(_("Give the number of the household to move to."), "error")
        return _back(household_id)
    try:
        changes.move_member(
            db.session,
            household_id,
            member_id,
            to_household_id=form.household_id.data,
            relationship=form.relationship.data or "",
            now=context.now(),
            user_id=context.actor_id(),
        )
    except (changes.ChangeRefused, ValidationFailed, NotFound) as exc:
        refuse(exc, label=None)
        return _back(household_id)
    flash(_("The member was moved to this household."), "ok")
    return _back(form.household_id.data)


def _to_vulnerability(household_id: int, anchor: str = "vulnerability") -> BaseResponse:
    return redirect(url_for("households.show", household_id=household_id) + f"#{anchor}")


@bp.post("/<id:household_id>/members/<id:member_id>/consents/<kind>")
@allow(*DESK)
@page_writes
def give_consent(household_id: int, member_id: int, kind: str) -> BaseResponse:
    if kind not in CONSENT_KINDS:
        abort(404)
    if ConsentForm().validate_on_submit():
        vulnerability.member_of(db.session, household_id, member_id)
        try:
            vulnerability.give_consent(
                db.session, member_id, kind, user_id=context.actor_id(), now=context.now()
            )
        except vulnerability.ConsentRefused as exc:
            refuse(exc, label=None)
        else:
            flash(_("Consent recorded."), "ok")
    return _to_vulnerability(household_id)


@bp.post("/<id:household_id>/members/<id:member_id>/consents/<kind>/withdraw")
@allow(*DESK)
@page_writes
def withdraw_consent(household_id: int, member_id: int, kind: str) -> BaseResponse:
    if kind not in CONSENT_KINDS:
        abort(404)
    if WithdrawForm().validate_on_submit():
        vulnerability.member_of(db.session, household_id, member_id)
        try:
            vulnerability.withdraw_consent(
                db.session,
                member_id,
                kind,
                user_id=context.actor_id(),
                now=context.now(),
                photo_dir=_photo_dir(),
            )
        except vulnerability.ConsentRefused as exc:
            refuse(exc, label=None)
        else:
            flash(_("Consent withdrawn; what it allowed is cleared."), "ok")
    return _to_vulnerability(household_id)


@bp.post("/<id:household_id>/members/<id:member_id>/flags")
@allow(*DESK)
@page_writes
def flags(household_id: int, member_id: int) -> BaseResponse:
    form = FlagsForm(prefix=f"flags-{member_id}")
    if form.validate_on_submit():
        try:
            vulnerability.set_flags(
                db.session,
                household_id,
                member_id,
                vulnerability.Flags(
                    disability=form.disability.data,
                    chronic_disease=form.chronic_disease.data,
                    pregnant_or_breastfeeding=form.pregnant_or_breastfeeding.data,
                    single_parent=form.single_parent.data,
                ),
                may_clear=sees_everything(getattr(current_actor(), "role", None)),
            )
        except ValidationFailed as exc:
            refuse(exc, say=_("Health flags need the person's consent: record it first."))
        else:
            flash(_("Flags saved."), "ok")
    return _to_vulnerability(household_id)


def _photo_dir() -> str:
    return str(current_app.config["AID_PHOTO_DIR"])


def _photos_on() -> None:
    if not current_app.config.get("AID_PHOTOS"):
        abort(404)


@bp.post("/<id:household_id>/photo")
@allow(*DESK)
@page_writes
def photo(household_id: int) -> BaseResponse:
    _photos_on()
    form = PhotoForm()
    if not form.validate_on_submit():
        for message in form.photo.errors:
            flash(str(message), "error")
        return _to_vulnerability(household_id, "photo")
    try:
        photos.save_photo(db.session, household_id, form.photo.data.read(), photo_dir=_photo_dir())
    except ValidationFailed as exc:
        refuse(exc, label=None)
    else:
        flash(_("Photo saved."), "ok")
    return _to_vulnerability(household_id, "photo")


@bp.get("/<id:household_id>/photo.jpg")
@allow(*DESK)
def photo_file(household_id: int) -> Response:
    _photos_on()
    path = photos.photo_path(db.session, household_id, photo_dir=_photo_dir())
    return Response(path.read_bytes(), mimetype="image/jpeg", headers={"Cache-Control": "no-store"})
