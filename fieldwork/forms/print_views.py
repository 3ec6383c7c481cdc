"""Print batch pages: list, print a new batch, download its PDF and layout."""

from __future__ import annotations

from pathlib import Path

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ..auth.models import Role, User
from ..auth.roles import RoleName
from ..directory.models import Agency
from ..errors import OperationError
from ..extensions import db
from .batches import assign_batch, next_free_serial, print_batch
from .models import PrintBatch, QuestionnaireVersion, VersionStatus
from .views import bp, load_survey, roles_required
from .webforms import PrintForm

PRINT_READERS = (RoleName.MANAGER, RoleName.SCANNER)


def _print_form(survey) -> PrintForm:
    form = PrintForm()
    versions = db.session.scalars(select(QuestionnaireVersion).where(
        QuestionnaireVersion.survey_id == survey.id).order_by(
        QuestionnaireVersion.number.desc())).all()
    form.version.choices = [SelectChoice(v.number, f"v{v.number} · {v.status_label}")
                            for v in versions]
    approved = [v.number for v in versions if v.status == VersionStatus.APPROVED]
    if request_is_get() and approved:
        form.version.data = approved[0]
    enumerators = db.session.scalars(select(User).join(User.roles).where(
        Role.name == RoleName.ENUMERATOR.value, User.active.is_(True)).order_by(User.name))
    form.assigned_user_id.choices = [SelectChoice(0, "—")] + [
        SelectChoice(u.id, u.name) for u in enumerators]
    form.assigned_agency_id.choices = [SelectChoice(0, "—")] + [
        SelectChoice(s.agency_id, s.agency.name) for s in survey.scope]
    return form


def request_is_get() -> bool:
    """True for a GET request (defaults are only filled in then)."""
    from flask import request
    return request.method == "GET"


@bp.route("/print", methods=["GET", "POST"])
@roles_required(*PRINT_READERS)
def batches(code: str):
    """Print batches of the survey; managers print new ones."""
    survey = load_survey(code)
    form = _print_form(survey)
    if form.validate_on_submit():
        if not current_user.has_role(RoleName.MANAGER):
            abort(403)
        data = dict(form.data)
        data["version"] = form.version.data
        try:
            batch = print_batch(survey, data, current_user)
        except OperationError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            db.session.commit()
            flash(_("Printed %(count)d sheets, serials %(first)s-%(last)s.", count=batch.count,
                    first=batch.serial_text(batch.first_serial),
                    last=batch.serial_text(batch.last_serial)), "success")
            return redirect(url_for(".batches", code=code))
    rows = db.session.scalars(select(PrintBatch).where(PrintBatch.survey_id == survey.id)
                              .order_by(PrintBatch.first_serial.desc())).all()
    agencies = {a.id: a for a in db.session.scalars(select(Agency))}
    return render_template("forms/batches.html", survey=survey, batches=rows, form=form,
                           next_serial=next_free_serial(survey), agencies=agencies)


def _batch(survey, batch_id: int) -> PrintBatch:
    batch = db.get_or_404(PrintBatch, batch_id)
    if batch.survey_id != survey.id:
        abort(404)
    return batch


@bp.route("/print/<int:batch_id>.pdf")
@roles_required(*PRINT_READERS)
def batch_pdf(code: str, batch_id: int):
    """Download a batch's PDF."""
    batch = _batch(load_survey(code), batch_id)
    path = Path(batch.pdf_path)
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype="application/pdf", download_name=path.name)


@bp.route("/print/<int:batch_id>.layout.json")
@roles_required(*PRINT_READERS)
def batch_layout(code: str, batch_id: int):
    """Download a batch's layout JSON (the geometry the reader uses)."""
    batch = _batch(load_survey(code), batch_id)
    path = Path(batch.layout_path)
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype="application/json", download_name=path.name)


@bp.route("/print/<int:batch_id>/assign", methods=["POST"])
@roles_required(RoleName.MANAGER)
def batch_assign(code: str, batch_id: int):
    """Hand a batch to an enumerator and/or agency after printing."""
    survey = load_survey(code)
    batch = _batch(survey, batch_id)
    form = _print_form(survey)
    data = {"assigned_user_id": form.assigned_user_id.data,
            "assigned_agency_id": form.assigned_agency_id.data}
    try:
        assign_batch(batch, data, current_user)
    except OperationError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    else:
        db.session.commit()
        flash(_("Batch #%(id)d handed out.", id=batch.id), "success")
    return redirect(url_for(".batches", code=code))
