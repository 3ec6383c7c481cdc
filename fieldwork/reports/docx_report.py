"""A report draft as an editable DOCX in the Decree 30/2020 layout (python-docx; no Flask).

The header, rules and signature block follow the plan export (``fieldwork.plans.docx_export``)
so plans and reports that leave the system look alike; its small layout helpers are reused.
"""

from __future__ import annotations

import io

from ..plans import docx_export as dx
from .content import Chart, Para, ReportContent, Table

ROMAN = dx.ROMAN


def _header(d, content: ReportContent) -> None:
    h = content.header
    left_w, right_w = 6.5, 10.0
    head = d.add_table(rows=1, cols=2)
    dx._borderless(head)
    dx._widths(head, (left_w, right_w))
    lc, rc = head.rows[0].cells
    for cell in (lc, rc):
        cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
    if h.parent_body:
        dx._par(lc, h.parent_body, size=12.5, align="center")
    dx._par(lc, h.issuing_body or " ", size=12.5, bold=True, align="center")
    dx._rule(lc, 2.5, left_w)
    dx._par(lc, h.number_line, size=13, align="center")
    dx._par(rc, dx.MOTTO_1, size=12.5, bold=True, align="center")
    dx._par(rc, dx.MOTTO_2, size=13.5, bold=True, align="center")
    dx._rule(rc, 5.8, right_w)
    dx._par(rc, h.date_line, size=13.5, italic=True, align="center")
    dx._par(d, "", space_after=6)
    dx._par(d, content.kind, size=14, bold=True, align="center")
    for line in content.subject.splitlines():
        dx._par(d, line, size=14, bold=True, align="center")
    dx._rule(d, 4.0, 16.5)


def _table(d, table: Table) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    grid = d.add_table(rows=len(table.rows), cols=len(table.rows[0]))
    grid.style = "Table Grid"
    dx._widths(grid, table.widths)
    for r, values in enumerate(table.rows):
        for c, text in enumerate(values):
            par = grid.rows[r].cells[c].paragraphs[0]
            par.alignment = (WD_ALIGN_PARAGRAPH.CENTER if r == 0 or c == 0
                             else WD_ALIGN_PARAGRAPH.RIGHT if c in table.numeric
                             else WD_ALIGN_PARAGRAPH.LEFT)
            dx._run(par, text, 11, bold=(r == 0))
    dx._par(d, "", space_after=4)


def _chart(d, chart: Chart) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm
    par = d.add_paragraph()
    par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = par.add_run()
    shape = run.add_picture(io.BytesIO(chart.png), width=Cm(16))
    if shape.height > Cm(22):  # many agencies: keep the chart on one page
        shape.width, shape.height = int(shape.width * Cm(22) / shape.height), Cm(22)
    dx._par(d, chart.caption, size=12, italic=True, align="center", space_after=6)


def build_report_docx(content: ReportContent) -> bytes:
    """Render a ReportContent as DOCX bytes (A4, Times New Roman, editable)."""
    d = dx.new_document()
    _header(d, content)

    numbered = [s for s in content.sections if not s.annex]
    for i, section in enumerate(numbered):
        dx._par(d, f"{ROMAN[i]}. {section.heading}", size=13.5, bold=True, align="justify",
                indent=True, space_after=6)
        _blocks(d, section.blocks)
    _signature(d, content)
    for section in (s for s in content.sections if s.annex):
        d.add_page_break()
        dx._par(d, section.heading, size=13.5, bold=True, align="center", space_after=6)
        _blocks(d, section.blocks)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def _blocks(d, blocks) -> None:
    for block in blocks:
        if isinstance(block, Para):
            dx._par(d, block.text, size=13.5, bold=block.bold, italic=block.italic,
                    align="justify", indent=True, space_after=6)
        elif isinstance(block, Table):
            _table(d, block)
        elif isinstance(block, Chart):
            _chart(d, block)


def _signature(d, content: ReportContent) -> None:
    h = content.header
    dx._par(d, "", space_after=6)
    foot = d.add_table(rows=1, cols=2)
    dx._borderless(foot)
    dx._widths(foot, (8.0, 8.5))
    lc, rc = foot.rows[0].cells
    for cell in (lc, rc):
        cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
    dx._par(lc, "Nơi nhận:", size=12, bold=True, italic=True)
    for line in h.recipients:
        dx._par(lc, line, size=11)
    if h.authority:
        dx._par(rc, h.authority, size=13.5, bold=True, align="center")
    dx._par(rc, h.signer_title or " ", size=13.5, bold=True, align="center")
    for _ in range(4):
        dx._par(rc, "", size=13.5)
    dx._par(rc, h.signer_name or " ", size=13.5, bold=True, align="center")
