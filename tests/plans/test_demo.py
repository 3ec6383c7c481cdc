"""`fieldwork demo` tells one coherent story: plan issued, step 2 under way, v1 approved."""

from __future__ import annotations

from sqlalchemy import select

from fieldwork.audit.models import AuditEvent
from fieldwork.auth.models import User
from fieldwork.forms.api import versions
from fieldwork.plans import attachments
from fieldwork.plans.models import Survey, SurveyStatus
from fieldwork.plans.models_docs import DocKind
from fieldwork.plans.models_fieldwork import ConsultationComment
from fieldwork.plans.models_workflow import Step, StepState
from fieldwork.plans.operations_steps import blockers
from fieldwork.plans.steps import ensure, plan_of


def _demo(db) -> Survey:
    return db.session.scalar(select(Survey).where(Survey.code == "DEMO-2026"))


def test_demo_is_a_survey_in_progress(demo_year, db):
    survey = _demo(db)
    steps = ensure(survey)
    assert steps[Step.PLAN].state == StepState.ISSUED
    assert steps[Step.QUESTIONNAIRE].state == StepState.CONSULTATION
    assert all(steps[s].state == StepState.NOT_STARTED
               for s in (Step.FIELDWORK, Step.PROCESSING, Step.COMMENTS, Step.ACCEPTANCE))
    assert survey.status == SurveyStatus.ACTIVE
    assert [(v.number, str(v.status)) for v in versions(survey)] == [(1, "approved"),
                                                                     (2, "draft")]
    plan = plan_of(survey)
    assert plan.doc_number and plan.signed_on is not None
    assert not plan.missing_sections()
    signed = attachments.latest(survey, DocKind.PLAN_SIGNED)
    assert signed is not None and signed.uploaded_by.email == "quanly@demo.vn"
    assert attachments.full_path(signed).read_bytes()[:5] in (b"%PDF-", b"PK\x03\x04")
    comments = db.session.scalars(select(ConsultationComment).where(
        ConsultationComment.survey_id == survey.id)).all()
    assert len(comments) >= 2
    assert all(c.agency is not None and c.disposition and c.disposition_text
               for c in comments)


def test_demo_next_move_is_closing_the_consultation(demo_year, db):
    survey = _demo(db)
    manager = db.session.scalar(select(User).where(User.email == "quanly@demo.vn"))
    ready = [t.key for t, reasons in blockers(survey, manager) if not reasons]
    assert ready == ["questionnaire.close_consultation@consultation"]


def test_demo_audit_reads_like_a_history(demo_year, db):
    survey = _demo(db)
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    who = [(e.action, e.actor.email if e.actor else e.actor_label) for e in events]
    story = [
        ("workflow.plan.submit", "quanly@demo.vn"),
        ("workflow.plan.appraise", "snv@demo.vn"),
        ("attachment.upload", "quanly@demo.vn"),
        ("workflow.plan.issue", "quanly@demo.vn"),
        ("workflow.questionnaire.open_consultation", "quanly@demo.vn"),
        ("consultation.add", "quanly@demo.vn"),
        ("consultation.dispose", "quanly@demo.vn"),
        ("questionnaire.submit", "quanly@demo.vn"),
        ("questionnaire.approve", "snv@demo.vn"),
    ]
    # Each event happens once per story line (consultation twice), and in this order.
    positions = [who.index(line) for line in story]
    assert positions == sorted(positions), who
    issue = next(e for e in events if e.action == "workflow.plan.issue")
    assert issue.before == {"state": "appraised"}
    assert issue.after["survey"] == survey.code
    appraise = next(e for e in events if e.action == "workflow.plan.appraise")
    assert appraise.reason and "2223" in appraise.reason
    assert sum(1 for a, _ in who if a == "consultation.dispose") == 2
    # Nobody acted as the anonymous "demo" actor on the workflow itself.
    assert all(e.actor is not None for e in events if e.action.startswith(
        ("workflow.", "questionnaire.", "consultation.", "attachment.")))
