"""Survey list, survey page and creation."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..auth.decorators import check, roles_required
from ..auth.roles import RoleName
from ..errors import OperationError
from ..extensions import db
from . import operations as ops
from .models import Survey
from .webforms import SurveyForm

bp = Blueprint("plans", __name__, url_prefix="/surveys")


@bp.route("/")
@login_required
def index():
    """Surveys the user may see."""
    rows = db.session.scalars(select(Survey).order_by(Survey.year.desc(), Survey.code)).all()
    visible = [s for s in rows if s.can_view(current_user)]
    return render_template("plans/index.html", surveys=visible)


@bp.route("/<code>")
@login_required
def detail(code: str):
    """One survey with its scope."""
    survey = db.first_or_404(select(Survey).where(Survey.code == code))
    check(survey.can_view(current_user))
    scope = survey.scope
    if current_user.has_role(RoleName.AGENCY) and not current_user.has_role(
            RoleName.MANAGER, RoleName.HOME_AFFAIRS):
        scope = [s for s in scope if s.agency_id == current_user.agency_id]
    return render_template("plans/detail.html", survey=survey, scope=scope)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(RoleName.MANAGER)
def new():
    """Create a survey year."""
    form = SurveyForm()
    if form.validate_on_submit():
        try:
            survey = ops.create_survey(form.data, current_user)
        except OperationError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
            return render_template("plans/new.html", form=form), 422
        db.session.commit()
        flash(_("Survey %(code)s created.", code=survey.code), "success")
        return redirect(url_for("plans.detail", code=survey.code))
    return render_template("plans/new.html", form=form)
