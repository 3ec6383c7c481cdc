"""Steps 5-6 routes: agency comments, responses, verifications, opinions, council."""

from __future__ import annotations

from flask import abort, request
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.decorators import check, roles_required
from ..auth.roles import RoleName
from ..extensions import db
from . import operations_review as ops
from .models_review import AgencyComment, CommentRound, VerificationTask
from .views import back, bp, form_data, load_survey, run


def _with_file(field: str = "file") -> dict:
    """The posted form plus the optional uploaded file as ``filename``/``stream``."""
    data = form_data()
    upload = request.files.get(field)
    if upload is not None and upload.filename:
        data["filename"], data["stream"] = upload.filename, upload.stream
    return data


def _round(survey, round_id: int) -> CommentRound:
    rnd = db.session.get(CommentRound, round_id)
    if rnd is None or rnd.survey_id != survey.id:
        abort(404)
    return rnd


def _comment(survey, comment_id: int) -> AgencyComment:
    comment = db.session.get(AgencyComment, comment_id)
    if comment is None or comment.round.survey_id != survey.id:
        abort(404)
    return comment


@bp.route("/<code>/rounds/<int:round_id>/comments", methods=["POST"])
@roles_required(RoleName.AGENCY, RoleName.MANAGER)
def comment_add(code: str, round_id: int):
    """An agency files a written comment on its draft results."""
    survey = load_survey(code)
    rnd = _round(survey, round_id)
    run(ops.file_comment, rnd, _with_file(), _("Your comment was filed."))
    return back(survey, 5, f"round-{rnd.number}")


@bp.route("/<code>/comments/<int:comment_id>/response", methods=["POST"])
@roles_required(RoleName.MANAGER)
def comment_respond(code: str, comment_id: int):
    """The contractor answers a comment."""
    survey = load_survey(code)
    comment = _comment(survey, comment_id)
    run(ops.respond, comment, form_data(), _("Response saved."))
    return back(survey, 5, f"comment-{comment_id}")


@bp.route("/<code>/comments/<int:comment_id>/verification", methods=["POST"])
@roles_required(RoleName.MANAGER)
def verification_open(code: str, comment_id: int):
    """Open an on-site verification of a disputed figure."""
    survey = load_survey(code)
    comment = _comment(survey, comment_id)
    run(ops.open_verification, comment, form_data(), _("On-site verification opened."))
    return back(survey, 5, f"comment-{comment_id}")


@bp.route("/<code>/verifications/<int:task_id>", methods=["POST"])
@roles_required(RoleName.MANAGER, RoleName.ENUMERATOR)
def verification_close(code: str, task_id: int):
    """Record the findings of an on-site verification."""
    survey = load_survey(code)
    task = db.session.get(VerificationTask, task_id)
    if task is None or task.comment.round.survey_id != survey.id:
        abort(404)
    check(current_user.has_role(RoleName.MANAGER) or task.assignee_id == current_user.id)
    run(ops.close_verification, task, _with_file(), _("Verification closed."))
    return back(survey, 5, f"comment-{task.comment_id}")


@bp.route("/<code>/opinions", methods=["POST"])
@roles_required(RoleName.MANAGER)
def opinion_add(code: str):
    """Record a written opinion."""
    survey = load_survey(code)
    run(ops.add_opinion, survey, _with_file(), _("Written opinion recorded."))
    return back(survey, 6, "opinions")


@bp.route("/<code>/council", methods=["POST"])
@roles_required(RoleName.MANAGER)
def council_update(code: str):
    """Save the council's meeting, decision and minutes."""
    survey = load_survey(code)
    run(ops.update_council, survey, _with_file(), _("Council saved."))
    return back(survey, 6, "council")


@bp.route("/<code>/council/members", methods=["POST"])
@roles_required(RoleName.MANAGER)
def council_member(code: str):
    """Add a council member."""
    survey = load_survey(code)
    run(ops.add_council_member, survey, form_data(), _("Council member added."))
    return back(survey, 6, "council")


@bp.route("/<code>/final-report", methods=["POST"])
@roles_required(RoleName.MANAGER)
def final_report_mark(code: str):
    """Mark which attached final report is the accepted one (the one published)."""
    from .final_report import mark_final_report

    survey = load_survey(code)
    run(mark_final_report, survey, form_data(), _("The accepted final report is marked."))
    return back(survey, 6, "documents")
