"""The manager's page of online collection: per agency the answer address, the kiosk
address, counter posters (A4/A5 PDF) and the answers so far by channel."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..auth.decorators import roles_required
from ..auth.roles import RoleName
from ..extensions import db
from ..navigation import NavItem, register_nav
from ..plans.models import Survey
from . import links
from .models import OnlineResponse
from .operations import closed_reason, newest_approved
from .posters import SIZES, Poster, build_poster

bp = Blueprint("online", __name__, url_prefix="/online")
register_nav(NavItem(_l("Online and kiosk"), "online.index", (RoleName.MANAGER,)))


def _survey_or_404(code: str) -> Survey:
    return db.session.scalar(select(Survey).where(Survey.code == code.upper())) or abort(404)


@bp.route("/")
@roles_required(RoleName.MANAGER)
def index():
    """The newest survey's online collection (or an empty page without surveys)."""
    survey = db.session.scalars(select(Survey).order_by(Survey.year.desc(), Survey.code)).first()
    if survey is None:
        return render_template("online/index.html", survey=None, surveys=[], rows=[])
    return redirect(url_for("online.survey", code=survey.code))


@bp.route("/<code>")
@roles_required(RoleName.MANAGER)
def survey(code: str):
    """Agencies in scope with their addresses, poster downloads and answers by channel."""
    row = _survey_or_404(code)
    counts: dict = {}
    for agency_id, channel, n in db.session.execute(
            select(OnlineResponse.agency_id, OnlineResponse.channel, func.count())
            .where(OnlineResponse.survey_id == row.id)
            .group_by(OnlineResponse.agency_id, OnlineResponse.channel)):
        counts.setdefault(agency_id, {})[str(channel)] = n
    base = links.public_base()
    seen, rows = set(), []
    for s in row.scope:
        if s.agency_id in seen:
            continue
        seen.add(s.agency_id)
        rows.append({"agency": s.agency, "url": links.answer_url(base, row.code, s.agency_id),
                     "kiosk": links.kiosk_url(base, row.code, s.agency_id),
                     "counts": counts.get(s.agency_id, {})})
    surveys = list(db.session.scalars(select(Survey).order_by(Survey.year.desc(), Survey.code)))
    return render_template("online/index.html", survey=row, surveys=surveys, rows=rows,
                           closed=closed_reason(row), version=newest_approved(row))


@bp.route("/<code>/<int:agency_id>/poster-<size>.pdf")
@roles_required(RoleName.MANAGER)
def poster(code: str, agency_id: int, size: str):
    """The counter poster of one agency as a PDF (A4 or A5)."""
    row = _survey_or_404(code)
    scope = next((s for s in row.scope if s.agency_id == agency_id), None)
    if scope is None or size not in SIZES:
        abort(404)
    url = links.answer_url(links.public_base(), row.code, agency_id)
    pdf = build_poster(Poster(scope.agency.name, row.title, url, size))
    name = f"poster-{row.code}-{agency_id}-{size}.pdf"
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"'})
