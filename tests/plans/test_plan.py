"""Step 1: scope, policy, plan text, due dates; the DOCX export; bad input."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from sqlalchemy import func, select

from fieldwork.audit.models import AuditEvent
from fieldwork.errors import OperationError
from fieldwork.plans import docx_export
from fieldwork.plans import operations as ops
from fieldwork.plans.models_workflow import Step, StepState
from fieldwork.plans.progress import requirements
from fieldwork.plans.steps import ensure, plan_of

from ..conftest import csrf_token, login
from ..factories import PASSWORD
from .helpers import fill_plan, put_in_state


def _audits(db) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)))


@pytest.mark.parametrize("bad", ["-1", "abc", "4,5", "", "1e3", None])
def test_bad_dossier_count_is_refused(factory, db, bad):
    manager = factory.user("manager")
    survey = factory.survey(agencies=[factory.agency()])
    row = survey.scope[0]
    before = _audits(db)
    with pytest.raises(OperationError, match="(?i)số hồ sơ|dossier count"):
        ops.update_scope(survey, {"scope_id": row.id, "dossiers": bad}, manager)
    db.session.rollback()
    assert row.dossiers == 1000 and _audits(db) == before


def test_thousands_separator_is_accepted(factory):
    manager = factory.user("manager")
    survey = factory.survey(agencies=[factory.agency()])
    ops.update_scope(survey, {"scope_id": survey.scope[0].id, "dossiers": "4.000"}, manager)
    assert survey.scope[0].dossiers == 4000
    assert requirements(survey)[0].required == 259


def test_policy_out_of_range_is_reported_and_blocks_submission(factory, db):
    manager = factory.user("manager")
    survey = factory.survey(agencies=[factory.agency()])
    ops.update_scope(survey, {"scope_id": survey.scope[0].id, "dossiers": "1500"}, manager)
    ops.set_policy(survey, {"sample_policy": "hue-2024"}, manager)
    req = requirements(survey)[0]
    assert req.required is None and "1.000" in req.error
    fill_plan(survey)
    from fieldwork.plans import operations_steps
    with pytest.raises(OperationError, match="1.500"):
        operations_steps.transition(survey, {"step": 1, "name": "submit"}, manager)


def test_unknown_policy_is_refused(factory):
    manager = factory.user("manager")
    survey = factory.survey()
    with pytest.raises(OperationError, match="nope"):
        ops.set_policy(survey, {"sample_policy": "nope"}, manager)


def test_state_bodies_need_body_counts(factory):
    manager = factory.user("manager")
    vp = factory.agency("Văn phòng UBND", state_only=True)
    survey = factory.survey(agencies=[vp])
    req = requirements(survey)[0]
    assert req.required is None and "cơ quan" in req.error
    ops.update_scope(survey, {"scope_id": survey.scope[0].id, "dossiers": "420",
                              "state_bodies_only": "1", "bodies_h1": "10", "bodies_h2": "1"},
                     manager)
    assert requirements(survey)[0].required == 11


def test_plan_is_frozen_once_submitted(factory, db):
    manager = factory.user("manager")
    survey = factory.survey(agencies=[factory.agency()])
    put_in_state(db, survey, Step.PLAN, StepState.SUBMITTED)
    for call, data in ((ops.update_plan, {"purpose": "x"}),
                       (ops.set_policy, {"sample_policy": "hue-2024"}),
                       (ops.add_scope, {"agency_id": factory.agency().id, "dossiers": 5}),
                       (ops.update_scope, {"scope_id": survey.scope[0].id, "dossiers": 5})):
        with pytest.raises(OperationError):
            call(survey, data, manager)


def test_only_managers_edit_the_plan(factory):
    survey = factory.survey()
    for role in ("home_affairs", "enumerator", "agency", "public"):
        with pytest.raises(OperationError):
            ops.update_plan(survey, {"purpose": "x"}, factory.user(role))


def test_due_dates_default_and_edit(factory, db):
    manager = factory.user("manager")
    survey = factory.survey(year=2026)
    rows = ensure(survey)
    assert rows[Step.PLAN].due_date == date(2026, 3, 31)
    assert rows[Step.COMMENTS].due_date == date(2026, 11, 30)
    ops.set_due_dates(survey, {"due_2": "2026-05-31", "due_5": "15/11/2026"}, manager)
    assert rows[Step.QUESTIONNAIRE].due_date == date(2026, 5, 31)
    assert rows[Step.COMMENTS].due_date == date(2026, 11, 15)
    with pytest.raises(OperationError, match="31/03/2026"):
        ops.set_due_dates(survey, {"due_1": "next week"}, manager)
    assert rows[Step.PLAN].overdue(date(2026, 4, 1))
    assert not rows[Step.PLAN].overdue(date(2026, 3, 31))


def test_dashboard_shows_overdue_and_web_bad_input(client, factory, db):
    manager = factory.user("manager")
    survey = factory.survey(agencies=[factory.agency()], year=2020)
    login(client, manager.email, PASSWORD)
    page = client.get(f"/surveys/{survey.code}").get_data(as_text=True)
    assert "quá hạn" in page  # plan appraisal was due in Q1 2020
    token = csrf_token(client, f"/surveys/{survey.code}/step/1")
    resp = client.post(f"/surveys/{survey.code}/scope/update", data={
        "csrf_token": token, "scope_id": survey.scope[0].id, "dossiers": "-4"},
        follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert "alert-danger" in page and "Số hồ sơ phải là số nguyên" in page
    assert survey.scope[0].dossiers == 1000


def test_docx_follows_decree_30_layout(factory, db):
    manager = factory.user("manager")
    survey = factory.survey(agencies=[factory.agency("Sở Tư pháp")])
    ops.update_scope(survey, {"scope_id": survey.scope[0].id, "dossiers": "4000"}, manager)
    fill_plan(survey)
    ops.update_plan(survey, {"parent_body": "UBND thành phố Đà Nẵng",
                             "issuing_body": "Trung tâm Khảo sát", "doc_symbol": "KH-TTKS",
                             "doc_number": "12", "signed_on": "2026-02-05",
                             "signer_authority": "KT. Giám đốc",
                             "signer_title": "Phó Giám đốc", "signer_name": "Trần Minh Khoa",
                             "recipients": "- Sở Nội vụ;\n- Lưu: VT."}, manager)
    data = docx_export.build_plan_docx(docx_export.plan_document(survey))
    doc = Document(io.BytesIO(data))
    # Not issued yet: a draft, its box above the header (Decree 30: "DỰ THẢO" in a frame).
    assert doc.tables[0].rows[0].cells[0].paragraphs[0].text == "DỰ THẢO"
    head = doc.tables[1].rows[0].cells
    left = [p.text for p in head[0].paragraphs if p.text]
    right = [p.text for p in head[1].paragraphs if p.text]
    assert left == ["UBND THÀNH PHỐ ĐÀ NẴNG", "TRUNG TÂM KHẢO SÁT", "Số: 12/KH-TTKS"]
    assert right == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "Đà Nẵng, ngày 05 tháng 02 năm 2026"]
    body = [p.text for p in doc.paragraphs if p.text]
    assert body[0] == "KẾ HOẠCH" and body[1] == survey.title
    headings = [t for t in body if t[:3] in ("I. ", "II.", "III", "IV.", "V. ", "VI.", "VII")]
    assert headings[:3] == ["I. MỤC ĐÍCH, YÊU CẦU", "II. PHẠM VI, ĐỐI TƯỢNG KHẢO SÁT",
                            "III. PHƯƠNG PHÁP KHẢO SÁT"]
    sample = doc.tables[2]
    assert [c.text for c in sample.rows[1].cells][3:] == ["4.000", "6%", "259"]
    foot = doc.tables[-1].rows[0].cells
    assert [p.text for p in foot[0].paragraphs if p.text][:2] == ["Nơi nhận:", "- Sở Nội vụ;"]
    sign = [p.text for p in foot[1].paragraphs if p.text]
    assert sign == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trần Minh Khoa"]
    assert doc.sections[0].left_margin.mm == pytest.approx(30, abs=0.1)
    bold = [r.bold for p in head[1].paragraphs for r in p.runs if r.text]
    assert all(bold[:2])


def test_docx_blanks_until_registered():
    assert docx_export.number_line("", "") == "Số:        /KH-..."
    assert docx_export.date_line("Đà Nẵng", None, 2026) == "Đà Nẵng, ngày      tháng      năm 2026"
    assert docx_export.date_line("Huế", date(2026, 11, 3), 2026) == "Huế, ngày 03 tháng 11 năm 2026"


def test_docx_download(client, factory):
    manager = factory.user("manager")
    survey = factory.survey(agencies=[factory.agency()])
    login(client, manager.email, PASSWORD)
    resp = client.get(f"/surveys/{survey.code}/plan.docx")
    assert resp.status_code == 200 and resp.data[:2] == b"PK"
    assert "ke-hoach" in resp.headers["Content-Disposition"]
    assert plan_of(survey) is not None
