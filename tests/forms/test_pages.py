"""Questionnaire and print pages through the web client, as each role."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from fieldwork.forms.models import PrintBatch, QuestionnaireVersion, VersionStatus

from ..conftest import csrf_token, login
from ..factories import PASSWORD


def _as(client, factory, role):
    user = factory.user(role)
    login(client, user.email, PASSWORD)
    return user


@pytest.mark.parametrize("role, status", [
    ("manager", 200), ("home_affairs", 200), ("enumerator", 200), ("scanner", 200),
    ("agency", 403), ("recheck", 403), ("public", 403)])
def test_version_pages_by_role(client, factory, survey, approved, role, status):
    _as(client, factory, role)
    base = f"/surveys/{survey.code}/questionnaire"
    assert client.get(base + "/").status_code == status
    assert client.get(base + "/v1").status_code == status
    if status == 200:
        pdf = client.get(base + "/v1/preview.pdf")
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
        assert pdf.headers["Content-Type"] == "application/pdf"
        assert "inline" in pdf.headers.get("Content-Disposition", "inline")


def test_manager_builds_gets_approval_and_prints(client, factory, survey, db):
    manager = _as(client, factory, "manager")
    base = f"/surveys/{survey.code}/questionnaire"
    token = csrf_token(client, base + "/")
    resp = client.post(base + "/new", data={"template": "danang-2025", "csrf_token": token})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/v1")
    page = client.get(base + "/v1").get_data(as_text=True)
    assert "Chưa hài lòng" in page and "Gửi Sở Nội vụ" in page
    # edit a question of the draft
    resp = client.post(base + "/v1/q/q03", data={
        "text": "Góp ý khác của Ông/Bà", "text_en": "", "relevant": "", "csrf_token": token})
    assert resp.status_code == 302
    # live printing is refused before approval
    resp = client.post(base + "/print", data={"version": "1", "count": "5",
                                              "assigned_user_id": "0",
                                              "assigned_agency_id": "0", "csrf_token": token})
    assert "phê duyệt" in resp.get_data(as_text=True)
    assert client.post(base + "/v1/transition/submit",
                       data={"csrf_token": token}).status_code == 302
    client.post("/logout", data={"csrf_token": token})
    reviewer = _as(client, factory, "home_affairs")
    token = csrf_token(client, base + "/v1")
    assert "Phê duyệt" in client.get(base + "/v1").get_data(as_text=True)
    client.post(base + "/v1/transition/approve", data={"csrf_token": token, "comment": "OK"})
    v1 = db.session.scalar(select(QuestionnaireVersion).where(
        QuestionnaireVersion.survey_id == survey.id))
    assert v1.status == VersionStatus.APPROVED and v1.decided_by_id == reviewer.id
    # the reviewer may not print
    resp = client.post(base + "/print", data={"version": "1", "count": "5",
                                              "assigned_user_id": "0",
                                              "assigned_agency_id": "0", "csrf_token": token})
    assert resp.status_code == 403
    client.post("/logout", data={"csrf_token": token})
    login(client, manager.email, PASSWORD)
    token = csrf_token(client, base + "/print")
    target = f"agency:{survey.scope[0].agency_id}"
    resp = client.post(base + "/print", data={"target": target, "version": "1", "count": "5",
                                              "field_id": "0", "assigned_user_id": "0",
                                              "csrf_token": token})
    assert resp.status_code == 302
    batch = db.session.scalar(select(PrintBatch))
    assert batch.count == 5 and not batch.pilot and batch.agency_id == survey.scope[0].agency_id
    pdf = client.get(f"{base}/print/{batch.id}.pdf")
    assert pdf.data.startswith(b"%PDF")
    pdf.close()
    resp = client.get(f"{base}/print/{batch.id}.layout.json")
    assert resp.get_json()["survey"] == survey.code
    resp.close()
    # frozen: the edit page of an approved version is refused
    assert client.get(base + "/v1/q/q03").status_code == 403


def test_compare_versions(client, factory, survey, approved, db):
    from fieldwork.forms import operations as ops
    manager = _as(client, factory, "manager")
    draft = ops.create_from_version(approved, manager)
    ops.update_question(draft, "q01", {"text": "Câu hỏi đã sửa"}, manager)
    db.session.commit()
    html = client.get(f"/surveys/{survey.code}/questionnaire/compare?a=1&b=2"
                      ).get_data(as_text=True)
    assert "q01" in html and "Câu hỏi đã sửa" in html


def _xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    for r in rows:
        ws.append(r)
    wb.create_sheet("choices").append(["list_name", "name", "label::Tiếng Việt (vi)"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_broken_xlsform_lists_row_errors_and_saves_nothing(client, factory, survey, db):
    _as(client, factory, "manager")
    base = f"/surveys/{survey.code}/questionnaire"
    token = csrf_token(client, base + "/")
    data = _xlsx([["type", "name", "label::Tiếng Việt (vi)"],
                  ["geopoint", "where", "Vị trí"]])
    resp = client.post(base + "/import", data={
        "file": (io.BytesIO(data), "broken.xlsx"), "csrf_token": token},
        content_type="multipart/form-data")
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "geopoint" in html
    assert db.session.scalar(select(func.count()).select_from(QuestionnaireVersion)) == 0
    resp = client.post(base + "/import", data={
        "file": (io.BytesIO(b"not a workbook"), "x.txt"), "csrf_token": token},
        content_type="multipart/form-data")
    assert resp.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(QuestionnaireVersion)) == 0


def test_xlsform_export_then_import_round_trip(client, factory, survey, approved, db):
    _as(client, factory, "manager")
    base = f"/surveys/{survey.code}/questionnaire"
    data = client.get(base + "/v1/xlsform.xlsx").data
    token = csrf_token(client, base + "/")
    resp = client.post(base + "/import", data={
        "file": (io.BytesIO(data), "v1.xlsx"), "csrf_token": token},
        content_type="multipart/form-data")
    assert resp.status_code == 302
    v2 = db.session.scalar(select(QuestionnaireVersion).where(QuestionnaireVersion.number == 2))
    assert v2.questionnaire == approved.questionnaire


def test_a_kobo_form_imports_on_the_page_and_says_what_it_decided(client, factory, survey, db):
    from .test_xlsform_odk import KOBO

    _as(client, factory, "manager")
    base = f"/surveys/{survey.code}/questionnaire"
    resp = client.post(base + "/import", data={
        "file": (io.BytesIO(KOBO), "kobo.xlsx"), "csrf_token": csrf_token(client, base + "/")},
        content_type="multipart/form-data", follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "câu &#39;age&#39; (integer) không có giá trị tối đa" in html
    version = db.session.scalar(select(QuestionnaireVersion))
    assert version.questionnaire.question("Q1").hint == "Chọn một ô"
    assert '<div class="small text-muted fst-italic q-hint">Chọn một ô</div>' in html
    assert '<div class="small fw-semibold q-note">Phần dành cho người trả lời</div>' in html
    assert "Từ 1 đến 20 lần" in html
