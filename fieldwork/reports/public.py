"""The public page "Báo cáo khảo sát hài lòng hàng năm": published reports, no sign-in.

It lives with the reports it publishes; the six steps only record the publication (step 6).

Only surveys that step 6 published appear; any other code is a 404, whatever the route.
"""

from __future__ import annotations

from itertools import groupby

from flask import (
    Blueprint,
    Response,
    abort,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import lazy_gettext as _l

from ..auth.roles import RoleName
from ..navigation import NavItem, register_nav
from ..plans import attachments
from ..plans.models_review import Publication
from . import public_data

bp = Blueprint("reports_public", __name__, url_prefix="/bao-cao-khao-sat")
register_nav(NavItem(_l("Published reports"), "reports_public.index", tuple(RoleName)))
MAX_QUERY = 100  # a ward's name is short; longer input is cut, never an error


def _entry(pub: Publication) -> dict:
    """A published survey as the templates read it: statistics, files, chart flag."""
    draft = public_data.published_draft(pub.survey)
    stats = public_data.public_statistics(pub, draft)
    rows, lowest = public_data.chart_rows(stats)
    return {"pub": pub, "survey": pub.survey, "stats": stats, "draft": draft,
            "files": public_data.report_files(pub, draft), "chart": bool(rows),
            "chart_lowest": len(rows) if lowest else 0,
            "chart_ranked": any(a.get("status", "ranked") == "ranked" and a.get("rate") is not None
                                for a in stats["agencies"]),
            "ranked": [a for a in stats["agencies"] if a.get("rate") is not None],
            "bands": public_data.plan_bands(stats), "thresholds": public_data.thresholds(stats),
            "sources": public_data.sources_beside(stats),
            "ranking_method": (stats.get("ranking") or {}).get("method")}


def _published_or_404(code: str) -> Publication:
    pub = public_data.publication(code)
    if pub is None:
        abort(404)
    return pub


@bp.route("/")
def index():
    """Published surveys by year, newest first: overall index, agency chart, report files."""
    entries = [_entry(p) for p in public_data.publications()]
    years = [(year, list(items)) for year, items in groupby(entries,
                                                            key=lambda e: e["survey"].year)]
    return render_template("reports/public_index.html", years=years)


@bp.route("/<code>")
def survey(code: str):
    """One published survey: overall index, chart, agency table with a search, files."""
    pub = _published_or_404(code)
    if code != pub.survey.code:  # one address per survey (codes are capitals)
        return redirect(url_for(".survey", code=pub.survey.code, **request.args), 301)
    entry = _entry(pub)
    query = request.args.get("q", "")[:MAX_QUERY].strip()
    shown = public_data.find_agencies(entry["ranked"], query)
    return render_template("reports/public_survey.html", e=entry, query=query, shown=shown)


@bp.route("/<code>/bieu-do.png")
def chart(code: str):
    """The agencies' satisfaction rates as a PNG, cached by the statistics' snapshot."""
    pub = _published_or_404(code)
    stats = public_data.public_statistics(pub, public_data.published_draft(pub.survey))
    png = public_data.chart_png(stats)
    if png is None:
        abort(404)
    resp = Response(png, mimetype="image/png")
    resp.set_etag(f"{stats.get('snapshot') or pub.id}-{len(png)}")
    resp.cache_control.public = True
    resp.cache_control.max_age = 3600
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp.make_conditional(request)


@bp.route("/<code>/<int:attachment_id>")
def download(code: str, attachment_id: int):
    """A published report file: the publication's final report or the published draft's
    PDF; nothing else of the survey."""
    pub = _published_or_404(code)
    files = public_data.report_files(pub, public_data.published_draft(pub.survey))
    att = next((a for _, a in files if a.id == attachment_id), None)
    if att is None:
        abort(404)
    path = attachments.full_path(att)
    if not path.is_file():
        abort(404)
    resp = send_file(path, mimetype=att.content_type, as_attachment=False,
                     download_name=att.filename)
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp
