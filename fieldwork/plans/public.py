"""The public page "Báo cáo khảo sát hài lòng hàng năm": published reports, no sign-in."""

from __future__ import annotations

from itertools import groupby

from flask import Blueprint, abort, render_template, send_file
from sqlalchemy import select

from ..extensions import db
from . import attachments
from .models import Survey
from .models_review import Publication

bp = Blueprint("plans_public", __name__, url_prefix="/bao-cao-khao-sat")


@bp.route("/")
def index():
    """Published surveys by year, newest first, each with its report file."""
    rows = db.session.scalars(select(Publication).join(Survey).order_by(
        Survey.year.desc(), Survey.code)).all()
    years = [(year, list(items)) for year, items in groupby(rows, key=lambda p: p.survey.year)]
    return render_template("plans/public_index.html", years=years)


@bp.route("/<code>/<int:attachment_id>")
def download(code: str, attachment_id: int):
    """The published report file (only the one attached to the publication)."""
    pub = db.session.scalar(select(Publication).join(Survey).where(Survey.code == code))
    if pub is None or pub.attachment_id != attachment_id:
        abort(404)
    path = attachments.full_path(pub.attachment)
    if not path.is_file():
        abort(404)
    resp = send_file(path, mimetype=pub.attachment.content_type, as_attachment=False,
                     download_name=pub.attachment.filename)
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp
