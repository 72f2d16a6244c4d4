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
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from app import context
from app.audit.views import record_seen
from app.auth.access import DESK, allow, current_actor
from app.cards.models import Card
from app.cards.pdf import card_pdf
from app.cards.services import current_card_png, issue_card
from app.cards.sheets import card_face
from app.desk.models import Distribution
from app.documents.mrz import NotMrz, read_mrz
from app.errors import ValidationFailed
from app.extensions import db
from app.households.change_views import bp as changes_bp
from app.households.changes import history
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
from app.households.import_views import bp as imports_bp
from app.households.rules import (
    ADULT_AGE,
    MIN_PARENT_AGE,
    PASSPORT_AGE,
    SENIOR_AGE,
    age_on,
    likely_relationship,
)
from app.households.search import search_people
from app.households.services import DuplicateDocument, get_household, register_household
from app.households.visibility import (
    SENSITIVE_FIELDS,
    entitled_per_visit,
    masked_number,
    sees_everything,
)
from app.households.vulnerability import standing_consents
from app.stock.vouchers import household_serials

bp = Blueprint("households", __name__, url_prefix="/households")
bp.register_blueprint(changes_bp)
bp.register_blueprint(imports_bp)


@bp.route("/new", methods=["GET", "POST"])
@allow(*DESK)
def register() -> str | BaseResponse:
    form = RegisterForm()
    reading_for = next((i for i, e in enumerate(form.members) if e.form.read_mrz.data), None)
    if not form.is_submitted():
        form.members.entries[0].form.relationship.data = "head"
    elif reading_for is not None:
        _read_zone(form, reading_for)
    elif form.add_member.data:
        if len(form.members.entries) < form.members.max_entries:  # type: ignore[operator]
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
            db.session.rollback()
            for message in form.show_problems(exc.fields):
                flash(message, "error")
        except DuplicateDocument as exc:
            db.session.rollback()
            household_id = exc.details["household_id"]
            flash(_("A document of this family is registered already."), "error")
            return _register_page(form, duplicate_of=household_id), 409  # type: ignore[return-value]
        except PossibleDuplicate as exc:
            db.session.rollback()
            return _register_page(form, candidates=exc.candidates), 409  # type: ignore[return-value]
        else:
            db.session.commit()
            flash(
                _(
                    "Household %(number)s registered: print its card.",
                    number=registered.household.id,
                ),
                "ok",
            )
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
def search() -> str:
    query = request.args.get("q", "")
    return render_template(
        "households/search.html",
        query=query,
        found=search_people(db.session, query),
        labels=LABELS,
    )


@bp.get("/<id:household_id>")
@allow(*DESK)
def show(household_id: int) -> str:
    household = get_household(db.session, household_id)
    cards = db.session.scalars(
        select(Card).where(Card.household_id == household.id).order_by(Card.issued_at.desc())
    ).all()
    visits = db.session.scalars(
        select(Distribution)
        .where(Distribution.household_id == household.id)
        .order_by(Distribution.served_on.desc())
        .limit(50)
    ).all()
    head_form = HeadForm()
    head_form.member_id.choices = [
        (m.id, m.full_name) for m in household.members if m.present and m.relationship != "head"
    ]
    actor = current_actor()
    everything = sees_everything(actor.role if actor else None)
    entitled = entitled_per_visit(db.session, household, context.today())
    if everything:
        record_seen("view", "households", household.id, SENSITIVE_FIELDS)
    return render_template(
        "households/show.html",
        household=household,
        cards=cards,
        visits=visits,
        serials=household_serials(db.session, household.id),
        reissue=ReissueForm(),
        labels=LABELS,
        today=context.today(),
        history=history(db.session, household.id),
        departed_form=DepartedForm(),
        head_form=head_form,
        move_forms={m.id: MoveForm(prefix=f"move-{m.id}") for m in household.members},
        consents=standing_consents(db.session, [m.id for m in household.members]),
        consent_form=ConsentForm(),
        withdraw_form=WithdrawForm(),
        flags_forms={
            m.id: FlagsForm(prefix=f"flags-{m.id}", obj=m, formdata=None) for m in household.members
        },
        photo_form=PhotoForm() if current_app.config.get("AID_PHOTOS") else None,
        seniors={
            m.id for m in household.members if age_on(m.birth_date, context.today()) >= SENIOR_AGE
        },
        everything=everything,
        shown_number=(lambda number: number) if everything else masked_number,
        entitled=entitled,
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
        db.session.commit()
        flash(_("A new card was issued; the old one no longer works."), "ok")
    return redirect(url_for("households.show", household_id=household.id))
