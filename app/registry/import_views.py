"""Importing a register from a spreadsheet (households.imports; saved by import_save, each
household with its first card): upload, map the columns, watch the check, read the preview,
import. Coordinators only. static/import.js polls."""

from __future__ import annotations

import json
from functools import partial

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from app import context
from app.auth.access import COORDINATOR, allow
from app.errors import ValidationFailed
from app.extensions import csrf, db
from app.households import imports
from app.households.forms import IMPORT_FIELDS, ImportForm, ImportStepForm
from app.households.imports.files import FIELDS, MAX_FILE_BYTES, REQUIRED
from app.registry.import_save import save_groups
from app.unit_of_work import after_commit, page_writes, refuse

bp = Blueprint("imports", __name__, url_prefix="/import")


@bp.route("", methods=["GET", "POST"])
@csrf.exempt  # the form checks its token itself, after the larger size limit is set
@allow(*COORDINATOR)
@page_writes
def upload() -> tuple[str, int] | BaseResponse:
    request.max_content_length = MAX_FILE_BYTES + 64 * 1024
    if request.method == "POST" and current_app.config["WTF_CSRF_ENABLED"]:
        csrf.protect()  # as for every other form: a missing or wrong token is a 400
    form = ImportForm()
    if form.validate_on_submit():
        file = form.file.data
        try:
            job = imports.upload(
                db.session,
                file.filename or "",
                file.read(MAX_FILE_BYTES + 1),
                user_id=context.signed_in_id(),
                now=context.now(),
            )
        except ValidationFailed as exc:
            form.file.errors = [*form.file.errors, *exc.fields.values()]
            return render_template("households/import_upload.html", form=form), 422
        return redirect(url_for("households.imports.job", job_id=job.id))
    status = 422 if form.errors else 200
    return render_template("households/import_upload.html", form=form), status


@bp.get("/<id:job_id>")
@allow(*COORDINATOR)
def job(job_id: int) -> str:
    found = imports.get_job(db.session, job_id, user_id=context.signed_in_id())
    return render_template(
        "households/import_job.html",
        job=found,
        progress=imports.job_progress(
            db.session, job_id, user_id=context.signed_in_id(), now=context.now()
        ),
        columns=json.loads(found.columns),
        mapping=json.loads(found.mapping or "{}"),
        fields=IMPORT_FIELDS,
        required=REQUIRED,
        problems=imports.job_problems(db.session, found),
        preview=imports.preview_rows(db.session, found) if found.status == "checked" else [],
        form=ImportStepForm(),
    )


def _mapping() -> dict[str, int | None]:
    chosen: dict[str, int | None] = {}
    for name in FIELDS:
        value = request.form.get(f"map-{name}", "")
        chosen[name] = int(value) if value.isdigit() and len(value) < 6 else None
    return chosen


@bp.post("/<id:job_id>/mapping")
@allow(*COORDINATOR)
@page_writes
def mapping(job_id: int) -> BaseResponse:
    found = imports.get_job(db.session, job_id, user_id=context.signed_in_id())
    if ImportStepForm().validate_on_submit():
        try:
            imports.set_mapping(db.session, found, _mapping(), now=context.now())
        except ValidationFailed as exc:
            refuse(exc, label=lambda name: IMPORT_FIELDS.get(name, name))
        else:
            today = context.today()
            app = current_app._get_current_object()  # type: ignore[attr-defined]
            # The check reads the mapping: it starts once the mapping is committed.
            after_commit(
                lambda: imports.start(
                    app,
                    lambda session: imports.check_job(
                        session, job_id, today=today, clock=context.now
                    ),
                    job_id,
                    "check",
                    context.now,
                )
            )
    return redirect(url_for("households.imports.job", job_id=job_id))


@bp.post("/<id:job_id>/run")
@allow(*COORDINATOR)
@page_writes
def run(job_id: int) -> BaseResponse:
    found = imports.get_job(db.session, job_id, user_id=context.signed_in_id())
    if ImportStepForm().validate_on_submit():
        try:
            imports.queue_import(db.session, found, now=context.now())
        except ValidationFailed as exc:
            refuse(exc, label=None)
        else:
            today = context.today()
            # Each household with its first card: the job below cards is handed the saving.
            save = partial(
                save_groups,
                site_id=context.site_id(),
                today=today,
                user_id=context.signed_in_id(),
                card_key=context.card_key(),
            )
            app = current_app._get_current_object()  # type: ignore[attr-defined]
            # The import reads the queued job: it starts once the queue is committed.
            after_commit(
                lambda: imports.start(
                    app,
                    lambda session: imports.import_job(
                        session,
                        job_id,
                        today=today,
                        save=save,
                        clock=context.now,
                    ),
                    job_id,
                    "save",
                    context.now,
                )
            )
            flash(_("Importing: the whole file lands, or nothing does."), "ok")
    return redirect(url_for("households.imports.job", job_id=job_id))


@bp.get("/<id:job_id>/progress")
@allow(*COORDINATOR)
def progress(job_id: int) -> Response:
    found = imports.job_progress(
        db.session, job_id, user_id=context.signed_in_id(), now=context.now()
    )
    return jsonify(found.to_json())
