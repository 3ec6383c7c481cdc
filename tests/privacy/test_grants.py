"""The contact-data right: who may see contacts, grants and revocations (audited), the page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from fieldwork.audit.models import AuditEvent
from fieldwork.errors import OperationError
from fieldwork.privacy import operations as ops
from fieldwork.privacy.access import can_export_identified, can_see_contact, has_grant, reveal
from fieldwork.privacy.crypto import encrypt
from fieldwork.privacy.models import PrivacyGrant

from ..conftest import csrf_token, login
from ..factories import PASSWORD


@pytest.fixture()
def people(factory):
    """One user per role that matters here."""
    return {r: factory.user(r) for r in ("manager", "enumerator", "recheck", "agency",
                                         "home_affairs", "scanner", "public")}


@pytest.mark.parametrize(("role", "sees"), [
    ("manager", False), ("enumerator", False), ("recheck", True), ("agency", False),
    ("home_affairs", False), ("scanner", False), ("public", False)])
def test_by_role_without_grants(db, factory, people, role, sees):
    survey = factory.survey()
    assert can_see_contact(people[role], survey) is sees
    assert can_export_identified(people[role], survey) is False


def test_grant_for_one_survey_or_all_and_revoke(db, factory, people):
    a, b = factory.survey(), factory.survey()
    manager, who = people["manager"], people["enumerator"]
    grant = ops.grant_contact_access(who, {"survey_id": a.id, "reason": "Đối chiếu"}, manager)
    assert can_see_contact(who, a) and not can_see_contact(who, b)
    assert can_export_identified(who, a) and not can_export_identified(who, b)
    with pytest.raises(OperationError):
        ops.grant_contact_access(who, {"survey_id": a.id}, manager)
    ops.grant_contact_access(who, {"survey_id": None, "reason": "Cả năm"}, manager)
    assert can_see_contact(who, b) and has_grant(who)
    ops.revoke_contact_access(grant, {"reason": "Xong việc"}, manager)
    with pytest.raises(OperationError):
        ops.revoke_contact_access(grant, {}, manager)
    assert can_see_contact(who, a)  # still through the all-surveys grant
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "privacy_grants")).all()
    assert sorted(actions) == ["privacy.grant", "privacy.grant", "privacy.revoke"]
    with pytest.raises(OperationError):
        ops.grant_contact_access(who, {"survey_id": 999_999}, manager)


def test_reveal_masks_unless_allowed(app):
    token = encrypt("0912345123")
    assert reveal("phone", token, False) == "09xx xxx 123"
    assert reveal("phone", token, True) == "0912345123"
    assert reveal("phone", None, True) == ""
    assert reveal("cid", "garbage", True) == "?"


def test_manager_page_grants_and_revokes(client, db, factory, people):
    survey = factory.survey()
    login(client, people["manager"].email, PASSWORD)
    token = csrf_token(client, "/privacy/grants")
    resp = client.post("/privacy/grants", data={
        "user": people["agency"].id, "survey": survey.id, "reason": "Xác minh phản ánh",
        "csrf_token": token})
    assert resp.status_code == 302
    grant = db.session.scalar(select(PrivacyGrant))
    assert grant.survey_id == survey.id and grant.granted_by_id == people["manager"].id
    page = client.get("/privacy/grants").get_data(as_text=True)
    assert "Xác minh phản ánh" in page
    resp = client.post("/privacy/grants", data={
        "user": people["agency"].id, "survey": survey.id, "reason": "lần hai",
        "csrf_token": token})
    assert resp.status_code == 200  # refused with a message, nothing added
    assert len(db.session.scalars(select(PrivacyGrant)).all()) == 1
    resp = client.post(f"/privacy/grants/{grant.id}/revoke",
                       data={"reason": "Hết hạn", "csrf_token": token})
    assert resp.status_code == 302
    db.session.refresh(grant)
    assert grant.revoked_at is not None and grant.revoked_by_id == people["manager"].id


@pytest.mark.parametrize("role", ["enumerator", "recheck", "agency", "home_affairs"])
def test_only_managers_reach_the_page(client, people, role):
    login(client, people[role].email, PASSWORD)
    assert client.get("/privacy/grants").status_code == 403
