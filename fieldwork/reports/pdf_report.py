"""A report as PDF: its Decree 30 document through the shared builder (no Flask)."""

from __future__ import annotations

from ..documents.model import DraftMark
from ..documents.pdf import render_pdf
from .content import ReportContent
from .document import mark_of, report_document


def build_report_pdf(content: ReportContent, draft: DraftMark | bool = True) -> bytes:
    """Render a ReportContent as PDF bytes, marked "DỰ THẢO" unless ``draft`` is False."""
    return render_pdf(report_document(content, mark_of(draft)))
