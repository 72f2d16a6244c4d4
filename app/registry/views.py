from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from app import context
from app.audit.seen import audited_read
from app.auth.access import COORDINATOR, DESK, allow, current_actor
from app.auth.limits import limit_lookups, number_in_search
from app.cards.pdf import card_pdf
from app.cards.services import current_card_png, issue_card
from app.cards.sheets import card_face
from app.days import NotADay, parse_day
from app.documents.mrz import NotMrz, read_mrz
from app.errors import DomainError, NotFound, ValidationFailed
from app.extensions import db
from app.households.change_views import bp as changes_bp
from app.households.change_views import show_stored_numbers
from app.households.duplicates import PossibleDuplicate
from app.households.forms import (
    LABELS,
    ConsentForm,
    DepartedForm,
    FlagsForm,
    HeadForm,
    MoveForm,
    PhotoForm,
    RegisterForm,
    ReissueForm,
    WithdrawForm,
)
from app.households.key_conflict_views import bp as key_conflicts_bp
from app.households.key_conflicts import count_key_conflicts
from app.households.rules import (
    ADULT_AGE,
    MIN_PARENT_AGE,
    PASSPORT_AGE,
    likely_relationship,
    numbers_turned_cyrillic,
)
from app.households.services import DuplicateDocument, get_household
from app.households.visibility import sees_everything
from app.programmes import services as programmes
from app.registry.import_views import bp as imports_bp
from app.registry.read_model import read_household_page
from app.registry.registration import register_household
from app.registry.search import search_people
from app.unit_of_work import page_writes, refuse

bp = Blueprint("households", __name__, url_prefix="/households")
bp.register_blueprint(changes_bp)
bp.register_blueprint(imports_bp)
bp.register_blueprint(key_conflicts_bp)


@bp.route("/new", methods=["GET", "POST"])
@allow(*DESK)
@page_writes
def register() -> str | tuple[str, int] | BaseResponse:
    form = RegisterForm()
    reading_for = next((i for i, e in enumerate(form.members) if e.form.read_mrz.data), None)
    if not form.is_submitted():
        form.members.entries[0].form.relationship.data = "head"
    elif reading_for is not None:
        _read_zone(form, reading_for)
    elif form.add_member.data:
        if len(form.members.entries) < form.members.max_entries:
            form.members.append_entry()
    elif form.remove_member.data:
        if len(form.members.entries) > 1:
            form.members.pop_entry()
    elif form.validate():
        try:
            registered = register_household(
                db.session,
                form.to_new(),
                site_id=context.site_id(),
                today=context.today(),
                now=context.now(),
                user_id=context.actor_id(),
                card_key=context.card_key(),
                typed=True,
                confirm_new=bool(form.confirm_new.data),
                child_at="relationship",
            )
        except ValidationFailed as exc:
            refuse(exc, say=form.show_problems(exc.fields))
        except DuplicateDocument as exc:
            refuse(exc, say=_("A document of this family is registered already."))
            household_id = exc.details["household_id"]
            return _register_page(form, duplicate_of=household_id), 409
        except PossibleDuplicate as exc:
            refuse(exc, say=())  # the page lists the candidates
            return _register_page(form, candidates=exc.candidates), 409
        else:
            flash(
                _(
                    "Household %(number)s registered: print its card.",
                    number=registered.household.id,
                ),
                "ok",
            )
            show_stored_numbers(numbers_turned_cyrillic(form.to_new()))
            return redirect(url_for("households.show", household_id=registered.household.id))
    return _register_page(form)


def _register_page(
    form: RegisterForm, duplicate_of: int | None = None, candidates: object = None
) -> str:
    """The form, with a notice per expired document read from the form itself (so it stays
    on every step), and the ages register.js offers a typed member's defaults from."""
    today = context.today()
    return render_template(
        "households/register.html",
        form=form,
        duplicate_of=duplicate_of,
        candidates=candidates,
        labels=LABELS,
        notices=form.expiry_notices(today),
        ages={"adult": ADULT_AGE, "parent": MIN_PARENT_AGE, "passport": PASSPORT_AGE},
        today=today,
    )


def _read_zone(form: RegisterForm, index: int) -> None:
    """Fill a member's fields from the zone typed by the document reader; a member other
    than the head gets the relationship its age against the head's suggests."""
    member = form.members.entries[index].form
    try:
        reading = read_mrz(member.mrz.data or "", context.today())
    except NotMrz as exc:
        member.mrz.errors = [*member.mrz.errors, exc.reason]
        return
    member.fill_from(reading)
    if index > 0 and reading.birth_date is not None:
        others = [e.form for i, e in enumerate(form.members) if i != index]
        member.relationship.data = likely_relationship(
            reading.birth_date,
            form.members.entries[0].form.birth_date.data,
            context.today(),
            spouse_taken=any(m.relationship.data == "spouse" for m in others),
        )


