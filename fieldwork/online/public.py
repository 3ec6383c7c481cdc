"""The respondent's pages: no sign-in, phone first; ``/kiosk/...`` for the desk's tablet.

``/khao-sat/<survey>/<agency>`` is the address on the counter poster: it names the survey
and the agency, never a person. The kiosk address adds a key only the manager's poster page
shows (``rules.kiosk_key``), so that answers are counted as "kiosk" only from the tablets.
"""

from __future__ import annotations

import os
import re
import secrets

from flask import (
    Blueprint,
    abort,
    after_this_request,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select

from ..directory.models import Agency
from ..extensions import db
from ..plans.models import Survey
from ..security import limiter
from . import rules
from .models import OnlineChannel
from .operations import AnswerRefused, closed_reason, in_scope, newest_approved, submit_answer
from .webforms import answer_form, conditions, raw_answers, show_errors

bp = Blueprint("online_public", __name__)
DEVICE_COOKIE = "fw_device"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
KIOSK_RESET_SECONDS = 8


def online_limit() -> str:
    """Answers sent per client address: ONLINE_RATE_LIMIT in the app's settings or the
    environment (empty: off); by default 60/hour and 10/minute, off in tests."""
    default = "" if current_app.config.get("TESTING") else "60/hour;10/minute"
    value = current_app.config.get("ONLINE_RATE_LIMIT",
                                   os.environ.get("ONLINE_RATE_LIMIT", default))
    return "" if value in (None, "", "off") else value


def online_limit_off() -> bool:
    """True when ONLINE_RATE_LIMIT is empty, or the request comes from a kiosk tablet."""
    return not online_limit() or request.endpoint == "online_public.kiosk"


def _load(code: str, agency_id: int) -> tuple[Survey, Agency]:
    survey = db.session.scalar(select(Survey).where(Survey.code == code.upper()))
    if survey is None or not in_scope(survey, agency_id):
        abort(404)
    return survey, db.session.get(Agency, agency_id)


def _device() -> str:
    """The hash of this browser's random device id (a new id is set when it has none)."""
    token = request.cookies.get(DEVICE_COOKIE, "")
    if not _TOKEN.match(token):
        token = secrets.token_urlsafe(18)

        @after_this_request
        def _set(response):
            response.set_cookie(DEVICE_COOKIE, token, max_age=400 * 24 * 3600, httponly=True,
                                samesite="Lax",
                                secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
            return response
    return rules.device_hash(current_app.config["SECRET_KEY"], token)


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def _collect(survey: Survey, agency: Agency, channel: OnlineChannel, thanks_url: str,
             kiosk_key: str | None = None):
    """The answer page: GET shows the form, POST stores the answer or shows what to fix."""
    after_this_request(_no_store)
    ctx = {"survey": survey, "agency": agency, "kiosk": channel == OnlineChannel.KIOSK,
           "kiosk_key": kiosk_key}
    reason = closed_reason(survey)
    version = newest_approved(survey)
    if reason is None and version is None:
        reason = _("The questionnaire of this survey is not approved yet; answers open once "
                   "it is.")
    if reason:
        return render_template("online/message.html", message=reason, **ctx)
    qn = version.questionnaire
    form = answer_form(qn)
    message = None
    if request.method == "POST":
        if not form.validate_on_submit():
            message = _("The page had expired. Please answer again.")
        else:
            try:
                submit_answer(survey, agency.id, form.version.data, raw_answers(form, qn),
                              channel, _device())
            except AnswerRefused as exc:
                db.session.rollback()
                message = str(exc)
                show_errors(form, exc.errors)
                if not exc.errors:
                    version = newest_approved(survey) or version
                    qn = version.questionnaire
            else:
                db.session.commit()
                return redirect(thanks_url, 303)
    else:
        _device()
    form.version.data = str(version.number)
    return render_template("online/answer.html", form=form, qn=qn, version=version,
                           conditions=conditions(qn), message=message, **ctx)


@bp.route("/khao-sat/<code>/<int:agency_id>", methods=["GET", "POST"])
@limiter.limit(online_limit, methods=["POST"], exempt_when=online_limit_off)
def answer(code: str, agency_id: int):
    """Seed 002's online form: dossier code or phone and citizen ID, satisfied or not,
    reasons, comments, "Hoàn thành"."""
    survey, agency = _load(code, agency_id)
    if code != survey.code:
        return redirect(url_for(".answer", code=survey.code, agency_id=agency_id), 301)
    return _collect(survey, agency, OnlineChannel.ONLINE,
                    url_for(".thanks", code=survey.code, agency_id=agency_id))


@bp.route("/khao-sat/<code>/<int:agency_id>/cam-on")
def thanks(code: str, agency_id: int):
    """Thank-you page after an answer."""
    survey, agency = _load(code, agency_id)
    return render_template("online/thanks.html", survey=survey, agency=agency, kiosk=False)


def _kiosk_or_404(code: str, agency_id: int, key: str) -> tuple[Survey, Agency]:
    survey, agency = _load(code, agency_id)
    if not rules.kiosk_key_ok(current_app.config["SECRET_KEY"], survey.code, agency_id, key):
        abort(404)
    return survey, agency


@bp.route("/kiosk/<code>/<int:agency_id>/<key>", methods=["GET", "POST"])
def kiosk(code: str, agency_id: int, key: str):
    """The same form on the desk's tablet: full screen, no way back, reset after each
    answer (kiosk.js)."""
    survey, agency = _kiosk_or_404(code, agency_id, key)
    return _collect(survey, agency, OnlineChannel.KIOSK,
                    url_for(".kiosk_thanks", code=survey.code, agency_id=agency_id, key=key),
                    kiosk_key=key)


@bp.route("/kiosk/<code>/<int:agency_id>/<key>/cam-on")
def kiosk_thanks(code: str, agency_id: int, key: str):
    """Thank-you screen that returns to an empty form by itself."""
    survey, agency = _kiosk_or_404(code, agency_id, key)
    after_this_request(_no_store)
    return render_template("online/thanks.html", survey=survey, agency=agency, kiosk=True,
                           kiosk_key=key, reset_seconds=KIOSK_RESET_SECONDS,
                           again=url_for(".kiosk", code=survey.code, agency_id=agency_id,
                                         key=key))


@bp.errorhandler(429)
def too_many(e):
    """Too many answers from one address: a friendly page, nothing saved."""
    return render_template("online/message.html", survey=None, agency=None, kiosk=False,
                           message=_("Too many answers were sent from this network in a short "
                                     "time. Please wait a few minutes and try again.")), 429
