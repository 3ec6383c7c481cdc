"""Hand-offs: every row of the step table and of the questionnaire table that makes someone
else the next actor notifies exactly those who may take the next move, and the notification
is cleared once that work is done.

The expected people are worked out here from the tables themselves (the roles of the rows out
of the state a row leads to), not from ``plans.waiting``: Home Affairs means the survey's
assigned reviewer only, agency reviewers only those of the agencies sent a draft.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from fieldwork.auth.roles import RoleName
from fieldwork.forms import operations as forms_ops
from fieldwork.forms import workflow as forms_workflow
from fieldwork.forms.models import VersionStatus
from fieldwork.plans import notifications, operations_steps, workflow
from fieldwork.plans import operations as plan_ops
from fieldwork.plans.models_docs import Notification
from fieldwork.plans.models_workflow import DONE, INITIAL, Step, StepState
from fieldwork.plans.steps import ensure

from .helpers import put_in_state, satisfy_all, use_fake_forms

M, HA, AG = RoleName.MANAGER, RoleName.HOME_AFFAIRS, RoleName.AGENCY


@pytest.fixture()
def cast(factory):
    """Two managers, the assigned and another Home Affairs reviewer, an enumerator, reviewers
    of the agency that gets a draft and of one that does not."""
    sent, other = factory.agency(), factory.agency()
    return {"m1": factory.user("manager"), "m2": factory.user("manager"),
            "ha": factory.user("home_affairs"), "ha_other": factory.user("home_affairs"),
            "enum": factory.user("enumerator"), "ag": factory.user("agency", agency=sent),
            "ag_other": factory.user("agency", agency=other), "sent": sent, "other": other}


def _open(user_id) -> list[Notification]:
    return list(select_open(user_id))


def select_open(user_id):
    from fieldwork.extensions import db
    return db.session.scalars(select(Notification).where(
        Notification.user_id == user_id, Notification.done_at.is_(None)))


def _expected_step(t, cast) -> set[int]:
    """Who the table says moves next after ``t``, other than the roles that made ``t``."""
    step, state = t.step, t.target
    if state == DONE[step] and step < Step.ACCEPTANCE:
        step, state = Step(step + 1), INITIAL[Step(step + 1)]
    if step == Step.COMMENTS and state == StepState.ROUND_OPEN:
        # The agencies sent a draft read it and comment first.
        roles = {AG}
    else:
        roles = {r for u in workflow.TRANSITIONS if u.step == step and u.source == state
                 and not u.optional for r in u.roles}
    roles -= set(t.roles)
    out = set()
    if M in roles:
        out |= {cast["m1"].id, cast["m2"].id}
    if HA in roles:
        out.add(cast["ha"].id)
    if AG in roles:
        out.add(cast["ag"].id)
    return out


STEP_ROWS = list(workflow.TRANSITIONS)


@pytest.mark.parametrize("t", STEP_ROWS, ids=[t.key for t in STEP_ROWS])
def test_step_row_notifies_the_next_actors_only(factory, db, monkeypatch, cast, t):
    use_fake_forms(monkeypatch)
    survey = factory.survey(agencies=[cast["sent"], cast["other"]])
    plan_ops.set_reviewer(survey, {"reviewer_id": cast["ha"].id}, cast["m1"])
    satisfy_all(db, survey, cast["m1"], cast["enum"], cast["sent"])
    put_in_state(db, survey, t.step, t.source)
    actor = cast["ha"] if HA in t.roles else cast["m1"]
    # The earlier hand-off that made this row the actor's work.
    key = f"step:{survey.id}:{int(t.step)}"
    notifications.notify([actor], survey, "workflow", {"code": survey.code,
                         "step_no": int(t.step), "state": t.source.value}, work=key)
    db.session.commit()
    everyone = [u for k, u in cast.items() if k not in ("sent", "other")]
    before = {u.id: {n.id for n in _open(u.id)} for u in everyone}

    operations_steps.transition(survey, {"step": int(t.step), "name": t.name,
                                         "comment": "Ý kiến kèm theo"}, actor)
    db.session.commit()
    assert ensure(survey)[t.step].state == t.target

    told = {u.id for u in everyone if {n.id for n in _open(u.id)} - before[u.id]}
    assert told == _expected_step(t, cast)
    assert cast["ha_other"].id not in told and cast["ag_other"].id not in told
    # The actor's own notification of this step's work is cleared: the work is done.
    from fieldwork.extensions import db as _db
    mine = _db.session.scalars(select(Notification).where(Notification.user_id == actor.id,
                                                          Notification.work == key)).all()
    assert mine and all(n.done_at is not None for n in mine)
    assert notifications.unread_count(actor) == len(_open(actor.id)) - sum(
        1 for n in _open(actor.id) if n.read_at is not None)


FORM_ROWS = list(forms_workflow.TRANSITIONS)


def _put_version(survey, status: VersionStatus, cast):
    v = forms_ops.create_from_template(survey, "danang-2025", cast["m1"])
    if status != VersionStatus.DRAFT:
        forms_ops.transition(v, "submit", cast["m1"])
    if status == VersionStatus.RETURNED:
        forms_ops.transition(v, "return", cast["ha"], "Sửa câu 3")
    return v


@pytest.mark.parametrize("t", FORM_ROWS, ids=[f"{t.name}-{t.source.value}" for t in FORM_ROWS])
def test_questionnaire_row_notifies_the_next_actors_only(factory, db, cast, t):
    survey = factory.survey(agencies=[cast["sent"], cast["other"]])
    plan_ops.set_reviewer(survey, {"reviewer_id": cast["ha"].id}, cast["m1"])
    v = _put_version(survey, t.source, cast)
    actor = cast["ha"] if HA in t.roles else cast["m1"]
    db.session.commit()
    everyone = [u for k, u in cast.items() if k not in ("sent", "other")]
    before = {u.id: {n.id for n in _open(u.id)} for u in everyone}
    # The actor was told about this version (the earlier hand-off) unless they made it.
    mine_before = [n for n in _open(actor.id) if n.work == f"questionnaire:{v.id}"]

    forms_ops.transition(v, t.name, actor, "Sửa câu 3")
    db.session.commit()
    assert v.status == t.target

    roles = {r for u in forms_workflow.TRANSITIONS if u.source == t.target and not u.optional
             for r in u.roles} or ({M} if t.target == VersionStatus.APPROVED else set())
    roles -= set(t.roles)
    expected = set()
    if M in roles:
        expected |= {cast["m1"].id, cast["m2"].id}
    if HA in roles:
        expected.add(cast["ha"].id)
    told = {u.id for u in everyone if {n.id for n in _open(u.id)} - before[u.id]}
    assert told == expected
    assert cast["ha_other"].id not in told
    for n in mine_before:
        db.session.refresh(n)
        assert n.done_at is not None


def test_submitted_questionnaire_shows_for_the_assigned_reviewer_at_once(client, factory, db, cast):
    """Done-when: a submitted version is on the assigned reviewer's start page right away,
    with a link that opens it; the other Home Affairs reviewer has nothing."""
    from ..conftest import csrf_token, login
    from ..factories import PASSWORD

    survey = factory.survey(agencies=[cast["sent"]])
    plan_ops.set_reviewer(survey, {"reviewer_id": cast["ha"].id}, cast["m1"])
    put_in_state(db, survey, Step.QUESTIONNAIRE, StepState.CONSULTATION)
    v = _put_version(survey, VersionStatus.SUBMITTED, cast)
    db.session.commit()
    assert login(client, cast["ha"].email, PASSWORD).status_code == 302
    html = client.get("/").get_data(as_text=True)
    item = re.search(r'data-queue="forms.approve"[^>]*>.*?href="([^"]+)"', html, re.S)
    assert item, "the submitted version is not on the reviewer's start page"
    page = client.get(item.group(1))
    assert page.status_code == 200
    assert item.group(1).endswith(f"{survey.code}/questionnaire/v{v.number}") or \
        item.group(1).endswith(f"/v{v.number}")
    assert f"/v{v.number}/transition/approve" in page.get_data(as_text=True)  # one click
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert login(client, cast["ha_other"].email, PASSWORD).status_code == 302
    html = client.get("/").get_data(as_text=True)
    assert 'data-queue="forms.approve"' not in html


def test_closing_fieldwork_clears_the_assignments_and_publishing_clears_the_rest(
        factory, db, monkeypatch, cast):
    """The enumerator's "you are assigned" messages end with fieldwork; a published survey
    leaves nobody anything to do; another survey's messages stay."""
    use_fake_forms(monkeypatch)
    survey = factory.survey(agencies=[cast["sent"]])
    other = factory.survey(agencies=[cast["sent"]])
    satisfy_all(db, survey, cast["m1"], cast["enum"], cast["sent"])
    put_in_state(db, survey, Step.FIELDWORK, StepState.IN_FIELD)
    for s in (survey, other):
        notifications.notify([cast["enum"]], s, "assignment", {
            "code": s.code, "quota": 10, "agency": cast["sent"].name})
    notifications.notify([cast["m2"]], survey, "workflow", {
        "code": survey.code, "step_no": 3, "state": "in_field"})
    db.session.commit()
    operations_steps.transition(survey, {"step": 3, "name": "close_fieldwork"}, cast["m1"])
    db.session.commit()
    mine = {n.survey_id: n for n in _open(cast["enum"].id)}
    assert survey.id not in mine and other.id in mine
    assert any(n.survey_id == survey.id for n in _open(cast["m2"].id))

    put_in_state(db, survey, Step.ACCEPTANCE, StepState.ISSUED)
    db.session.commit()
    operations_steps.transition(survey, {"step": 6, "name": "publish"}, cast["m1"])
    db.session.commit()
    assert not any(n.survey_id == survey.id for u in (cast["m2"], cast["enum"])
                   for n in _open(u.id))
    assert any(n.survey_id == other.id for n in _open(cast["enum"].id))
