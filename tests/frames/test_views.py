"""Frame pages: upload, mapping with dry run, counts, draw, lists; manager only."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from fieldwork.frames.models import FrameDossier, FrameDraw

from ..conftest import csrf_token, login
from ..factories import PASSWORD
from .helpers import dossier, frame_csv, sample_frame


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_web_flow(client, db, setup):
    login(client, setup["manager"].email, PASSWORD)
    page = client.get("/frames/FR-1")
    assert page.status_code == 200 and "FR-1" in page.get_data(as_text=True)
    bad = dossier(9)
    bad[4], bad[6] = "20/03/2026", "10/03/2026"
    resp = client.post("/frames/FR-1/upload", data={
        "csrf_token": csrf_token(client, "/frames/FR-1"),
        "file": (io.BytesIO(frame_csv(sample_frame() + [bad])), "hoso.csv")},
        content_type="multipart/form-data")
    assert resp.status_code == 302
    url = resp.headers["Location"]
    page = client.get(url).get_data(as_text=True)
    assert '<option selected value="Mã hồ sơ">' in page
    form = {"csrf_token": csrf_token(client, url), "map_code": "Mã hồ sơ",
            "map_agency": "Cơ quan", "map_field": "Lĩnh vực", "map_received_on": "Ngày tiếp nhận",
            "map_returned_on": "Ngày trả kết quả", "map_due_on": "Ngày hẹn trả",
            "map_name": "Họ và tên", "map_phone": "Số điện thoại"}
    page = client.post(url, data={**form, "dry_run": "1"}).get_data(as_text=True)
    assert 'id="frame-errors"' in page and "10/03/2026" in page
    assert count(db, FrameDossier) == 0
    client.post(url, data={**form, "commit": "1"})
    assert count(db, FrameDossier) == 0  # one bad row stops the file
    resp = client.post(url, data={**form, "commit": "1", "skip_invalid": "y"})
    assert resp.status_code == 302 and count(db, FrameDossier) == 9
    assert client.get(url).status_code == 404
    token = csrf_token(client, "/frames/FR-1")
    resp = client.post("/frames/FR-1/counts", data={"csrf_token": token})
    assert resp.status_code == 302
    page = client.get("/frames/FR-1").get_data(as_text=True)
    assert 'id="plan-counts"' in page and "Sở Tư pháp" in page
    draw = {"csrf_token": token, "seed": "5", "method": "simple", "by_field": "y",
            "late_first": "y", "reserve_percent": "20"}
    resp = client.post("/frames/FR-1/draw", data=draw)
    assert resp.status_code == 302 and "/frames/draws/" in resp.headers["Location"]
    made = db.session.scalar(select(FrameDraw))
    assert made.late_first and made.by_field and made.drawn == 5 + 2  # 6 -> 5.83, 3 -> 2.96
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert 'id="allocation"' in page
    resp = client.post("/frames/FR-1/draw", data=draw, follow_redirects=True)
    assert count(db, FrameDraw) == 1 and "5" in resp.get_data(as_text=True)
    resp = client.post("/frames/FR-1/draw", data={**draw, "reason": "Sửa khung"})
    assert count(db, FrameDraw) == 2
    files = f"/frames/draws/{made.id}/files/"
    csv_resp = client.get(files + "draw")
    assert csv_resp.mimetype == "text/csv" and "HS-TP-00001" in csv_resp.get_data(as_text=True)
    calls_resp = client.get(files + "calls")
    assert "xx xxx" in calls_resp.get_data(as_text=True)  # no contact-data right: masked
    for resp in (csv_resp, calls_resp):  # lists of respondents are never cached (issue 15)
        assert resp.headers["Cache-Control"] == "private, no-store"
    pdf = client.get(files + "invitations")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert client.get(files + "other").status_code == 404
    assert client.get("/frames/").status_code == 200


@pytest.mark.parametrize("role", ["enumerator", "home_affairs", "recheck", "scanner"])
def test_others_are_refused(client, db, setup, factory, role):
    user = factory.user(role)
    login(client, user.email, PASSWORD)
    assert client.get("/frames/").status_code == 403
    assert client.get("/frames/FR-1").status_code == 403


def test_closed_survey_message(client, db, setup):
    from fieldwork.plans.models import SurveyStatus
    setup["survey"].status = SurveyStatus.CLOSED
    db.session.commit()
    login(client, setup["manager"].email, PASSWORD)
    resp = client.post("/frames/FR-1/draw", data={
        "csrf_token": csrf_token(client, "/frames/FR-1"), "seed": "1", "method": "simple",
        "reserve_percent": "20"}, follow_redirects=True)
    assert resp.status_code == 200 and "FR-1" in resp.get_data(as_text=True)
    assert count(db, FrameDraw) == 0
