"""What is waiting on a user right now, derived from the workflow state (never stored)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from ..auth.roles import RoleName
from ..extensions import db
from . import workflow
from .models import Survey, SurveyStatus
from .models_fieldwork import Assignment, ConsultationComment
from .models_review import AgencyComment, CommentRound, VerificationTask
from .models_workflow import STEP_LABELS, Step
from .steps import ensure


@dataclass
class Todo:
    """One thing to do: survey, step, text; ``blocked`` lists what must happen first."""

    survey: Survey
    step: int
    text: str
    blocked: list[str]


def _visible(user) -> list[Survey]:
    rows = db.session.scalars(select(Survey).where(Survey.status != SurveyStatus.CLOSED)
                              .order_by(Survey.year.desc(), Survey.code)).all()
    return [s for s in rows if s.can_view(user)]


def waiting_on(user, surveys: list[Survey] | None = None) -> list[Todo]:
    """Transitions the user may take, and comments, verifications and returns awaiting them."""
    out: list[Todo] = []
    for survey in surveys if surveys is not None else _visible(user):
        if survey.status == SurveyStatus.CLOSED:
            continue
        rows = ensure(survey)
        # Blocked actions are listed only for the earliest step not yet done; later steps'
        # blocked actions would just say "finish the earlier step first".
        current = next((s for s, r in rows.items() if not r.done), None)
        for step, row in rows.items():
            for t in workflow.out_of(step, row.state):
                if workflow.may(t, survey, user):
                    reasons = workflow.reasons(t, survey)
                    if reasons and step != current:
                        continue
                    out.append(Todo(survey, int(step), f"{STEP_LABELS[step]}: {t.label}",
                                    reasons))
        out.extend(_records(survey, user))
    return out


def _records(survey: Survey, user) -> list[Todo]:
    out = []
    rnd = db.session.scalars(select(CommentRound).where(
        CommentRound.survey_id == survey.id, CommentRound.closed_at.is_(None))).first()
    if user.has_role(RoleName.MANAGER):
        n = len(db.session.scalars(select(ConsultationComment.id).where(
            ConsultationComment.survey_id == survey.id,
            ConsultationComment.disposition.is_(None))).all())
        if n:
            out.append(Todo(survey, 2, _("%(n)d consultation comment(s) need a disposition.",
                                         n=n), []))
        if rnd is not None:
            n = sum(1 for c in rnd.comments if c.response_kind is None)
            if n:
                out.append(Todo(survey, 5, _("%(n)d agency comment(s) need a response.", n=n),
                                []))
    if user.has_role(RoleName.AGENCY) and rnd is not None and user.agency_id is not None:
        if any(d.agency_id == user.agency_id for d in rnd.drafts):
            filed = db.session.scalar(select(AgencyComment.id).where(
                AgencyComment.round_id == rnd.id, AgencyComment.agency_id == user.agency_id))
            if filed is None:
                out.append(Todo(survey, 5, _("Comment round %(n)d: read your agency's draft "
                                             "results and file written comments if any.",
                                             n=rnd.number), []))
    tasks = db.session.scalars(select(VerificationTask).join(AgencyComment).join(
        CommentRound).where(CommentRound.survey_id == survey.id,
                            VerificationTask.assignee_id == user.id,
                            VerificationTask.closed_at.is_(None))).all()
    for task in tasks:
        out.append(Todo(survey, 5, _("On-site verification at %(place)s: record the findings.",
                                     place=task.place), []))
    if user.has_role(RoleName.ENUMERATOR) and ensure(survey)[Step.FIELDWORK].state in (
            "training", "in_field"):
        mine = db.session.scalars(select(Assignment).where(
            Assignment.survey_id == survey.id, Assignment.enumerator_id == user.id)).all()
        for a in mine:
            if a.verified < a.quota:
                out.append(Todo(survey, 3, _("Collect %(left)d more completed forms at "
                                             "%(agency)s (quota %(quota)d).",
                                             left=a.quota - a.verified, agency=a.agency.name,
                                             quota=a.quota), []))
    return out