@bp.get("/search")
@allow(*DESK)
@limit_lookups(number_in_search)
def search() -> str:
    query = request.args.get("q", "")
    actor = current_actor()
    everything = sees_everything(actor.role if actor else None)
    return render_template(
        "households/search.html",
        query=query,
        found=search_people(db.session, query, everything=everything),
        labels=LABELS,
        everything=everything,
        # Documents registered twice on two keyboards, for the coordinator to resolve.
        waiting=count_key_conflicts(db.session) if everything else 0,
    )


@bp.get("/<id:household_id>")
@allow(*DESK)
def show(household_id: int) -> str:
    actor = current_actor()
    role = actor.role if actor else None
    with audited_read(sees_everything(role)):
        page = read_household_page(db.session, household_id, role=role, today=context.today())
    household = page.household
    head_form = HeadForm()
    head_form.member_id.choices = [
        (m.id, m.full_name) for m in household.members if m.present and m.relationship != "head"
    ]
    return render_template(
        "households/show.html",
        page=page,
        household=household,
        labels=LABELS,
        today=context.today(),
        reissue=ReissueForm(),
        departed_form=DepartedForm(),
        head_form=head_form,
        move_forms={m.id: MoveForm(prefix=f"move-{m.id}") for m in household.members},
        consent_form=ConsentForm(),
        withdraw_form=WithdrawForm(),
        flags_forms={
            m.id: FlagsForm(prefix=f"flags-{m.id}", obj=m, formdata=None)
            for m in household.members
            if household.everything
        },
        photo_form=PhotoForm() if current_app.config.get("AID_PHOTOS") else None,
        enrolments=programmes.enrolments_of(db.session, household_id)
        if household.everything
        else [],
        manual=[
            p
            for p in programmes.programmes_in_force(db.session, context.today())
            if p.enrolment == "manual"
        ]
        if household.everything
        else [],
    )


@bp.get("/<id:household_id>/card.png")
@allow(*DESK)
def card_png(household_id: int) -> Response:
    png = current_card_png(
        db.session, household_id, card_key=context.card_key(), photo_dir=context.photo_dir()
    )
    return Response(png, mimetype="image/png")


@bp.get("/<id:household_id>/card.pdf")
@allow(*DESK)
def card_pdf_page(household_id: int) -> Response:
    face = card_face(
        db.session, household_id, card_key=context.card_key(), photo_dir=context.photo_dir()
    )
    return Response(
        card_pdf(face),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="card-{face.number}.pdf"'},
    )


@bp.post("/<id:household_id>/cards")
@allow(*DESK)
@page_writes
def reissue(household_id: int) -> BaseResponse:
    form = ReissueForm()
    household = get_household(db.session, household_id)
    if form.validate_on_submit():
        issue_card(
            db.session,
            household,
            card_key=context.card_key(),
            now=context.now(),
            user_id=context.actor_id(),
            reason=form.reason.data,
        )
        flash(_("A new card was issued; the old one no longer works."), "ok")
    return redirect(url_for("households.show", household_id=household.id))


@bp.post("/<id:household_id>/enrolments")
@allow(*COORDINATOR)
@page_writes
def enrol(household_id: int) -> BaseResponse:
    """Enrol the household in a manual programme (a coordinator, with the reason)."""
    get_household(db.session, household_id)
    try:
        ends_on = parse_day(request.form.get("ends_on", "")[:40])
    except NotADay as exc:
        refuse(ValidationFailed({"ends_on": exc.args[0]}))
        return redirect(url_for("households.show", household_id=household_id) + "#enrolments")
    try:
        programmes.enrol(
            db.session,
            household_id=household_id,
            code=request.form.get("programme", "")[:40],
            reason=request.form.get("reason", "")[:400],
            ends_on=ends_on,
            today=context.today(),
            user_id=context.actor_id(),
        )
    except DomainError as exc:
        refuse(exc)
    else:
        flash(_("Enrolled: the desk hands over what the programme gives from the next scan."), "ok")
    return redirect(url_for("households.show", household_id=household_id) + "#enrolments")


@bp.post("/<id:household_id>/enrolments/<id:enrolment_id>/end")
@allow(*COORDINATOR)
@page_writes
def end_enrolment(household_id: int, enrolment_id: int) -> BaseResponse:
    ended = programmes.end_enrolment(
        db.session, enrolment_id, today=context.today(), user_id=context.actor_id()
    )
    if ended.household_id != household_id:
        raise NotFound(_("No such enrolment in force."))
    flash(_("Enrolment ended today."), "ok")
    return redirect(url_for("households.show", household_id=household_id) + "#enrolments")
