"""What happened to the drawn dossiers: outcomes, attempts, replacements, response rates.

The manager sees every agency of the current draw; an enumerator the agencies of their
assignments (and records outcomes there). The call centre's result file is imported here.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..auth.decorators import check, roles_required
from ..auth.roles import RoleName
from ..errors import OperationError
from ..extensions import db
from ..plans.models_fieldwork import Assignment
from ..plans.steps import plan_of
from . import outcomes as ops
from .models import OUTCOME_LABELS, FrameDrawItem
from .operations_draw import active_draw
from .responses import AAPOR
from .views import _names, _survey_or_404, bp

WHO = (RoleName.MANAGER, RoleName.ENUMERATOR)


def _agencies_of(user, survey) -> set[int] | None:
    """Agency ids the user works at (None: every agency, for the manager)."""
    if user.has_role(RoleName.MANAGER):
        return None
    return set(db.session.scalars(select(Assignment.agency_id).where(
        Assignment.survey_id == survey.id, Assignment.enumerator_id == user.id)))


def _item_or_404(survey, item_id: int) -> FrameDrawItem:
    item = db.session.get(FrameDrawItem, item_id)
    if item is None or item.draw.survey_id != survey.id:
        abort(404)
    check(ops.may_record(current_user, item))
    return item


@bp.route("/<code>/responses")
@roles_required(*WHO)
def responses(code: str):
    """The current draw's dossiers in the sample, their outcomes and the response rates."""
    survey = _survey_or_404(code)
    draw = active_draw(survey)
    mine = _agencies_of(current_user, survey)
    agencies, fields = _names()
    groups: dict[int, list] = {}
    reserves_left: dict[int, int] = {}
    if draw is not None:
        for item in db.session.scalars(select(FrameDrawItem).where(
                FrameDrawItem.draw_id == draw.id).order_by(FrameDrawItem.agency_id,
                                                           FrameDrawItem.reserve,
                                                           FrameDrawItem.rank)):
            if mine is not None and item.agency_id not in mine:
                continue
            if item.in_sample:
                groups.setdefault(item.agency_id, []).append(item)
            else:
                reserves_left[item.agency_id] = reserves_left.get(item.agency_id, 0) + 1
    rates = ops.draw_rates(draw) if draw is not None else {"total": None, "agencies": {}}
    replaced = {i.replaces_id: i for items in groups.values() for i in items if i.replaces_id}
    return render_template(
        "frames/responses.html", survey=survey, draw=draw, agencies=agencies, fields=fields,
        groups=sorted(groups.items(), key=lambda kv: agencies.get(kv[0], "")),
        reserves_left=reserves_left, rates=rates, replaced=replaced,
        outcomes=list(OUTCOME_LABELS.items()), aapor=AAPOR, labels=OUTCOME_LABELS,
        attempts=plan_of(survey).contact_attempts, manager=mine is None)


def _back(survey, item=None):
    anchor = f"#a{item.agency_id}" if item is not None else ""
    return redirect(url_for("frames.responses", code=survey.code) + anchor)


def _run(op, *args, done: str):
    try:
        op(*args)
    except OperationError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return False
    db.session.commit()
    flash(done, "success")
    return True


@bp.route("/<code>/responses/<int:item_id>", methods=["POST"])
@roles_required(*WHO)
def outcome(code: str, item_id: int):
    """Record what happened to one drawn dossier."""
    survey = _survey_or_404(code)
    item = _item_or_404(survey, item_id)
    _run(ops.record_outcome, item, {"outcome": request.form.get("outcome"),
                                    "attempts": request.form.get("attempts")}, current_user,
         done=_("Outcome of dossier %(code)s saved.", code=item.dossier.code))
    return _back(survey, item)


@bp.route("/<code>/responses/<int:item_id>/attempt", methods=["POST"])
@roles_required(*WHO)
def attempt(code: str, item_id: int):
    """Count one more contact attempt that reached nobody."""
    survey = _survey_or_404(code)
    item = _item_or_404(survey, item_id)
    _run(ops.add_attempt, item, current_user,
         done=_("Attempt recorded for dossier %(code)s.", code=item.dossier.code))
    return _back(survey, item)


@bp.route("/<code>/responses/<int:item_id>/replace", methods=["POST"])
@roles_required(*WHO)
def replace(code: str, item_id: int):
    """Take the next reserve of the stratum in place of this dossier."""
    survey = _survey_or_404(code)
    item = _item_or_404(survey, item_id)
    _run(ops.replace, item, current_user,
         done=_("Dossier %(code)s replaced by the next reserve.", code=item.dossier.code))
    return _back(survey, item)


@bp.route("/<code>/responses/by-code", methods=["POST"])
@roles_required(*WHO)
def outcome_by_code(code: str):
    """Record an outcome for the drawn dossier whose code is typed."""
    survey = _survey_or_404(code)
    _run(ops.record_by_code, survey, {k: request.form.get(k) for k in
                                      ("code", "outcome", "attempts")}, current_user,
         done=_("Outcome saved."))
    return _back(survey)


@bp.route("/<code>/responses/import", methods=["POST"])
@roles_required(RoleName.MANAGER)
def import_results(code: str):
    """The call centre's result file: every row checked first, all or nothing."""
    survey = _survey_or_404(code)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Choose the call centre's result file (CSV or XLSX)."), "danger")
        return _back(survey)
    try:
        done = ops.import_outcomes(survey, upload.stream, upload.filename, current_user)
    except OperationError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return _back(survey)
    db.session.commit()
    flash(_("%(rows)d rows read, %(n)d outcomes changed.", rows=done["rows"], n=done["changed"]),
          "success")
    return _back(survey)
