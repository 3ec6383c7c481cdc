"""Sign-in, sign-out, password change, CSRF and the login failure modes."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from fieldwork.audit.models import AuditEvent
from fieldwork.auth.models import User

from ..conftest import csrf_token, login
from ..factories import PASSWORD


def _events(db):
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def test_login_page_is_vietnamese_by_default(client):
    html = client.get("/login").get_data(as_text=True)
    assert "Đăng nhập" in html
    assert 'lang="vi"' in html


def test_login_success_redirects_and_audits(client, factory, db):
    user = factory.user("manager")
    before = _events(db)
    resp = login(client, user.email, PASSWORD)
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/"
    assert _events(db) == before + 1
    assert db.session.get(User, user.id).last_login_at is not None
    page = client.get("/").get_data(as_text=True)
    assert user.name in page


@pytest.mark.parametrize("case", ["unknown", "wrong", "inactive"])
def test_login_failures_share_one_message_and_write_nothing(client, factory, db, case):
    user = factory.user("manager")
    email, password = user.email, PASSWORD
    if case == "unknown":
        email = "nobody@test.vn"
    elif case == "wrong":
        password = "wrong-password-1"
    else:
        user.active = False
        db.session.flush()
    before = _events(db)
    resp = login(client, email, password)
    assert resp.status_code == 401
    html = resp.get_data(as_text=True)
    assert "Sai e-mail hoặc mật khẩu, hoặc tài khoản đã bị khoá." in html
    assert _events(db) == before
    assert client.get("/surveys/").status_code == 302  # still signed out


def test_login_without_csrf_is_refused(client, factory, db):
    user = factory.user("manager")
    resp = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert resp.status_code == 400
    assert "mã bảo mật" in resp.get_data(as_text=True)
    assert "Traceback" not in resp.get_data(as_text=True)
    assert db.session.get(User, user.id).last_login_at is None


def test_logout_needs_post_and_signs_out(client, factory):
    user = factory.user("manager")
    login(client, user.email, PASSWORD)
    assert client.get("/logout").status_code == 405
    token = csrf_token(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/surveys/").status_code == 302


def test_open_redirect_is_ignored(client, factory):
    user = factory.user("manager")
    token = csrf_token(client, "/login")
    resp = client.post("/login?next=https://evil.example/x",
                       data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert resp.headers["Location"] == "/"


def test_change_password(client, factory, db):
    user = factory.user("enumerator")
    login(client, user.email, PASSWORD)
    token = csrf_token(client, "/account/password")
    bad = client.post("/account/password", data={
        "current": "nope-nope-1", "new": "new-password-77", "confirm": "new-password-77",
        "csrf_token": token})
    assert bad.status_code == 422
    short = client.post("/account/password", data={
        "current": PASSWORD, "new": "abc1", "confirm": "abc1", "csrf_token": token})
    assert short.status_code == 422
    assert "ít nhất 10 ký tự" in short.get_data(as_text=True)
    ok = client.post("/account/password", data={
        "current": PASSWORD, "new": "new-password-77", "confirm": "new-password-77",
        "csrf_token": token})
    assert ok.status_code == 302
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_id == str(user.id))).all()
    assert "user.password_change" in actions
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert login(client, user.email, PASSWORD).status_code == 401
    assert login(client, user.email, "new-password-77").status_code == 302


def test_language_switch_to_english_and_back(client, factory):
    user = factory.user("manager")
    login(client, user.email, PASSWORD)
    token = csrf_token(client, "/")
    client.post("/lang/en", data={"csrf_token": token, "next": "/"})
    assert "Surveys" in client.get("/surveys/").get_data(as_text=True)
    client.post("/lang/vi", data={"csrf_token": token, "next": "/"})
    assert "Cuộc khảo sát" in client.get("/surveys/").get_data(as_text=True)


def test_unknown_language_is_404(client):
    token = csrf_token(client, "/login")
    assert client.post("/lang/fr", data={"csrf_token": token}).status_code == 404


def test_anonymous_visitors_find_the_public_reports_page(client):
    html = client.get("/login").get_data(as_text=True)
    assert "/bao-cao-khao-sat/" in html
    assert client.get("/bao-cao-khao-sat/").status_code == 200
