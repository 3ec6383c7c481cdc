"""Frame pages: the frame of a survey, upload and mapping, counts, draws (manager only);
the drawn dossiers' outcomes and response rates (``views_responses``)."""

from __future__ import annotations

import secrets

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from ..auth.decorators import roles_required
from ..auth.roles import RoleName
from ..directory.models import Agency, Field
from ..errors import OperationError
from ..extensions import csrf, db
from ..imports import mapping_page as page
from ..imports.tabular import TabularError
from ..imports.webforms import mapping_form
from ..jobs.models import JobStatus
from ..jobs.runner import enqueue
from ..navigation import NavItem, register_nav
from ..plans.models import Survey
from ..plans.progress import requirements
from ..privacy.access import can_export_identified, mark_contact_shown
from . import operations_draw as draws
from .lists import DRAW_COLUMNS, draw_rows, to_csv
from .models import FrameDossier, FrameDraw, FrameImport
from .operations import counts, import_frame, open_list, scope_count, specs
from .operations_lists import call_list, invitations_pdf
from .uploads import DOSSIER_LISTS, drop_upload, save_upload
from .webforms import CountsForm, DrawForm, UploadForm

bp = Blueprint("frames", __name__, url_prefix="/frames")
register_nav(NavItem(_l("Sampling frame"), "frames.index", (RoleName.MANAGER,)))
MAX_UPLOAD = 200 * 1024 ** 2
FILES = ("draw", "calls", "invitations")


def _survey_or_404(code: str) -> Survey:
    return db.session.scalar(select(Survey).where(Survey.code == code.upper())) or abort(404)


def _names() -> tuple[dict, dict]:
    return (dict(db.session.execute(select(Agency.id, Agency.name)).all()),
            dict(db.session.execute(select(Field.id, Field.name)).all()))


@bp.route("/")
@roles_required(RoleName.MANAGER)
def index():
    """Surveys with their frame size, late dossiers and current draw."""
    surveys = list(db.session.scalars(select(Survey).order_by(Survey.year.desc(), Survey.code)))
    sizes = dict(db.session.execute(select(FrameDossier.survey_id, func.count())
                                    .group_by(FrameDossier.survey_id)).all())
    late = dict(db.session.execute(select(FrameDossier.survey_id, func.count())
                                   .where(FrameDossier.late).group_by(FrameDossier.survey_id))
                .all())
    current = {s.id: draws.active_draw(s) for s in surveys if sizes.get(s.id)}
    return render_template("frames/index.html", surveys=surveys, sizes=sizes, late=late,
                           current=current)


@bp.route("/<code>")
@roles_required(RoleName.MANAGER)
def survey(code: str):
    """One survey's frame: counts against the plan, imports, upload, counts and draw forms."""
    row = _survey_or_404(code)
    frame = counts(row)
    agencies, fields = _names()
    strata = [{"agency": agencies.get(a, "?"), "field": fields.get(f, "") if f else "",
               "n": n, "late": late} for (a, f), (n, late) in frame.items()]
    strata.sort(key=lambda s: (s["agency"], s["field"]))
    plan = [{"req": r, "frame_n": scope_count(frame, r.scope.agency_id, r.scope.field_id)}
            for r in requirements(row)]
    imports = list(db.session.scalars(select(FrameImport).where(
        FrameImport.survey_id == row.id).order_by(FrameImport.id.desc())))
    history = list(db.session.scalars(select(FrameDraw).where(
        FrameDraw.survey_id == row.id).order_by(FrameDraw.id.desc())))
    draw_form = DrawForm(data={"seed": secrets.randbelow(1_000_000), "by_field": True,
                               "reserve_percent": 20})
    return render_template("frames/survey.html", survey=row, strata=strata, plan=plan,
                           imports=imports, history=history, upload_form=UploadForm(),
                           counts_form=CountsForm(), draw_form=draw_form,
                           total=sum(s["n"] for s in strata),
                           total_late=sum(s["late"] for s in strata))


@bp.route("/<code>/upload", methods=["POST"])
@csrf.exempt  # the form checks its token itself, after the upload size limit is set
@roles_required(RoleName.MANAGER)
def upload(code: str):
    """Keep an uploaded dossier list and go to its mapping step."""
    request.max_content_length = current_app.config.get("IMPORT_MAX_BYTES", MAX_UPLOAD)
    row = _survey_or_404(code)
    form = UploadForm()
    if not form.validate_on_submit():
        flash(_("Choose a CSV or XLSX file to upload."), "danger")
        return redirect(url_for("frames.survey", code=row.code))
    upload_file = form.file.data
    token = save_upload(upload_file.stream, {"survey_id": row.id, "user_id": current_user.id,
                                             "name": upload_file.filename or "upload"})
    return redirect(url_for("frames.mapping", token=token))


