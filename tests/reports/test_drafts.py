"""Report draft versions: numbering, frozen statistics, files, rounds, freezing at publication."""

from __future__ import annotations

import io
import subprocess
from types import SimpleNamespace

import pytest
from docx import Document
from sqlalchemy import select

from fieldwork.audit.models import AuditEvent
from fieldwork.entry.models import EntrySheet
from fieldwork.errors import OperationError
from fieldwork.plans import attachments, operations_review, operations_steps
from fieldwork.plans.models import SurveyStatus
from fieldwork.plans.models_docs import DocKind
from fieldwork.plans.models_workflow import Step, StepState
from fieldwork.plans.steps import plan_of
from fieldwork.reports import drafts
from fieldwork.reports.content import build_content, pct
from fieldwork.reports.docx_report import build_report_docx
from fieldwork.reports.models import ReportDraft, ReportScope
from fieldwork.reports.operations import _header
from fieldwork.stats.statistics import survey_statistics

from ..plans.helpers import put_in_state, upload
from ..quality.conftest import add_sheet
from ..stats.test_dataset import build

NARRATIVE = {"shortcomings": "Người dân phải chờ lâu ở bộ phận một cửa.",
             "recommendations": "Rút ngắn thời gian trả kết quả."}


def build_data(db, factory) -> SimpleNamespace:
    """ST-1 of the stats tests (agencies A, B with approved sheets), A's sheets in field HT,
    a Home Affairs reviewer and a reviewer of each agency."""
    d = build(db, factory)
    d.field = factory.field("HT", "Hộ tịch")
    for sheet in db.session.scalars(select(EntrySheet).where(EntrySheet.agency_id == d.a.id)):
        sheet.field_id = d.field.id
    d.reviewer = factory.user("home_affairs")
    d.agency_a = factory.user("agency", agency=d.a)
    d.agency_b = factory.user("agency", agency=d.b)
    # The plan says why its fields were chosen (the report's situation section).
    plan_of(d.survey).field_reasons = "Hộ tịch và y tế là các lĩnh vực có nhiều hồ sơ nhất."
    db.session.commit()
    return d


@pytest.fixture()
def data(db, factory):
    return build_data(db, factory)


def read(att) -> bytes:
    return attachments.full_path(att).read_bytes()


def docx_text(att) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(read(att))).paragraphs)


def pdf_text(att, tmp_path) -> str:
    path = tmp_path / "draft.pdf"
    path.write_bytes(read(att))
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          check=True)
    return " ".join(done.stdout.decode().split())


def test_versions_increment_and_stay_unchanged(data, db, tmp_path):
    v1 = drafts.create_draft(data.survey, data.manager, narrative=NARRATIVE)
    db.session.commit()
    first = (v1.snapshot, v1.shortcomings, v1.docx_id, v1.pdf_id, dict(v1.statistics))
    v2 = drafts.create_draft(data.survey, data.manager,
                             narrative={"shortcomings": "Văn bản mới.", "recommendations": ""})
    db.session.commit()
    assert (v1.number, v2.number) == (1, 2)
    assert v1.scope == v2.scope == ReportScope.SYNTHESIS and v1.scope_key == "synthesis"
    db.session.expire_all()
    again = db.session.get(ReportDraft, v1.id)
    assert (again.snapshot, again.shortcomings, again.docx_id, again.pdf_id,
            again.statistics) == first
    stats = survey_statistics(data.survey)
    assert v2.snapshot == stats["snapshot"] and v2.statistics["overall"]["n"] == 40
    assert v2.statistics["overall"]["rate"] == pytest.approx(stats["overall"]["rate"])
    # The files: DOCX with the narrative, PDF with the same figures and text.
    text = docx_text(v1.docx)
    assert NARRATIVE["shortcomings"] in text and NARRATIVE["recommendations"] in text
    assert f"Chỉ số hài lòng chung: {pct(stats['overall']['rate'])}" in text
    assert "Văn bản mới." in docx_text(v2.docx) and NARRATIVE["shortcomings"] not in docx_text(
        v2.docx)
    ptext = pdf_text(v1.pdf, tmp_path)
    assert NARRATIVE["shortcomings"] in ptext and "85,00%" in ptext
    assert v1.pdf.kind == v1.docx.kind == DocKind.REPORT_DRAFT
    assert v1.pdf.filename == "ST-1-bao-cao-tong-hop-v1.pdf"
    assert v2.pdf.version == 2 and v2.docx.version == 2  # same document, next version
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "report_draft.create").order_by(AuditEvent.id)).all()
    assert [e.after["version"] for e in events] == [1, 2]
    assert events[0].after["snapshot"] == stats["snapshot"]


