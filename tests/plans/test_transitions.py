"""Every row of the transition table against every role, through the operation and the web."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from fieldwork.audit.models import AuditEvent
from fieldwork.auth.roles import RoleName
from fieldwork.errors import OperationError
from fieldwork.plans import operations_steps, workflow
from fieldwork.plans.models_workflow import Step, StepState, WorkflowStep
from fieldwork.plans.steps import ensure

from ..conftest import csrf_token, login
from ..factories import PASSWORD
from .helpers import put_in_state, satisfy_all, use_fake_forms

ROLES = [r.value for r in RoleName]
ROWS = list(workflow.TRANSITIONS)
IDS = [t.key for t in ROWS]


def _world(factory, db, monkeypatch, t, role):
    use_fake_forms(monkeypatch)
    agency = factory.agency()
    survey = factory.survey(agencies=[agency])
    manager = factory.user("manager")
    enumerator = factory.user("enumerator")
    actor = factory.user(role, agency=agency if role == "agency" else None)
    satisfy_all(db, survey, manager, enumerator, agency)
    put_in_state(db, survey, t.step, t.source)
    db.session.commit()
    return survey, actor


def _audit_count(db) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)))


def test_table_is_consistent():
    """Names are unique per (step, source); every state of a step is reachable from its start."""
    seen = set()
    for t in ROWS:
        assert (t.step, t.name, t.source) not in seen
        seen.add((t.step, t.name, t.source))
        assert t.roles and t.source != t.target
    from fieldwork.plans.models_workflow import DONE, INITIAL
    for step in Step:
        reach, todo = {INITIAL[step]}, [INITIAL[step]]
        while todo:
            s = todo.pop()
            for t in workflow.out_of(step, s):
                if t.target not in reach:
                    reach.add(t.target)
                    todo.append(t.target)
        assert set(workflow.states_of(step)) == reach
        assert DONE[step] in reach


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("t", ROWS, ids=IDS)
def test_operation(factory, db, monkeypatch, t, role):
    survey, actor = _world(factory, db, monkeypatch, t, role)
    before = _audit_count(db)
    data = {"step": int(t.step), "name": t.name, "comment": "Ý kiến kèm theo"}
    if role in {str(r) for r in t.roles}:
        row = operations_steps.transition(survey, data, actor)
        db.session.commit()
        assert row.state == t.target
        ev = db.session.scalars(select(AuditEvent).where(AuditEvent.action == t.action)
                                .order_by(AuditEvent.id.desc())).first()
        assert ev is not None and ev.actor_id == actor.id
        assert ev.before == {"state": t.source.value} and ev.after["state"] == t.target.value
        assert ev.reason == "Ý kiến kèm theo"
    else:
        with pytest.raises(OperationError):
            operations_steps.transition(survey, data, actor)
        db.session.rollback()
        assert ensure(survey)[t.step].state == t.source
        assert _audit_count(db) == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("t", ROWS, ids=IDS)
def test_web(client, factory, db, monkeypatch, t, role):
    survey, actor = _world(factory, db, monkeypatch, t, role)
    assert login(client, actor.email, PASSWORD).status_code == 302
    token = csrf_token(client, f"/surveys/{survey.code}")
    before = _audit_count(db)
    resp = client.post(f"/surveys/{survey.code}/step/{int(t.step)}/do/{t.name}",
                       data={"csrf_token": token, "comment": "Ý kiến kèm theo"})
    state = db.session.scalar(select(WorkflowStep.state).where(
        WorkflowStep.survey_id == survey.id, WorkflowStep.step == int(t.step)))
    if role in {str(r) for r in t.roles}:
        assert resp.status_code == 302
        assert state == t.target
        assert _audit_count(db) > before
    else:
        assert resp.status_code in (302, 403)
        assert state == t.source
        assert _audit_count(db) == before


@pytest.mark.parametrize("t", [t for t in ROWS if t.guard is not None], ids=lambda t: t.key)
def test_guard_refuses_with_reasons(factory, db, monkeypatch, t):
    """Without the records a guard asks for, the transition is refused and nothing is written."""
    use_fake_forms(monkeypatch, approved=False)
    agency = factory.agency()
    survey = factory.survey(agencies=[agency])
    actor = factory.user(*[str(r) for r in t.roles])
    put_in_state(db, survey, t.step, t.source)
    if t.step > Step.PLAN:
        # Undo the earlier steps too, so gates on them refuse as well.
        for s, row in ensure(survey).items():
            if s < t.step:
                row.state = StepState.NOT_STARTED if s != Step.PLAN else StepState.DRAFT
    if t.guard is workflow.round_answered:
        # This guard blocks on what exists: a comment of the open round without a response.
        from fieldwork.plans.models_review import AgencyComment, CommentRound
        rnd = db.session.scalar(select(CommentRound).where(CommentRound.survey_id == survey.id))
        rnd.comments.append(AgencyComment(agency_id=agency.id, text="Số liệu chưa đúng"))
    db.session.commit()
    before = _audit_count(db)
    with pytest.raises(OperationError) as exc:
        operations_steps.transition(survey, {"step": int(t.step), "name": t.name}, actor)
    assert str(exc.value).strip()
    db.session.rollback()
    assert ensure(survey)[t.step].state == t.source
    assert _audit_count(db) == before


def test_illegal_transition_is_refused_in_vietnamese(client, factory, db):
    manager = factory.user("manager")
    survey = factory.survey(agencies=[factory.agency()])
    login(client, manager.email, PASSWORD)
    token = csrf_token(client, f"/surveys/{survey.code}")
    # The plan is a draft: "issue" leaves only "appraised".
    resp = client.post(f"/surveys/{survey.code}/step/1/do/issue", data={"csrf_token": token},
                       follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert "không thể thực hiện" in page
    assert ensure(survey)[Step.PLAN].state == StepState.DRAFT


def test_unknown_action_and_step_are_404(client, factory):
    manager = factory.user("manager")
    survey = factory.survey()
    login(client, manager.email, PASSWORD)
    token = csrf_token(client, f"/surveys/{survey.code}")
    assert client.post(f"/surveys/{survey.code}/step/1/do/explode",
                       data={"csrf_token": token}).status_code == 404
    assert client.post(f"/surveys/{survey.code}/step/9/do/submit",
                       data={"csrf_token": token}).status_code == 404


def test_return_needs_a_comment(factory, db, monkeypatch):
    use_fake_forms(monkeypatch)
    survey = factory.survey(agencies=[factory.agency()])
    reviewer = factory.user("home_affairs")
    put_in_state(db, survey, Step.PLAN, StepState.SUBMITTED)
    with pytest.raises(OperationError, match="bắt buộc|required"):
        operations_steps.transition(survey, {"step": 1, "name": "return", "comment": "  "},
                                    reviewer)


def test_only_the_assigned_reviewer_acts(factory, db):
    from fieldwork.plans import operations as ops
    survey = factory.survey(agencies=[factory.agency()])
    manager = factory.user("manager")
    assigned, other = factory.user("home_affairs"), factory.user("home_affairs")
    ops.set_reviewer(survey, {"reviewer_id": assigned.id}, manager)
    put_in_state(db, survey, Step.PLAN, StepState.SUBMITTED)
    db.session.commit()
    with pytest.raises(OperationError, match="khác|another"):
        operations_steps.transition(survey, {"step": 1, "name": "appraise"}, other)
    db.session.rollback()
    row = operations_steps.transition(survey, {"step": 1, "name": "appraise"}, assigned)
    assert row.state == StepState.APPRAISED


def test_reviewer_must_be_home_affairs(factory):
    from fieldwork.plans import operations as ops
    survey = factory.survey()
    manager = factory.user("manager")
    enumerator = factory.user("enumerator")
    with pytest.raises(OperationError):
        ops.set_reviewer(survey, {"reviewer_id": enumerator.id}, manager)
    with pytest.raises(OperationError):
        ops.set_reviewer(survey, {"reviewer_id": "abc"}, manager)
