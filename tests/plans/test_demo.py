"""`fieldwork demo` tells one coherent story: plan issued, questionnaire consulted, approved and
piloted, enumerators trained and assigned, fieldwork under way with real sheets."""

from __future__ import annotations

from sqlalchemy import select

from fieldwork.audit.models import AuditEvent
from fieldwork.auth.models import User
from fieldwork.forms.api import versions
from fieldwork.plans import attachments
from fieldwork.plans.models import Survey, SurveyStatus
from fieldwork.plans.models_docs import DocKind
from fieldwork.plans.models_fieldwork import ConsultationComment
from fieldwork.plans.models_workflow import Step, StepState
from fieldwork.plans.operations_steps import blockers
from fieldwork.plans.steps import ensure, plan_of


def _demo(db) -> Survey:
    return db.session.scalar(select(Survey).where(Survey.code == "DEMO-2026"))


def test_demo_is_a_survey_in_progress(demo_year, db):
    survey = _demo(db)
    steps = ensure(survey)
    assert steps[Step.PLAN].state == StepState.ISSUED
    assert steps[Step.QUESTIONNAIRE].state == StepState.FINAL
    assert steps[Step.FIELDWORK].state == StepState.IN_FIELD
    assert all(steps[s].state == StepState.NOT_STARTED
               for s in (Step.PROCESSING, Step.COMMENTS, Step.ACCEPTANCE))
    assert survey.status == SurveyStatus.ACTIVE
    assert [(v.number, str(v.status)) for v in versions(survey)] == [(1, "approved"),
                                                                     (2, "draft")]
    plan = plan_of(survey)
    assert plan.doc_number and plan.signed_on is not None
    assert not plan.missing_sections()
    signed = attachments.latest(survey, DocKind.PLAN_SIGNED)
    assert signed is not None and signed.uploaded_by.email == "quanly@demo.vn"
    assert attachments.full_path(signed).read_bytes()[:5] in (b"%PDF-", b"PK\x03\x04")
    comments = db.session.scalars(select(ConsultationComment).where(
        ConsultationComment.survey_id == survey.id)).all()
    assert len(comments) >= 2
    assert all(c.agency is not None and c.disposition and c.disposition_text
               for c in comments)


def test_demo_next_move_is_recording_the_last_returns(demo_year, db):
    survey = _demo(db)
    manager = db.session.scalar(select(User).where(User.email == "quanly@demo.vn"))
    moves = {t.key: reasons for t, reasons in blockers(survey, manager)}
    assert [k for k, reasons in moves.items() if not reasons] == []
    # The ranges of the scanning demo (generic and personalised) and of the keying demo are
    # still out: their return is the user's.
    assert "4" in moves["fieldwork.close_fieldwork@in_field"][0]


def test_demo_audit_reads_like_a_history(demo_year, db):
    survey = _demo(db)
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    who = [(e.action, e.actor.email if e.actor else e.actor_label) for e in events]
    story = [
        ("workflow.plan.submit", "quanly@demo.vn"),
        ("workflow.plan.appraise", "snv@demo.vn"),
        ("attachment.upload", "quanly@demo.vn"),
        ("workflow.plan.issue", "quanly@demo.vn"),
        ("workflow.questionnaire.open_consultation", "quanly@demo.vn"),
        ("consultation.add", "quanly@demo.vn"),
        ("consultation.dispose", "quanly@demo.vn"),
        ("questionnaire.submit", "quanly@demo.vn"),
        ("questionnaire.approve", "snv@demo.vn"),
        ("workflow.questionnaire.close_consultation", "quanly@demo.vn"),
        ("pilot.add", "quanly@demo.vn"),
        ("workflow.questionnaire.finalise", "quanly@demo.vn"),
        ("workflow.fieldwork.start_training", "quanly@demo.vn"),
        ("assignment.add", "quanly@demo.vn"),
        ("workflow.fieldwork.start_fieldwork", "quanly@demo.vn"),
        ("serials.hand_out", "quanly@demo.vn"),
        ("entry.scan_conflict", "smq@demo.vn"),
        ("serials.return", "quanly@demo.vn"),
        ("frames.import_outcomes", "quanly@demo.vn"),
    ]
    # Each event happens once per story line (consultation twice), and in this order.
    positions = [who.index(line) for line in story]
    assert positions == sorted(positions), who
    issue = next(e for e in events if e.action == "workflow.plan.issue")
    assert issue.before == {"state": "appraised"}
    assert issue.after["survey"] == survey.code
    appraise = next(e for e in events if e.action == "workflow.plan.appraise")
    assert appraise.reason and "2223" in appraise.reason
    assert sum(1 for a, _ in who if a == "consultation.dispose") == 2
    # Nobody acted as the anonymous "demo" actor on the workflow itself.
    assert all(e.actor is not None for e in events if e.action.startswith(
        ("workflow.", "questionnaire.", "consultation.", "attachment.")))


