"""Records of steps 2-6: consultation, pilot, training, assignments, serials, opinions, council.
Bad input gives a clear message and writes nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from fieldwork.audit.models import AuditEvent
from fieldwork.errors import OperationError
from fieldwork.plans import forms_link
from fieldwork.plans import operations_fieldwork as work
from fieldwork.plans import operations_review as review
from fieldwork.plans.models_fieldwork import SerialRange
from fieldwork.plans.models_workflow import Step, StepState
from fieldwork.plans.progress import progress

from .helpers import put_in_state, use_fake_forms


def _audits(db) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)))


@pytest.fixture()
def ctx(factory, db):
    agency = factory.agency("Sở Tư pháp")
    survey = factory.survey(agencies=[agency])
    return {"survey": survey, "agency": agency, "manager": factory.user("manager"),
            "lan": factory.user("enumerator", name="Nguyễn Thị Lan"),
            "hung": factory.user("enumerator", name="Trần Văn Hùng")}


def test_consultation_needs_its_state_and_text(ctx, db):
    s, m = ctx["survey"], ctx["manager"]
    with pytest.raises(OperationError, match="Không thực hiện được"):
        work.add_consultation_comment(s, {"text": "x"}, m)
    put_in_state(db, s, Step.QUESTIONNAIRE, StepState.CONSULTATION)
    with pytest.raises(OperationError, match="bắt buộc"):
        work.add_consultation_comment(s, {"text": "  "}, m)
    with pytest.raises(OperationError):
        work.add_consultation_comment(s, {"text": "x", "agency_id": 99999}, m)
    c = work.add_consultation_comment(s, {"text": "Thêm câu hỏi", "received_on": "12/04/2026",
                                          "agency_id": ctx["agency"].id}, m)
    assert c.received_on == date(2026, 4, 12)
    with pytest.raises(OperationError):
        work.dispose_consultation_comment(c, {"disposition": "maybe",
                                              "disposition_text": "?"}, m)
    work.dispose_consultation_comment(c, {"disposition": "partly",
                                          "disposition_text": "Bổ sung một phần"}, m)
    assert c.disposition_label


def test_pilot_with_changes_needs_a_newer_approved_version(ctx, db, monkeypatch):
    forms = use_fake_forms(monkeypatch, numbers=[(1, "approved"), (2, "draft")])
    s, m = ctx["survey"], ctx["manager"]
    put_in_state(db, s, Step.QUESTIONNAIRE, StepState.APPROVED)
    with pytest.raises(OperationError, match="phiên bản"):
        work.add_pilot(s, {"held_on": "2026-05-05", "findings": "Câu 3 khó hiểu",
                           "changes_required": "1", "changes": "Sửa câu 3"}, m)
    with pytest.raises(OperationError, match="7"):
        work.add_pilot(s, {"held_on": "2026-05-05", "findings": "x", "version_number": "7"}, m)
    work.add_pilot(s, {"held_on": "2026-05-05", "findings": "Câu 3 khó hiểu",
                       "version_number": "1", "changes_required": "1",
                       "changes": "Sửa câu 3"}, m)
    from fieldwork.plans import workflow
    assert workflow.pilot_done(s)  # v2 is not approved yet
    forms.numbers = [(1, "approved"), (2, "approved")]
    assert workflow.pilot_done(s) == []


def test_training_attendance_and_assignment_rules(ctx, db):
    s, m, lan, hung = ctx["survey"], ctx["manager"], ctx["lan"], ctx["hung"]
    put_in_state(db, s, Step.FIELDWORK, StepState.TRAINING)
    with pytest.raises(OperationError):
        work.add_training_session(s, {"held_on": "2026-06-01", "place": "",
                                      "trainer": "A"}, m)
    with pytest.raises(OperationError, match="100"):
        work.add_training_session(s, {"held_on": "2026-06-01", "place": "P", "trainer": "A",
                                      "pass_mark": "150"}, m)
    session = work.add_training_session(s, {"held_on": "2026-06-01", "place": "Hội trường",
                                            "trainer": "ThS. Huấn", "pass_mark": "70"}, m)
    with pytest.raises(OperationError, match="điểm"):
        work.record_attendance(session, {"user_id": lan.id, "present": "1"}, m)
    with pytest.raises(OperationError):
        work.record_attendance(session, {"user_id": m.id, "present": "1", "score": "90"}, m)
    work.record_attendance(session, {"user_id": lan.id, "present": "1", "score": "70"}, m)
    work.record_attendance(session, {"user_id": hung.id, "present": "1", "score": "69"}, m)
    assert work.passed_enumerators(s) == {lan.id}
    before = _audits(db)
    with pytest.raises(OperationError, match="Trần Văn Hùng"):
        work.add_assignment(s, {"enumerator_id": hung.id, "agency_id": ctx["agency"].id,
                                "quota": "100"}, m)
    with pytest.raises(OperationError):
        work.add_assignment(s, {"enumerator_id": lan.id, "agency_id": ctx["agency"].id,
                                "quota": "0"}, m)
    with pytest.raises(OperationError):
        work.add_assignment(s, {"enumerator_id": lan.id, "agency_id": 424242, "quota": "5"}, m)
    assert _audits(db) == before
    a = work.add_assignment(s, {"enumerator_id": lan.id, "agency_id": ctx["agency"].id,
                                "quota": "300"}, m)
    with pytest.raises(OperationError, match="đã được giao"):
        work.add_assignment(s, {"enumerator_id": lan.id, "agency_id": ctx["agency"].id,
                                "quota": "10"}, m)
    assert a.quota == 300


def test_serial_ranges(ctx, db, monkeypatch):
    s, m, lan = ctx["survey"], ctx["manager"], ctx["lan"]
    put_in_state(db, s, Step.FIELDWORK, StepState.TRAINING)
    session = work.add_training_session(s, {"held_on": "2026-06-01", "place": "P",
                                            "trainer": "T"}, m)
    work.record_attendance(session, {"user_id": lan.id, "present": "1"}, m)
    a = work.add_assignment(s, {"enumerator_id": lan.id, "agency_id": ctx["agency"].id,
                                "quota": "50"}, m)
    monkeypatch.setattr(forms_link, "api", lambda: None)
    with pytest.raises(OperationError, match="(?i)không kiểm tra được|cannot be checked"):
        work.hand_out_range(a, {"first_serial": "1", "last_serial": "50",
                                "handed_out_on": "2026-06-02"}, m)
    use_fake_forms(monkeypatch, printed=(1, 100))
    with pytest.raises(OperationError, match="chưa được in"):
        work.hand_out_range(a, {"first_serial": "90", "last_serial": "120",
                                "handed_out_on": "2026-06-02"}, m)
    with pytest.raises(OperationError, match="không được nhỏ hơn"):
        work.hand_out_range(a, {"first_serial": "50", "last_serial": "1",
                                "handed_out_on": "2026-06-02"}, m)
    r = work.hand_out_range(a, {"first_serial": "1", "last_serial": "50",
                                "handed_out_on": "2026-06-02"}, m)
    with pytest.raises(OperationError, match="trùng"):
        work.hand_out_range(a, {"first_serial": "40", "last_serial": "60",
                                "handed_out_on": "2026-06-02"}, m)
    with pytest.raises(OperationError):  # returns only during fieldwork
        work.record_return(r, {"returned_on": "2026-07-01", "completed": "40",
                               "unused": "10"}, m)
    put_in_state(db, s, Step.FIELDWORK, StepState.IN_FIELD)
    for bad in ({"completed": "60", "unused": "0"},
                {"completed": "40", "unused": "11"},
                {"completed": "bốn mươi", "unused": "0"}):
        with pytest.raises(OperationError):
            work.record_return(r, {"returned_on": "2026-07-01", **bad}, m)
    assert db.session.get(SerialRange, r.id).returned_on is None  # nothing half-saved
    work.record_return(r, {"returned_on": "2026-07-01", "completed": "40", "unused": "10"}, m)
    items, total = progress(s)
    # Nothing is in the system yet: the 40 forms are returned on paper only, none verified.
    assert (items[0].quota, items[0].returned, items[0].returned_typed) == (50, 40, 40)
    assert (items[0].handed_out, items[0].in_system, items[0].approved) == (50, 0, 0)
    assert total["approved"] == 0 and total["returned_typed"] == 40


def test_opinions_and_council(ctx, db):
    s, m = ctx["survey"], ctx["manager"]
    with pytest.raises(OperationError):
        review.add_opinion(s, {"source": "Sở Nội vụ", "received_on": "2026-12-01",
                               "summary": "Đồng ý"}, m)
    put_in_state(db, s, Step.ACCEPTANCE, StepState.OPINIONS)
    with pytest.raises(OperationError, match="ngày"):
        review.add_opinion(s, {"source": "Sở Nội vụ", "received_on": "hôm qua",
                               "summary": "Đồng ý"}, m)
    review.add_opinion(s, {"source": "Sở Nội vụ", "received_on": "2026-12-01",
                           "summary": "Đồng ý thông qua"}, m)
    put_in_state(db, s, Step.ACCEPTANCE, StepState.COUNCIL)
    with pytest.raises(OperationError):
        review.add_council_member(s, {"name": "A", "score": "101"}, m)
    with pytest.raises(OperationError):
        review.add_council_member(s, {"name": "A", "vote": "abstain"}, m)
    review.add_council_member(s, {"name": "PGS.TS Hội", "vote": "agree", "score": "90"}, m)
    council = review.update_council(s, {"meeting_on": "2026-12-04",
                                        "decision": "not_passed"}, m)
    from fieldwork.plans import workflow
    reasons = workflow.council_decided(s)
    assert any("biên bản" in r for r in reasons) and any("không thông qua" in r for r in reasons)
    assert council.decision_label == "Không thông qua"


def test_real_forms_module_is_used_when_present(ctx):
    api = pytest.importorskip("fieldwork.forms.api")
    assert forms_link.api() is api
    assert forms_link.has_approved_version(ctx["survey"]) is False
    assert forms_link.serials_printed(ctx["survey"], 1, 10) is False
