"""Questionnaire versions: the transition table for every role, freezing, editing, audit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from fieldwork.audit.models import AuditEvent
from fieldwork.auth.roles import RoleName
from fieldwork.errors import OperationError
from fieldwork.forms import operations as ops
from fieldwork.forms import workflow
from fieldwork.forms.models import VersionStatus


def _put_in(db, version, status):
    version.status = status
    db.session.flush()


@pytest.mark.parametrize("role", [r.value for r in RoleName])
@pytest.mark.parametrize("t", workflow.TRANSITIONS,
                         ids=lambda t: f"{t.name}:{t.source.value}->{t.target.value}")
def test_every_transition_for_every_role(db, factory, survey, people, t, role):
    version = ops.create_from_template(survey, "danang-2025", people[0])
    _put_in(db, version, t.source)
    user = factory.user(role)
    before = db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
    comment = "Cần sửa câu hỏi q01" if t.needs_comment else None
    if role in {r.value for r in t.roles}:
        ops.transition(version, t.name, user, comment)
        assert version.status == t.target
        ev = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert ev.action == f"questionnaire.{t.name}" and ev.actor_id == user.id
        assert ev.before == {"status": t.source.value} and ev.after == {"status": t.target.value}
    else:
        with pytest.raises(OperationError):
            ops.transition(version, t.name, user, comment)
        assert version.status == t.source
        last = db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
        assert last == before


@pytest.mark.parametrize("status", list(VersionStatus))
def test_illegal_transitions_are_refused(db, survey, people, status):
    manager, reviewer = people
    version = ops.create_from_template(survey, "danang-2025", manager)
    _put_in(db, version, status)
    for name in ("submit", "withdraw", "approve", "return"):
        if workflow.find(name, status) is None:
            with pytest.raises(OperationError, match="không thể"):
                ops.transition(version, name, reviewer if name in ("approve", "return")
                               else manager, "x")
            assert version.status == status


def test_return_needs_a_comment(db, survey, people):
    manager, reviewer = people
    version = ops.create_from_template(survey, "danang-2025", manager)
    ops.transition(version, "submit", manager)
    with pytest.raises(OperationError, match="góp ý"):
        ops.transition(version, "return", reviewer, "  ")
    ops.transition(version, "return", reviewer, "Bổ sung lý do (đ)")
    assert version.status == VersionStatus.RETURNED
    assert version.decision_comment == "Bổ sung lý do (đ)"


def test_approved_version_is_frozen_and_changes_make_a_new_draft(db, approved, people):
    manager = people[0]
    with pytest.raises(OperationError, match="đóng băng"):
        ops.update_question(approved, "q01", {"text": "Sửa"}, manager)
    spec_before = dict(approved.spec)
    draft = ops.create_from_version(approved, manager)
    assert draft.number == approved.number + 1 and draft.status == VersionStatus.DRAFT
    ops.update_question(draft, "q01", {"text": "Ông/Bà có hài lòng không?",
                                       "options": {"no": "Không hài lòng"}}, manager)
    assert approved.spec == spec_before
    q = draft.questionnaire.question("q01")
    assert q.text == "Ông/Bà có hài lòng không?"
    assert [o.label for o in q.options] == ["Hài lòng", "Không hài lòng"]
    ev = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "questionnaire.edit")).one()
    assert any("q01" in c for c in ev.after["changes"])


def test_editing_a_returned_version_reopens_it_as_draft(db, survey, people):
    manager, reviewer = people
    v = ops.create_from_template(survey, "sipas", manager)
    ops.transition(v, "submit", manager)
    ops.transition(v, "return", reviewer, "Sửa câu hỏi giới tính")
    ops.update_question(v, "gender", {"text": "Giới tính của Ông/Bà"}, manager)
    assert v.status == VersionStatus.DRAFT


def test_bad_edits_change_nothing(db, survey, people):
    manager = people[0]
    v = ops.create_from_template(survey, "danang-2025", manager)
    spec = v.spec
    with pytest.raises(OperationError):
        ops.update_question(v, "q02", {"relevant": "q01 == 'maybe' or garbage("}, manager)
    with pytest.raises(OperationError):
        ops.update_question(v, "nope", {"text": "x"}, manager)
    with pytest.raises(OperationError):
        ops.remove_question(v, "q01", manager)  # q02 depends on it
    with pytest.raises(OperationError):
        ops.create_from_template(survey, "unknown-template", manager)
    assert v.spec == spec


def test_remove_question(db, survey, people):
    v = ops.create_from_template(survey, "danang-2025", people[0])
    ops.remove_question(v, "q03", people[0])
    with pytest.raises(KeyError):
        v.questionnaire.question("q03")
