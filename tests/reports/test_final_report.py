"""The published final report is an explicit choice at step 6: the issued report unless the
manager marks another attached final report (audited); a later upload changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from fieldwork.audit.models import AuditEvent
from fieldwork.errors import OperationError
from fieldwork.plans import operations_steps
from fieldwork.plans.final_report import accepted_report, mark_final_report
from fieldwork.plans.models_docs import DocKind
from fieldwork.plans.models_review import Publication
from fieldwork.plans.models_workflow import Step, StepState
from fieldwork.plans.steps import plan_of
from fieldwork.reports.dispatch import issue_report

from ..conftest import csrf_token, login
from ..factories import PASSWORD
from ..plans.helpers import pdf, put_in_state, upload
from .test_dispatch import _form, data  # noqa: F401  (the fixture: ST-1 appraised)

PUBLIC = "/bao-cao-khao-sat"


def _publish(survey, manager):
    operations_steps.transition(survey, {"step": 6, "name": "publish"}, manager)


def test_the_issued_report_is_published_not_a_later_upload(app, client, db, data):  # noqa: F811
    issue = issue_report(data.survey, _form(data), data.manager)
    operations_steps.transition(data.survey, {"step": 6, "name": "issue"}, data.manager)
    db.session.commit()
    later = upload(data.survey, data.manager, DocKind.FINAL_REPORT,
                   filename="ban-scan-co-chu-ky.pdf", data=pdf("scan"))
    db.session.commit()
    assert accepted_report(data.survey) == (issue.pdf, "issued")

    assert login(client, data.manager.email, PASSWORD).status_code == 302
    step = client.get(f"/surveys/{data.survey.code}/step/6").text
    assert "Báo cáo được công bố" in step and "báo cáo đã ban hành" in step
    assert issue.pdf.filename in step.split('id="accepted-report"')[1][:600]

    _publish(data.survey, data.manager)
    db.session.commit()
    pub = db.session.scalar(select(Publication).where(Publication.survey_id == data.survey.id))
    assert pub.attachment_id == issue.pdf_id != later.id
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "workflow.acceptance.publish"))
    assert (event.after["attachment"], event.after["report_is"]) == (issue.pdf_id, "issued")
    page = client.application.test_client().get(f"{PUBLIC}/{data.survey.code}").text
    assert issue.pdf.filename in page and "ban-scan-co-chu-ky.pdf" not in page


def test_several_uploaded_reports_need_the_accepted_one_marked(app, client, db, factory):
    manager = factory.user("manager")
    survey = factory.survey("FR-1")
    put_in_state(db, survey, Step.ACCEPTANCE, StepState.ISSUED)
    accepted = upload(survey, manager, DocKind.FINAL_REPORT, filename="bao-cao-nghiem-thu.pdf",
                      data=pdf("accepted"))
    upload(survey, manager, DocKind.FINAL_REPORT, filename="ban-nhap-cu.pdf", data=pdf("old"))
    db.session.commit()
    assert accepted_report(survey) == (None, "")
    with pytest.raises(OperationError, match="Có nhiều tệp báo cáo chính thức"):
        _publish(survey, manager)
    db.session.rollback()

    assert login(client, manager.email, PASSWORD).status_code == 302
    path = f"/surveys/{survey.code}/step/6"
    assert "chưa chọn" in client.get(path).text
    bad = client.post(f"/surveys/{survey.code}/final-report", data={
        "csrf_token": csrf_token(client, path), "attachment_id": "999999"},
        follow_redirects=True)
    assert "Hãy chọn một trong các báo cáo chính thức" in bad.text
    marked = client.post(f"/surveys/{survey.code}/final-report", data={
        "csrf_token": csrf_token(client, path), "attachment_id": str(accepted.id)},
        follow_redirects=True)
    assert "Đã đánh dấu báo cáo chính thức được nghiệm thu" in marked.text
    assert accepted_report(survey) == (accepted, "marked")
    mark = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "final_report.mark"))
    assert mark.actor_id == manager.id and mark.after["attachment"] == accepted.id

    _publish(survey, manager)
    db.session.commit()
    pub = db.session.scalar(select(Publication).where(Publication.survey_id == survey.id))
    assert pub.attachment_id == accepted.id
    page = client.application.test_client().get(f"{PUBLIC}/{survey.code}").text
    assert "bao-cao-nghiem-thu.pdf" in page and "ban-nhap-cu.pdf" not in page
    late = client.post(f"/surveys/{survey.code}/final-report", data={
        "csrf_token": csrf_token(client, path), "attachment_id": str(accepted.id)},
        follow_redirects=True)
    assert "Báo cáo đã được công bố" in late.text


def test_an_uploaded_report_issued_is_the_one_marked_not_the_newest(db, factory):
    manager = factory.user("manager")
    survey = factory.survey("FR-2")
    plan = plan_of(survey)
    plan.signer_title, plan.signer_name = "Giám đốc", "Lê Văn Tâm"
    put_in_state(db, survey, Step.ACCEPTANCE, StepState.APPRAISED)
    signed = upload(survey, manager, DocKind.FINAL_REPORT, filename="bao-cao-da-ky.pdf",
                    data=pdf("signed"))
    upload(survey, manager, DocKind.FINAL_REPORT, filename="phu-luc.pdf", data=pdf("annex"))
    db.session.commit()
    mark_final_report(survey, {"attachment_id": str(signed.id)}, manager)
    issue = issue_report(survey, {"number": "7", "issued_on": "2026-12-01", "to_city": "1"},
                         manager)
    assert issue.draft_id is None and issue.pdf_id == signed.id
    assert accepted_report(survey) == (signed, "marked")


def test_the_migration_matches_the_model_and_goes_down_and_up(app, db):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect

    from ..migrations import drift

    assert drift(db, {"plans_final_reports"}) == []
    with app.app_context():
        downgrade(revision="0024")
        db.session.remove()
        assert "plans_final_reports" not in inspect(db.engine).get_table_names()
        upgrade()
        db.session.remove()
        assert "plans_final_reports" in inspect(db.engine).get_table_names()
