"""The re-check share and period come from the plan's rule, approved by Home Affairs, not from
the officer (issue 15: an officer drew 100 % of a month and saw 22 phones and 12 IDs)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from fieldwork.audit.models import AuditEvent
from fieldwork.errors import OperationError
from fieldwork.plans import operations_steps
from fieldwork.plans.models_workflow import Step, StepState
from fieldwork.privacy.access import can_see_sheet_contact
from fieldwork.quality import operations as ops
from fieldwork.quality.models import DrawState, RecheckDraw, RecheckItem
from fieldwork.quality.rule import approve_rule, rule_of, set_rule

from ..conftest import csrf_token
from ..plans.helpers import put_in_state
from .conftest import RULE, give_rule, phone_of, sign_in

MARCH = {"period": "2026-03", "seed": 2026}


def _items(db) -> int:
    return db.session.scalar(select(func.count()).select_from(RecheckItem))


def test_no_draw_without_an_approved_rule(db, survey, sheets, people):
    with pytest.raises(OperationError, match="chưa có quy tắc phúc tra"):
        ops.create_draw(survey, MARCH, people["recheck"])
    set_rule(survey, RULE, people["manager"])
    with pytest.raises(OperationError, match="chờ Sở Nội vụ chấp thuận"):
        ops.create_draw(survey, MARCH, people["recheck"])
    assert _items(db) == 0
    with pytest.raises(OperationError):
        set_rule(survey, RULE, people["recheck"])  # the officer does not set it
    with pytest.raises(OperationError):
        approve_rule(rule_of(survey.id), people["manager"])  # nor the manager approve it


def test_the_whole_month_is_a_request_that_shows_no_contact(client, db, survey, sheets,
                                                             people, rule):
    """The penetration test's draw, through the page: 100 % of March for the officer."""
    sign_in(client, people["recheck"])
    url = f"/quality/recheck?survey={survey.id}"
    resp = client.post(url, data={"csrf_token": csrf_token(client, url), "period": "2026-03",
                                  "size_mode": "percent", "size_value": "100"})
    assert "cần ghi lý do" in resp.get_data(as_text=True)  # refused: no reason given
    assert db.session.scalar(select(func.count()).select_from(RecheckDraw)) == 0
    resp = client.post(url, data={"csrf_token": csrf_token(client, url), "period": "2026-03",
                                  "size_mode": "percent", "size_value": "100",
                                  "reason": "Nghi ngờ điều tra viên"})
    draw = db.session.scalar(select(RecheckDraw))
    assert resp.status_code == 302 and draw.state == DrawState.REQUESTED and _items(db) == 0
    html = client.get(f"/quality/recheck/draws/{draw.id}").get_data(as_text=True)
    assert 'id="draw-state"' in html and not any(phone_of(s) in html for s in range(1, 41))
    assert not any(can_see_sheet_contact(people["recheck"], s) for s in sheets)
    # Home Affairs refuses it (a note is needed): still nothing drawn, nothing seen.
    sign_in(client, people["reviewer"])
    page = f"/quality/recheck/approvals?survey={survey.id}"
    assert "Nghi ngờ điều tra viên" in client.get(page).get_data(as_text=True)
    token = csrf_token(client, page)
    client.post(f"/quality/recheck/draws/{draw.id}/decide",
                data={"csrf_token": token, "decision": "refuse"})
    db.session.refresh(draw)
    assert draw.state == DrawState.REQUESTED
    client.post(f"/quality/recheck/draws/{draw.id}/decide",
                data={"csrf_token": token, "decision": "refuse", "note": "Quá tỷ lệ"})
    db.session.refresh(draw)
    assert draw.state == DrawState.REFUSED and _items(db) == 0
    assert draw.decided_by_id == people["reviewer"].id
    # Within the rule the same officer draws at once: 4 per agency, 8 contacts in all.
    d = ops.create_draw(survey, {"period": "2026-03"}, people["recheck"])
    assert d.state == DrawState.DRAWN and len(d.items) == 8
    assert sum(can_see_sheet_contact(people["recheck"], s) for s in sheets) == 8
    kinds = set(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.action.like("quality.recheck_%"))))
    assert {"quality.recheck_rule", "quality.recheck_rule_approve", "quality.recheck_request",
            "quality.recheck_request_refuse", "quality.recheck_draw"} <= kinds


