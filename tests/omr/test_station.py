"""The scanning station in the browser: upload, progress, rejects, replace, verification queue."""

from __future__ import annotations

import io
import re

from sqlalchemy import select

from fieldwork.audit.models import AuditEvent
from fieldwork.omr import verify
from fieldwork.omr.models import (
    ItemStatus,
    PageStatus,
    ScanBatch,
    ScanPage,
    ScanSheet,
    SheetStatus,
    VerificationItem,
)
from fieldwork.omr.synth.degrade import Scan
from fieldwork.omr.synth.respondent import Rates

from ..conftest import csrf_token, login
from ..factories import PASSWORD
from .conftest import batch_scans

DOUBLES = Rates(stray_per_page=0.0, correction=0.0, double=1.0, blank_required=0.0,
                styles={"solid": 1.0})


def _upload(client, files, **fields):
    token = csrf_token(client, "/scans/")
    data = {"csrf_token": token, "files": files, "note": "Phường 3", **fields}
    return client.post("/scans/", data=data, content_type="multipart/form-data")


def _as(client, user):
    """A fresh browser session signed in as ``user``."""
    fresh = client.application.test_client()
    login(fresh, user.email, PASSWORD)
    return fresh


def test_roles(client, people, survey):
    client = _as(client, people["agency"])
    assert client.get("/scans/").status_code == 403
    assert client.get("/scans/verify").status_code == 403
    client = _as(client, people["scanner"])
    assert client.get("/scans/").status_code == 200


def test_upload_reads_off_the_request_and_lists_rejects(db, client, people, survey, printed):
    client = _as(client, people["scanner"])
    page = batch_scans(printed, only={"00000001"})[0]
    files = [(io.BytesIO(page.data), f"p1.{page.ext}"),
             (io.BytesIO(b"\xff\xd8\xff\xe0 broken"), "broken.jpg")]
    resp = _upload(client, files, survey=str(survey.id))
    assert resp.status_code == 302
    batch = db.session.scalars(select(ScanBatch)).one()
    assert resp.headers["Location"].endswith(f"/scans/{batch.id}")
    html = client.get(f"/scans/{batch.id}").get_data(as_text=True)
    assert "broken.jpg" in html and "Tệp bị hỏng hoặc bị cắt cụt" in html
    prog = client.get(f"/scans/{batch.id}/progress").get_json()
    assert (prog["status"], prog["read"], prog["rejected"], prog["files_done"]) == \
        ("done", 1, 1, 2)
    read = db.session.scalars(select(ScanPage).where(ScanPage.status == PageStatus.READ)).one()
    assert client.get(f"/scans/pages/{read.id}").status_code == 200
    img = client.get(f"/scans/pages/{read.id}/image.jpg")
    assert img.status_code == 200 and img.data[:3] == b"\xff\xd8\xff"
    crop = client.get(f"/scans/pages/{read.id}/crop/{read.answers[0].question}.png")
    assert crop.status_code == 200 and crop.data.startswith(b"\x89PNG")


def test_upload_refuses_wrong_type_and_oversize(db, app, client, people, survey):
    client = _as(client, people["scanner"])
    resp = _upload(client, [(io.BytesIO(b"MZ\x90\x00 an exe"), "scan.pdf")],
                   survey=str(survey.id))
    assert resp.status_code == 302 and db.session.scalars(select(ScanBatch)).first() is None
    app.config["OMR_MAX_UPLOAD_BYTES"] = 1000
    try:
        resp = _upload(client, [(io.BytesIO(b"%PDF-1.4" + b"0" * 5000), "big.pdf")],
                       survey=str(survey.id))
    finally:
        del app.config["OMR_MAX_UPLOAD_BYTES"]
    assert resp.status_code == 302 and db.session.scalars(select(ScanBatch)).first() is None


