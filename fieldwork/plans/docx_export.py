"""The plan as a Decree 30/2020 document (DOCX to edit and sign, or PDF).

``plan_document`` gathers plain data from the database (always in Vietnamese: the document
leaves the system) into a ``fieldwork.documents.Document``; the shared builders lay it out
(header columns, numbering, signature, recipients, "DỰ THẢO" until the plan is issued).
"""

from __future__ import annotations

from babel.numbers import format_decimal

from ..documents import MOTTO_1, MOTTO_2, ROMAN, Document, DraftMark, Para, Section, Signature
from ..documents import Table as DocTable
from ..documents.decree import date_line, number_line, split_authority

__all__ = ["MOTTO_1", "MOTTO_2", "ROMAN", "build_plan_docx", "build_plan_pdf", "date_line",
           "number_line", "plan_document"]


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def vn(value, digits: int = 2) -> str:
    """A number in Vietnamese format (4.000; 259,74)."""
    return format_decimal(value, "#,##0." + "#" * digits if digits else "#,##0", locale="vi")


def plan_document(survey, draft: bool | None = None) -> Document:
    """The survey's plan as a Document (Vietnamese, whatever the user's language); marked
    "DỰ THẢO" until the plan is issued (``draft`` forces either way)."""
    from flask_babel import force_locale

    from .progress import requirements
    from .sampling_text import method_sentences
    from .steps import plan_of

    plan = plan_of(survey)
    with force_locale("vi"):
        reqs = requirements(survey)
        rows = [["STT", "Cơ quan, đơn vị", "Lĩnh vực", "Số hồ sơ (N)", "Sai số (e)",
                 "Số phiếu tối thiểu (n)"]]
        for i, r in enumerate(reqs, 1):
            margin = ""
            if r.result is not None and "margin" in r.result.params:
                margin = vn(r.result.params["margin"] * 100) + "%"
            rows.append([str(i), r.scope.agency.name, r.scope.field.name if r.scope.field
                         else "Tất cả lĩnh vực", vn(r.scope.dossiers, 0), margin,
                         vn(r.required, 0) if r.required is not None else "?"])
        rows.append(["", "Tổng cộng", "", vn(sum(r.scope.dossiers for r in reqs), 0), "",
                     vn(sum(r.required or 0 for r in reqs), 0)])
        split = [f"{r.scope.label}: {r.text['allocation']}" for r in reqs
                 if r.result is not None and r.text["allocation"]][:3]
        notes = [f"{r.scope.agency.name}: {r.text['formula']}" for r in reqs
                 if r.result is not None and r.result.rule == "slovin"][:3]
    rule = method_sentences(plan.sample_policy, str(plan.rounding),
                            any(r.scope.state_bodies_only for r in reqs))
    if notes:
        rule.append("Ví dụ cách tính: " + "; ".join(notes) + ".")
    if split:
        rule.append("Phân bổ theo lĩnh vực: " + " ".join(split))

    def part(heading: str, parts: list[tuple[str, str]]) -> Section:
        blocks = []
        for title, key in parts:
            if title:
                blocks.append(Para(title, bold=True, level=2))
            blocks += [Para(t) for t in _paragraphs(getattr(plan, key))] or [Para("…")]
        return Section(heading, blocks)

    sample = DocTable(rows, (1.1, 5.2, 3.0, 2.4, 1.8, 3.0), numeric=(3, 4, 5), total=True)
    sections = [
        part("MỤC ĐÍCH, YÊU CẦU", [("1. Mục đích", "purpose"), ("2. Yêu cầu", "requirements")]),
        part("PHẠM VI, ĐỐI TƯỢNG KHẢO SÁT", [
            ("1. Phạm vi khảo sát", "scope_text"), ("2. Đối tượng khảo sát", "subjects"),
            ("3. Lĩnh vực khảo sát, thực trạng và lý do lựa chọn", "field_reasons")]),
        part("PHƯƠNG PHÁP KHẢO SÁT", [("", "methods")]),
        Section("SỐ LƯỢNG MẪU KHẢO SÁT", [sample, *[Para(t) for t in rule]]),
        part("NỘI DUNG PHIẾU KHẢO SÁT", [("", "questionnaire_content")]),
        part("THỜI GIAN THỰC HIỆN", [("", "timeline")]),
        part("KINH PHÍ THỰC HIỆN", [("", "budget")]),
    ]
    subject = plan.subject or survey.title
    if draft is None:
        from .models_workflow import Step, StepState
        from .steps import state
        draft = state(survey, Step.PLAN) != StepState.ISSUED
    from ..timeutil import local_today
    issuer = plan.issuing_body or survey.contractor or ""
    return Document(
        kind="KẾ HOẠCH", subject=subject, issuing_body=issuer.upper(),
        parent_body=plan.parent_body.upper(),
        number_line=number_line(plan.doc_number, plan.doc_symbol),
        date_line=date_line(plan.place or "Đà Nẵng", plan.signed_on, survey.year),
        sections=sections,
        closing=[Para(f"Trên đây là Kế hoạch {subject[:1].lower() + subject[1:]}./.")],
        recipients=_paragraphs(plan.recipients) or ["- Sở Nội vụ;", "- Lưu: VT."],
        signature=Signature(split_authority(plan.signer_authority), plan.signer_title.upper(),
                            plan.signer_name),
        draft=DraftMark(local_today()) if draft else None,
        author=survey.contractor or issuer)


def build_plan_docx(doc: Document) -> bytes:
    """The plan document as an editable DOCX."""
    from ..documents.word import render_docx
    return render_docx(doc)


def build_plan_pdf(doc: Document) -> bytes:
    """The plan document as PDF."""
    from ..documents.pdf import render_pdf
    return render_pdf(doc)
