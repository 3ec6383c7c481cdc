"""Security headers and CSP, templates without inline script, cookie flags, password rules."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fieldwork.auth.passwords import password_problems
from fieldwork.config import security_settings
from fieldwork.security import content_security_policy

from ..conftest import login
from ..factories import PASSWORD

TEMPLATES = Path(__file__).resolve().parents[2] / "fieldwork"


def _directives(csp: str) -> dict[str, list[str]]:
    out = {}
    for part in csp.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


@pytest.mark.parametrize("path", ["/login", "/no-such-page", "/static/css/app.css",
                                  "/static/js/app.js"])
def test_headers_on_pages_errors_and_static_files(client, path):
    resp = client.get(path)
    resp.close()
    assert resp.status_code in (200, 404)
    h = resp.headers
    assert h["Content-Security-Policy"] == content_security_policy()
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Referrer-Policy"] == "same-origin"
    assert h["X-Frame-Options"] == "DENY"
    assert "camera=()" in h["Permissions-Policy"]
    assert h["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in h  # plain HTTP in tests


def test_headers_on_a_signed_in_page(client, factory):
    user = factory.user("manager")
    login(client, user.email, PASSWORD)
    resp = client.get("/users")
    assert resp.status_code == 200 and "Content-Security-Policy" in resp.headers


def test_csp_allows_scripts_only_from_the_site():
    csp = _directives(content_security_policy())
    assert csp["script-src"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"] and csp["form-action"] == ["'self'"]
    assert not any("unsafe-eval" in v or "*" in v for vs in csp.values() for v in vs)


def test_hsts_in_production(app, client):
    app.config["SECURITY_HSTS"] = True
    try:
        resp = client.get("/login")
    finally:
        app.config["SECURITY_HSTS"] = False
    assert resp.headers["Strict-Transport-Security"].startswith("max-age=31536000")


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.I)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.I)


def _templates():
    return sorted(p for p in TEMPLATES.rglob("templates/**/*.html"))


def test_templates_have_no_inline_script_or_handlers():
    """The CSP blocks inline scripts: put code in a static .js file (see static/js/app.js
    for data-autosubmit and data-confirm)."""
    found = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, HANDLER, JS_URL):
            for m in pattern.finditer(text):
                line = text.count("\n", 0, m.start()) + 1
                found.append(f"{path.relative_to(TEMPLATES)}:{line}: {m.group(0)}")
    assert len(_templates()) > 20
    assert not found, "inline script in templates:\n" + "\n".join(found)


def test_session_cookie_flags(client, factory):
    user = factory.user("manager")
    resp = login(client, user.email, PASSWORD)
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # tests and `make run` use plain http://127.0.0.1
    assert "Expires=" in cookie  # a permanent session, ending after PERMANENT_SESSION_LIFETIME


def test_production_settings_make_cookies_secure(monkeypatch):
    monkeypatch.setenv("FIELDWORK_ENV", "production")
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    monkeypatch.delenv("SECURITY_HSTS", raising=False)
    cfg = security_settings()
    assert cfg["SESSION_COOKIE_SECURE"] and cfg["REMEMBER_COOKIE_SECURE"]
    assert cfg["SECURITY_HSTS"] and cfg["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    monkeypatch.setenv("FIELDWORK_ENV", "development")
    cfg = security_settings()
    assert not cfg["SESSION_COOKIE_SECURE"] and not cfg["SECURITY_HSTS"]
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "1")
    assert security_settings()["SESSION_COOKIE_SECURE"]
    monkeypatch.delenv("LOGIN_RATE_LIMIT", raising=False)
    assert security_settings()["LOGIN_RATE_LIMIT"] == "10/minute"
    monkeypatch.setenv("LOGIN_RATE_LIMIT", "off")
    assert security_settings()["LOGIN_RATE_LIMIT"] == ""


def test_production_app_sends_secure_cookie(app, client, factory):
    user = factory.user("manager")
    app.config["SESSION_COOKIE_SECURE"] = True
    try:
        resp = login(client, user.email, PASSWORD)
    finally:
        app.config["SESSION_COOKIE_SECURE"] = False
    assert "Secure" in resp.headers["Set-Cookie"]


@pytest.mark.parametrize(("password", "problems"), [
    ("correct-horse-42", []),
    ("Sông Hàn mùa thu", []),
    ("abc1", ["too_short"]),
    ("12345678901234", ["only_digits"]),
    ("lan.nguyen2026!", ["contains_email"]),
    ("LAN.NGUYEN-xyz-1", ["contains_email"]),
    ("hoangngoclan99", ["contains_name"]),
    ("Ngọc-1990-abcd", ["contains_name"]),
    ("password123", ["common"]),
    ("MatKhau123", ["common"]),
    ("aaaaaaaaaaaa", ["common"]),
    ("1234567890", ["only_digits", "common"]),
])
def test_password_rules(password, problems):
    assert password_problems(password, 10, email="lan.nguyen@test.vn",
                             name="Hoàng Ngọc Lan") == problems


def test_short_name_parts_do_not_refuse_passwords():
    # "Văn", "An" are too short to count: many good passwords hold them by chance.
    assert password_problems("vanan-river-77", 10, email="a@b.vn", name="Lê Văn An") == []


def test_demo_and_factory_passwords_pass_the_rules():
    assert password_problems(PASSWORD, 10, email="user1@test.vn", name="Nguyễn Văn Thử") == []
    assert password_problems("demo-pass-2026", 10, email="quanly@demo.vn",
                             name="Trần Minh Quân") == []


def test_rules_apply_when_creating_and_changing(factory, app):
    from fieldwork.auth.operations import change_password
    from fieldwork.errors import OperationError

    with pytest.raises(OperationError, match="họ tên"):
        factory.user("manager", email="x1@test.vn", name="Phạm Thị Hương",
                     password="huong-2026-ok")
    user = factory.user("manager")
    with pytest.raises(OperationError, match="phổ biến"):
        change_password(user, {"current": PASSWORD, "new": "password1234",
                               "confirm": "password1234"}, user)
