"""Reading (and lazily creating) a survey's six step rows and its plan."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from .models_workflow import INITIAL, Plan, Step, StepState, WorkflowStep, default_due


def ensure(survey) -> dict[Step, WorkflowStep]:
    """The survey's step rows by step, creating missing ones in their initial state.

    Surveys made before the workflow existed get their rows on first use; a GET request
    never commits, so the rows are only kept once some change is committed.
    """
    rows = {Step(r.step): r for r in db.session.scalars(
        select(WorkflowStep).where(WorkflowStep.survey_id == survey.id))}
    missing = [s for s in Step if s not in rows]
    for s in missing:
        rows[s] = WorkflowStep(survey_id=survey.id, step=int(s), state=INITIAL[s],
                               due_date=default_due(s, survey.year))
        db.session.add(rows[s])
    if missing:
        db.session.flush()
    return dict(sorted(rows.items()))


def state(survey, step: Step) -> StepState:
    """The current state of one step."""
    return ensure(survey)[step].state


def plan_of(survey) -> Plan:
    """The survey's plan row, created empty (subject = survey title) if missing."""
    plan = db.session.scalar(select(Plan).where(Plan.survey_id == survey.id))
    if plan is None:
        plan = Plan(survey_id=survey.id, subject=survey.title,
                    issuing_body=(survey.contractor or "").upper())
        db.session.add(plan)
        db.session.flush()
    return plan
