"""A report outline (``content.ReportContent``) as a Decree 30 ``Document``: the header from
the plan, an opening sentence, the closing sentence kept with the signature, the draft mark."""

from __future__ import annotations

from datetime import date, datetime

from ..documents.decree import split_authority
from ..documents.model import Document, DraftMark, Para, Signature
from .content import ReportContent, _lower_first


def opening(content: ReportContent) -> list[Para]:
    """"Thực hiện Kế hoạch số ..., <đơn vị> báo cáo kết quả khảo sát như sau:"."""
    h = content.header
    plan = h.plan_ref or f"Kế hoạch {_lower_first(h.survey_title)}"
    who = h.issuer_name or "Đơn vị khảo sát độc lập"
    return [Para(f"Thực hiện {plan}, {who} báo cáo kết quả khảo sát như sau:")]


def closing(content: ReportContent) -> list[Para]:
    """"Trên đây là Báo cáo <subject>./." (the paragraph the signature keeps with)."""
    first = content.subject.splitlines()[0] if content.subject else ""
    return [Para(f"Trên đây là Báo cáo {_lower_first(first)}./.")]


def report_document(content: ReportContent, draft: DraftMark | None = None,
                    created: datetime | None = None) -> Document:
    """The Decree 30 document of a report; ``draft`` marks it "DỰ THẢO" (None: issued)."""
    h = content.header
    return Document(
        kind=content.kind, subject=content.subject, issuing_body=h.issuing_body,
        parent_body=h.parent_body, number_line=h.number_line, date_line=h.date_line,
        intro=opening(content), sections=content.sections, closing=closing(content),
        recipients=list(h.recipients),
        signature=Signature(split_authority(h.authority), h.signer_title, h.signer_name),
        draft=draft, author=h.contractor or h.issuer_name or h.issuing_body, created=created)


def mark_of(draft: DraftMark | bool) -> DraftMark | None:
    """The draft mark of a report file: True is a draft dated today, False the issued
    report (no mark), a DraftMark itself (version and date)."""
    if draft is False:
        return None
    return draft if isinstance(draft, DraftMark) else DraftMark(date.today())
