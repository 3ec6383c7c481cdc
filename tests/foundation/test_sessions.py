"""Server-side session revocation, idle timeout and CSRF expiry (issue 15).

A session cookie is signed, not stored: before the session version, a saved copy kept
working after sign-out and after a password change for up to 10 hours. Each test saves the
cookie of a signed-in browser, does what should end the session, and replays the copy.
"""

from __future__ import annotations

import time

import itsdangerous.timed
from sqlalchemy import select

from fieldwork.audit.models import AuditEvent
from fieldwork.auth import operations as ops
from fieldwork.auth.models import User

from ..conftest import csrf_token, login
from ..factories import PASSWORD


def _signed_in(app, user):
    client = app.test_client()
    assert login(client, user.email, PASSWORD).status_code == 302
    return client


def _saved_copy(app, client):
    """Another browser holding a copy of ``client``'s session cookie."""
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value, domain="localhost")
    return copy


def _signed_in_now(client) -> bool:
    resp = client.get("/surveys/")
    return resp.status_code == 200


def test_a_saved_cookie_stops_working_after_sign_out(client, app, factory, db):
    user = factory.user("manager")
    login(client, user.email, PASSWORD)
    saved = _saved_copy(app, client)
    assert _signed_in_now(saved)  # the copy works like the original
    other_browser = _signed_in(app, user)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert not _signed_in_now(client)
    assert not _signed_in_now(saved)
    assert not _signed_in_now(other_browser)  # sign-out ends every session of the user
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.logout"))


def test_a_password_change_ends_other_sessions_but_not_this_one(client, app, factory):
    user = factory.user("manager")
    login(client, user.email, PASSWORD)
    saved = _saved_copy(app, client)
    resp = client.post("/account/password", data={
        "csrf_token": csrf_token(client, "/account/password"), "current": PASSWORD,
        "new": "another-horse-77", "confirm": "another-horse-77"})
    assert resp.status_code == 302
    assert not _signed_in_now(saved)
    assert _signed_in_now(client)  # the browser that changed it stays signed in


def test_deactivation_and_reactivation_do_not_revive_a_session(client, app, factory, db):
    manager = factory.user("manager")
    user = factory.user("manager")
    victim = _signed_in(app, user)
    saved = _saved_copy(app, victim)
    ops.set_active(user, False, manager)
    ops.set_active(user, True, manager)
    db.session.commit()
    assert not _signed_in_now(saved)
    assert not _signed_in_now(victim)


def test_sign_out_everywhere_by_a_manager(client, app, factory, db):
    manager = factory.user("manager")
    user = factory.user("manager")
    victim = _signed_in(app, user)
    login(client, manager.email, PASSWORD)
    resp = client.post(f"/users/{user.id}/sessions",
                       data={"csrf_token": csrf_token(client, "/users")})
    assert resp.status_code == 302
    assert not _signed_in_now(victim)
    assert _signed_in_now(client)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.sessions_end"))
    assert event.actor_id == manager.id and event.object_id == str(user.id)


def test_a_role_change_ends_the_sessions(client, app, factory, db):
    manager = factory.user("manager")
    user = factory.user("manager", "scanner")
    victim = _signed_in(app, user)
    assert victim.get("/users").status_code == 200
    login(client, manager.email, PASSWORD)
    resp = client.post(f"/users/{user.id}/edit", data={
        "csrf_token": csrf_token(client, f"/users/{user.id}/edit"), "email": user.email,
        "name": user.name, "roles": ["scanner"], "agency_id": "0"})
    assert resp.status_code == 302
    resp = victim.get("/users")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    assert db.session.get(User, user.id).role_names == {"scanner"}


def test_an_idle_session_ends(client, app, factory, monkeypatch):
    user = factory.user("manager")
    login(client, user.email, PASSWORD)
    assert _signed_in_now(client)
    minutes = app.config["SESSION_IDLE_MINUTES"]
    assert minutes == 60  # the default; SESSION_IDLE_MINUTES changes it
    later = time.time() + minutes * 60 + 5
    monkeypatch.setattr("fieldwork.auth.sessions._now", lambda: int(later))
    resp = client.get("/surveys/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    html = client.get("/login").get_data(as_text=True)
    assert "không hoạt động" in html  # "signed out after 60 minutes without activity"


def test_activity_keeps_a_session_alive(client, app, factory, monkeypatch):
    user = factory.user("manager")
    login(client, user.email, PASSWORD)
    start = time.time()
    for step in (1, 2, 3):  # a request every 50 minutes: never 60 idle
        now = start + step * 50 * 60
        monkeypatch.setattr("fieldwork.auth.sessions._now", lambda now=now: int(now))
        assert _signed_in_now(client), step


def test_csrf_tokens_expire_with_the_session(client, app, factory, monkeypatch):
    lifetime = int(app.config["PERMANENT_SESSION_LIFETIME"].total_seconds())
    assert app.config["WTF_CSRF_TIME_LIMIT"] == lifetime
    user = factory.user("manager")
    # A token signed a session's lifetime ago is refused.
    old = int(time.time()) - lifetime - 60
    monkeypatch.setattr(itsdangerous.timed.TimestampSigner, "get_timestamp",
                        lambda self: old)
    token = csrf_token(client, "/login")
    monkeypatch.undo()
    resp = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                       "csrf_token": token})
    assert resp.status_code == 400
    assert login(client, user.email, PASSWORD).status_code == 302  # a fresh one works


def test_a_token_from_before_sign_out_is_refused(client, app, factory):
    user = factory.user("manager")
    login(client, user.email, PASSWORD)
    token = csrf_token(client, "/users/new")
    client.post("/logout", data={"csrf_token": token})
    login(client, user.email, PASSWORD)
    resp = client.post("/users/new", data={"csrf_token": token, "email": "n@test.vn",
                                           "name": "Người Mới", "password": "long-enough-42",
                                           "roles": ["scanner"]})
    assert resp.status_code == 400
