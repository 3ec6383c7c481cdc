"""Scanned sheets become entry records once complete; taking them in twice adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from fieldwork.entry.models import EntrySheet, ReviewState, SheetSource
from fieldwork.entry.sources import sync_from_omr
from fieldwork.omr.contact import is_contact, seal
from fieldwork.omr.models import (
    PageStatus,
    ScanAnswer,
    ScanBatch,
    ScanFile,
    ScanPage,
    ScanSheet,
    SheetStatus,
)

from ..conftest import csrf_token
from .conftest import sign_in


def scanned(db, survey, batch, serial: int, answers: dict, status=SheetStatus.COMPLETE,
            sources: dict | None = None) -> ScanSheet:
    """The rows the scanning station leaves for a sheet read from one page."""
    sb = ScanBatch(survey_id=survey.id, source="test")
    db.session.add(sb)
    db.session.flush()
    f = ScanFile(batch_id=sb.id, name="a.png", path="x/a.png", sha256="0" * 64)
    db.session.add(f)
    db.session.flush()
    page = ScanPage(batch_id=sb.id, file_id=f.id, index=0, status=PageStatus.READ,
                    survey_id=survey.id, serial=serial, page_no=1, version_id=batch.version_id,
                    print_batch_id=batch.id)
    db.session.add(page)
    db.session.flush()
    for code, values in answers.items():
        secret = None
        if is_contact(code):  # as the station stores them: masked, the reading sealed
            values, secret = seal(code, values, [])
        db.session.add(ScanAnswer(page_id=page.id, question=code, kind="single",
                                  values=values, status="ok", secret=secret,
                                  source=(sources or {}).get(code, "omr")))
    sheet = ScanSheet(survey_id=survey.id, serial=serial, pages_read=1, status=status)
    db.session.add(sheet)
    db.session.commit()
    return sheet


READ = {"phone": list("0912345678"), "citizen_id": [], "survey_date": list("12052026"),
        "q01": ["no"], "q02": ["reason_b", "reason_c"]}


def test_complete_scans_are_taken_in_once(db, survey, batch, people):
    scanned(db, survey, batch, 7, READ, sources={"q02": "verified"})
    scanned(db, survey, batch, 8, READ, status=SheetStatus.TO_VERIFY)
    assert sync_from_omr(survey, people["manager"]) == 1
    assert sync_from_omr(survey, people["manager"]) == 0
    sheets = db.session.scalars(select(EntrySheet)).all()
    assert [s.serial for s in sheets] == [7]
    sheet = sheets[0]
    assert sheet.source == SheetSource.OMR and sheet.enumerator_id == people["lan"].id
    answers = sheet.answer_map()
    assert answers["q02"].values == ["reason_b", "reason_c"]
    assert answers["q02"].source == "verified" and answers["q01"].source == "omr"
    assert answers["phone"].status == "contact" and sheet.phone_hash
    from fieldwork.privacy.crypto import blind_index
    assert sheet.phone_hash == blind_index("phone", "0912345678")
    # The agency is printed on the sheet and taken from its record; nothing else is missing:
    # the sheet comes in received, with no issues.
    assert sheet.agency_id == survey.scope[0].agency_id
    assert answers["agency"].values == [survey.scope[0].agency.name]
    assert sheet.review_state == ReviewState.RECEIVED and sheet.note == ""


def test_a_scanned_sheet_is_not_keyed_again(client, db, survey, batch, people):
    scanned(db, survey, batch, 3, READ)
    sign_in(client, people["manager"])
    html = client.get(f"/entry/reviews?survey={survey.code}").get_data(as_text=True)
    assert "00000003" in html  # opening the list takes scans in
    res = client.get(f"/entry/{survey.code}/key/3", follow_redirects=True)
    assert "read from its scan" in res.get_data(as_text=True)
    token = csrf_token(client, f"/entry/{survey.code}/key")
    res = client.post(f"/entry/{survey.code}/sync", data={"csrf_token": token},
                      follow_redirects=True)
    assert "0 scanned sheet" in res.get_data(as_text=True)
    assert db.session.scalar(select(func.count(EntrySheet.id))) == 1


def test_a_sheet_being_scanned_is_not_keyed(client, db, survey, batch, people):
    scanned(db, survey, batch, 4, READ, status=SheetStatus.TO_VERIFY)
    scanned(db, survey, batch, 5, READ, status=SheetStatus.INCOMPLETE)
    sign_in(client, people["lan"])
    res = client.get(f"/entry/{survey.code}/key/4", follow_redirects=True)
    assert "verification queue" in res.get_data(as_text=True)
    assert client.get(f"/entry/{survey.code}/key/5").status_code == 200  # pages missing


def test_sheet_page_links_its_scan(client, db, survey, batch, people):
    scanned(db, survey, batch, 6, READ)
    sync_from_omr(survey, people["manager"])
    db.session.commit()
    sign_in(client, people["manager"])
    html = client.get(f"/entry/{survey.code}/sheets/6").get_data(as_text=True)
    assert "/scans/pages/" in html and "Scan (OMR)" in html


def test_a_rescan_refreshes_only_unreviewed_sheets(db, survey, batch, people):
    from datetime import timedelta

    from fieldwork.entry import operations as ops
    from fieldwork.timeutil import utcnow

    scan = scanned(db, survey, batch, 2, READ)
    assert sync_from_omr(survey, people["manager"]) == 1
    answer = db.session.scalar(select(ScanAnswer).where(ScanAnswer.question == "q01"))
    answer.values = ["yes"]
    scan.updated_at = utcnow() + timedelta(minutes=5)  # the station re-read the sheet
    db.session.commit()
    assert sync_from_omr(survey, people["manager"]) == 1
    sheet = db.session.scalar(select(EntrySheet).where(EntrySheet.serial == 2))
    assert sheet.answer_map()["q01"].values == ["yes"]
    ops.transition(sheet, "approve", people["manager"])
    answer.values = ["no"]
    scan.updated_at = utcnow() + timedelta(minutes=10)
    db.session.commit()
    assert sync_from_omr(survey, people["manager"]) == 0
    assert sheet.answer_map()["q01"].values == ["yes"]  # reviewed sheets never change
