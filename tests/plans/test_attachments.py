"""Attachments: type by content, size limit, checksum, versions, never overwritten."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fieldwork.errors import OperationError
from fieldwork.plans import attachments
from fieldwork.plans.models_docs import Attachment, DocKind

from ..conftest import csrf_token, login
from ..factories import PASSWORD
from .helpers import PNG, docx_bytes, pdf, upload


def _count(db) -> int:
    return db.session.scalar(select(func.count(Attachment.id)))


def test_stored_with_checksum_under_data_dir(app, factory):
    manager = factory.user("manager")
    survey = factory.survey()
    body = pdf("x")
    att = upload(survey, manager, DocKind.PLAN_SIGNED, data=body, filename="Kế hoạch đã ký.pdf")
    path = attachments.full_path(att)
    assert path.read_bytes() == body
    assert att.sha256 == hashlib.sha256(body).hexdigest() and att.size == len(body)
    assert Path(app.config["FIELDWORK_DATA_DIR"]) in path.parents
    assert att.filename == "Kế hoạch đã ký.pdf" and att.version == 1
    assert att.content_type == "application/pdf"


def test_new_upload_is_a_new_version_and_old_file_stays(factory):
    manager = factory.user("manager")
    survey = factory.survey()
    v1 = upload(survey, manager, DocKind.REPORT_DRAFT, data=pdf("1"), title="Dự thảo")
    v2 = upload(survey, manager, DocKind.REPORT_DRAFT, data=pdf("2"), title="dự  thảo")
    assert (v1.version, v2.version) == (1, 2)
    assert attachments.full_path(v1).read_bytes() == pdf("1")
    assert attachments.full_path(v2).read_bytes() == pdf("2")
    other = upload(survey, manager, DocKind.REPORT_DRAFT, data=pdf("3"), title="Phụ lục")
    assert other.version == 1


def test_identical_copy_is_refused(factory, db):
    manager = factory.user("manager")
    survey = factory.survey()
    upload(survey, manager, DocKind.OTHER, data=pdf("same"))
    before = _count(db)
    with pytest.raises(OperationError, match="giống hệt|identical"):
        upload(survey, manager, DocKind.OTHER, data=pdf("same"))
    assert _count(db) == before


def test_existing_file_is_never_overwritten(factory):
    manager = factory.user("manager")
    survey = factory.survey()
    a = upload(survey, manager, DocKind.OTHER, data=pdf("keep"), title="A")
    path = attachments.full_path(a)
    mtime = path.stat().st_mtime_ns
    b = upload(survey, manager, DocKind.OTHER, data=pdf("keep"), title="B")  # same bytes
    assert b.path == a.path and path.stat().st_mtime_ns == mtime


@pytest.mark.parametrize(("name", "body", "message"), [
    ("virus.exe", b"MZ\x90\x00" + b"\x00" * 60, "không được chấp nhận|not accepted"),
    ("page.html", b"<html><script>alert(1)</script></html>", "không được chấp nhận|not accepted"),
    ("archive.zip", b"PK\x03\x04" + b"\x00" * 40, "không được chấp nhận|not accepted"),
    ("report.pdf", docx_bytes(), "DOCX"),
    ("scan.docx", PNG, "PNG"),
])
def test_bad_files_are_refused(factory, db, name, body, message):
    manager = factory.user("manager")
    survey = factory.survey()
    before = _count(db)
    with pytest.raises(OperationError, match=message):
        upload(survey, manager, DocKind.OTHER, data=body or b"", filename=name)
    assert _count(db) == before


def test_empty_body_refused(factory):
    manager = factory.user("manager")
    survey = factory.survey()
    with pytest.raises(OperationError):
        attachments.upload(survey, {"kind": "other", "filename": "a.pdf",
                                    "stream": io.BytesIO(b"")}, manager)


def test_too_big_is_refused(app, factory, db):
    manager = factory.user("manager")
    survey = factory.survey()
    app.config["PLANS_MAX_ATTACHMENT_BYTES"] = 1000
    try:
        with pytest.raises(OperationError, match="MB"):
            upload(survey, manager, DocKind.OTHER, data=pdf("x") + b"0" * 2000)
    finally:
        app.config.pop("PLANS_MAX_ATTACHMENT_BYTES")
    assert _count(db) == 0


def test_kind_and_role_checks(factory):
    survey = factory.survey(agencies=[factory.agency()])
    enumerator = factory.user("enumerator")
    reviewer = factory.user("home_affairs")
    manager = factory.user("manager")
    with pytest.raises(OperationError):
        upload(survey, enumerator, DocKind.OTHER)
    with pytest.raises(OperationError):
        upload(survey, reviewer, DocKind.FINAL_REPORT)
    upload(survey, reviewer, DocKind.APPRAISAL)
    with pytest.raises(OperationError, match="Chọn loại|kind"):
        attachments.upload(survey, {"kind": "bogus", "filename": "a.pdf",
                                    "stream": io.BytesIO(pdf())}, manager)
    with pytest.raises(OperationError):  # an agency draft must name an agency in scope
        upload(survey, manager, DocKind.AGENCY_DRAFT, agency_id=None)


def test_web_upload_bad_type_shows_message_and_saves_nothing(client, factory, db):
    manager = factory.user("manager")
    survey = factory.survey()
    login(client, manager.email, PASSWORD)
    token = csrf_token(client, f"/surveys/{survey.code}/step/1")
    resp = client.post(f"/surveys/{survey.code}/attachments", data={
        "csrf_token": token, "kind": "other", "step": "1",
        "file": (io.BytesIO(b"#!/bin/sh\nrm -rf /\n"), "script.pdf")},
        content_type="multipart/form-data", follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "alert-danger" in page and "Traceback" not in page
    assert _count(db) == 0


def test_download_permissions(client, factory, db):
    stp, other = factory.agency(), factory.agency()
    survey = factory.survey(agencies=[stp, other])
    manager = factory.user("manager")
    mine = upload(survey, manager, DocKind.AGENCY_DRAFT, agency_id=stp.id)
    theirs = upload(survey, manager, DocKind.AGENCY_DRAFT, agency_id=other.id)
    internal = upload(survey, manager, DocKind.REPORT_DRAFT)
    reviewer = factory.user("agency", agency=stp)
    login(client, reviewer.email, PASSWORD)
    base = f"/surveys/{survey.code}/attachments"
    for path, status in ((mine.id, 200), (theirs.id, 403), (internal.id, 403), (999999, 404)):
        with client.get(f"{base}/{path}") as resp:
            assert resp.status_code == status


def test_no_upload_on_a_closed_survey(factory, db):
    from fieldwork.plans.models import SurveyStatus
    manager = factory.user("manager")
    survey = factory.survey()
    survey.status = SurveyStatus.CLOSED
    with pytest.raises(OperationError, match="kết thúc|closed"):
        upload(survey, manager, DocKind.OTHER)


def test_agency_cannot_use_the_general_upload(client, factory, db):
    agency = factory.agency()
    survey = factory.survey(agencies=[agency])
    reviewer = factory.user("agency", agency=agency)
    login(client, reviewer.email, PASSWORD)
    token = csrf_token(client, f"/surveys/{survey.code}")
    resp = client.post(f"/surveys/{survey.code}/attachments", data={
        "csrf_token": token, "kind": "comment", "agency_id": agency.id,
        "file": (io.BytesIO(pdf("x")), "y.pdf")}, content_type="multipart/form-data")
    assert resp.status_code == 403 and _count(db) == 0