def test_home_affairs_approves_a_larger_share_and_only_then_it_is_drawn(db, survey, sheets,
                                                                       people, rule):
    d = ops.create_draw(survey, {**MARCH, "size_mode": "count", "size_value": 6,
                                 "reason": "Khiếu nại của công dân"}, people["manager"])
    assert d.state == DrawState.REQUESTED and d.items == []
    with pytest.raises(OperationError):
        ops.decide_request(d, {"decision": "approve"}, people["recheck"])
    ops.decide_request(d, {"decision": "approve", "note": "Đồng ý"}, people["reviewer"])
    assert d.state == DrawState.DRAWN and len(d.items) == 6 + 6
    with pytest.raises(OperationError, match="không chờ"):
        ops.decide_request(d, {"decision": "approve"}, people["reviewer"])
    # A smaller share than the rule is within it.
    small = ops.create_draw(survey, {"period": "2026-04", "size_mode": "count",
                                     "size_value": 1}, people["manager"])
    assert small.state == DrawState.DRAWN


def test_a_changed_rule_needs_approval_again(db, survey, sheets, people, rule):
    assert rule.approved
    set_rule(survey, {**RULE, "size_value": 10}, people["manager"])
    assert not rule_of(survey.id).approved
    with pytest.raises(OperationError, match="chờ Sở Nội vụ"):
        ops.create_draw(survey, MARCH, people["manager"])
    set_rule(survey, {**RULE, "size_value": 10}, people["manager"])  # the same: no change
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "quality.recheck_rule")) == 2


@pytest.mark.parametrize(("change", "why"), [
    ({"size_value": 0}, "số dương"), ({"size_mode": "percent", "size_value": 101}, "số dương"),
    ({"monthly_from": -5}, "số dương"), ({"basis": ""}, "căn cứ|kế hoạch quy định"),
    ({"period_kind": "week"}, "số nguyên"),
])
def test_bad_rules_change_nothing(db, survey, people, change, why):
    with pytest.raises(OperationError, match=why):
        set_rule(survey, {**RULE, **change}, people["manager"])
    assert rule_of(survey.id) is None


def test_appraising_the_plan_approves_its_rule(db, survey, people):
    set_rule(survey, RULE, people["manager"])
    put_in_state(db, survey, Step.PLAN, StepState.SUBMITTED)
    operations_steps.transition(survey, {"step": 1, "name": "appraise"}, people["reviewer"])
    db.session.commit()
    rule = rule_of(survey.id)
    assert rule.approved and rule.approved_with_plan
    assert rule.approved_by_id == people["reviewer"].id
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "workflow.plan.appraise"))
    assert "recheck_rule" in event.after


def test_the_rule_and_approval_pages(client, db, survey, sheets, people):
    sign_in(client, people["manager"])
    url = f"/quality/recheck/rule?survey={survey.id}"
    resp = client.post(url, data={"csrf_token": csrf_token(client, url), "period_kind": "month",
                                  "monthly_from": "", "size_mode": "count", "size_value": "3",
                                  "basis": "Kế hoạch mục 4"})
    assert resp.status_code == 302
    assert "chờ Sở Nội vụ chấp thuận" in client.get(
        f"/quality/recheck?survey={survey.id}").get_data(as_text=True)
    sign_in(client, people["reviewer"])
    page = f"/quality/recheck/approvals?survey={survey.id}"
    html = client.get(page).get_data(as_text=True)
    assert 'id="approve-rule"' in html
    rule = rule_of(survey.id)
    client.post(f"/quality/recheck/rule/{rule.id}/approve",
                data={"csrf_token": csrf_token(client, page)})
    db.session.refresh(rule)
    assert rule.approved
    give_rule(db, survey, people, size_value=3)  # unchanged: stays approved
    assert rule_of(survey.id).approved
