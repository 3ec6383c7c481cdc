"""The questionnaire's work queues: versions to approve (Home Affairs), to revise (manager)."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from ..auth.roles import RoleName
from ..extensions import db
from ..plans.models import Survey
from ..plans.models_workflow import Plan
from ..queues import Queue, Row, register_queue
from .models import QuestionnaireVersion, VersionStatus


def _rows(status: VersionStatus, reviewer=None) -> list[Row]:
    q = (select(Survey.code, QuestionnaireVersion.survey_id, func.count(),
                func.min(QuestionnaireVersion.submitted_at), func.min(QuestionnaireVersion.number))
         .join(Survey, Survey.id == QuestionnaireVersion.survey_id)
         .where(QuestionnaireVersion.status == status))
    if reviewer is not None:
        # Home Affairs approves through the survey's assigned reviewer (any when none is).
        q = q.outerjoin(Plan, Plan.survey_id == Survey.id).where(
            or_(Plan.reviewer_id.is_(None), Plan.reviewer_id == reviewer.id))
    q = q.group_by(Survey.code, QuestionnaireVersion.survey_id)
    return [Row(sid, n, oldest, url=url_for("forms.detail", code=code, number=first))
            for code, sid, n, oldest, first in db.session.execute(q)]


def to_approve(user) -> list[Row]:
    """Versions submitted to Home Affairs, for their reviewer."""
    return _rows(VersionStatus.SUBMITTED, reviewer=user)


def to_revise(user) -> list[Row]:
    """Versions Home Affairs returned with comments, for the manager to revise."""
    return _rows(VersionStatus.RETURNED)


def register() -> None:
    """The questionnaire's queues."""
    register_queue(Queue("forms.approve", _l("Questionnaire versions to approve"),
                         (RoleName.HOME_AFFAIRS,), to_approve, "plans.index", order=5))
    register_queue(Queue("forms.revise", _l("Questionnaire versions returned with comments"),
                         (RoleName.MANAGER,), to_revise, "plans.index", order=15))
