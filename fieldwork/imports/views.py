"""Import pages: upload a results file, map its columns, dry run, import; the runs so far."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ..auth.decorators import roles_required
from ..auth.roles import RoleName
from ..errors import OperationError
from ..extensions import csrf, db
from ..jobs.models import JobStatus
from ..jobs.runner import enqueue
from ..jobs.views import job_result_url
from ..navigation import NavItem, register_nav
from ..plans.models import Survey
from ..stats import sources as src
from ..stats.models import SurveySource
from ..stats.operations import declare_source
from . import mapping_page as page
from .models import ImportRun
from .operations import fields_for, import_results, open_results
from .reasons import LETTERS, label
from .results import result_fields
from .tabular import TabularError
from .uploads import RESULTS, drop_upload, save_upload
from .webforms import SourceForm, UploadForm, letter_field, letters_form, mapping_form

bp = Blueprint("imports", __name__, url_prefix="/imports")
register_nav(NavItem(_l("Imported results"), "imports.index", (RoleName.MANAGER,)))
MAX_UPLOAD = 200 * 1024 ** 2


@bp.route("/", methods=["GET", "POST"])
@csrf.exempt  # the form checks its token itself, after the upload size limit is set
@roles_required(RoleName.MANAGER)
def index():
    """Import runs and the upload form."""
    request.max_content_length = current_app.config.get("IMPORT_MAX_BYTES", MAX_UPLOAD)
    declared = list(db.session.scalars(select(SurveySource).order_by(SurveySource.name)))
    form = UploadForm()
    surveys = list(db.session.scalars(select(Survey).order_by(Survey.year.desc(), Survey.code)))
    form.survey.choices = [SelectChoice(s.id, f"{s.code} · {s.title}") for s in surveys]
    form.source.choices = [SelectChoice(s, src.label(s)) for s in src.IMPORTABLE] + [
        SelectChoice(d.name, f"{d.label} ({d.name})") for d in
        {d.name: d for d in declared}.values()]
    if form.validate_on_submit():
        upload = form.file.data
        token = save_upload(upload.stream, {
            "survey_id": form.survey.data, "source": form.source.data,
            "name": upload.filename or "upload", "user_id": current_user.id})
        return redirect(url_for("imports.mapping", token=token))
    runs = list(db.session.scalars(select(ImportRun).order_by(ImportRun.created_at.desc())
                                   .limit(100)))
    sources_form = SourceForm(prefix="source")
    sources_form.survey.choices = form.survey.choices
    return render_template("imports/index.html", form=form, runs=runs,
                           sources_form=sources_form, declared=declared,
                           codes={s.id: s.code for s in surveys})


@bp.route("/sources", methods=["POST"])
@roles_required(RoleName.MANAGER)
def declare():
    """Declare a further source of a survey."""
    form = SourceForm(prefix="source")
    form.survey.choices = [SelectChoice(s.id, s.code) for s in db.session.scalars(
        select(Survey))]
    if not form.validate_on_submit():
        flash(_("Give the source's survey, name and label."), "danger")
        return redirect(url_for("imports.index"))
    survey = db.session.get(Survey, form.survey.data) or abort(404)
    try:
        declare_source(survey, {"name": form.name.data, "label": form.label.data,
                                "owner": form.owner.data, "note": form.note.data},
                       current_user)
    except OperationError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return redirect(url_for("imports.index"))
    db.session.commit()
    flash(_("Source declared."), "success")
    return redirect(url_for("imports.index"))


def _mapping_from(form, fields) -> dict[str, str]:
    return {f.name: getattr(form, f"map_{f.name}").data for f in fields
            if getattr(form, f"map_{f.name}").data}


@bp.route("/upload/<token>", methods=["GET", "POST"])
@roles_required(RoleName.MANAGER)
def mapping(token: str):
    """Map the file's columns, check it with a dry run, then import it."""
    path, meta = RESULTS.owned(token, current_user.id)
    survey = db.session.get(Survey, meta["survey_id"]) or abort(404)
    try:
        with open(path, "rb") as fh:
            table = open_results(fh, meta["name"], meta.get("header_row"))
            headers, layout = table.headers, table.layout
    except (TabularError, UnicodeDecodeError) as exc:
        if meta.get("header_row"):  # the row the user chose: let them choose again
            RESULTS.update(token, {"header_row": ""})
            flash(str(exc), "danger")
            return redirect(url_for("imports.mapping", token=token))
        drop_upload(token)
        flash(_("The file cannot be read: %(why)s", why=str(exc)), "danger")
        return redirect(url_for("imports.index"))
    hform = page.header_form(meta, layout)
    if (done := page.apply_header(RESULTS, token, hform)) is not None:
        return done
    lform = letters_form(meta.get("reason_letters") or {})
    if request.method == "POST" and lform.apply_letters.data:
        if lform.validate_on_submit():
            RESULTS.update(token, {"reason_letters": {
                x: getattr(lform, letter_field(x)).data for x in LETTERS
                if getattr(lform, letter_field(x)).data}})
        return redirect(url_for("imports.mapping", token=token, check=1))
    guessed, _specs = fields_for(None, headers, layout)
    fields = result_fields([])
    form = mapping_form(fields, headers, page.preset(meta, guessed, headers))
    labels = {f.name: f.label for f in fields}
    report = None
    check_again = request.method == "GET" and request.args.get("check") and meta.get("mapping")
    if form.validate_on_submit() or check_again:
        data = {"name": meta["name"], "source": meta.get("source"),
                "channel": meta.get("channel"),
                "header_row": meta.get("header_row"),
                "reason_letters": meta.get("reason_letters") or {},
                "mapping": meta["mapping"] if check_again else _mapping_from(form, fields),
                "skip_invalid": bool(form.skip_invalid.data),
                "dry_run": bool(form.dry_run.data) or bool(check_again)}
        RESULTS.update(token, {"mapping": data["mapping"]})
        if data["dry_run"]:
            try:
                with open(path, "rb") as fh:
                    report = import_results(survey, fh, data, current_user)
            except OperationError as exc:
                flash(str(exc), "danger")
            db.session.rollback()  # a dry run keeps nothing
        else:
            job = enqueue("imports.results", {"token": token, "data": data}, current_user,
                          survey=survey)
            if job.status == JobStatus.DONE:
                flash(_("Imported %(n)d rows.", n=(job.result or {}).get("added", 0)),
                      "success")
                return redirect(job_result_url(job))
            if job.status == JobStatus.FAILED:
                flash(job.error, "danger")
            else:
                flash(_("The file is being imported; this page shows its progress."), "info")
                return redirect(url_for("jobs.job", job_id=job.id, follow="1"))
    source_label = src.label(meta.get("source") or {"online": src.CITY_ONLINE}.get(
        meta.get("channel"), meta.get("channel") or ""))
    return render_template(
        "imports/mapping.html", form=form, fields=fields, meta=meta, survey=survey,
        headers=headers, report=report, source_label=source_label,
        labels=labels, layout=layout, header_form=hform, letters_form=lform,
        letter_field=letter_field, reason_label=label,
        notes=(report.layout if report else layout).notes(labels),
        ambiguous=page.ambiguity_notes(layout, labels),
        aliases=page.alias_rows(report, url_for("imports.mapping", token=token, check=1)))


@bp.route("/runs/<int:run_id>")
@roles_required(RoleName.MANAGER)
def run(run_id: int):
    """One import run: file, who, counts."""
    row = db.session.get(ImportRun, run_id) or abort(404)
    return render_template("imports/run.html", run=row)
