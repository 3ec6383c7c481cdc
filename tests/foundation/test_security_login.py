"""Sign-in lock-out after repeated failures, the manager's unlock, and the rate limit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from fieldwork.audit.models import AuditEvent
from fieldwork.auth.models import User
from fieldwork.security import limiter
from fieldwork.timeutil import utcnow

from ..conftest import csrf_token, login
from ..factories import PASSWORD

GENERIC = "Sai e-mail hoặc mật khẩu, hoặc tài khoản đã bị khoá."


def _actions(db, user) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "users", AuditEvent.object_id == str(user.id))
        .order_by(AuditEvent.id)))


def _fail(client, email, times):
    for _ in range(times):
        resp = login(client, email, "wrong-password-9")
        assert resp.status_code == 401
    return resp


def test_five_failures_lock_the_account_even_for_the_right_password(client, factory, db):
    user = factory.user("enumerator")
    _fail(client, user.email, 4)
    assert db.session.get(User, user.id).failed_logins == 4
    assert db.session.get(User, user.id).locked_until is None
    resp = _fail(client, user.email, 1)
    locked = db.session.get(User, user.id)
    assert locked.locked_until is not None and "user.lock" in _actions(db, user)
    html = resp.get_data(as_text=True)
    assert GENERIC in html and "tạm khoá 15 phút" in html
    resp = login(client, user.email, PASSWORD)
    assert resp.status_code == 401
    # The same words as for an unknown address: nothing tells whether the account exists.
    unknown = login(client, "nobody@test.vn", PASSWORD).get_data(as_text=True)
    assert GENERIC in unknown and "tạm khoá 15 phút" in unknown
    assert client.get("/surveys/").status_code == 302


def test_success_resets_the_count(client, factory, db):
    user = factory.user("enumerator")
    _fail(client, user.email, 4)
    assert login(client, user.email, PASSWORD).status_code == 302
    assert db.session.get(User, user.id).failed_logins == 0
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    _fail(client, user.email, 4)
    assert db.session.get(User, user.id).locked_until is None


def test_lock_runs_out_after_the_lockout_period(client, factory, db):
    user = factory.user("enumerator")
    _fail(client, user.email, 5)
    row = db.session.get(User, user.id)
    row.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert login(client, user.email, PASSWORD).status_code == 302
    row = db.session.get(User, user.id)
    assert row.locked_until is None and row.failed_logins == 0
    assert _actions(db, user)[-3:] == ["user.lock", "user.unlock", "user.login"]


def test_manager_unlocks_on_the_users_page(client, factory, db):
    manager = factory.user("manager")
    user = factory.user("enumerator")
    _fail(client, user.email, 5)
    login(client, manager.email, PASSWORD)
    page = client.get("/users").get_data(as_text=True)
    assert "Đang bị khoá" in page and f"/users/{user.id}/unlock" in page
    resp = client.post(f"/users/{user.id}/unlock",
                       data={"csrf_token": csrf_token(client, "/users")})
    assert resp.status_code == 302
    row = db.session.get(User, user.id)
    assert row.locked_until is None and row.failed_logins == 0
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "user.unlock", AuditEvent.object_id == str(user.id))).one()
    assert event.actor_id == manager.id
    again = client.post(f"/users/{user.id}/unlock",
                        data={"csrf_token": csrf_token(client, "/users")}, follow_redirects=True)
    assert "không bị khoá" in again.get_data(as_text=True)


@pytest.mark.parametrize("role", ["enumerator", "home_affairs"])
def test_only_managers_unlock(client, factory, role):
    user = factory.user(role)
    login(client, user.email, PASSWORD)
    resp = client.post(f"/users/{user.id}/unlock", data={"csrf_token": csrf_token(client, "/")})
    assert resp.status_code == 403


@pytest.fixture()
def rate_limited(app):
    """The sign-in rate limit turned on (3 a minute) with a clean counter."""
    app.config["LOGIN_RATE_LIMIT"] = "3/minute"
    limiter.reset()
    try:
        yield
    finally:
        app.config["LOGIN_RATE_LIMIT"] = ""
        limiter.reset()


def test_rate_limit_answers_429_with_a_friendly_page(client, factory, rate_limited):
    user = factory.user("enumerator")
    for _ in range(3):
        assert login(client, "nobody@test.vn", "wrong-password-9").status_code == 401
    resp = login(client, user.email, PASSWORD)
    assert resp.status_code == 429
    html = resp.get_data(as_text=True)
    assert "Quá nhiều lần thử" in html and "Traceback" not in html
    assert "Retry-After" in resp.headers
    assert "Content-Security-Policy" in resp.headers
    assert client.get("/login").status_code == 200  # only sign-in attempts count


def test_rate_limit_is_off_in_the_tests_config(client, factory):
    for _ in range(12):
        assert login(client, "nobody@test.vn", "wrong-password-9").status_code == 401


def test_migration_0009_matches_the_user_model(db):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    def users(diff) -> bool:
        if isinstance(diff, list):
            return any(users(d) for d in diff)
        return any(getattr(part, "name", part) == "users"
                   or getattr(getattr(part, "table", None), "name", None) == "users"
                   for part in diff[1:])

    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        assert [d for d in compare_metadata(ctx, db.metadata) if users(d)] == []
