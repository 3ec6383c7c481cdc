"""Print batch pages: list, print (in two clicks, as a background job), download, hand out."""

from __future__ import annotations

from pathlib import Path

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from wtforms.fields.choices import SelectChoice

from ..auth.models import Role, User
from ..auth.roles import RoleName
from ..errors import OperationError
from ..extensions import db
from ..jobs.models import JobStatus
from ..jobs.runner import enqueue
from .batches import assign_batch, next_free_serial
from .models import PrintBatch, PrintedSheet, QuestionnaireVersion, VersionStatus
from .views import bp, load_survey, roles_required
from .webforms import PrintForm, QuickPrintForm

PRINT_READERS = (RoleName.MANAGER, RoleName.SCANNER)


@bp.app_template_global()
def print_targets(survey) -> list[dict]:
    """What can be printed: each scope agency's generic sheets, and the drawn dossiers not
    printed yet (all, and per agency), with a suggested count."""
    names = {row.agency_id: row.agency.name for row in survey.scope}
    out = [{"value": f"agency:{agency_id}", "label": name, "count": None,
            "group": _("Generic sheets for an agency")}
           for agency_id, name in sorted(names.items(), key=lambda kv: kv[1])]
    waiting = _drawn_waiting(survey)
    if waiting:
        group = _("Personalised sheets for drawn dossiers")
        out.append({"value": "draw:all", "group": group, "count": sum(waiting.values()),
                    "label": _("Every agency (%(n)d not printed yet)", n=sum(waiting.values()))})
        for agency_id, n in sorted(waiting.items(), key=lambda kv: names.get(kv[0], "")):
            out.append({"value": f"draw:{agency_id}", "group": group, "count": n,
                        "label": _("%(agency)s (%(n)d not printed yet)",
                                   agency=names.get(agency_id, "?"), n=n)})
    return out


@bp.app_template_global()
def paper_sheets(draw) -> dict:
    """The draw's personalised sheets: per agency counts (printed, answered, void), and rows."""
    from .personal import paper_sheets as rows_of

    rows = rows_of(draw)
    totals: dict[int, dict] = {}
    for r in rows:
        t = totals.setdefault(r["agency_id"], {"out": 0, "answered": 0, "void": 0})
        t[r["state"]] += 1
    return {"rows": rows, "totals": totals}


def _drawn_waiting(survey) -> dict[int, int]:
    """Drawn dossiers (sample) still waiting for an answer without a live printed sheet, per
    agency: what ``personal.pick`` prints."""
    from ..frames.models import FrameDrawItem
    from ..frames.operations_draw import active_draw
    from .personal import unsettled

    draw = active_draw(survey)
    if draw is None:
        return {}
    live = select(PrintedSheet.dossier_id).where(PrintedSheet.survey_id == survey.id,
                                                 PrintedSheet.voided_at.is_(None))
    rows = db.session.execute(select(FrameDrawItem.agency_id, func.count()).where(
        FrameDrawItem.draw_id == draw.id, FrameDrawItem.reserve.is_(False),
        FrameDrawItem.dossier_id.not_in(live), unsettled()).group_by(FrameDrawItem.agency_id)).all()
    return {a: n for a, n in rows if n}


def _choices(form, survey) -> None:
    targets = print_targets(survey)
    form.target.choices = [SelectChoice(t["value"], t["label"]) for t in targets]
    form.target_groups = targets
    if not isinstance(form, PrintForm):
        return
    from ..directory.models import Field

    versions = db.session.scalars(select(QuestionnaireVersion).where(
        QuestionnaireVersion.survey_id == survey.id).order_by(
        QuestionnaireVersion.number.desc())).all()
    form.version.choices = [SelectChoice(0, _("Latest approved"))] + [
        SelectChoice(v.number, f"v{v.number} · {v.status_label}") for v in versions]
    enumerators = db.session.scalars(select(User).join(User.roles).where(
        Role.name == RoleName.ENUMERATOR.value, User.active.is_(True)).order_by(User.name))
    form.assigned_user_id.choices = [SelectChoice(0, "—")] + [
        SelectChoice(u.id, u.name) for u in enumerators]
    form.field_id.choices = [SelectChoice(0, "—")] + [
        SelectChoice(f.id, f.name) for f in db.session.scalars(select(Field).order_by(Field.name))]


