"""Handwritten answers cut from scans are typed in a queue, audited, and marked for review."""

from __future__ import annotations

import io

from sqlalchemy import select

from fieldwork.audit.models import AuditEvent
from fieldwork.forms.batches import print_batch
from fieldwork.omr.models import ScanSheet, TextRegion
from fieldwork.omr.synth.degrade import Scan

from ..conftest import csrf_token
from ..factories import approved_version
from .conftest import batch_scans
from .test_station import _as, _upload


def test_texts_with_writing_are_typed_one_by_one(db, client, factory, people):
    survey = factory.survey("SCAN-TXT", agencies=[factory.agency()])
    approved_version(db, survey, people, "danang-2025")
    printed = print_batch(survey, {"count": 3, "agency_id": survey.scope[0].agency_id},
                          people["manager"])
    db.session.commit()
    scanner = _as(client, people["scanner"])
    for p in batch_scans(printed, scan=Scan(noise=2, jpeg=85)):
        _upload(scanner, [(io.BytesIO(p.data), f"p{p.page}.{p.ext}")], survey=str(survey.id))
    regions = db.session.scalars(select(TextRegion).order_by(TextRegion.id)).all()
    inked = [r for r in regions if r.has_ink]
    assert inked and len(inked) < len(regions) and all(r.text is None for r in regions)
    enumerator = _as(client, people["enumerator"])
    html = enumerator.get("/scans/texts").get_data(as_text=True)
    first = inked[0]
    sheet = db.session.scalars(select(ScanSheet).where(
        ScanSheet.serial == first.page.serial)).one()
    stamp = sheet.updated_at
    assert f"/scans/text/{first.id}.png" in html and f"/scans/texts/{first.id}" in html
    token = csrf_token(enumerator, "/scans/texts")
    resp = enumerator.post(f"/scans/texts/{first.id}", data={"csrf_token": token,
                                                              "text": "  Thủ tục   nhanh  "})
    assert resp.status_code == 302 and f"after={first.id}" in resp.headers["Location"]
    db.session.expire_all()
    assert db.session.get(TextRegion, first.id).text == "Thủ tục nhanh"
    ev = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "scan.text")).one()
    assert ev.before == {"text": None} and ev.after["text"] == "Thủ tục nhanh"
    too_long = enumerator.post(f"/scans/texts/{first.id}", data={"csrf_token": token,
                                                                  "text": "x" * 2001})
    assert too_long.status_code == 302
    assert db.session.get(TextRegion, first.id).text == "Thủ tục nhanh"
    assert _as(client, people["agency"]).get("/scans/texts").status_code == 403
    # The sheet is marked as changed, so review takes the text in while it is untouched.
    db.session.expire_all()
    assert db.session.get(ScanSheet, sheet.id).updated_at > stamp
