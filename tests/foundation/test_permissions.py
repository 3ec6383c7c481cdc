"""Role decorators and per-object checks: every role against every protected page."""

from __future__ import annotations

import pytest

from fieldwork.auth.roles import RoleName

from ..conftest import login
from ..factories import PASSWORD

ROLES = [r.value for r in RoleName]

# page -> roles allowed (everyone else signed in gets 403)
PAGES = {
    "/users": {"manager"},
    "/users/new": {"manager"},
    "/audit/": {"manager", "home_affairs"},
    "/directory/agencies": {"manager", "home_affairs", "enumerator", "scanner", "recheck"},
    "/directory/fields": {"manager", "home_affairs", "enumerator", "scanner", "recheck"},
    "/surveys/new": {"manager"},
    "/surveys/": set(ROLES),
    "/": set(ROLES),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", sorted(PAGES))
def test_role_against_page(client, factory, role, path):
    user = factory.user(role)
    assert login(client, user.email, PASSWORD).status_code == 302
    resp = client.get(path)
    expected = 200 if role in PAGES[path] else 403
    assert resp.status_code == expected, (role, path)
    if expected == 403:
        assert "Không có quyền truy cập" in resp.get_data(as_text=True)


@pytest.mark.parametrize("path", sorted(PAGES))
def test_anonymous_is_sent_to_login(client, path):
    resp = client.get(path)
    assert resp.status_code == 302
    assert "/login" in resp.headers["Location"]


def test_agency_reviewer_sees_only_surveys_covering_own_agency(client, factory):
    mine, other = factory.agency("Sở A"), factory.agency("Sở B")
    covering = factory.survey("COVER-1", agencies=[mine, other])
    not_covering = factory.survey("OTHER-1", agencies=[other])
    reviewer = factory.user("agency", agency=mine)
    login(client, reviewer.email, PASSWORD)
    assert client.get(f"/surveys/{not_covering.code}").status_code == 403
    page = client.get(f"/surveys/{covering.code}").get_data(as_text=True)
    assert "Sở A" in page and "Sở B" not in page
    listing = client.get("/surveys/").get_data(as_text=True)
    assert "COVER-1" in listing and "OTHER-1" not in listing


def test_unknown_survey_is_404_page(client, factory):
    user = factory.user("manager")
    login(client, user.email, PASSWORD)
    resp = client.get("/surveys/NOPE-1")
    assert resp.status_code == 404
    assert "Không tìm thấy" in resp.get_data(as_text=True)


def test_manager_creates_user_and_survey_through_forms(client, factory, db):
    from ..conftest import csrf_token
    manager = factory.user("manager")
    agency = factory.agency("Phường Thử")
    login(client, manager.email, PASSWORD)
    token = csrf_token(client, "/users/new")
    resp = client.post("/users/new", data={
        "email": "new.reviewer@test.vn", "name": "Lê Văn Mới", "password": "first-pass-123",
        "roles": ["agency"], "agency_id": str(agency.id), "csrf_token": token})
    assert resp.status_code == 302
    dup = client.post("/users/new", data={
        "email": "new.reviewer@test.vn", "name": "X", "password": "first-pass-123",
        "roles": ["enumerator"], "agency_id": "0", "csrf_token": token})
    assert dup.status_code == 422
    resp = client.post("/surveys/new", data={
        "code": "dn-2027", "title": "Khảo sát 2027", "year": "2027", "csrf_token": token})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/surveys/DN-2027")
    bad = client.post("/surveys/new", data={
        "code": "DN-2027", "title": "Trùng", "year": "2027", "csrf_token": token})
    assert bad.status_code == 422
