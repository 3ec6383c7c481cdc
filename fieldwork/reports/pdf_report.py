"""A report draft as PDF (ReportLab platypus, embedded DejaVu fonts, charts as images; no Flask)."""

from __future__ import annotations

import io

from ..plans.docx_export import MOTTO_1, MOTTO_2, ROMAN
from .content import Chart, Para, ReportContent, Table


def _styles():
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    from ..forms.fonts import register_fonts
    f = register_fonts()
    base = ParagraphStyle("base", fontName=f.regular, fontSize=11, leading=14.5,
                          alignment=TA_JUSTIFY, firstLineIndent=28, spaceAfter=4)
    return {
        "body": base,
        "bold": ParagraphStyle("bold", base, fontName=f.bold, keepWithNext=1),
        "bold_free": ParagraphStyle("bold_free", base, fontName=f.bold),
        "italic": ParagraphStyle("italic", base, textColor="#333333"),
        "head": ParagraphStyle("head", base, fontName=f.bold, spaceBefore=6, keepWithNext=1),
        "center": ParagraphStyle("center", base, alignment=TA_CENTER, firstLineIndent=0,
                                 spaceAfter=0, fontSize=10.5, leading=13),
        "center_b": ParagraphStyle("center_b", base, fontName=f.bold, alignment=TA_CENTER,
                                   firstLineIndent=0, spaceAfter=0, fontSize=10.5, leading=13),
        "title": ParagraphStyle("title", base, fontName=f.bold, alignment=TA_CENTER,
                                firstLineIndent=0, fontSize=13, leading=17, spaceAfter=2),
        "cell": ParagraphStyle("cell", base, fontSize=8.5, leading=10.5, firstLineIndent=0,
                               alignment=TA_LEFT, spaceAfter=0),
        "cell_r": ParagraphStyle("cell_r", base, fontSize=8.5, leading=10.5,
                                 firstLineIndent=0, alignment=TA_RIGHT, spaceAfter=0),
        "cell_h": ParagraphStyle("cell_h", base, fontName=f.bold, fontSize=8.5, leading=10.5,
                                 firstLineIndent=0, alignment=TA_CENTER, spaceAfter=0),
        "small": ParagraphStyle("small", base, fontSize=9.5, leading=12, firstLineIndent=0,
                                alignment=TA_LEFT, spaceAfter=0),
    }


def _esc(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # Keep the blanks left for the number and the date to be filled in by hand.
    return text.replace("  ", "\u00a0\u00a0")


def _p(text: str, style, italic: bool = False):
    from reportlab.platypus import Paragraph
    text = _esc(text)
    return Paragraph(f"<i>{text}</i>" if italic else text, style)


def _rule(width_cm: float):
    from reportlab.lib.units import cm
    from reportlab.platypus import HRFlowable
    return HRFlowable(width=width_cm * cm, thickness=0.6, color="black", spaceBefore=4,
                      spaceAfter=4, hAlign="CENTER")


def _header(content: ReportContent, st) -> list:
    from reportlab.lib.units import cm
    from reportlab.platypus import Spacer
    from reportlab.platypus import Table as RLTable
    h = content.header
    left = ([_p(h.parent_body, st["center"])] if h.parent_body else []) + [
        _p(h.issuing_body or " ", st["center_b"]), _rule(2.5), _p(h.number_line, st["center"])]
    right = [_p(MOTTO_1, st["center_b"]), _p(MOTTO_2, st["center_b"]), _rule(5.0),
             _p(h.date_line, st["center"], italic=True)]
    grid = RLTable([[left, right]], colWidths=[6.5 * cm, 9.5 * cm])
    grid.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                   ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)])
    subject = [_p(line, st["title"]) for line in content.subject.splitlines()]
    return [grid, Spacer(1, 0.5 * cm), _p(content.kind, st["title"]), *subject,
            Spacer(1, 0.1 * cm), _rule(4.0), Spacer(1, 0.3 * cm)]