def test_demo_step_4_shows_approved_independent_sheets_and_response_rates(demo_year, db,
                                                                          client):
    """Done-when of issue 19: per agency, the approved independent sheets against the required
    sample, and the response rate of its draw; the scan/key conflict waits in adjudication."""
    import re

    from sqlalchemy import func

    from fieldwork.entry.models import EntryDifference, EntrySheet, ReviewState, Stage
    from fieldwork.frames.outcomes import response_rates
    from fieldwork.plans.progress import progress

    from ..conftest import login

    survey = _demo(db)
    items, total = progress(survey)
    # Counted from the sheets themselves, by another query than the progress function's.
    approved = dict(db.session.execute(select(EntrySheet.agency_id, func.count()).where(
        EntrySheet.survey_id == survey.id, EntrySheet.review_state == ReviewState.APPROVED)
        .group_by(EntrySheet.agency_id)).all())
    assert {p.agency.id: p.approved for p in items} == {
        p.agency.id: approved.get(p.agency.id, 0) for p in items}
    assert total["approved"] == sum(approved.values()) > 0
    assert all(p.required and p.handed_out >= p.in_system for p in items)
    assert total["returned_typed"] > 0  # a few forms back on paper, not keyed yet
    rates = response_rates(survey)
    drawn = [p for p in items if p.responses is not None]
    assert drawn and all(p.responses["rr1"] == rates[p.agency.id]["rr1"] for p in drawn)

    login(client, "quanly@demo.vn", demo_year.password)
    page = client.get(f"/surveys/{survey.code}/step/4").get_data(as_text=True)
    rows = re.findall(r'<tr class="agency-row" data-agency="([^"]+)">(.*?)</tr>', page, re.S)
    assert len(rows) == len(items)
    shown = {name: row for name, row in rows}
    for p in items:
        row = shown[p.agency.name]
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        assert re.sub(r"<[^>]+>|\s", "", cells[1]) == f"{p.required:,}".replace(",", ".")
        assert f'approved">{p.approved:,}'.replace(",", ".") in row
    for p in drawn:
        assert "RR1 " in shown[p.agency.name] and "RR2 " in shown[p.agency.name]

    conflict = db.session.scalar(select(EntrySheet).join(EntryDifference).where(
        EntrySheet.survey_id == survey.id, EntryDifference.kind == "scan"))
    assert conflict is not None and conflict.stage == Stage.ADJUDICATION
    listing = client.get(f"/entry/adjudication?survey={survey.code}").get_data(as_text=True)
    assert conflict.serial_text in listing


def test_demo_2027_waits_for_home_affairs(demo_year, db):
    """The next year's survey is in step 2 with v1 submitted: Home Affairs acts next."""
    from fieldwork.plans.waiting import names

    survey = db.session.scalar(select(Survey).where(Survey.code == "DEMO-2027"))
    steps = ensure(survey)
    assert steps[Step.PLAN].state == StepState.ISSUED
    assert steps[Step.QUESTIONNAIRE].state == StepState.CONSULTATION
    assert [(v.number, str(v.status)) for v in versions(survey)] == [(1, "submitted")]
    assert plan_of(survey).reviewer.email == "snv@demo.vn"
    assert any("Phạm Quốc Bảo" in n for n in names(survey, Step.QUESTIONNAIRE))


def test_demo_2026_cd_waits_for_the_agencies_comments(demo_year, db):
    """The thematic survey went through steps 1-4 with real sheets; its comment round is open
    and sent each agency in scope its own draft; the agencies act next, nobody commented yet."""
    from sqlalchemy import func

    from fieldwork.entry.models import EntrySheet, ReviewState
    from fieldwork.plans.models_docs import Notification
    from fieldwork.plans.models_review import CommentRound
    from fieldwork.plans.progress import progress
    from fieldwork.plans.waiting import names

    survey = db.session.scalar(select(Survey).where(Survey.code == "DEMO-2026-CD"))
    steps = ensure(survey)
    assert [steps[s].state for s in Step] == [
        StepState.ISSUED, StepState.FINAL, StepState.COMPLETED, StepState.DRAFTED,
        StepState.ROUND_OPEN, StepState.NOT_STARTED]
    assert survey.status == SurveyStatus.ACTIVE
    approved = db.session.scalar(select(func.count()).select_from(EntrySheet).where(
        EntrySheet.survey_id == survey.id, EntrySheet.review_state == ReviewState.APPROVED))
    assert approved == progress(survey)[1]["approved"] > 0
    rounds = db.session.scalars(select(CommentRound).where(
        CommentRound.survey_id == survey.id)).all()
    assert len(rounds) == 1 and rounds[0].closed_at is None and not rounds[0].comments
    scope = {row.agency_id for row in survey.scope}
    assert {d.agency_id for d in rounds[0].drafts} == scope and len(scope) == 3
    waiting_for = names(survey, Step.COMMENTS)
    assert any("Sở Tư pháp" in n and "Phường Hải Châu" in n for n in waiting_for), waiting_for
    # Each agency reviewer was told, and only about a draft of their own agency.
    for email in ("stp@demo.vn", "phuchau@demo.vn"):
        user = db.session.scalar(select(User).where(User.email == email))
        assert user.agency_id in scope
        told = db.session.scalars(select(Notification).where(
            Notification.user_id == user.id, Notification.survey_id == survey.id,
            Notification.done_at.is_(None))).all()
        assert told, email


