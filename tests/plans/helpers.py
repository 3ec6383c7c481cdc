"""Builders for plans tests: a fake questionnaire module, tiny valid files, and a survey put
in any state of the transition table with every guard satisfied."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace

from fieldwork.plans import attachments, forms_link
from fieldwork.plans.models_docs import DocKind
from fieldwork.plans.models_fieldwork import (
    Assignment,
    Attendance,
    PilotRecord,
    SerialRange,
    TrainingSession,
)
from fieldwork.plans.models_review import (
    CommentRound,
    Council,
    CouncilDecision,
    CouncilMember,
    WrittenOpinion,
)
from fieldwork.plans.models_workflow import DONE, INITIAL, PLAN_SECTIONS, Step
from fieldwork.plans.steps import ensure, plan_of

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def pdf(tag: str = "") -> bytes:
    """A small PDF whose bytes differ by ``tag`` (so versions are not identical)."""
    return PDF + f"% {tag}\n".encode()


def docx_bytes() -> bytes:
    """A minimal DOCX-shaped ZIP (content types + word/document.xml)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


@dataclass
class FakeForms:
    """Stands in for ``fieldwork.forms.api``."""

    approved: bool = True
    numbers: list = field(default_factory=lambda: [(1, "approved")])
    printed: tuple[int, int] | None = (1, 100000)

    def has_approved_version(self, survey) -> bool:
        return self.approved

    def versions(self, survey) -> list:
        return [SimpleNamespace(number=n, status=s, id=n) for n, s in self.numbers]

    def serials_printed(self, survey, first: int, last: int) -> bool:
        return self.printed is not None and self.printed[0] <= first and last <= self.printed[1]


def use_fake_forms(monkeypatch, **kwargs) -> FakeForms:
    """Make the workflow see a fake questionnaire module."""
    fake = FakeForms(**kwargs)
    monkeypatch.setattr(forms_link, "api", lambda: fake)
    return fake


def upload(survey, user, kind: DocKind, *, agency_id=None, data: bytes | None = None,
           filename: str = "doc.pdf", title: str = ""):
    """Store an attachment through the real operation."""
    return attachments.upload(survey, {"kind": kind.value, "agency_id": agency_id,
                                       "title": title, "filename": filename,
                                       "stream": io.BytesIO(data or pdf(f"{kind}{agency_id}"))},
                              user)


def fill_plan(survey) -> None:
    """Write every plan section (directly: a test fixture, not a user action)."""
    plan = plan_of(survey)
    for key in PLAN_SECTIONS:
        setattr(plan, key, f"Nội dung {key}")


def record_issue(db, survey, attachment) -> None:
    """The issued report's record (a version, number, date, one recipient), as the step-6
    issue check asks; made directly, like the other records here."""
    from fieldwork.reports.models import (
        DispatchKind,
        ReportDispatch,
        ReportDraft,
        ReportIssue,
        ReportScope,
    )
    draft = ReportDraft(survey_id=survey.id, scope=ReportScope.SYNTHESIS,
                        scope_key="synthesis", number=1, snapshot="-", statistics={},
                        situation="Lý do chọn lĩnh vực.", shortcomings="Tồn tại.",
                        recommendations="Kiến nghị.", docx_id=attachment.id,
                        pdf_id=attachment.id)
    db.session.add(draft)
    db.session.flush()
    db.session.add(ReportIssue(
        survey_id=survey.id, draft_id=draft.id, number="1", symbol="BC-TEST",
        issued_on=date(2026, 12, 1), pdf_id=attachment.id,
        dispatches=[ReportDispatch(position=1, kind=DispatchKind.HOME_AFFAIRS,
                                   recipient="Sở Nội vụ", sent_on=date(2026, 12, 1))]))
    db.session.flush()


def satisfy_all(db, survey, manager, enumerator, agency) -> None:
    """Create every record any guard of the table asks for."""
    fill_plan(survey)
    plan = plan_of(survey)
    plan.signer_title, plan.signer_name = "Giám đốc", "Trần Minh Khoa"
    for row in survey.scope:
        row.shortfall_note = "Thiếu phiếu do số hồ sơ trả kết quả thấp hơn dự kiến."
        if row.agency_id != agency.id:
            row.draft_note = "Kết quả của cơ quan nằm trong phụ lục báo cáo tổng hợp."
    upload(survey, manager, DocKind.PLAN_SIGNED)
    upload(survey, manager, DocKind.REPORT_DRAFT)
    upload(survey, manager, DocKind.AGENCY_DRAFT, agency_id=agency.id)
    final = upload(survey, manager, DocKind.FINAL_REPORT)
    record_issue(db, survey, final)
    minutes = upload(survey, manager, DocKind.MINUTES)
    db.session.add(PilotRecord(survey_id=survey.id, held_on=date(2026, 5, 5), findings="ổn",
                               version_number=1))
    session = TrainingSession(survey_id=survey.id, held_on=date(2026, 6, 1), place="Hội trường",
                              trainer="Trần Văn Huấn", pass_mark=None)
    session.attendance.append(Attendance(user_id=enumerator.id, present=True))
    db.session.add(session)
    assignment = Assignment(survey_id=survey.id, enumerator_id=enumerator.id,
                            agency_id=agency.id, quota=10)
    assignment.ranges.append(SerialRange(survey_id=survey.id, first_serial=1, last_serial=10,
                                         handed_out_on=date(2026, 6, 2),
                                         returned_on=date(2026, 7, 1), completed=10,
                                         unused=0))
    db.session.add(assignment)
    db.session.add(WrittenOpinion(survey_id=survey.id, source="Sở Nội vụ",
                                  received_on=date(2026, 12, 1), summary="Đồng ý"))
    council = Council(survey_id=survey.id, meeting_on=date(2026, 12, 5),
                      decision=CouncilDecision.PASSED, minutes_id=minutes.id)
    council.members.append(CouncilMember(name="PGS.TS Nguyễn Văn Hội", council_role="Chủ tịch"))
    db.session.add(council)
    db.session.flush()


def put_in_state(db, survey, step: Step, state) -> None:
    """Earlier steps done, later steps untouched, ``step`` in ``state``; an open round exists
    when step 5 is in a round-open state."""
    rows = ensure(survey)
    for s, row in rows.items():
        row.state = DONE[s] if s < step else INITIAL[s]
    rows[step].state = state
    if step == Step.COMMENTS and state.value in ("round_open", "round_closed"):
        rnd = CommentRound(survey_id=survey.id, number=1)
        if state.value == "round_closed":
            from fieldwork.timeutil import utcnow
            rnd.closed_at = utcnow()
        db.session.add(rnd)
    db.session.flush()


def open_round(db, survey, manager, drafts: dict) -> CommentRound:
    """Step 4 drafted, each agency's draft uploaded (``{agency: filename}``), then round 1
    opened by the manager through the real transition."""
    from sqlalchemy import select

    from fieldwork.plans import operations_steps
    from fieldwork.plans.models_workflow import StepState

    for agency, filename in drafts.items():
        upload(survey, manager, DocKind.AGENCY_DRAFT, agency_id=agency.id, filename=filename)
    put_in_state(db, survey, Step.COMMENTS, StepState.NOT_STARTED)
    ensure(survey)[Step.PROCESSING].state = StepState.DRAFTED
    operations_steps.transition(survey, {"step": 5, "name": "open_round"}, manager)
    return db.session.scalar(select(CommentRound).where(CommentRound.survey_id == survey.id))