@bp.route("/upload/<token>", methods=["GET", "POST"])
@roles_required(RoleName.MANAGER)
def mapping(token: str):
    """Map the file's columns, check it with a dry run, then import it."""
    path, meta = DOSSIER_LISTS.owned(token, current_user.id)
    row = db.session.get(Survey, meta["survey_id"]) or abort(404)
    try:
        with open(path, "rb") as fh:
            table, found = open_list(fh, meta["name"], meta.get("header_row"))
            headers, layout = table.headers, table.layout
    except (TabularError, UnicodeDecodeError) as exc:
        if meta.get("header_row"):  # the row the user chose: let them choose again
            DOSSIER_LISTS.update(token, {"header_row": ""})
            flash(str(exc), "danger")
            return redirect(url_for("frames.mapping", token=token))
        drop_upload(token)
        flash(_("The file cannot be read: %(why)s", why=str(exc)), "danger")
        return redirect(url_for("frames.survey", code=row.code))
    hform = page.header_form(meta, layout)
    if (done := page.apply_header(DOSSIER_LISTS, token, hform)) is not None:
        return done
    guessed, fields = specs(None, headers, found, layout)
    form = mapping_form(fields, headers, page.preset(meta, guessed, headers))
    labels = {f.name: f.label for f in fields}
    report = None
    check_again = request.method == "GET" and request.args.get("check") and meta.get("mapping")
    if form.validate_on_submit() or check_again:
        data = {"name": meta["name"], "header_row": meta.get("header_row"),
                "skip_invalid": bool(form.skip_invalid.data),
                "dry_run": bool(form.dry_run.data) or bool(check_again),
                "mapping": meta["mapping"] if check_again else
                {f.name: getattr(form, f"map_{f.name}").data for f in fields
                 if getattr(form, f"map_{f.name}").data}}
        DOSSIER_LISTS.update(token, {"mapping": data["mapping"]})
        if data["dry_run"]:
            try:
                with open(path, "rb") as fh:
                    report = import_frame(row, fh, data, current_user)
            except OperationError as exc:
                flash(str(exc), "danger")
            db.session.rollback()  # a dry run keeps nothing
        else:
            job = enqueue("frames.import", {"token": token, "data": data}, current_user,
                          survey=row)
            if job.status == JobStatus.DONE:
                flash((job.result or {}).get("summary", ""), "success")
                return redirect(url_for("frames.survey", code=row.code))
            if job.status == JobStatus.FAILED:
                flash(job.error, "danger")
            else:
                flash(_("The dossier list is being imported; this page shows its progress."),
                      "info")
                return redirect(url_for("jobs.job", job_id=job.id, follow="1"))
    return render_template(
        "frames/mapping.html", form=form, fields=fields, meta=meta, survey=row,
        headers=headers, report=report, labels=labels, layout=layout, header_form=hform,
        notes=(report.layout if report else layout).notes(labels),
        ambiguous=page.ambiguity_notes(layout, labels),
        aliases=page.alias_rows(report, url_for("frames.mapping", token=token, check=1)))


@bp.route("/<code>/counts", methods=["POST"])
@roles_required(RoleName.MANAGER)
def apply_counts(code: str):
    """Set the plan's dossier counts N from the frame."""
    row = _survey_or_404(code)
    if not CountsForm().validate_on_submit():
        abort(400)
    try:
        changes = draws.apply_counts(row, current_user)
    except OperationError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    else:
        db.session.commit()
        flash(_("Dossier counts updated for %(n)d agencies of the plan.", n=len(changes))
              if changes else _("The plan's dossier counts already match the frame."),
              "success")
    return redirect(url_for("frames.survey", code=row.code))


@bp.route("/<code>/draw", methods=["POST"])
@roles_required(RoleName.MANAGER)
def draw(code: str):
    """Draw respondents (a redraw needs a reason)."""
    row = _survey_or_404(code)
    form = DrawForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "danger")
        return redirect(url_for("frames.survey", code=row.code))
    data = {"seed": form.seed.data, "method": form.method.data,
            "by_field": form.by_field.data, "late_first": form.late_first.data,
            "reserve_percent": form.reserve_percent.data, "size": form.size.data,
            "reason": form.reason.data}
    try:
        made = draws.make_draw(row, data, current_user)
    except OperationError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return redirect(url_for("frames.survey", code=row.code))
    db.session.commit()
    flash(_("Drew %(n)d dossiers and %(r)d reserves.", n=made.drawn, r=made.reserves),
          "success")
    return redirect(url_for("frames.draw_page", draw_id=made.id))


@bp.route("/draws/<int:draw_id>")
@roles_required(RoleName.MANAGER)
def draw_page(draw_id: int):
    """A draw: its options, allocation per stratum, and its lists."""
    row = db.session.get(FrameDraw, draw_id) or abort(404)
    agencies, fields = _names()
    from .models import OUTCOME_LABELS
    from .outcomes import draw_rates
    from .responses import AAPOR
    return render_template("frames/draw.html", draw=row, agencies=agencies, fields=fields,
                           identified=can_export_identified(current_user, row.survey_id),
                           rates=draw_rates(row), aapor=AAPOR, labels=OUTCOME_LABELS)


@bp.route("/draws/<int:draw_id>/files/<kind>")
@roles_required(RoleName.MANAGER)
def draw_file(draw_id: int, kind: str):
    """The draw file (CSV), the call list (CSV) or the invitation lists (PDF)."""
    row = db.session.get(FrameDraw, draw_id) or abort(404)
    if kind not in FILES:
        abort(404)
    name = f"{row.survey.code}-draw{row.id}"
    mark_contact_shown()  # lists of respondents: never cached
    if kind == "draw":
        return Response(to_csv(draw_rows(row), DRAW_COLUMNS), mimetype="text/csv",
                        headers={"Content-Disposition": f"attachment; filename={name}.csv"})
    try:
        data = (call_list(row, current_user) if kind == "calls"
                else invitations_pdf(row, current_user))
    except OperationError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return redirect(url_for("frames.draw_page", draw_id=row.id))
    db.session.commit()
    if kind == "calls":
        return Response(data, mimetype="text/csv", headers={
            "Content-Disposition": f"attachment; filename={name}-calls.csv"})
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f"attachment; filename={name}-invitations.pdf"})
from . import views_responses  # noqa: E402,F401  (routes on the same blueprint)