def test_the_same_data_and_texts_make_no_new_version(data, db, factory):
    drafts.create_draft(data.survey, data.manager, narrative=NARRATIVE)
    with pytest.raises(OperationError, match="Không có gì thay đổi|Nothing changed"):
        drafts.create_draft(data.survey, data.manager, narrative=dict(NARRATIVE))
    earlier = factory.survey("ST-0", agencies=[data.a, data.b], year=2025)
    again = drafts.create_draft(data.survey, data.manager, previous=earlier,
                                narrative=NARRATIVE)  # now compared with 2025: a new version
    assert again.number == 2


def test_figures_are_reproducible_from_the_frozen_statistics(data, db):
    v1 = drafts.create_draft(data.survey, data.manager, narrative=NARRATIVE)
    db.session.commit()
    db.session.expire_all()
    v1 = db.session.get(ReportDraft, v1.id)
    content = build_content(v1.statistics, _header(data.survey, 2000), None,
                            narrative={"shortcomings": v1.shortcomings,
                                       "recommendations": v1.recommendations})
    rebuilt = Document(io.BytesIO(build_report_docx(content)))
    assert [p.text for p in rebuilt.paragraphs] == docx_text(v1.docx).split("\n")


def test_newer_data_makes_a_new_version_with_its_own_snapshot(data, db):
    v1 = drafts.create_draft(data.survey, data.manager)
    add_sheet(db, data.survey, 500, agency=data.a, enumerator=data.lan,
              answers={"q01": ["no"], "agency": [data.a.name]})
    db.session.commit()
    v2 = drafts.create_draft(data.survey, data.manager)
    assert v2.number == 2 and v2.snapshot != v1.snapshot
    assert (v1.statistics["overall"]["n"], v2.statistics["overall"]["n"]) == (40, 41)


def test_agency_and_field_drafts(data, db, tmp_path):
    syn = drafts.create_draft(data.survey, data.manager)
    a1 = drafts.create_draft(data.survey, data.manager, agency=data.b)
    a2 = drafts.create_draft(data.survey, data.manager, agency=data.b, narrative=NARRATIVE)
    f1 = drafts.create_draft(data.survey, data.manager, field=data.field)
    db.session.commit()
    assert (syn.number, a1.number, a2.number, f1.number) == (1, 1, 2, 1)
    assert a2.scope_key == f"agency:{data.b.id}" and f1.scope_key == f"field:{data.field.id}"
    assert a2.pdf.kind == DocKind.AGENCY_DRAFT and a2.pdf.agency_id == data.b.id
    # Step-5 rounds send the newest agency draft: the PDF of the newest version.
    assert attachments.latest(data.survey, DocKind.AGENCY_DRAFT, data.b.id).id == a2.pdf_id
    assert drafts.round_attachment(data.survey, data.b.id).id == a2.pdf_id
    assert a2.statistics["overall"]["n"] == 10
    assert "Cơ quan, đơn vị: Sở Y tế" in pdf_text(a2.pdf, tmp_path)
    # The file an agency receives is named after it, not by a number of ours.
    assert a2.pdf.filename.startswith(f"{data.survey.code}-so-y-te-v2")
    assert f1.pdf.kind == DocKind.REPORT_DRAFT and "Hộ tịch" in f1.pdf.title
    assert "Lĩnh vực: Hộ tịch" in docx_text(f1.docx)
    assert [d.id for d in drafts.drafts_of(data.survey)] == [syn.id, a2.id, a1.id, f1.id]


def test_comparison_with_the_previous_year(data, db, factory):
    earlier = factory.survey("ST-0", agencies=[data.a, data.b], year=2025)
    draft = drafts.create_draft(data.survey, data.manager, previous=earlier)
    assert draft.previous_survey_id == earlier.id
    assert draft.previous_statistics["overall"]["n"] == 0
    assert "Không có số liệu năm 2025 để so sánh." in docx_text(draft.docx)


