"""Steps 2-4 routes: consultation, pilot, training, assignments, serial ranges, shortfalls."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _

from ..auth.decorators import roles_required
from ..auth.roles import RoleName
from ..extensions import db
from . import operations_fieldwork as ops
from .models_fieldwork import Assignment, ConsultationComment, SerialRange, TrainingSession
from .views import back, bp, form_data, load_survey, run


def _child(model, obj_id: int, survey):
    """A record of ``survey`` by id (404 if it belongs elsewhere)."""
    obj = db.session.get(model, obj_id)
    survey_id = getattr(obj, "survey_id", None)
    if obj is None or survey_id != survey.id:
        abort(404)
    return obj


@bp.route("/<code>/consultation", methods=["POST"])
@roles_required(RoleName.MANAGER)
def consultation_add(code: str):
    """Record an agency's written comment on the draft questionnaire."""
    survey = load_survey(code)
    run(ops.add_consultation_comment, survey, form_data(), _("Comment recorded."))
    return back(survey, 2, "consultation")


@bp.route("/<code>/consultation/<int:comment_id>", methods=["POST"])
@roles_required(RoleName.MANAGER)
def consultation_dispose(code: str, comment_id: int):
    """Record the disposition of a consultation comment."""
    survey = load_survey(code)
    comment = _child(ConsultationComment, comment_id, survey)
    run(ops.dispose_consultation_comment, comment, form_data(), _("Disposition saved."))
    return back(survey, 2, "consultation")


@bp.route("/<code>/pilot", methods=["POST"])
@roles_required(RoleName.MANAGER)
def pilot_add(code: str):
    """Record a pilot survey."""
    survey = load_survey(code)
    run(ops.add_pilot, survey, form_data(), _("Pilot recorded."))
    return back(survey, 2, "pilot")


@bp.route("/<code>/training", methods=["POST"])
@roles_required(RoleName.MANAGER)
def training_add(code: str):
    """Schedule a training session."""
    survey = load_survey(code)
    run(ops.add_training_session, survey, form_data(), _("Training session saved."))
    return back(survey, 3, "training")


@bp.route("/<code>/training/<int:session_id>/attendance", methods=["POST"])
@roles_required(RoleName.MANAGER)
def attendance(code: str, session_id: int):
    """Record an enumerator's attendance and score."""
    survey = load_survey(code)
    session = _child(TrainingSession, session_id, survey)
    run(ops.record_attendance, session, form_data(), _("Attendance saved."))
    return back(survey, 3, f"session-{session_id}")


@bp.route("/<code>/assignments", methods=["POST"])
@roles_required(RoleName.MANAGER)
def assignment_add(code: str):
    """Assign a trained enumerator a quota at an agency."""
    survey = load_survey(code)
    run(ops.add_assignment, survey, form_data(), _("Assignment saved."))
    return back(survey, 3, "assignments")


@bp.route("/<code>/assignments/<int:assignment_id>/ranges", methods=["POST"])
@roles_required(RoleName.MANAGER)
def range_add(code: str, assignment_id: int):
    """Hand out a range of printed serials."""
    survey = load_survey(code)
    assignment = _child(Assignment, assignment_id, survey)
    run(ops.hand_out_range, assignment, form_data(), _("Serial range handed out."))
    return back(survey, 3, f"assignment-{assignment_id}")


@bp.route("/<code>/ranges/<int:range_id>/return", methods=["POST"])
@roles_required(RoleName.MANAGER)
def range_return(code: str, range_id: int):
    """Record the forms returned from a range."""
    survey = load_survey(code)
    rng = _child(SerialRange, range_id, survey)
    run(ops.record_return, rng, form_data(), _("Return recorded."))
    return back(survey, 3, f"assignment-{rng.assignment_id}")


@bp.route("/<code>/shortfalls", methods=["POST"])
@roles_required(RoleName.MANAGER)
def shortfalls(code: str):
    """Explain why quotas were not met."""
    survey = load_survey(code)
    run(ops.explain_shortfalls, survey, form_data(), _("Explanations saved."))
    return back(survey, 4, "progress")
