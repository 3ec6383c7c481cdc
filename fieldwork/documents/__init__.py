"""Official documents in the layout of Decree 30/2020/NĐ-CP (plans, reports, letters).

One model (``model.Document``) and two builders from it: ``pdf.render_pdf`` (ReportLab) and
``word.render_docx`` (python-docx, editable). Header columns, numbering, page numbers,
signature forms, recipients and draft marking are laid out here once. This package knows no
feature: plans and reports build a ``Document`` and call the builders; it imports neither.
"""

from .decree import MOTTO_1, MOTTO_2, ROMAN, date_line, number_line, recipient_lines
from .model import Chart, Document, DraftMark, Para, Section, Signature, Table

__all__ = ["MOTTO_1", "MOTTO_2", "ROMAN", "Chart", "Document", "DraftMark", "Para", "Section",
           "Signature", "Table", "date_line", "number_line", "recipient_lines"]