def _count(db):
    return len(db.session.scalars(select(ReportDraft)).all())


@pytest.mark.parametrize("case, message", [
    ("not_manager", "Chỉ quản lý|Only the contractor manager"),
    ("outside_scope", "không thuộc phạm vi|not in the scope"),
    ("both", "một lĩnh vực|one field"),
    ("itself", "chính cuộc khảo sát|survey itself"),
    ("too_long", "quá dài|too long"),
    ("no_data", "Chưa có ý kiến|no approved answers"),
    ("closed", "đã công bố|published or closed"),
])
def test_bad_input_changes_nothing(data, db, factory, case, message):
    survey, actor = data.survey, data.manager
    kwargs = {}
    if case == "not_manager":
        actor = data.reviewer
    elif case == "outside_scope":
        kwargs["agency"] = factory.agency("Sở Xây dựng")
    elif case == "both":
        kwargs.update(agency=data.a, field=data.field)
    elif case == "itself":
        kwargs["previous"] = survey
    elif case == "too_long":
        kwargs["narrative"] = {"shortcomings": "x" * (drafts.NARRATIVE_MAX + 1)}
    elif case == "no_data":
        survey = factory.survey("EMPTY-1", agencies=[data.a])
    elif case == "closed":
        survey.status = SurveyStatus.CLOSED
    with pytest.raises(OperationError, match=message):
        drafts.create_draft(survey, actor, **kwargs)
    assert _count(db) == 0


def test_round_sends_the_draft_pdf_and_comments_attach_to_the_version(data, db):
    put_in_state(db, data.survey, Step.COMMENTS, StepState.NOT_STARTED)
    v1 = drafts.create_draft(data.survey, data.manager, agency=data.a)
    v2 = drafts.create_draft(data.survey, data.manager, agency=data.a, narrative=NARRATIVE)
    operations_steps.transition(data.survey, {"step": 5, "name": "open_round"}, data.manager)
    rnd = operations_steps.current_round(data.survey)
    sent = {d.agency_id: d.attachment_id for d in rnd.drafts}
    assert sent == {data.a.id: v2.pdf_id}  # agency B has no draft: nothing sent to it
    comment = operations_review.file_comment(rnd, {"text": "Số phiếu chưa đúng."},
                                             data.agency_a)
    db.session.commit()
    assert drafts.reviews_of(v1) == []
    [review] = drafts.reviews_of(v2)
    assert review["round"].number == 1 and review["comments"] == [comment]
    assert drafts.draft_of_attachment(rnd.drafts[0].attachment_id).id == v2.id


def test_manual_upload_newer_than_the_versions_is_sent(data, db, factory):
    put_in_state(db, data.survey, Step.COMMENTS, StepState.NOT_STARTED)
    drafts.create_draft(data.survey, data.manager, agency=data.a)
    manual = upload(data.survey, data.manager, DocKind.AGENCY_DRAFT, agency_id=data.a.id,
                    title="Bản sửa tay")
    assert drafts.round_attachment(data.survey, data.a.id).id == manual.id


def test_publication_marks_the_newest_synthesis_and_freezes(data, db):
    v1 = drafts.create_draft(data.survey, data.manager)
    v2 = drafts.create_draft(data.survey, data.manager, narrative=NARRATIVE)
    agency = drafts.create_draft(data.survey, data.manager, agency=data.a)
    upload(data.survey, data.manager, DocKind.FINAL_REPORT)
    put_in_state(db, data.survey, Step.ACCEPTANCE, StepState.ISSUED)
    assert drafts.published_draft(data.survey) is None and not drafts.is_frozen(data.survey)
    operations_steps.transition(data.survey, {"step": 6, "name": "publish"}, data.manager)
    db.session.commit()
    assert drafts.published_draft(data.survey).id == v2.id
    assert v2.published and not v1.published and not agency.published
    assert drafts.is_frozen(data.survey)
    with pytest.raises(OperationError, match="đã công bố|published or closed"):
        drafts.create_draft(data.survey, data.manager, narrative=NARRATIVE)
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "report_draft.publish"))
    assert event.after["version"] == 2 and event.before == {"published_at": None}
    step_event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "workflow.acceptance.publish"))
    assert step_event.after["report_draft"] == 2
