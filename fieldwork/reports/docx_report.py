"""A report as an editable DOCX: its Decree 30 document through the shared builder."""

from __future__ import annotations

from ..documents.model import DraftMark
from ..documents.word import render_docx
from .content import ReportContent
from .document import mark_of, report_document


def build_report_docx(content: ReportContent, draft: DraftMark | bool = True) -> bytes:
    """Render a ReportContent as DOCX bytes, marked "DỰ THẢO" unless ``draft`` is False."""
    return render_docx(report_document(content, mark_of(draft)))
