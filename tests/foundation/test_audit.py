"""The audit log: written by operations, append-only in ORM and database."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from fieldwork import audit
from fieldwork.audit.models import AppendOnlyError, AuditEvent
from fieldwork.auth import operations as auth_ops
from fieldwork.plans import operations as plan_ops
from fieldwork.plans.models import SurveyStatus


def test_operations_write_before_and_after(db, factory):
    manager = factory.user("manager")
    survey = factory.survey("AUD-1")
    plan_ops.set_status(survey, SurveyStatus.ACTIVE, manager, reason="Kế hoạch đã ban hành")
    ev = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "survey.status")
                            ).one()
    assert ev.actor_id == manager.id and ev.actor_label == manager.email
    assert ev.before == {"status": "draft"} and ev.after == {"status": "active"}
    assert ev.reason == "Kế hoạch đã ban hành"
    assert ev.object_type == "surveys" and ev.object_id == str(survey.id)


def test_deactivate_is_audited(db, factory):
    manager, user = factory.user("manager"), factory.user("enumerator")
    auth_ops.set_active(user, False, manager, reason="nghỉ việc")
    ev = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.deactivate")
                            ).one()
    assert ev.before == {"active": True} and ev.after == {"active": False}


def test_orm_refuses_update_and_delete(db):
    ev = audit.record("cli", "test.event", object_type="x", object_id=1)
    ev.action = "changed"
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("sql", ["UPDATE audit_events SET action = 'x'",
                                 "DELETE FROM audit_events"])
def test_database_refuses_update_and_delete(db, sql):
    audit.record("cli", "test.event", object_type="x", object_id=1)
    nested = db.session.begin_nested()
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text(sql))
    nested.rollback()


def test_audit_page_lists_events(client, factory):
    from ..conftest import login
    from ..factories import PASSWORD
    manager = factory.user("manager")
    factory.survey("AUD-2")
    login(client, manager.email, PASSWORD)
    html = client.get("/audit/").get_data(as_text=True)
    assert "survey.create" in html and "user.login" in html


def test_audit_page_shows_vietnamese_as_text(client, factory):
    from ..conftest import login
    from ..factories import PASSWORD
    manager = factory.user("manager")
    factory.survey("AUD-3")
    login(client, manager.email, PASSWORD)
    html = client.get("/audit/").get_data(as_text=True)
    assert "Khảo sát thử" in html and "\\u" not in html
