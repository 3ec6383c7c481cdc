"""Re-check draws: reproducible, frozen, audited; officers see the sample's contacts only."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from fieldwork.audit.models import AuditEvent
from fieldwork.errors import OperationError
from fieldwork.privacy.mask import mask_phone
from fieldwork.quality import operations as ops
from fieldwork.quality.models import Outcome, RecheckItem
from fieldwork.quality.summary import summarise

from ..conftest import csrf_token
from .conftest import give_rule, phone_of, sign_in

MARCH = {"period": "2026-03", "seed": 2026}


def serials(draw):
    return [it.sheet.serial for it in draw.items]


def test_same_seed_same_sample_and_strata(db, survey, sheets, people, rule):
    a = ops.create_draw(survey, MARCH, people["manager"])
    assert a.size_text == rule.size_text  # the plan's share, not the officer's
    b = ops.create_draw(survey, {**MARCH, "reason": "kiểm tra lại"}, people["recheck"])
    c = ops.create_draw(survey, {**MARCH, "seed": 7, "reason": "hạt giống khác"},
                        people["manager"])
    assert b.items == [] and c.items == []  # a period drawn again waits for Home Affairs
    ops.decide_request(b, {"decision": "approve"}, people["reviewer"])
    ops.decide_request(c, {"decision": "approve"}, people["reviewer"])
    assert serials(a) == serials(b)
    assert serials(a) != serials(c)
    assert a.population == 40  # approved March sheets only
    assert len(a.items) == 8  # 4 per agency
    assert sum(s <= 30 for s in serials(a)) == 4
    assert all(s <= 40 for s in serials(a))  # never rejected, unapproved or April sheets
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "quality.recheck_draw", AuditEvent.object_id == str(a.id)))
    assert event.after["seed"] == 2026 and event.after["drawn"] == 8
    assert "09" not in str(event.after)  # no phone numbers in the audit trail


def test_percentage_rounds_up_per_agency(db, survey, sheets, people):
    give_rule(db, survey, people, size_mode="percent", size_value=10)
    d = ops.create_draw(survey, MARCH, people["manager"])
    assert len(d.items) == 3 + 1  # 10% of 30 and of 10


@pytest.mark.parametrize(("change", "why"), [
    ({"period": "2026-13"}, "YYYY-MM"), ({"period": "Q1"}, "YYYY-Qn"),
    ({"period": "2026-Q5"}, "YYYY-Qn"),
    ({"size_value": 0}, "số dương"), ({"size_mode": "percent", "size_value": 150}, "số dương"),
    ({"seed": "abc"}, "Kiểm tra lại"), ({"period": "2025-03"}, "Không có phiếu đã duyệt"),
    ({"period": "2026-Q1"}, "phúc tra theo quý"),  # the rule re-checks every agency monthly
])
def test_bad_draws_change_nothing(db, survey, sheets, people, rule, change, why):
    with pytest.raises(OperationError, match=why):
        ops.create_draw(survey, {**MARCH, **change}, people["manager"])
    assert db.session.scalar(select(func.count()).select_from(RecheckItem)) == 0


def test_second_draw_needs_a_reason_and_enumerators_cannot_draw(db, survey, sheets, people,
                                                                rule):
    ops.create_draw(survey, MARCH, people["manager"])
    with pytest.raises(OperationError, match="cần ghi lý do"):
        ops.create_draw(survey, MARCH, people["manager"])
    with pytest.raises(OperationError):
        ops.create_draw(survey, {**MARCH, "period": "2026-04"}, people["lan"])


def test_quarter_draw_by_volume(db, survey, sheets, people):
    """Agencies with at least ``monthly_from`` dossiers a year monthly, the others by
    quarter (each agency's N is 1,000 here)."""
    give_rule(db, survey, people, monthly_from=2000)
    d = ops.create_draw(survey, {**MARCH, "period": "2026-q1"}, people["manager"])
    assert d.period == "2026-Q1" and d.population == 40
    with pytest.raises(OperationError, match="phúc tra theo tháng"):
        ops.create_draw(survey, MARCH, people["manager"])


def test_outcomes_are_audited_and_summarised(db, survey, sheets, people, agencies, rule):
    d = ops.create_draw(survey, MARCH, people["manager"])
    first, second, third = d.items[:3]
    ops.record_outcome(first, {"outcome": "confirmed"}, people["recheck"])
    ops.record_outcome(second, {"outcome": "unreachable", "notes": "gọi 3 lần"},
                       people["recheck"])
    with pytest.raises(OperationError, match="ghi chú"):
        ops.record_outcome(third, {"outcome": "denied"}, people["recheck"])
    with pytest.raises(OperationError, match="Chọn kết quả"):
        ops.record_outcome(third, {"outcome": "pending"}, people["recheck"])
    with pytest.raises(OperationError):
        ops.record_outcome(third, {"outcome": "confirmed"}, people["manager"])
    ops.record_outcome(third, {"outcome": "denied", "notes": "Không đi làm thủ tục"},
                       people["recheck"])
    db.session.commit()
    assert third.outcome == Outcome.DENIED
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.action == "quality.recheck_outcome")).all()
    assert len(actions) == 3
    by_agency = {r.label: r for r in summarise(survey.id, "agency")}
    row = by_agency[agencies[0].name]
    assert row.drawn == 4
    assert row.counts[Outcome.CONFIRMED] + row.counts[Outcome.UNREACHABLE] + \
        row.counts[Outcome.DENIED] == 3
    by_person = {r.label: r for r in summarise(survey.id, "enumerator")}
    assert by_person["Nguyễn Thị Lan"].drawn == 4 and by_person["Trần Văn Hùng"].drawn == 4
    assert by_person["Nguyễn Thị Lan"].confirmed_share == pytest.approx(1 / 2)


