"""The six steps' work queues: step moves, consultation comments, comment rounds, visits."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select

from ..auth.roles import RoleName
from ..extensions import db
from ..queues import Queue, Row, register_queue
from . import workflow
from .models import Survey, SurveyStatus
from .models_fieldwork import Assignment, ConsultationComment, SerialRange
from .models_review import AgencyComment, CommentRound, RoundDraft, VerificationTask
from .models_workflow import STEP_LABELS, Step, WorkflowStep
from .models_workflow import StepState as S

M, HA = RoleName.MANAGER, RoleName.HOME_AFFAIRS


def _open_surveys() -> list[Survey]:
    return list(db.session.scalars(select(Survey).where(Survey.status != SurveyStatus.CLOSED)
                                   .order_by(Survey.year.desc(), Survey.code)))


def step_rows(user) -> list[Row]:
    """Each step under way whose next move (in the table) is the user's, one row each."""
    from .waiting import active_steps, moves

    out = []
    for survey in _open_surveys():
        if not survey.can_view(user):
            continue
        rows = {Step(r.step): r for r in db.session.scalars(
            select(WorkflowStep).where(WorkflowStep.survey_id == survey.id))}
        for step in active_steps(survey):
            # The main move first (a return with comments is the alternative).
            for move in sorted(moves(survey, step, rows[step].state), key=lambda m: (
                    m.transition is not None and m.transition.style == "warning")):
                t = move.transition
                if move.queue or t is None or not workflow.may(t, survey, user):
                    continue
                label = _l("Step %(n)d – %(step)s: %(action)s", n=int(step),
                           step=STEP_LABELS[step], action=t.label)
                out.append(Row(survey.id, 1, rows[step].updated_at, label,
                               url_for("plans.step", code=survey.code, n=int(step))))
                break
    return out


def consultation_rows(user) -> list[Row]:
    """Written consultation comments on the questionnaire still without a disposition."""
    return [Row(sid, n, oldest) for sid, n, oldest in db.session.execute(
        select(ConsultationComment.survey_id, func.count(), func.min(
            ConsultationComment.created_at)).where(ConsultationComment.disposition.is_(None))
        .group_by(ConsultationComment.survey_id))]


def response_rows(user) -> list[Row]:
    """Agency comments of open rounds that have no response yet."""
    return [Row(sid, n, oldest) for sid, n, oldest in db.session.execute(
        select(CommentRound.survey_id, func.count(), func.min(AgencyComment.created_at))
        .join(AgencyComment, AgencyComment.round_id == CommentRound.id)
        .where(CommentRound.closed_at.is_(None), AgencyComment.response_kind.is_(None))
        .group_by(CommentRound.survey_id))]


def round_rows(user) -> list[Row]:
    """Open rounds that sent the user's agency a draft it has not commented on yet."""
    if user.agency_id is None:
        return []
    filed = select(AgencyComment.id).where(AgencyComment.round_id == CommentRound.id,
                                           AgencyComment.agency_id == user.agency_id)
    return [Row(sid, n, oldest) for sid, n, oldest in db.session.execute(
        select(CommentRound.survey_id, func.count(), func.min(CommentRound.opened_at))
        .join(RoundDraft, and_(RoundDraft.round_id == CommentRound.id,
                               RoundDraft.agency_id == user.agency_id))
        .where(CommentRound.closed_at.is_(None), ~filed.exists())
        .group_by(CommentRound.survey_id))]


def visit_rows(user) -> list[Row]:
    """On-site verifications assigned to the user and not closed."""
    return [Row(sid, n, oldest) for sid, n, oldest in db.session.execute(
        select(CommentRound.survey_id, func.count(), func.min(VerificationTask.created_at))
        .join(AgencyComment, AgencyComment.round_id == CommentRound.id)
        .join(VerificationTask, VerificationTask.comment_id == AgencyComment.id)
        .where(VerificationTask.assignee_id == user.id, VerificationTask.closed_at.is_(None))
        .group_by(CommentRound.survey_id))]


def field_rows(user) -> list[Row]:
    """The user's assignments in surveys in the field, with serial ranges not back yet."""
    in_field = select(WorkflowStep.survey_id).where(
        WorkflowStep.step == int(Step.FIELDWORK), WorkflowStep.state.in_((S.TRAINING,
                                                                          S.IN_FIELD)))
    out_now = select(SerialRange.id).where(SerialRange.assignment_id == Assignment.id,
                                           SerialRange.returned_on.is_(None))
    no_range = ~select(SerialRange.id).where(SerialRange.assignment_id == Assignment.id).exists()
    return [Row(sid, n, oldest) for sid, n, oldest in db.session.execute(
        select(Assignment.survey_id, func.count(), func.min(Assignment.created_at))
        .where(Assignment.enumerator_id == user.id, Assignment.survey_id.in_(in_field),
               out_now.exists() | no_range)
        .group_by(Assignment.survey_id))]


def _step(n: int):
    return lambda survey: {"code": survey.code, "n": n}


def workflow_words(action: str):
    """A step transition's audit action in words: "Step 1 – Plan: Submit the plan ..."."""
    from flask_babel import gettext
    parts = action.split(".")
    try:
        step = Step[parts[1].upper()]
    except (IndexError, KeyError):
        return None
    found = workflow.named(step, parts[2]) if len(parts) == 3 else []
    if not found:
        return None
    return gettext("Step %(n)d – %(step)s: %(action)s", n=int(step), step=STEP_LABELS[step],
                   action=found[0].label)


def register() -> None:
    """The six steps' queues, and their transitions' audit actions in words."""
    from ..audit import actions
    actions.register("workflow.", workflow_words)
    register_queue(Queue("plans.steps", _l("Steps waiting for you"), (M, HA), step_rows,
                         "plans.index", order=10))
    register_queue(Queue("plans.consultation",
                         _l("Consultation comments on the questionnaire without a disposition"),
                         (M,), consultation_rows, "plans.step", _step(2), order=20))
    register_queue(Queue("plans.responses", _l("Agency comments to answer"), (M,),
                         response_rows, "plans.step", _step(5), order=21))
    register_queue(Queue("plans.round", _l("Draft results to read and comment on"),
                         (RoleName.AGENCY,), round_rows, "plans.step", _step(5), order=10))
    register_queue(Queue("plans.visits", _l("On-site verifications to record"),
                         (M, RoleName.ENUMERATOR), visit_rows, "plans.step", _step(5),
                         order=22))
    register_queue(Queue("plans.field", _l("Assignments in the field: forms to collect"),
                         (RoleName.ENUMERATOR,), field_rows, "plans.step", _step(3),
                         order=30))
