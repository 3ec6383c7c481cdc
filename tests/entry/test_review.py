"""Review states by one table, edits after approval, masking of contact data per role."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from fieldwork.audit.models import AuditEvent
from fieldwork.entry import operations as ops
from fieldwork.entry import workflow
from fieldwork.entry.models import EntryEdit, ReviewState, Stage
from fieldwork.entry.serials import resolve
from fieldwork.entry.sources import approved_answers, approved_sheets
from fieldwork.errors import OperationError
from fieldwork.privacy.models import PrivacyGrant

from ..conftest import csrf_token
from .conftest import sign_in, typed


@pytest.fixture()
def keyed(db, survey, batch, people):
    """Sheet 1 keyed once by Lan."""
    sheet = ops.save_keying(resolve(survey, 1, people["lan"]), typed(), people["lan"])
    db.session.commit()
    return sheet


ROWS = [(t, s) for t in workflow.TRANSITIONS if t.button for s in ReviewState]


@pytest.mark.parametrize("t, state", ROWS, ids=[f"{t.name}-{s.value}" for t, s in ROWS])
def test_every_row_of_the_table(db, keyed, people, t, state):
    keyed.review_state = state
    db.session.flush()
    if state not in t.sources:
        with pytest.raises(OperationError):
            ops.transition(keyed, t.name, people["manager"], "weil")
        assert keyed.review_state == state
        return
    with pytest.raises(OperationError):  # enumerators never review
        ops.transition(keyed, t.name, people["lan"], "weil")
    if t.reason:
        with pytest.raises(OperationError, match="lý do"):
            ops.transition(keyed, t.name, people["manager"], "  ")
    ops.transition(keyed, t.name, people["manager"], "weil")
    assert keyed.review_state == t.target
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == f"entry.{t.name}"))
    assert event.before == {"state": state.value} and event.after["state"] == t.target.value
    assert (keyed.approved_at is not None) == (t.target == ReviewState.APPROVED)


def test_buttons_come_from_the_table(client, keyed, survey, people):
    sign_in(client, people["manager"])
    html = client.get(f"/entry/{survey.code}/sheets/1").get_data(as_text=True)
    for t in workflow.available(keyed, people["manager"]):
        assert f"/change/{t.name}" in html
    assert "/change/reopen" not in html


def test_only_approved_sheets_count(db, keyed, survey, batch, people):
    other = ops.save_keying(resolve(survey, 2, people["lan"]), typed(q01="no",
                            q02=["reason_a"]), people["lan"])
    assert list(db.session.scalars(approved_sheets(survey))) == []
    ops.transition(other, "approve", people["manager"])
    assert list(db.session.scalars(approved_sheets(survey))) == [other]
    answers = approved_answers(survey)
    assert answers[2]["q02"] == ["reason_a"] and "phone" not in answers[2]


def test_edit_after_approval_needs_a_reason_and_is_audited(client, db, keyed, survey, people):
    ops.transition(keyed, "approve", people["manager"])
    db.session.commit()
    sign_in(client, people["manager"])
    url = f"/entry/{survey.code}/sheets/1/edit"
    page = client.get(url).get_data(as_text=True)
    assert "0912345678" not in page and "09xx xxx 678" in page
    token = csrf_token(client, url)
    data = {f"a_{k}": v for k, v in typed(phone="", q01="no", q02=["reason_d"]).items()}
    res = client.post(url, data={**data, "csrf_token": token, "reason": ""})
    assert res.status_code == 422 and "only with a reason" in res.get_data(as_text=True)
    db.session.refresh(keyed)
    assert keyed.review_state == ReviewState.APPROVED
    res = client.post(url, data={**data, "csrf_token": token,
                                 "reason": "Phiếu giấy ghi Chưa hài lòng"})
    assert res.status_code == 302
    db.session.refresh(keyed)
    assert keyed.review_state == ReviewState.EDITED and keyed.approved_at is None
    answer = keyed.answer_map()["q01"]
    assert answer.values == ["no"] and answer.source == "edited"
    assert keyed.answer_map()["phone"].source == "key1"  # left empty: kept
    edits = {e.question: e for e in db.session.scalars(select(EntryEdit))}
    assert set(edits) == {"q01", "q02"} and edits["q01"].before == ["yes"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "entry.edit"))
    assert event.reason == "Phiếu giấy ghi Chưa hài lòng"
    assert event.before["q01"] == ["yes"] and event.after["q01"] == ["no"]


def test_edited_phone_is_masked_in_the_audit(db, keyed, people):
    ops.edit_answers(keyed, typed(phone="0987654321"), people["manager"], "gõ nhầm")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "entry.edit"))
    assert event.before["phone"] == ["09xx xxx 678"] and event.after["phone"] == ["09xx xxx 321"]
    assert "0987654321" not in str(event.after) + str(event.before)
    edit = db.session.scalar(select(EntryEdit).where(EntryEdit.question == "phone"))
    assert edit.after == ["09xx xxx 321"]


def test_nothing_changed_is_refused(db, keyed, people):
    with pytest.raises(OperationError, match="Không có gì thay đổi"):
        ops.edit_answers(keyed, typed(), people["manager"])


def test_bad_edit_changes_nothing(db, keyed, people):
    with pytest.raises(ops.CheckFailed):
        ops.edit_answers(keyed, typed(survey_date="32/01/2026"), people["manager"], "x")
    db.session.rollback()
    assert keyed.answer_map()["survey_date"].values == list("12052026")


def test_awaiting_second_keying_cannot_be_edited(client, db, survey, batch, people):
    ops.update_settings(survey, {"double_mode": "all"}, people["manager"])
    sheet = ops.save_keying(resolve(survey, 9, people["lan"]), typed(), people["lan"])
    db.session.commit()
    assert sheet.stage == Stage.AWAITING_KEY2
    with pytest.raises(OperationError, match="nhập lần 2"):
        ops.edit_answers(sheet, typed(q01="no"), people["manager"], "x")
    sign_in(client, people["manager"])
    res = client.get(f"/entry/{survey.code}/sheets/9/edit", follow_redirects=True)
    assert "waiting for its second keying" in res.get_data(as_text=True)


@pytest.mark.parametrize("who, sees", [("manager", False), ("granted", True),
                                       ("manager_and_recheck", False)])
def test_phone_masked_per_role(client, db, keyed, survey, people, factory, who, sees):
    user = people["manager"]
    if who == "manager_and_recheck":  # a re-check officer sees drawn sheets only
        user = factory.user("manager", "recheck")
    if who == "granted":
        user = factory.user("manager")
        db.session.add(PrivacyGrant(user_id=user.id, survey_id=survey.id,
                                    granted_by_id=people["manager"].id, reason="phúc tra"))
        db.session.commit()
    sign_in(client, user)
    for url in (f"/entry/reviews?survey={survey.code}", f"/entry/{survey.code}/sheets/1"):
        html = client.get(url).get_data(as_text=True)
        assert ("0912345678" in html) is sees, url
        assert ("09xx xxx 678" in html) is not sees, url
    assert ("048123456789" in html) is sees and ("xxx xxx xxx 789" in html) is not sees


def test_agency_and_field_come_from_the_lists_never_from_typing(db, survey, batch, people,
                                                                 factory):
    civil = factory.field("HT", "Hộ tịch")
    agency = survey.scope[0].agency
    # Whatever was typed for them, the agency and field answers are the lists' names.
    sheet = ops.save_keying(resolve(survey, 1, people["lan"]),
                            typed(agency="So Tu phap", field="ho  TICH"), people["lan"],
                            identity=(agency.id, civil.id))
    answers = sheet.answer_map()
    assert (sheet.agency_id, sheet.field_id) == (agency.id, civil.id)
    assert answers["agency"].values == [agency.name] and answers["field"].values == ["Hộ tịch"]
    # Without a choice the sheet's record answers: the agency printed on it.
    other = ops.save_keying(resolve(survey, 2, people["lan"]), typed(field="Nhà ở"),
                            people["lan"])
    assert other.agency_id == agency.id and other.field_id is None
    assert other.answer_map()["field"].values == []
    # Correcting moves the sheet to another field from the list, audited.
    ops.edit_answers(other, typed(), people["manager"], identity=(agency.id, civil.id))
    assert other.field_id == civil.id and other.answer_map()["field"].values == ["Hộ tịch"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "entry.edit"))
    assert event.after["agency_field"] == [agency.id, civil.id]


def test_match_field_by_name_or_code_without_diacritics():
    from fieldwork.directory.matching import match_field
    fields = [(1, "HT", "Hộ tịch"), (2, "DD", "Đất đai"), (3, "dd", "Khác")]
    assert match_field("Hộ Tịch", fields) == 1
    assert match_field("dat dai", fields) == 2
    assert match_field("DD", fields) is None  # two fields answer to it
    assert match_field("  ", fields) is None and match_field("Xây dựng", fields) is None
