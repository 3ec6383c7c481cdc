"""Account management by a manager (web) and an operator (CLI): edit, reset, set a password.

Before issue 15 a manager could only disable an account, and the demo's passwords, printed
once, could be recovered only by deleting ``instance/``.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select

from fieldwork.audit.models import AuditEvent
from fieldwork.auth.models import User
from fieldwork.auth.passwords import verify_password

from ..conftest import csrf_token, login
from ..factories import PASSWORD


def _events(db, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _edit(client, user, **fields):
    data = {"csrf_token": csrf_token(client, f"/users/{user.id}/edit"), "email": user.email,
            "name": user.name, "roles": sorted(user.role_names), "agency_id": "0"}
    data.update(fields)
    return client.post(f"/users/{user.id}/edit", data=data)


def test_a_manager_edits_name_email_roles_and_agency(client, factory, db):
    manager = factory.user("manager")
    agency = factory.agency("Sở Xây dựng")
    user = factory.user("scanner", email="old@test.vn")
    login(client, manager.email, PASSWORD)
    page = client.get(f"/users/{user.id}/edit").get_data(as_text=True)
    assert "old@test.vn" in page
    assert re.search(r'<input checked[^>]*value="scanner"', page)
    resp = _edit(client, user, email="New@Test.vn", name="Trần Thị Mới",
                 roles=["agency"], agency_id=str(agency.id))
    assert resp.status_code == 302
    row = db.session.get(User, user.id)
    assert (row.email, row.name, row.role_names, row.agency_id) == (
        "new@test.vn", "Trần Thị Mới", {"agency"}, agency.id)
    [event] = _events(db, "user.edit")
    assert event.before == {"email": "old@test.vn", "name": "Nguyễn Văn Thử",
                            "roles": ["scanner"], "agency_id": None}
    assert event.after["roles"] == ["agency"] and event.actor_id == manager.id
    assert row.session_version == 1  # the role change ended the sessions


def test_editing_bad_input_changes_nothing(client, factory, db):
    manager = factory.user("manager")
    taken = factory.user("scanner", email="taken@test.vn")
    user = factory.user("scanner")
    login(client, manager.email, PASSWORD)
    for fields, message in (({"email": "taken@test.vn"}, "Đã có người dùng với e-mail"),
                            ({"roles": ["agency"]}, "phải được gắn với một cơ quan"),
                            ({"email": "not-an-email"}, None)):
        resp = _edit(client, user, **fields)
        assert resp.status_code in (200, 422), fields
        if message:
            assert message in resp.get_data(as_text=True)
    row = db.session.get(User, user.id)
    assert row.email != taken.email and row.role_names == {"scanner"}
    assert _events(db, "user.edit") == []
    # The last active manager keeps the role.
    resp = _edit(client, manager, roles=["scanner"])
    assert resp.status_code == 422 and "quản lý cuối cùng" in resp.get_data(as_text=True)
    assert db.session.get(User, manager.id).has_role("manager")


def test_reset_gives_a_one_time_password_that_must_be_changed(client, app, factory, db):
    manager = factory.user("manager")
    user = factory.user("enumerator", name="Lê Văn Đếm")
    victim = app.test_client()
    login(victim, user.email, PASSWORD)
    login(client, manager.email, PASSWORD)
    resp = client.post(f"/users/{user.id}/password",
                       data={"csrf_token": csrf_token(client, f"/users/{user.id}/edit")})
    assert resp.status_code == 200
    assert resp.headers["Cache-Control"] == "private, no-store"
    otp = re.search(r'id="one-time-password">([^<]+)<', resp.get_data(as_text=True)).group(1)
    assert len(otp) >= 12
    row = db.session.get(User, user.id)
    assert row.must_change_password and verify_password(row.password_hash, otp)
    assert not verify_password(row.password_hash, PASSWORD)
    [event] = _events(db, "user.password_reset")
    assert otp not in repr((event.before, event.after, event.reason))
    assert victim.get("/entry/").status_code == 302  # signed out
    # The user signs in with it and is held on the password page until they change it.
    fresh = app.test_client()
    assert login(fresh, user.email, otp).status_code == 302
    resp = fresh.get("/")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/account/password")
    page = fresh.get("/account/password").get_data(as_text=True)
    assert "Mật khẩu dùng một lần" in page
    assert fresh.post("/entry/sync", data={
        "csrf_token": csrf_token(fresh, "/account/password")}).status_code == 302
    resp = fresh.post("/account/password", data={
        "csrf_token": csrf_token(fresh, "/account/password"), "current": otp,
        "new": "my-own-choice-93", "confirm": "my-own-choice-93"})
    assert resp.status_code == 302
    assert not db.session.get(User, user.id).must_change_password
    assert fresh.get("/").status_code == 200


def test_cli_set_password_edit_and_sign_out(runner, db, factory, app):
    user = factory.user("manager", email="demo-quanly@test.vn")
    res = runner.invoke(args=["users", "set-password", "demo-quanly@test.vn"])
    assert res.exit_code == 0, res.output
    otp = res.output.rsplit(": ", 1)[1].strip()
    row = db.session.get(User, user.id)
    assert verify_password(row.password_hash, otp) and row.must_change_password
    res = runner.invoke(args=["users", "set-password", "demo-quanly@test.vn", "--password",
                              "chosen-by-admin-58"])
    assert res.exit_code == 0, res.output
    db.session.expire_all()
    row = db.session.get(User, user.id)
    assert verify_password(row.password_hash, "chosen-by-admin-58")
    assert not row.must_change_password
    client = app.test_client()
    assert login(client, user.email, "chosen-by-admin-58").status_code == 302
    res = runner.invoke(args=["users", "set-password", "demo-quanly@test.vn", "--password",
                              "12345678901"])
    assert res.exit_code != 0 and "chữ số" in res.output
    res = runner.invoke(args=["users", "set-password", "nobody@test.vn"])
    assert res.exit_code != 0 and "no user" in res.output
    other = factory.user("manager")
    assert other
    res = runner.invoke(args=["users", "edit", "demo-quanly@test.vn", "--name", "Quản Lý Mới",
                              "--role", "manager", "--role", "recheck"])
    assert res.exit_code == 0 and "roles" in res.output, res.output
    db.session.expire_all()
    assert db.session.get(User, user.id).role_names == {"manager", "recheck"}
    assert client.get("/users").status_code == 302  # the role change signed them out
    res = runner.invoke(args=["users", "sign-out", "demo-quanly@test.vn"])
    assert res.exit_code == 0
    kinds = {e.action for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.actor_label == "cli", AuditEvent.object_id == str(user.id)))}
    assert {"user.password_set", "user.edit", "user.sessions_end"} <= kinds
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "user.password_set")) == 2
