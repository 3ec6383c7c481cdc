"""Issuing the report: number, date, whom it was sent to; the issued files carry the same
recipients in "Nơi nhận", no draft mark, and the frozen figures of the version issued."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import pytest
from docx import Document
from sqlalchemy import func, select

from fieldwork.audit.models import AuditEvent
from fieldwork.errors import OperationError
from fieldwork.plans import operations_steps
from fieldwork.plans.attachments import full_path
from fieldwork.plans.models_docs import Attachment, DocKind
from fieldwork.plans.models_workflow import Step, StepState
from fieldwork.plans.steps import ensure, plan_of
from fieldwork.reports import drafts
from fieldwork.reports.content import pct
from fieldwork.reports.dispatch import issue_of, issue_report
from fieldwork.reports.models import DispatchKind, ReportIssue

from ..conftest import csrf_token, login
from ..documents.office import pages_text, to_pdf
from ..factories import PASSWORD
from ..plans.helpers import put_in_state
from .test_drafts import NARRATIVE, build_data

DAY = date(2026, 12, 1)


@pytest.fixture()
def data(db, factory):
    """ST-1, its plan header signed, a synthesis version, Home Affairs has appraised."""
    d = build_data(db, factory)
    plan = plan_of(d.survey)
    plan.doc_symbol, plan.place = "KH-TTKS", "Đà Nẵng"
    plan.issuing_body, plan.signer_authority = "Trung tâm Khảo sát Độc lập", "KT. Giám đốc"
    plan.signer_title, plan.signer_name = "Phó Giám đốc", "Trần Minh Khoa"
    d.syn = drafts.create_draft(d.survey, d.manager, narrative=NARRATIVE)
    put_in_state(db, d.survey, Step.ACCEPTANCE, StepState.APPRAISED)
    db.session.commit()
    return d


def _form(data, **over) -> dict:
    form = {"number": "25", "issued_on": DAY.isoformat(), "to_city": "1",
            "to_home_affairs": "1", "agency_ids": [str(data.b.id), str(data.a.id)],
            "others": "- Trung tâm Phục vụ hành chính công thành phố;"}
    form.update(over)
    return form


def _docx_text(data: bytes) -> list[str]:
    doc = Document(io.BytesIO(data))
    out = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                out += [p.text for p in cell.paragraphs]
    return out


def test_issue_records_the_dispatch_and_prints_it(client, data, db, tmp_path):
    login(client, data.manager.email, PASSWORD)
    token = csrf_token(client, "/reports/ST-1")
    form = _form(data)
    resp = client.post("/reports/ST-1/issue", data={"csrf_token": token, **form},
                       follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert "Đã ban hành báo cáo số 25/BC-TTKS" in page and 'id="dispatch"' in page
    issue = issue_of(data.survey)
    sent = [(d.kind, d.recipient, d.sent_on) for d in issue.dispatches]
    assert sent == [
        (DispatchKind.CITY, "UBND thành phố Đà Nẵng (để báo cáo)", DAY),
        (DispatchKind.HOME_AFFAIRS, "Sở Nội vụ (để báo cáo)", DAY),
        (DispatchKind.AGENCY, "Sở Tư pháp", DAY), (DispatchKind.AGENCY, "Sở Y tế", DAY),
        (DispatchKind.OTHER, "Trung tâm Phục vụ hành chính công thành phố", DAY)]
    assert [d.agency_id for d in issue.dispatches][2:4] == [data.a.id, data.b.id]
    assert issue.draft_id == data.syn.id and issue.reference == "25/BC-TTKS"
    expected = ["Nơi nhận:", "- UBND thành phố Đà Nẵng (để báo cáo);",
                "- Sở Nội vụ (để báo cáo);", "- Sở Tư pháp;", "- Sở Y tế;",
                "- Trung tâm Phục vụ hành chính công thành phố;", "- Lưu: VT."]
    docx = full_path(issue.docx).read_bytes()
    text = _docx_text(docx)
    at = text.index("Nơi nhận:")
    assert text[at:at + len(expected)] == expected
    assert "Số: 25/BC-TTKS" in text and "Đà Nẵng, ngày 01 tháng 12 năm 2026" in text
    rate = pct(data.syn.statistics["overall"]["rate"])
    assert any(t.startswith(f"Chỉ số hài lòng chung: {rate}") for t in text)
    xml = "".join(zipfile.ZipFile(io.BytesIO(docx)).read(n).decode() for n in
                  zipfile.ZipFile(io.BytesIO(docx)).namelist() if n.startswith("word/header"))
    assert "PowerPlusWaterMarkObject" not in xml and "DỰ THẢO" not in " ".join(text)
    # As the reviewer opens them: LibreOffice's rendering of the DOCX, and our PDF.
    (tmp_path / "issued.docx").write_bytes(docx)
    lo = to_pdf([tmp_path / "issued.docx"], tmp_path / "lo", tmp_path / "profile")[0]
    for pdf in (lo, full_path(issue.pdf)):
        pages = pages_text(pdf)
        assert not any("DỰ THẢO" in p for p in pages)
        signed = next(p for p in pages if "Nơi nhận:" in p)
        lines = [ln.strip() for ln in signed.splitlines()]
        for line in expected[1:]:
            assert any(ln.startswith(line) for ln in lines), (line, pdf)
        assert "Trần Minh Khoa" in signed and "KT. GIÁM ĐỐC" in signed
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "report.issue"))
    assert event.after["number"] == "25/BC-TTKS" and len(event.after["sent_to"]) == 5
    finals = db.session.scalars(select(Attachment).where(
        Attachment.survey_id == data.survey.id, Attachment.kind == DocKind.FINAL_REPORT)).all()
    assert {a.id for a in finals} == {issue.docx_id, issue.pdf_id}


def test_step_six_issue_waits_for_the_recorded_issue(data, db):
    with pytest.raises(OperationError, match="Hãy ban hành báo cáo ở trang Báo cáo"):
        operations_steps.transition(data.survey, {"step": 6, "name": "issue"}, data.manager)
    issue_report(data.survey, _form(data), data.manager)
    operations_steps.transition(data.survey, {"step": 6, "name": "issue"}, data.manager)
    assert ensure(data.survey)[Step.ACCEPTANCE].state == StepState.ISSUED


def _bad(data, db, message: str, **over) -> None:
    attachments_before = db.session.scalar(select(func.count(Attachment.id)))
    with pytest.raises(OperationError, match=message):
        issue_report(data.survey, _form(data, **over), data.manager)
    db.session.rollback()
    assert db.session.scalar(select(func.count(ReportIssue.id))) == 0
    assert db.session.scalar(select(func.count(Attachment.id))) == attachments_before


@pytest.mark.parametrize("over, message", [
    ({"number": "abc"}, "số nguyên đã đăng ký"),
    ({"number": ""}, "Số"),
    ({"issued_on": "2099-01-01"}, "tương lai"),
    ({"issued_on": "31/02/2026"}, "Ngày ban hành"),
    ({"to_city": "", "to_home_affairs": "", "agency_ids": [], "others": ""},
     "Hãy chọn nơi nhận"),
    ({"agency_ids": ["999999"]}, "trong phạm vi khảo sát"),
    ({"others": "x" * 301}, "quá dài"),
])
def test_bad_input_changes_nothing(data, db, over, message):
    _bad(data, db, message, **over)


def test_refused_before_appraisal_without_version_signer_or_twice(data, db, factory):
    put_in_state(db, data.survey, Step.ACCEPTANCE, StepState.SUBMITTED)
    _bad(data, db, "sau khi Sở Nội vụ thẩm định")
    put_in_state(db, data.survey, Step.ACCEPTANCE, StepState.APPRAISED)
    plan_of(data.survey).signer_name = ""
    _bad(data, db, "chưa có người ký")
    plan_of(data.survey).signer_name = "Trần Minh Khoa"
    issue_report(data.survey, _form(data), data.manager)
    with pytest.raises(OperationError, match="đã được ban hành, số 25/BC-TTKS ngày 01/12/2026"):
        issue_report(data.survey, _form(data, number="26"), data.manager)
    other = factory.survey("ST-9", agencies=[data.a])
    put_in_state(db, other, Step.ACCEPTANCE, StepState.APPRAISED)
    with pytest.raises(OperationError, match="phiên bản báo cáo tổng hợp"):
        issue_report(other, _form(data, agency_ids=[str(data.a.id)]), data.manager)


def test_cli_writes_the_issued_file(runner, data, db, tmp_path):
    res = runner.invoke(args=["report", "ST-1", "--issued", "--format", "pdf",
                              "--out", str(tmp_path / "x.pdf")])
    assert res.exit_code != 0 and "no issued report yet" in res.output
    issue = issue_report(data.survey, _form(data), data.manager)
    db.session.commit()
    res = runner.invoke(args=["report", "ST-1", "--issued", "--format", "docx",
                              "--out", str(tmp_path / "bc.docx")])
    assert res.exit_code == 0, res.output
    assert re.search(r"report no\. 25/BC-TTKS of 01/12/2026, sent to 5 recipients", res.output)
    assert (tmp_path / "bc.docx").read_bytes() == full_path(issue.docx).read_bytes()


def test_home_affairs_surveyed_too_is_one_line_and_names_sort_in_vietnamese(data, db, factory):
    from fieldwork.reports.dispatch import vietnamese_order
    assert sorted(["Xã Điện Bàn", "Xã Hòa Vang", "Xã Duy Xuyên", "Xã Ba Na"],
                  key=vietnamese_order) == ["Xã Ba Na", "Xã Duy Xuyên", "Xã Điện Bàn",
                                            "Xã Hòa Vang"]
    home = factory.agency("Sở Nội vụ")
    data.survey.scope.append(type(data.survey.scope[0])(agency_id=home.id, dossiers=100))
    db.session.flush()
    issue = issue_report(data.survey, _form(data, agency_ids=[
        str(data.a.id), str(home.id)], others=""), data.manager)
    assert [d.recipient for d in issue.dispatches] == [
        "UBND thành phố Đà Nẵng (để báo cáo)", "Sở Nội vụ (để báo cáo)", "Sở Tư pháp"]
    assert issue.dispatches[1].agency_id == home.id


def test_step_six_page_shows_where_to_issue_then_the_issued_report(client, data, db):
    login(client, data.manager.email, PASSWORD)
    put_in_state(db, data.survey, Step.ACCEPTANCE, StepState.SUBMITTED)
    db.session.commit()
    assert 'id="report-issue"' not in client.get("/surveys/ST-1/step/6").get_data(as_text=True)
    put_in_state(db, data.survey, Step.ACCEPTANCE, StepState.APPRAISED)
    db.session.commit()
    page = client.get("/surveys/ST-1/step/6").get_data(as_text=True)
    panel = page[page.index('id="report-issue"'):]
    assert "Chưa ban hành" in panel and 'href="/reports/ST-1#issue"' in panel
    issue = issue_report(data.survey, _form(data), data.manager)
    db.session.commit()
    page = client.get("/surveys/ST-1/step/6").get_data(as_text=True)
    panel = page[page.index('id="report-issue"'):page.index("</section>", page.index(
        'id="report-issue"'))]
    assert "Số 25/BC-TTKS ngày 01/12/2026" in panel and "số nơi nhận: 5" in panel
    assert "UBND thành phố Đà Nẵng (để báo cáo); Sở Nội vụ (để báo cáo); Sở Tư pháp" in panel
    assert f"/attachments/{issue.pdf_id}" in panel and f"/attachments/{issue.docx_id}" in panel