def test_demo_2026_dn_waits_in_step_4_for_its_drafts(demo_year, db):
    """The businesses' thematic survey has its data in (fieldwork closed, sheets approved):
    the manager's next move is the report drafts, which do not exist yet."""
    from sqlalchemy import func

    from fieldwork.entry.models import EntrySheet, ReviewState
    from fieldwork.plans.progress import progress

    survey = db.session.scalar(select(Survey).where(Survey.code == "DEMO-2026-DN"))
    steps = ensure(survey)
    assert [steps[s].state for s in Step] == [
        StepState.ISSUED, StepState.FINAL, StepState.COMPLETED, StepState.PROCESSING,
        StepState.NOT_STARTED, StepState.NOT_STARTED]
    approved = db.session.scalar(select(func.count()).select_from(EntrySheet).where(
        EntrySheet.survey_id == survey.id, EntrySheet.review_state == ReviewState.APPROVED))
    assert approved == progress(survey)[1]["approved"] > 0
    manager = db.session.scalar(select(User).where(User.email == "quanly@demo.vn"))
    moves = {t.key: reasons for t, reasons in blockers(survey, manager)}
    reasons = moves["processing.complete_drafts@processing"]
    assert any("Sở Tài chính" in r for r in reasons), reasons


# The work each demo account finds waiting: (queue, survey) pairs at least.
WAITING = {
    "quanly@demo.vn": {("plans.steps", "DEMO-2026"), ("entry.review", "DEMO-2026"),
                       ("plans.steps", "DEMO-2026-DN")},
    # (the paper to key shows in the full demo: tests/e2e/test_start_pages.py)
    "dtv.lan@demo.vn": {("plans.field", "DEMO-2026"), ("omr.verify", "DEMO-2026")},
    "dtv.hung@demo.vn": {("plans.field", "DEMO-2026")},
    "smq@demo.vn": {("omr.verify", "DEMO-2026")},
    "snv@demo.vn": {("forms.approve", "DEMO-2027")},
    "phuctra@demo.vn": {("quality.contact", "DEMO-2026")},
    "stp@demo.vn": {("plans.round", "DEMO-2026-CD")},
    "phuchau@demo.vn": {("plans.round", "DEMO-2026-CD")},
}


def test_every_demo_account_has_work_waiting(demo_year, db, app):
    """Each working demo account finds its work in the queues (counted, with a link)."""
    from fieldwork.queues import waiting

    for email, wanted in WAITING.items():
        user = db.session.scalar(select(User).where(User.email == email))
        with app.test_request_context():
            found = waiting(user)
            assert all(w.count > 0 and w.url.startswith("/") for w in found)
            got = {(w.queue.name, w.survey.code if w.survey else "") for w in found}
        assert wanted <= got, (email, got)
    # The other Home Affairs reviewer would not see DEMO-2027's version; nobody but the
    # assigned reviewer is Home Affairs in the demo, so check the notification instead.
    from fieldwork.plans.models_docs import Notification
    snv = db.session.scalar(select(User).where(User.email == "snv@demo.vn"))
    told = db.session.scalars(select(Notification).where(
        Notification.user_id == snv.id, Notification.done_at.is_(None))).all()
    assert any((n.params or {}).get("code") == "DEMO-2027" for n in told)


def test_no_message_about_last_year_is_left_open(demo_year, db):
    """DEMO-2025 is published: none of its notifications still asks anything of anyone."""
    from fieldwork.plans.models_docs import Notification
    last = db.session.scalar(select(Survey).where(Survey.code == "DEMO-2025"))
    left = db.session.scalars(select(Notification).where(
        Notification.survey_id == last.id, Notification.done_at.is_(None))).all()
    assert not left, [(n.user_id, n.kind) for n in left]
