"""The manager's statistics page of a survey and the export downloads."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from ..auth.decorators import roles_required
from ..auth.roles import RoleName
from ..extensions import db
from ..jobs.models import JobStatus
from ..jobs.runner import enqueue
from ..jobs.storage import result_path
from ..navigation import NavItem, register_nav
from ..plans.models import Survey
from ..privacy.access import can_export_identified
from . import sources as src
from .filters import Filter, FilterError, parse_filter

bp = Blueprint("stats", __name__, url_prefix="/stats")
VIEWERS = (RoleName.MANAGER, RoleName.HOME_AFFAIRS)
register_nav(NavItem(_l("Statistics"), "stats.index", VIEWERS))
COMMENT_CAP = 50  # comments listed per agency on the page
CHANNELS = src.CHANNEL_LABELS
FILTER_ARGS = ("source", "channel", "agency", "field", "from", "to", "combined")


def _survey_or_404(code: str) -> Survey:
    return db.session.scalar(select(Survey).where(Survey.code == code.upper())) or abort(404)


@bp.route("/")
@roles_required(*VIEWERS)
def index():
    """The newest survey's statistics (or an empty page when there is no survey)."""
    survey = db.session.scalars(select(Survey).order_by(Survey.year.desc(), Survey.code)).first()
    if survey is None:
        return render_template("stats/index.html", survey=None, surveys=[], result=None)
    return redirect(url_for("stats.survey", code=survey.code))


def period_text(key: str) -> str:
    """A period key of the statistics in the user's language: "2026-03" -> "03/2026"."""
    year, part = key.split("-")
    if part.startswith("Q"):
        return _("Quarter %(n)s/%(year)s", n=part[1:], year=year)
    if part.startswith("H"):
        return _("Half-year %(n)s/%(year)s", n=part[1:], year=year)
    return f"{part}/{year}"


def page_filter(survey: Survey, args) -> tuple[Filter, dict, str | None]:
    """The view's filter from the query string, the arguments kept for links, and an error
    message when the query asks for something the survey does not have (then the headline
    is shown)."""
    kept = {k: args.get(k) for k in FILTER_ARGS if args.get(k)}
    options = dict(kept, channels=args.getlist("channel"), combined=args.get("combined") == "1")
    try:
        return parse_filter(survey, options), kept, None
    except FilterError as exc:
        return Filter(), {}, str(exc)


@bp.route("/<code>")
@roles_required(*VIEWERS)
def survey(code: str):
    """The headline (independent survey, or the view asked for), the other sources beside it,
    ranked agencies, reasons, criteria, profile, breakdowns, comments, charts and exports."""
    from ..reports.dashboard import available
    from ..reports.operations import reason_labels
    from .statistics import survey_statistics

    row = _survey_or_404(code)
    flt, kept, problem = page_filter(row, request.args)
    if problem:
        flash(problem, "warning")
    result = survey_statistics(row, flt)
    labels = reason_labels(row)
    declared = src.declared(row)
    db.session.rollback()  # a page view changes nothing
    surveys = list(db.session.scalars(select(Survey).order_by(Survey.year.desc(), Survey.code)))
    views = [(name, src.label(name, declared)) for name in src.order([*src.BUILTIN, *declared])]
    return render_template("stats/index.html", survey=row, surveys=surveys, result=result,
                           identified=can_export_identified(current_user, row),
                           charts=available(result), reason_labels=labels,
                           period_text=period_text, comment_cap=COMMENT_CAP,
                           channel_labels=CHANNELS, views=views, args=kept, flt=flt)


@bp.route("/<code>/chart/<name>.png")
@roles_required(*VIEWERS)
def chart(code: str, name: str):
    """One chart of the page as PNG, drawn from the same statistics (same filter, cached
    under the same data revision) as the page and the report."""
    from ..reports.dashboard import CHARTS, chart_png
    from ..reports.operations import reason_labels
    from .statistics import derived

    if name not in CHARTS:
        abort(404)
    row = _survey_or_404(code)
    flt, _kept, problem = page_filter(row, request.args)
    if problem:
        abort(404)
    labels = reason_labels(row) if name == "reasons" else {}

    def draw(result) -> tuple:
        # The revision moves with the data and with the plan's bands; the snapshot with the
        # rows.
        return (f"r{result['revision']}-{result['snapshot'][:24]}-{name}",
                chart_png(result, name, labels))

    etag, png = derived(row, flt, ("chart", name, tuple(sorted(labels.items()))), draw)
    db.session.rollback()  # reading only
    if png is None:
        abort(404)
    if request.if_none_match.contains(etag):
        resp = Response(status=304)
    else:
        resp = Response(png, mimetype="image/png")
    resp.set_etag(etag)
    resp.cache_control.private = True
    resp.cache_control.max_age = 300
    return resp


@bp.route("/<code>/export", methods=["POST"])
@roles_required(*VIEWERS)
def export(code: str):
    """Export in the chosen format (sav, dta, csv zipped with the codebook) as a job."""
    from .exports import FORMATS

    row = _survey_or_404(code)
    fmt = request.form.get("format", "")
    if fmt not in FORMATS:
        abort(400)
    identified = request.form.get("identified") == "1"
    if identified and not can_export_identified(current_user, row):
        abort(403)
    flt, kept, problem = page_filter(row, request.form)
    if problem:
        flash(problem, "danger")
        return redirect(url_for("stats.survey", code=row.code))
    job = enqueue("stats.export", {"code": row.code, "format": fmt, "identified": identified,
                                   "filter": kept}, current_user, survey=row)
    if job.status == JobStatus.FAILED:
        flash(job.error or _("The export could not be made."), "danger")
        return redirect(url_for("stats.survey", code=row.code))
    if job.status == JobStatus.DONE:  # run at once: hand the file over straight away
        result = job.result or {}
        data = result_path(job, result.get("file")).read_bytes()
        return send_file(io.BytesIO(data), as_attachment=True,
                         download_name=result.get("download_name"))
    flash(_("The export is being written; the download starts when it is ready."), "info")
    return redirect(url_for("jobs.job", job_id=job.id, follow="1"))
