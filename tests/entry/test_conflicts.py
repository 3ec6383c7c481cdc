"""A sheet keyed first and scanned later: the two are compared, a disagreement is adjudicated."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from fieldwork.audit.models import AuditEvent
from fieldwork.entry import operations as ops
from fieldwork.entry.double import adjudicate
from fieldwork.entry.models import EntryDifference, EntrySheet, ReviewState, Stage
from fieldwork.entry.sources import sync_from_omr
from fieldwork.errors import OperationError
from fieldwork.omr.models import ScanPage

from ..conftest import csrf_token
from .conftest import key_sheet, sign_in, typed
from .test_sources import scanned

# What the station reads from a sheet whose paper says "Hài lòng" but whose mark is too faint:
# the keyer saw it, the reader did not.
SAME = {"phone": list("0912345678"), "citizen_id": list("048123456789"),
        "survey_date": list("12052026"), "q01": ["yes"], "q02": []}
BLANK = {**SAME, "q01": []}


def _keyed(client, db, survey, people, serial: int, **changes) -> EntrySheet:
    sign_in(client, people["lan"])
    res = key_sheet(client, survey, serial, typed(**changes))
    assert res.status_code in (302, 303), res.get_data(as_text=True)[:400]
    return db.session.scalar(select(EntrySheet).where(EntrySheet.serial == serial))


def _with_boxes(db, serial: int) -> None:
    page = db.session.scalar(select(ScanPage).where(ScanPage.serial == serial))
    page.boxes = [{"question": "q01", "x": 10, "y": 10, "w": 40, "h": 10}]
    db.session.commit()


def test_a_scan_agreeing_with_the_keying_is_linked_and_audited(client, db, survey, batch,
                                                                people):
    sheet = _keyed(client, db, survey, people, 3)
    scanned(db, survey, batch, 3, SAME)
    assert sync_from_omr(survey, people["manager"]) == 1
    assert sheet.scan_sheet_id is not None and sheet.stage == Stage.FINAL
    assert not sheet.differences
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "entry.scan_agrees")) is not None
    assert sync_from_omr(survey, people["manager"]) == 0  # compared once


def test_a_disagreeing_scan_goes_to_adjudication_with_both_values_and_the_crop(
        client, db, survey, batch, people):
    sheet = _keyed(client, db, survey, people, 4)
    ops.transition(sheet, "approve", people["manager"])
    db.session.commit()
    scanned(db, survey, batch, 4, BLANK)
    _with_boxes(db, 4)
    assert sync_from_omr(survey, people["manager"]) == 1
    db.session.commit()
    diff = db.session.scalar(select(EntryDifference).where(EntryDifference.sheet_id == sheet.id))
    assert (diff.question, diff.kind, diff.scan_values, diff.resolved) == ("q01", "scan", [],
                                                                            False)
    assert sheet.stage == Stage.ADJUDICATION
    # An approved sheet whose scan disagrees leaves statistics until it is decided.
    assert sheet.review_state == ReviewState.HAS_ISSUES and sheet.approved_at is None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "entry.scan_conflict"))
    assert event.after["questions"] == ["q01"] and event.before == {"state": "approved"}

    sign_in(client, people["manager"])
    listing = client.get(f"/entry/adjudication?survey={survey.code}").get_data(as_text=True)
    assert "00000004" in listing and "Keying and scan" in listing
    page = client.get(f"/entry/{survey.code}/sheets/4/adjudicate").get_data(as_text=True)
    assert "Keyed" in page and "Scan" in page
    assert "Satisfied" in page or "Hài lòng" in page  # the keyed value, as a person reads it
    assert "/crop" in page  # the scanned answer's crop beside the two values

    token = csrf_token(client, f"/entry/{survey.code}/sheets/4/adjudicate")
    res = client.post(f"/entry/{survey.code}/sheets/4/adjudicate",
                      data={"csrf_token": token, "choice_q01": "keyed"})
    assert res.status_code == 302
    db.session.expire_all()
    sheet = db.session.get(EntrySheet, sheet.id)
    assert sheet.stage == Stage.FINAL and sheet.answer_map()["q01"].values == ["yes"]
    decided = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "entry.adjudicate"))
    assert decided.after["kind"] == "scan"
    assert decided.after["decisions"]["q01"]["choice"] == "keyed"


def test_the_adjudicator_may_keep_the_scan_and_the_keyer_may_not_decide(client, db, survey,
                                                                         batch, people):
    sheet = _keyed(client, db, survey, people, 5)
    scanned(db, survey, batch, 5, {**SAME, "phone": list("0987654321")})
    sync_from_omr(survey, people["manager"])
    diff = {d.question for d in sheet.differences}
    assert diff == {"phone"}  # compared by blind index; the values stay encrypted
    assert db.session.scalar(select(EntryDifference.scan_values)) is None
    with pytest.raises(OperationError, match="người khác phải phân xử"):
        adjudicate(sheet, {"phone": {"choice": "scan"}}, people["lan"])
    adjudicate(sheet, {"phone": {"choice": "scan"}}, people["manager"])
    from fieldwork.privacy.crypto import blind_index
    assert sheet.phone_hash == blind_index("phone", "0987654321")
    assert sheet.stage == Stage.FINAL


def test_a_double_keyed_sheet_is_compared_once_both_keyings_are_in(client, db, survey, batch,
                                                                    people):
    ops.update_settings(survey, {"double_mode": "all", "seed": 1}, people["manager"])
    db.session.commit()
    sheet = _keyed(client, db, survey, people, 6)
    assert sheet.stage == Stage.AWAITING_KEY2
    scanned(db, survey, batch, 6, BLANK)
    assert sync_from_omr(survey, people["manager"]) == 0  # not yet: keying under way
    assert sheet.scan_sheet_id is None
    sign_in(client, people["hung"])
    key_sheet(client, survey, 6, typed())
    db.session.expire_all()
    sheet = db.session.get(EntrySheet, sheet.id)
    assert sheet.stage == Stage.FINAL
    assert sync_from_omr(survey, people["manager"]) == 1
    assert sheet.stage == Stage.ADJUDICATION
    assert [(d.kind, d.question) for d in sheet.differences] == [("scan", "q01")]
