"""Survey list, creation, the six-step dashboard, step pages and transitions.

Routes for the records of each step are in ``views_plan``, ``views_work``, ``views_review``
and ``views_docs`` (same blueprint). Views load, check, call one operation and redirect.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from ..auth.decorators import check, roles_required
from ..auth.roles import RoleName
from ..errors import OperationError
from ..extensions import db
from ..navigation import NavItem, register_nav
from . import operations as ops
from . import operations_steps, registry, todo, workflow
from .models import Survey
from .models_workflow import INITIAL, STEP_LABELS, Step
from .notifications import unread_messages, users_with
from .progress import progress
from .steps import ensure, plan_of
from .waiting import names as waiting_names
from .webforms import SurveyForm

bp = Blueprint("plans", __name__, url_prefix="/surveys")

ALL_ROLES = tuple(RoleName)
register_nav(NavItem(_l("Waiting list"), "plans.notifications", ALL_ROLES))
bp.add_app_template_global(unread_messages, "unread_messages")

STAFF = (RoleName.MANAGER, RoleName.HOME_AFFAIRS, RoleName.ENUMERATOR, RoleName.SCANNER,
         RoleName.RECHECK)
# Who may open each step's page (besides seeing the survey at all).
STEP_ROLES = {
    Step.PLAN: STAFF, Step.QUESTIONNAIRE: STAFF, Step.FIELDWORK: STAFF, Step.PROCESSING: STAFF,
    # Enumerators open it for the on-site verifications assigned to them (and see only those).
    Step.COMMENTS: (RoleName.MANAGER, RoleName.HOME_AFFAIRS, RoleName.AGENCY,
                    RoleName.ENUMERATOR),
    Step.ACCEPTANCE: STAFF,
}
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def today():
    """Today's date in Vietnam (due dates are local dates)."""
    return datetime.now(TZ).date()


def load_survey(code: str) -> Survey:
    """The survey by code (404) if the user may see it (403)."""
    survey = db.first_or_404(select(Survey).where(Survey.code == code))
    check(survey.can_view(current_user))
    return survey


def may_open_step(survey: Survey, step: Step) -> bool:
    """The user's roles allow the step's page."""
    return current_user.has_role(*STEP_ROLES[step])


def back(survey: Survey, step: int, anchor: str = ""):
    """Redirect to a step page (optionally to an anchor on it)."""
    return redirect(url_for("plans.step", code=survey.code, n=step) + (f"#{anchor}"
                                                                         if anchor else ""))


def run(op, obj, data: dict, done_message: str) -> bool:
    """Call one operation; commit and flash success, or roll back and flash its message."""
    try:
        op(obj, data, current_user)
    except OperationError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return False
    db.session.commit()
    flash(done_message, "success")
    return True


def form_data() -> dict:
    """The posted form as a plain dict (lists kept for repeated keys)."""
    data = {}
    for key in request.form:
        values = request.form.getlist(key)
        data[key] = values if len(values) > 1 else values[0]
    return data


@bp.route("/")
@login_required
def index():
    """Surveys the user may see."""
    rows = db.session.scalars(select(Survey).order_by(Survey.year.desc(), Survey.code)).all()
    visible = [s for s in rows if s.can_view(current_user)]
    return render_template("plans/index.html", surveys=visible)


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


def step_context(survey: Survey) -> dict:
    """What the dashboard and every step page show about the six steps."""
    rows = ensure(survey)
    plan = plan_of(survey)
    now = today()
    info = {}
    for step, row in rows.items():
        actions = [(t, workflow.reasons(t, survey))
                   for t in workflow.out_of(step, row.state) if workflow.may(t, survey,
                                                                            current_user)]
        waiting = waiting_names(survey, step, row.state)
        not_yet = (row.state == INITIAL[step] and step != Step.PLAN and bool(actions)
                   and all(reasons for _t, reasons in actions))
        info[step] = {"row": row, "actions": actions, "waiting": waiting, "not_yet": not_yet,
                      "overdue": row.overdue(now), "open": may_open_step(survey, step)}
    return {"survey": survey, "steps": info, "plan": plan, "today": now,
            "step_labels": STEP_LABELS}


@bp.route("/<code>")
@login_required
def detail(code: str):
    """The six-step dashboard of one survey."""
    survey = load_survey(code)
    scope = survey.scope
    if current_user.has_role(RoleName.AGENCY) and not current_user.has_role(*STAFF):
        scope = [s for s in scope if s.agency_id == current_user.agency_id]
    reviewers = users_with(RoleName.HOME_AFFAIRS) if current_user.has_role(
        RoleName.MANAGER) else []
    measured = progress(survey) if current_user.has_role(*STAFF) else None
    return render_template("plans/detail.html", scope=scope, reviewers=reviewers,
                           todos=todo.waiting_on(current_user, [survey]),
                           measured=measured, **step_context(survey))


@bp.route("/<code>/step/<int:n>")
@login_required
def step(code: str, n: int):
    """One step's page: its state, actions, records and documents."""
    survey = load_survey(code)
    try:
        s = Step(n)
    except ValueError:
        abort(404)
    check(may_open_step(survey, s))
    from . import step_pages
    extra = step_pages.CONTEXT[s](survey)
    return render_template(f"plans/step{n}.html", n=n, panels=registry.panels(s, survey),
                           **step_context(survey), **extra)


@bp.route("/<code>/step/<int:n>/do/<name>", methods=["POST"])
@login_required
def transition(code: str, n: int, name: str):
    """Take a transition of the table (the operation checks state, role and guard)."""
    survey = load_survey(code)
    try:
        s = Step(n)
    except ValueError:
        abort(404)
    rows = workflow.named(s, name)
    if not rows:
        abort(404)
    check(any(current_user.has_role(*t.roles) for t in rows))
    data = {"step": n, "name": name, "comment": request.form.get("comment", "")}
    run(operations_steps.transition, survey, data, _("Done: %(action)s.",
                                                    action=rows[0].label))
    target = request.form.get("next") or ""
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("plans.step", code=code, n=n)
    return redirect(target)


@bp.route("/<code>/dates", methods=["POST"])
@roles_required(RoleName.MANAGER)
def dates(code: str):
    """Change the steps' due dates."""
    survey = load_survey(code)
    run(ops.set_due_dates, survey, form_data(), _("Due dates saved."))
    return redirect(url_for("plans.detail", code=code) + "#dates")


@bp.route("/<code>/reviewer", methods=["POST"])
@roles_required(RoleName.MANAGER)
def reviewer(code: str):
    """Assign the Home Affairs reviewer in charge."""
    survey = load_survey(code)
    run(ops.set_reviewer, survey, form_data(), _("Reviewer saved."))
    return redirect(url_for("plans.detail", code=code) + "#dates")


from . import views_docs, views_plan, views_review, views_work  # noqa: E402,F401