def test_officer_sees_contacts_of_the_sample_only(client, db, survey, sheets, people, rule):
    d = ops.create_draw(survey, MARCH, people["manager"])
    db.session.commit()
    drawn = set(serials(d))
    sign_in(client, people["recheck"])
    resp = client.get(f"/quality/recheck/draws/{d.id}")
    html = resp.get_data(as_text=True)
    for s in range(1, 44):
        assert (phone_of(s) in html) == (s in drawn), s
    assert resp.headers["Cache-Control"] == "private, no-store"  # issue 15
    item = d.items[0]
    resp = client.get(f"/quality/recheck/items/{item.id}")
    assert phone_of(item.sheet.serial) in resp.get_data(as_text=True)
    assert resp.headers["Cache-Control"] == "private, no-store"
    views = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "quality.recheck_contact_view"))
    assert views == 2
    logged = db.session.scalars(select(AuditEvent.after).where(
        AuditEvent.action == "quality.recheck_contact_view")).all()
    assert all("09" not in str(a) for a in logged)


def test_manager_sees_masked_contacts_and_cannot_record(client, db, survey, sheets, people,
                                                        rule):
    d = ops.create_draw(survey, MARCH, people["manager"])
    db.session.commit()
    sign_in(client, people["manager"])
    resp = client.get(f"/quality/recheck/draws/{d.id}")
    html = resp.get_data(as_text=True)
    s = d.items[0].sheet.serial
    assert phone_of(s) not in html and mask_phone(phone_of(s)) in html
    assert "no-store" not in resp.headers.get("Cache-Control", "")  # nothing plain shown
    token = csrf_token(client, f"/quality/recheck/items/{d.items[0].id}")
    resp = client.post(f"/quality/recheck/items/{d.items[0].id}",
                       data={"outcome": "confirmed", "csrf_token": token})
    assert resp.status_code == 403


@pytest.mark.parametrize("role", ["agency", "lan"])
def test_other_roles_are_refused(client, db, survey, sheets, people, rule, role):
    d = ops.create_draw(survey, MARCH, people["manager"])
    db.session.commit()
    sign_in(client, people[role])
    assert client.get(f"/quality/recheck/draws/{d.id}").status_code == 403
    assert client.get(f"/quality/recheck/items/{d.items[0].id}").status_code == 403
    assert client.get("/quality/integrity").status_code == 403


def test_draw_and_record_through_the_pages(client, db, survey, sheets, people, rule):
    sign_in(client, people["recheck"])
    url = f"/quality/recheck?survey={survey.id}"
    token = csrf_token(client, url)
    resp = client.post(url, data={"period": "2026-03", "csrf_token": token})
    assert resp.status_code == 302
    item = db.session.scalars(select(RecheckItem)).first()
    page = f"/quality/recheck/items/{item.id}"
    token = csrf_token(client, page)
    resp = client.post(page, data={"outcome": "differs", "notes": "", "csrf_token": token})
    assert "ghi chú" in resp.get_data(as_text=True)
    db.session.refresh(item)
    assert item.outcome == Outcome.PENDING
    resp = client.post(page, data={"outcome": "differs", "notes": "Trả lời Chưa hài lòng",
                                   "csrf_token": token})
    assert resp.status_code == 302
    db.session.refresh(item)
    assert item.outcome == Outcome.DIFFERS
    summary = client.get(url).get_data(as_text=True)
    assert "Trần Văn Hùng" in summary
