"""A ``Document`` as PDF (ReportLab platypus): A4, Decree 30 margins and sizes, Liberation
Serif embedded in all four faces, page numbers from page 2, "DỰ THẢO" on drafts. No Flask."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from .decree import (
    FIRST_LINE_INDENT_CM,
    HEADER_DISTANCE_MM,
    MARGIN_MM,
    RECIPIENTS_LABEL,
    ROMAN,
    SIZE,
    TEXT_WIDTH_CM,
)
from .fonts import register_pdf_fonts
from .layout import PAD_CM, header_layout, signature_columns, subject_rule_cm, width, wrap
from .model import Chart, Document, Para, Table

LEADING = 1.15  # single line spacing of Liberation Serif (ascent + descent + gap)
CELL_PAD_PT, CELL_PAD_V_PT = 0.1 * 72 / 2.54, 1.5  # as the DOCX tables' cell margins
WATERMARK_GREY, WATERMARK_ALPHA = 0.55, 0.3


def _styles(f: dict) -> dict:
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm

    def style(name, size, font="regular", align=TA_JUSTIFY, indent=0.0, after=0.0, **kw):
        return ParagraphStyle(name, fontName=f[font], fontSize=size, leading=size * LEADING,
                              alignment=align, firstLineIndent=indent * cm, spaceAfter=after,
                              **kw)

    body, ind = SIZE["body"], FIRST_LINE_INDENT_CM
    return {
        "body": style("body", body, indent=ind, after=6),
        "bold": style("bold", body, "bold", indent=ind, after=6),
        "h1": style("h1", body, "bold", indent=ind, after=6, spaceBefore=6),
        "h2": style("h2", body, "bold", indent=ind, after=6),
        "h3": style("h3", body, "bold_italic", indent=ind, after=6),
        "annex": style("annex", body, "bold", TA_CENTER, after=10, keepWithNext=1),
        "parent": style("parent", SIZE["parent"], align=TA_CENTER),
        "issuer": style("issuer", SIZE["issuer"], "bold", TA_CENTER),
        "number": style("number", SIZE["number"], align=TA_CENTER),
        "motto1": style("motto1", SIZE["motto1"], "bold", TA_CENTER),
        "motto2": style("motto2", SIZE["motto2"], "bold", TA_CENTER),
        "date": style("date", SIZE["date"], "italic", TA_CENTER),
        "kind": style("kind", SIZE["kind"], "bold", TA_CENTER, spaceBefore=18),
        "subject": style("subject", SIZE["subject"], "bold", TA_CENTER),
        "draft": style("draft", SIZE["draft"], "bold", TA_CENTER),
        "draft_date": style("draft_date", 11, "italic", TA_CENTER),
        "cell": style("cell", SIZE["table"], align=TA_LEFT),
        "cell_r": style("cell_r", SIZE["table"], align=TA_RIGHT),
        "cell_c": style("cell_c", SIZE["table"], align=TA_CENTER),
        "cell_h": style("cell_h", SIZE["table"], "bold", TA_CENTER),
        "cell_b": style("cell_b", SIZE["table"], "bold", TA_LEFT),
        "cell_br": style("cell_br", SIZE["table"], "bold", TA_RIGHT),
        "caption": style("caption", SIZE["caption"], "italic", TA_CENTER, after=8),
        "to_label": style("to_label", SIZE["recipients_label"], "bold_italic", TA_LEFT),
        "to": style("to", SIZE["recipients"], align=TA_LEFT),
        "sign": style("sign", SIZE["sign"], "bold", TA_CENTER),
        "sign_note": style("sign_note", SIZE["sign"], "italic", TA_CENTER),
    }


def _p(text: str, style):
    from reportlab.platypus import Paragraph
    # Keep runs of spaces (the blanks left for the number and the date to be written in).
    return Paragraph(escape(text).replace("  ", "\u00a0\u00a0"), style)


def _rule(length_cm: float, before: float = 2, after: float = 2):
    """A centred solid rule of ``length_cm``, ``before`` and ``after`` points around it."""
    from reportlab.lib.units import cm
    from reportlab.platypus import Flowable

    class Rule(Flowable):
        def wrap(self, avail_width, avail_height):
            self.avail = avail_width
            return avail_width, before + after + 0.6

        def draw(self):
            length = min(length_cm * cm, self.avail)
            x0 = (self.avail - length) / 2
            self.canv.setLineWidth(0.6)
            self.canv.line(x0, after + 0.3, x0 + length, after + 0.3)

    return Rule()


def _cell_font():
    # A table sets its cells' font even when they hold paragraphs; without this it is
    # Helvetica, which would then sit unembedded in the file.
    return ("FONTNAME", (0, 0), (-1, -1), register_pdf_fonts()["regular"])


def _grid(rows, widths_cm, style_cmds=()):
    from reportlab.lib.units import cm
    from reportlab.platypus import Table as RLTable
    grid = RLTable(rows, colWidths=[w * cm for w in widths_cm])
    grid.setStyle([_cell_font(), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                   ("ALIGN", (0, 0), (-1, -1), "CENTER"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                   ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
                   ("BOTTOMPADDING", (0, 0), (-1, -1), 0), *style_cmds])
    return grid


def _draft_box(doc: Document, st):
    from reportlab.lib.units import cm
    mark = doc.draft
    box_w = max(width(mark.label, "draft") + 0.8, 4.0)
    box = _grid([[_p(mark.label, st["draft"])], [_p(f"ngày {mark.on:%d/%m/%Y}",
                                                    st["draft_date"])]], [box_w],
                [("BOX", (0, 0), (-1, -1), 0.8, "black"), ("TOPPADDING", (0, 0), (-1, 0), 3),
                 ("BOTTOMPADDING", (0, -1), (-1, -1), 4)])
    box.hAlign = "RIGHT"
    from reportlab.platypus import Spacer
    return [box, Spacer(1, 0.3 * cm)]


def _header(doc: Document, st) -> list:
    from reportlab.lib.units import cm
    from reportlab.platypus import Spacer
    lay = header_layout(doc)
    left = ([_p(t, st["parent"]) for t in lay.parent] + [_p(t, st["issuer"]) for t in lay.issuer]
            + [_rule(lay.issuer_rule_cm, before=3, after=4), _p(lay.number, st["number"])])
    right = ([_p(lay.motto[0], st["motto1"]), _p(lay.motto[1], st["motto2"]),
              _rule(lay.motto_rule_cm, before=3, after=6)]
             + [_p(t, st["date"]) for t in lay.date])
    story = _draft_box(doc, st) if doc.draft else []
    story += [_grid([[left, right]], [lay.left_cm, lay.right_cm]), _p(doc.kind, st["kind"])]
    story += [_p(line, st["subject"]) for line in doc.subject.splitlines() if line.strip()]
    story += [_rule(subject_rule_cm(doc), before=6, after=4), Spacer(1, 0.3 * cm)]
    return story


def _table(table: Table, st):
    from reportlab.lib.units import cm
    from reportlab.platypus import Table as RLTable
    scale = TEXT_WIDTH_CM / sum(table.widths)
    last = len(table.rows) - 1
    centred = {0} if all(len(r[0]) <= 4 for r in table.rows[table.header_rows:]) else set()
    data = []
    for r, row in enumerate(table.rows):
        head, total = r < table.header_rows, table.total and r == last
        data.append([_p(text, st["cell_h"] if head else
                        (st["cell_br"] if total else st["cell_r"]) if c in table.numeric else
                        st["cell_c"] if c in centred else
                        st["cell_b"] if total else st["cell"]) for c, text in enumerate(row)])
    grid = RLTable(data, colWidths=[w * scale * cm for w in table.widths],
                   repeatRows=table.header_rows)
    grid.setStyle([_cell_font(), ("GRID", (0, 0), (-1, -1), 0.5, "black"),
                   ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                   ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD_PT),
                   ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD_PT),
                   ("TOPPADDING", (0, 0), (-1, -1), CELL_PAD_V_PT),
                   ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_PAD_V_PT)])
    return grid


def _chart(chart: Chart, st) -> list:
    from reportlab.lib.units import cm
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Image, KeepTogether
    w, h = ImageReader(io.BytesIO(chart.png)).getSize()
    img_w = min(16.0, TEXT_WIDTH_CM) * cm
    if img_w * h / w > 21 * cm:  # many bars: fit one page rather than fail
        img_w = 21 * cm * w / h
    return [KeepTogether([Image(io.BytesIO(chart.png), width=img_w, height=img_w * h / w),
                          _p(chart.caption, st["caption"])])]


def _keep_room():
    """A heading or title never ends a page: it starts a new one unless there is room for
    it and a few lines or rows after it (what "keep with next" does in a word processor)."""
    from reportlab.lib.units import cm
    from reportlab.platypus import CondPageBreak
    return CondPageBreak(3.5 * cm)


def _blocks(blocks, st) -> list:
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, Spacer
    out = []
    for block in blocks:
        if isinstance(block, Para):
            style = (st["h2"] if block.level == 2 else st["h3"] if block.level == 3 else
                     st["bold"] if block.bold else st["body"])
            if style is not st["body"]:
                out.append(_keep_room())
            text = f"<i>{escape(block.text)}</i>" if block.italic else escape(block.text)
            out.append(Paragraph(text, style))
        elif isinstance(block, Table):
            out += [_table(block, st), Spacer(1, 0.3 * cm)]
        elif isinstance(block, Chart):
            out += _chart(block, st)
    return out


def _signature(doc: Document, st):
    from reportlab.lib.units import cm
    from reportlab.platypus import Spacer
    sign = doc.signature
    lines = sign.lines
    left, right = signature_columns(doc)
    to = [_p(RECIPIENTS_LABEL, st["to_label"])] + [_p(t, st["to"]) for t in doc.recipients]
    signer = [_p(t, st["sign"]) for line in lines for t in wrap(line, "sign", right - 2 * PAD_CM)]
    signer.append(Spacer(1, 0.9 * cm))
    signer.append(_p(sign.note, st["sign_note"]) if sign.note else Spacer(1, 0.6 * cm))
    signer += [Spacer(1, 0.9 * cm), _p(sign.name or " ", st["sign"])]
    return _grid([[to, signer]], [left, right])


def _outlined(canvas, text: str, face: str, size: float) -> float:
    """Draw ``text`` as glyph outlines (shapes, not text) centred on the origin; returns its
    width. A watermark drawn so stays out of copied and extracted text, as Word's does."""
    from fontTools.pens.basePen import BasePen
    from fontTools.ttLib import TTFont

    from .fonts import serif_faces
    font = TTFont(serif_faces().paths[face])
    glyphs, cmap, scale = font.getGlyphSet(), font.getBestCmap(), size / font["head"].unitsPerEm
    names = [cmap.get(ord(ch), ".notdef") for ch in text]
    width = sum(glyphs[n].width for n in names) * scale
    path = canvas.beginPath()

    class Pen(BasePen):
        def _moveTo(self, pt):
            path.moveTo(x0 + pt[0] * scale, y0 + pt[1] * scale)

        def _lineTo(self, pt):
            path.lineTo(x0 + pt[0] * scale, y0 + pt[1] * scale)

        def _curveToOne(self, p1, p2, p3):
            path.curveTo(*(v for p in (p1, p2, p3) for v in (x0 + p[0] * scale,
                                                             y0 + p[1] * scale)))

        def _closePath(self):
            path.close()

    x0, y0 = -width / 2, -size * 0.35
    pen = Pen(glyphs)
    for name in names:
        glyphs[name].draw(pen)
        x0 += glyphs[name].width * scale
    canvas.drawPath(path, stroke=0, fill=1)
    return width


