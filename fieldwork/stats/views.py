"""The manager's statistics page of a survey and the export downloads."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from ..auth.decorators import roles_required
from ..auth.roles import RoleName
from ..errors import OperationError
from ..extensions import db
from ..navigation import NavItem, register_nav
from ..plans.models import Survey
from ..privacy.access import can_export_identified

bp = Blueprint("stats", __name__, url_prefix="/stats")
VIEWERS = (RoleName.MANAGER, RoleName.HOME_AFFAIRS)
register_nav(NavItem(_l("Statistics"), "stats.index", VIEWERS))


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


@bp.route("/<code>")
@roles_required(*VIEWERS)
def survey(code: str):
    """Overall rate with its interval, ranked agencies, reasons and export buttons."""
    from .dataset import survey_statistics

    row = _survey_or_404(code)
    result = survey_statistics(row)
    db.session.rollback()  # a page view changes nothing
    surveys = list(db.session.scalars(select(Survey).order_by(Survey.year.desc(), Survey.code)))
    return render_template("stats/index.html", survey=row, surveys=surveys, result=result,
                           identified=can_export_identified(current_user, row))


@bp.route("/<code>/export", methods=["POST"])
@roles_required(*VIEWERS)
def export(code: str):
    """Download the export in the chosen format (sav, dta, csv zipped with the codebook)."""
    from .exports import FORMATS, export_survey

    row = _survey_or_404(code)
    fmt = request.form.get("format", "")
    if fmt not in FORMATS:
        abort(400)
    identified = request.form.get("identified") == "1"
    if identified and not can_export_identified(current_user, row):
        abort(403)
    name = f"{row.code}.{fmt}"
    with tempfile.TemporaryDirectory() as tmp:
        try:
            written = export_survey(row, fmt, Path(tmp) / name, current_user, identified)
        except OperationError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
            return redirect(url_for("stats.survey", code=row.code))
        db.session.commit()
        if len(written) == 1:
            data, download = written[0].read_bytes(), name
        else:
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
                for path in written:
                    zf.write(path, path.name)
            data, download = buf.getvalue(), f"{name}.zip"
    return send_file(io.BytesIO(data), as_attachment=True, download_name=download)