def _data(form) -> dict:
    """The print operation's input from a (quick or full) print form."""
    kind, _sep, ident = (form.target.data or "").partition(":")
    if kind not in ("agency", "draw") or not (ident == "all" or ident.isdigit()):
        raise OperationError(_("Choose what to print: an agency's sheets or drawn dossiers."))
    data = {"count": form.count.data, "draw": kind == "draw",
            "agency_id": int(ident) if ident.isdigit() else None}
    if isinstance(form, PrintForm):
        data.update(field_id=form.field_id.data or None, version=form.version.data or None,
                    start_serial=form.start_serial.data, pilot=form.pilot.data,
                    reprint_reason=form.reprint_reason.data or "",
                    assigned_user_id=form.assigned_user_id.data or None, note=form.note.data)
    return data


def _print(survey, form, back: str):
    """Queue the print job; its page shows progress, its result is the PDF."""
    try:
        data = _data(form)
    except OperationError as exc:
        flash(str(exc), "danger")
        return redirect(back)
    job = enqueue("forms.print", {"code": survey.code, "data": data}, current_user,
                  survey=survey)
    if job.status == JobStatus.FAILED:
        flash(job.error or _("Nothing was printed."), "danger")
        return redirect(back)
    if job.status == JobStatus.DONE:
        flash((job.result or {}).get("summary", ""), "success")
        return redirect(url_for(".batches", code=survey.code))
    flash(_("The sheets are being printed; this page shows the progress."), "info")
    return redirect(url_for("jobs.job", job_id=job.id, follow="1"))


@bp.route("/print/quick", methods=["POST"])
@roles_required(RoleName.MANAGER)
def print_quick(code: str):
    """Print from the survey page: what, how many, print."""
    survey = load_survey(code)
    form = QuickPrintForm()
    _choices(form, survey)
    back = request.form.get("next") or url_for(".batches", code=code)
    if not back.startswith("/"):
        back = url_for(".batches", code=code)
    if not form.validate_on_submit():
        flash(_("The number of sheets must be a whole number, 1 or more."), "danger")
        return redirect(back)
    return _print(survey, form, back)


@bp.route("/print", methods=["GET", "POST"])
@roles_required(*PRINT_READERS)
def batches(code: str):
    """Print batches of the survey; managers print new ones."""
    survey = load_survey(code)
    form = PrintForm()
    _choices(form, survey)
    if form.validate_on_submit():
        if not current_user.has_role(RoleName.MANAGER):
            abort(403)
        return _print(survey, form, url_for(".batches", code=code))
    rows = db.session.scalars(select(PrintBatch).where(PrintBatch.survey_id == survey.id)
                              .order_by(PrintBatch.first_serial.desc())).all()
    approved = any(v.status == VersionStatus.APPROVED for v in survey.questionnaire_versions)
    return render_template("forms/batches.html", survey=survey, batches=rows, form=form,
                           next_serial=next_free_serial(survey), approved=approved)


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
    """Hand a batch to an enumerator after printing (the agency is printed on it)."""
    survey = load_survey(code)
    batch = _batch(survey, batch_id)
    data = {"assigned_user_id": request.form.get("assigned_user_id", type=int) or None,
            "assigned_agency_id": request.form.get("assigned_agency_id", type=int) or None}
    try:
        assign_batch(batch, data, current_user)
    except OperationError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    else:
        db.session.commit()
        flash(_("Batch #%(id)d handed out.", id=batch.id), "success")
    return redirect(url_for(".batches", code=code))