def _page_marks(doc: Document, f: dict, first: bool):
    """Draw the page number (from page 2), the draft line and the watermark."""
    from reportlab.lib.units import cm, mm
    top = 297 * mm - HEADER_DISTANCE_MM * mm - SIZE["page"] * 0.8
    left = MARGIN_MM["left"] * mm
    centre = left + TEXT_WIDTH_CM * cm / 2

    def draw(canvas, rl_doc):
        canvas.saveState()
        if not first:
            canvas.setFont(f["regular"], SIZE["page"])
            canvas.drawCentredString(centre, top, str(rl_doc.page))
        if doc.draft is not None:
            if not first:
                canvas.setFont(f["italic"], 10)
                canvas.drawRightString(left + TEXT_WIDTH_CM * cm, top, doc.draft.line)
            canvas.setFillGray(WATERMARK_GREY)
            canvas.setFillAlpha(WATERMARK_ALPHA)
            size = min(110.0, 17.0 / width(doc.draft.label, "draft") * SIZE["draft"])
            canvas.translate(105 * mm, 148.5 * mm)
            canvas.rotate(45)
            _outlined(canvas, doc.draft.label, "bold", size)
        canvas.restoreState()
    return draw


def render_pdf(doc: Document) -> bytes:
    """The document as PDF bytes (A4, Decree 30 layout, fonts embedded)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm, mm
    from reportlab.platypus import KeepTogether, PageBreak, SimpleDocTemplate, Spacer

    f = register_pdf_fonts()
    st = _styles(f)
    out = io.BytesIO()
    rl_doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=MARGIN_MM["left"] * mm, rightMargin=MARGIN_MM["right"] * mm,
        topMargin=MARGIN_MM["top"] * mm, bottomMargin=MARGIN_MM["bottom"] * mm,
        title=doc.title, author=doc.author or doc.issuing_body, subject=doc.subject,
        creator="fieldwork", lang="vi-VN", initialFontName=f["regular"],
        initialFontSize=SIZE["body"])
    story = _header(doc, st) + _blocks(doc.intro, st)
    for i, section in enumerate(doc.body):
        story += [_keep_room(), _p(f"{ROMAN[i]}. {section.heading}", st["h1"])]
        story += _blocks(section.blocks, st)
    # The signature never stands alone: it keeps with the closing (or the last) paragraph.
    closing = _blocks(doc.closing, st) or ([story.pop()] if len(story) > 1 else [])
    story.append(KeepTogether([*closing, Spacer(1, 0.3 * cm), _signature(doc, st)]))
    for section in doc.annexes:
        story += [PageBreak(), _p(section.heading, st["annex"])]
        story += _blocks(section.blocks, st)
    rl_doc.build(story, onFirstPage=_page_marks(doc, f, True),
                 onLaterPages=_page_marks(doc, f, False))
    return out.getvalue()