def test_rescan_replaces_only_by_an_audited_decision(db, client, people, survey, printed):
    client = _as(client, people["scanner"])
    first = batch_scans(printed, only={"00000002"})[0]
    again = batch_scans(printed, seed=4, only={"00000002"}, scan=Scan(rotation=90))[0]
    _upload(client, [(io.BytesIO(first.data), "a.png")], survey=str(survey.id))
    _upload(client, [(io.BytesIO(again.data), "b.png")], survey=str(survey.id))
    old, dup = db.session.scalars(select(ScanPage).order_by(ScanPage.id)).all()
    assert (old.status, dup.status, dup.duplicate_of_id) == \
        (PageStatus.READ, PageStatus.DUPLICATE, old.id)
    token = csrf_token(client, f"/scans/pages/{dup.id}")
    client.post(f"/scans/pages/{dup.id}/replace", data={"csrf_token": token, "reason": ""})
    assert db.session.get(ScanPage, dup.id).status == PageStatus.DUPLICATE
    client.post(f"/scans/pages/{dup.id}/replace",
                data={"csrf_token": token, "reason": "Lần quét đầu bị mờ"})
    db.session.expire_all()
    assert db.session.get(ScanPage, old.id).status == PageStatus.REPLACED
    assert db.session.get(ScanPage, dup.id).status == PageStatus.READ
    ev = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "scan.replace")).one()
    assert ev.reason == "Lần quét đầu bị mờ" and ev.after["counted_page"] == dup.id


def test_verification_queue_one_key_decisions(db, client, people, survey, printed):
    client = _as(client, people["scanner"])
    pages = batch_scans(printed, only={"00000003"}, rates=DOUBLES, scan=Scan(jpeg=50))
    for p in pages:  # one request each: the test client spools bodies over 500 kB to a file
        _upload(client, [(io.BytesIO(p.data), f"p{p.page}.jpg")], survey=str(survey.id))
    items = db.session.scalars(select(VerificationItem).order_by(VerificationItem.id)).all()
    # Double marks are queued as such; one may come as doubtful (ink spilling beside it).
    assert len(items) >= 10 and all(i.reason in ("multiple", "doubtful") for i in items)
    assert sum(i.reason == "multiple" for i in items) >= len(items) - 2
    sheet = db.session.scalars(select(ScanSheet)).one()
    assert sheet.status == SheetStatus.TO_VERIFY and not sheet.countable
    client = _as(client, people["enumerator"])
    html = client.get("/scans/verify").get_data(as_text=True)
    assert f"/scans/verify/{items[0].id}" in html and "<kbd>1</kbd>" in html
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    first = items[0]
    option = verify.options_of(first.answer.page, first.answer.question)[0]
    resp = client.post(f"/scans/verify/{first.id}",
                       data={"csrf_token": token, "action": "set", "values": option})
    assert resp.status_code == 302 and f"after={first.id}" in resp.headers["Location"]
    db.session.expire_all()
    first = db.session.get(VerificationItem, first.id)
    assert (first.status, first.answer.values, first.answer.source) == \
        (ItemStatus.DECIDED, [option], "verified")
    ev = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "scan.verify")).one()
    assert ev.before["status"] == "multiple" and ev.after["values"] == [option]
    bad = client.post(f"/scans/verify/{items[1].id}",
                      data={"csrf_token": token, "action": "set", "values": ["x1", "x2"]})
    assert bad.status_code == 302
    assert db.session.get(VerificationItem, items[1].id).status == ItemStatus.PENDING
    client.post(f"/scans/verify/{items[1].id}", data={"csrf_token": token, "action": "invalid"})
    for item in items[2:]:
        client.post(f"/scans/verify/{item.id}", data={"csrf_token": token, "action": "blank"})
    db.session.expire_all()
    assert db.session.scalars(select(ScanSheet)).one().status == SheetStatus.COMPLETE
    assert "alert-success" in client.get("/scans/verify").get_data(as_text=True)
