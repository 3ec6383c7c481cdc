"""The plan's re-check rule (the manager sets it) and Home Affairs' approvals: the rule, and
draws above it."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from ..auth.decorators import roles_required
from ..auth.roles import RoleName
from ..errors import OperationError
from ..extensions import db
from ..navigation import NavItem, register_nav
from . import operations as ops
from .models import APPROVERS, DrawState, RecheckDraw, RecheckRule
from .rule import approve_rule, rule_of, set_rule
from .views import _survey, bp
from .webforms import RuleForm

REVIEWERS = (RoleName.MANAGER, *APPROVERS)
register_nav(NavItem(_l("Re-check approvals"), "quality.approvals", APPROVERS))


@bp.route("/recheck/rule", methods=["GET", "POST"])
@roles_required(RoleName.MANAGER)
def rule():
    """Set the survey's re-check rule (a change needs Home Affairs' approval again)."""
    survey, surveys = _survey()
    current = rule_of(survey.id) if survey else None
    form = RuleForm(obj=current if request.method == "GET" else None)
    if survey is not None and form.validate_on_submit():
        try:
            set_rule(survey, dict(form.data), current_user)
        except OperationError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            db.session.commit()
            flash(_("Re-check rule saved. Home Affairs approves it with the plan, or on the "
                    "re-check approvals page if the plan is already appraised."), "success")
            return redirect(url_for("quality.recheck", survey=survey.id))
    return render_template("quality/rule.html", survey=survey, surveys=surveys, form=form,
                           rule=current)


@bp.route("/recheck/approvals")
@roles_required(*REVIEWERS)
def approvals():
    """A survey's re-check rule and the draws above it, for Home Affairs to decide."""
    survey, surveys = _survey()
    requests = list(db.session.scalars(select(RecheckDraw).where(
        RecheckDraw.survey_id == survey.id, RecheckDraw.state != DrawState.DRAWN)
        .order_by(RecheckDraw.created_at.desc()))) if survey else []
    return render_template("quality/approvals.html", survey=survey, surveys=surveys,
                           rule=rule_of(survey.id) if survey else None, requests=requests,
                           can_decide=current_user.has_role(*APPROVERS))


@bp.route("/recheck/rule/<int:rule_id>/approve", methods=["POST"])
@roles_required(*APPROVERS)
def rule_approve(rule_id: int):
    """Home Affairs approves the rule as it stands."""
    row = db.get_or_404(RecheckRule, rule_id)
    try:
        approve_rule(row, current_user)
    except OperationError as exc:
        db.session.rollback()
        flash(str(exc), "warning")
    else:
        db.session.commit()
        flash(_("Re-check rule approved."), "success")
    return redirect(url_for("quality.approvals", survey=row.survey_id))


@bp.route("/recheck/draws/<int:draw_id>/decide", methods=["POST"])
@roles_required(*APPROVERS)
def request_decide(draw_id: int):
    """Home Affairs approves (the sample is drawn) or refuses a draw above the rule."""
    draw = db.get_or_404(RecheckDraw, draw_id)
    try:
        ops.decide_request(draw, {"decision": request.form.get("decision"),
                                  "note": request.form.get("note")}, current_user)
    except OperationError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    else:
        db.session.commit()
        flash(_("Decision recorded."), "success")
    return redirect(url_for("quality.approvals", survey=draw.survey_id))
