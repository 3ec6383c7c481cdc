"""Phone and citizen ID from scans: encrypted at rest, masked and painted over unless entitled."""

from __future__ import annotations

import io
import json
import re

import cv2
import numpy as np
import pytest
from sqlalchemy import select, text

from fieldwork.forms.batches import print_batch
from fieldwork.omr import operations as ops
from fieldwork.omr.contact import mask_values, unseal
from fieldwork.omr.models import ItemStatus, ScanAnswer, ScanPage, VerificationItem
from fieldwork.omr.synth.degrade import Scan
from fieldwork.privacy.operations import grant_contact_access

from ..conftest import csrf_token, login
from ..factories import PASSWORD, approved_version
from .conftest import batch_scans


@pytest.fixture()
def scanned(db, factory, people, client):
    """One Da Nang sheet (phone and citizen ID grids) scanned by the operator."""
    survey = factory.survey("SCAN-DN", agencies=[factory.agency()])
    approved_version(db, survey, people, "danang-2025")
    printed = print_batch(survey, {"count": 1, "agency_id": survey.scope[0].agency_id},
                          people["manager"])
    db.session.commit()
    pages = batch_scans(printed, scan=Scan(skew=0.5, noise=2, jpeg=85))
    c = _as(client, people["scanner"])
    for p in pages:
        token = csrf_token(c, "/scans/")
        c.post("/scans/", content_type="multipart/form-data", data={
            "csrf_token": token, "survey": str(survey.id),
            "files": [(io.BytesIO(p.data), f"p{p.page}.{p.ext}")]})
    phone = "".join(pages[0].truth["phone"]["values"])
    return survey, phone


def _as(client, user):
    fresh = client.application.test_client()
    login(fresh, user.email, PASSWORD)
    return fresh


def _phone(db) -> ScanAnswer:
    return db.session.scalars(select(ScanAnswer).where(ScanAnswer.question == "phone")).one()


def test_contact_readings_are_encrypted_and_masked_at_rest(db, scanned):
    survey, phone = scanned
    answer = _phone(db)
    assert answer.plain_values == list(phone) and answer.values == mask_values("phone", list(phone))
    assert answer.values[:2] == list(phone[:2]) and set(answer.values[2:-3]) == {"x"}
    assert unseal(answer.secret)["boxes"] and phone not in answer.secret
    page = answer.page
    rows = [b for b in page.boxes if b["question"] == "phone"]
    assert rows and all("marked" not in b and "net" not in b for b in rows)
    # Nothing stored in the database spells the number (answers, boxes, queue items).
    dump = " ".join(str(v) for (v,) in db.session.execute(text(
        'SELECT CAST("values" AS TEXT) FROM scan_answers UNION ALL SELECT CAST(boxes AS TEXT) '
        "FROM scan_pages UNION ALL SELECT CAST(read_values AS TEXT) FROM verification_items")))
    assert phone not in dump.replace('", "', "").replace("','", "")
    assert phone not in "".join(re.findall(r"\d", dump))


def test_pages_and_crops_show_contacts_only_to_the_entitled(db, client, people, scanned):
    survey, phone = scanned
    page = db.session.scalars(select(ScanPage).where(ScanPage.page_no == 1)).one()
    scanner = _as(client, people["scanner"])
    html = scanner.get(f"/scans/pages/{page.id}").get_data(as_text=True)
    assert phone not in html and mask_values("phone", list(phone))[0] in html
    assert scanner.get(f"/scans/pages/{page.id}/crop/phone.png").status_code == 403
    assert scanner.get(f"/scans/pages/{page.id}/crop/q01.png").status_code == 200
    grid = [b for b in page.boxes if b["question"] == "phone"]
    x, y = grid[0]["x"] + grid[0]["w"] / 2, grid[0]["y"] + grid[0]["h"] / 2
    # The layout declares the grid with its row of written digits as a contact area.
    from fieldwork.omr.contact import declared_areas
    areas = declared_areas(page)
    assert areas and any(ax <= x <= ax + aw and ay <= y <= ay + ah for ax, ay, aw, ah in areas)
    written = min(areas, key=lambda a: abs(a[0] - grid[0]["x"]))
    assert written[1] < y - 20  # reaches up over the written digits

    def pixel(c, at=None) -> int:
        px, py = at or (x, y)
        resp = c.get(f"/scans/pages/{page.id}/image.jpg")
        image = cv2.imdecode(np.frombuffer(resp.data, np.uint8), cv2.IMREAD_GRAYSCALE)
        resp.close()
        patch = image[int(py * page.scale) - 3:int(py * page.scale) + 4,
                      int(px * page.scale) - 3:int(px * page.scale) + 4]
        return int(np.ptp(patch))

    assert pixel(scanner) <= 6  # painted over: a flat grey patch where the grid was
    assert pixel(scanner, (written[0] + 6, written[1] + 6)) <= 6  # and the written digits
    grant_contact_access(people["manager"], {"survey_id": survey.id}, people["manager"])
    db.session.commit()
    manager = _as(client, people["manager"])
    assert phone in manager.get(f"/scans/pages/{page.id}").get_data(as_text=True)
    resp = manager.get(f"/scans/pages/{page.id}/crop/phone.png")
    assert resp.status_code == 200
    resp.close()
    assert pixel(manager) > 40  # the box outline is there


def test_doubtful_phone_waits_for_an_entitled_verifier(db, client, people, scanned):
    survey, phone = scanned
    answer = _phone(db)
    answer.status = "doubtful"
    db.session.execute(select(VerificationItem))  # no item yet for a clean reading
    ops.open_items(answer.page)
    db.session.commit()
    item = db.session.scalars(select(VerificationItem).where(
        VerificationItem.answer_id == answer.id)).one()
    assert phone not in json.dumps(item.read_values)
    scanner = _as(client, people["scanner"])
    html = scanner.get("/scans/verify").get_data(as_text=True)
    assert f"/scans/verify/{item.id}\"" not in html and "alert-info" in html
    token = csrf_token(scanner, "/scans/")
    scanner.post(f"/scans/verify/{item.id}", data={"csrf_token": token, "action": "accept"})
    assert db.session.get(VerificationItem, item.id).status == ItemStatus.PENDING
    grant_contact_access(people["enumerator"], {"survey_id": survey.id}, people["manager"])
    db.session.commit()
    enumerator = _as(client, people["enumerator"])
    html = enumerator.get(f"/scans/verify?after={item.id - 1}").get_data(as_text=True)
    assert f"/scans/verify/{item.id}" in html and phone in html
    token = csrf_token(enumerator, "/scans/verify")
    fixed = "0912345678"
    enumerator.post(f"/scans/verify/{item.id}", data={"csrf_token": token, "action": "set",
                                                       "digits": fixed})
    db.session.expire_all()
    item = db.session.get(VerificationItem, item.id)
    assert item.status == ItemStatus.DECIDED and item.decided_values == mask_values(
        "phone", list(fixed))
    assert item.answer.plain_values == list(fixed) and item.answer.values != list(fixed)
    from fieldwork.audit.models import AuditEvent
    ev = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "scan.verify")).one()
    assert fixed not in json.dumps(ev.after) and phone not in json.dumps(ev.before)