def _table(table: Table, st):
    from reportlab.lib.units import cm
    from reportlab.platypus import Table as RLTable
    scale = 16.0 / sum(table.widths)  # fit the text width whatever the DOCX widths add up to
    data = []
    for r, row in enumerate(table.rows):
        data.append([_p(text, st["cell_h"] if r == 0 else st["cell_r"]
                        if c in table.numeric else st["cell"]) for c, text in enumerate(row)])
    grid = RLTable(data, colWidths=[w * scale * cm for w in table.widths], repeatRows=1)
    grid.setStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"),
                   ("BACKGROUND", (0, 0), (-1, 0), "#e8e8e8"),
                   ("VALIGN", (0, 0), (-1, -1), "MIDDLE")])
    return grid


def _chart(chart: Chart, st) -> list:
    from reportlab.lib.units import cm
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Image
    w, h = ImageReader(io.BytesIO(chart.png)).getSize()
    width = 15.5 * cm
    if width * h / w > 21 * cm:  # many agencies: shrink to fit one page rather than fail
        width = 21 * cm * w / h
    return [Image(io.BytesIO(chart.png), width=width, height=width * h / w),
            _p(chart.caption, st["center"], italic=True)]


LONG_TABLE = 10  # rows; a heading is not kept with a longer table as a whole


def _blocks(blocks, st) -> list:
    from reportlab.lib.units import cm
    from reportlab.platypus import CondPageBreak, Spacer
    out = []
    for i, block in enumerate(blocks):
        after = blocks[i + 1] if i + 1 < len(blocks) else None
        if isinstance(block, Para) and block.bold and isinstance(after, Table) and len(
                after.rows) > LONG_TABLE:
            # Keeping it with a long table would push both to the next page and leave a
            # gap; a conditional break keeps the heading from ending a page instead.
            out += [CondPageBreak(4 * cm), _p(block.text, st["bold_free"], block.italic)]
        elif isinstance(block, Para):
            out.append(_p(block.text, st["bold"] if block.bold else st["body"], block.italic))
        elif isinstance(block, Table):
            out += [_table(block, st), Spacer(1, 0.25 * cm)]
        elif isinstance(block, Chart):
            out += _chart(block, st) + [Spacer(1, 0.25 * cm)]
    return out


def _signature(content: ReportContent, st):
    from reportlab.lib.units import cm
    from reportlab.platypus import Spacer
    from reportlab.platypus import Table as RLTable
    h = content.header
    left = [_p("Nơi nhận:", st["small"], italic=True)] + [_p(r, st["small"])
                                                          for r in h.recipients]
    right = ([_p(h.authority, st["center_b"])] if h.authority else []) + [
        _p(h.signer_title or " ", st["center_b"]), Spacer(1, 2.2 * cm),
        _p(h.signer_name or " ", st["center_b"])]
    grid = RLTable([[left, right]], colWidths=[8 * cm, 8 * cm])
    grid.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                   ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    return grid


def build_report_pdf(content: ReportContent) -> bytes:
    """Render a ReportContent as PDF bytes (A4, Decree 30 margins, fonts embedded)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm, mm
    from reportlab.platypus import PageBreak, SimpleDocTemplate, Spacer

    st = _styles()
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=30 * mm, rightMargin=15 * mm,
                            topMargin=20 * mm, bottomMargin=20 * mm,
                            title=f"{content.kind} {content.subject}",
                            author=content.header.issuing_body)
    story = _header(content, st)
    numbered = [s for s in content.sections if not s.annex]
    for i, section in enumerate(numbered):
        story.append(_p(f"{ROMAN[i]}. {section.heading}", st["head"]))
        story += _blocks(section.blocks, st)
    story += [Spacer(1, 0.5 * cm), _signature(content, st)]
    for section in (s for s in content.sections if s.annex):
        story += [PageBreak(), _p(section.heading, st["title"]), Spacer(1, 0.3 * cm)]
        story += _blocks(section.blocks, st)
    doc.build(story)
    return out.getvalue()
