"""The sheets page: choose households, make an A4 PDF of their cards in the background,
watch its progress, download it. The work is in cards.jobs; static/cards.js polls."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from app import context
from app.auth.access import DESK, allow
from app.cards.forms import SheetForm
from app.cards.jobs import (
    chosen_households,
    recent_sheets,
    request_sheet,
    sheet_pdf_bytes,
    sheet_progress,
    start_sheet,
)
from app.errors import ValidationFailed
from app.extensions import db
from app.unit_of_work import after_commit, page_writes, refuse

bp = Blueprint("cards", __name__, url_prefix="/cards")


def _index(form: SheetForm, status: int = 200) -> tuple[str, int]:
    recent = recent_sheets(db.session, user_id=context.signed_in_id(), now=context.now())
    return render_template("cards/index.html", form=form, recent=recent), status


@bp.get("")
@allow(*DESK)
def index() -> tuple[str, int]:
    return _index(SheetForm())


@bp.post("/sheets")
@allow(*DESK)
@page_writes
def make() -> tuple[str, int] | BaseResponse:
    form = SheetForm()
    if not form.validate():
        return _index(form, 422)
    try:
        household_ids = chosen_households(
            db.session,
            form.choice.data,
            form.typed_ids(),
            site_id=context.site_id(),
            today=context.today(),
            timezone=current_app.config["AID_TIMEZONE"],
        )
        sheet = request_sheet(
            db.session, household_ids, user_id=context.signed_in_id(), now=context.now()
        )
    except ValidationFailed as exc:
        refuse(exc, say=[text[:1].upper() + text[1:] + "." for text in exc.fields.values()])
        return _index(form, 422)
    # The thread reads the sheet: it starts once the sheet is committed.
    after_commit(
        lambda: start_sheet(
            current_app._get_current_object(),  # type: ignore[attr-defined]
            sheet,
            card_key=context.card_key(),
            clock=context.now,  # read in the thread, under its own app context
        )
    )
    return redirect(url_for("cards.sheet", job_id=sheet.job_id))


@bp.get("/sheets/<id:job_id>")
@allow(*DESK)
def sheet(job_id: int) -> str:
    progress = sheet_progress(db.session, job_id, user_id=context.signed_in_id(), now=context.now())
    return render_template("cards/sheet.html", progress=progress)


@bp.get("/sheets/<id:job_id>/progress")
@allow(*DESK)
def progress(job_id: int) -> Response:
    progress = sheet_progress(db.session, job_id, user_id=context.signed_in_id(), now=context.now())
    return jsonify(progress.to_json())


@bp.get("/sheets/<id:job_id>/cards.pdf")
@allow(*DESK)
def pdf(job_id: int) -> Response:
    data = sheet_pdf_bytes(db.session, job_id, user_id=context.signed_in_id())
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="aiddesk-cards-{job_id}.pdf"'},
    )
