"""A ``Document`` as an editable DOCX (python-docx): the layout of ``pdf.render_pdf`` with
real styles (Heading 1-3, Body Text, Caption), exact table grids, repeated header rows, page
numbers from page 2, "DỰ THẢO" on drafts, vi-VN, and the serif embedded. No Flask."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from . import word_xml as x
from .decree import (
    FIRST_LINE_INDENT_CM,
    HEADER_DISTANCE_MM,
    MARGIN_MM,
    PAGE_H_MM,
    PAGE_W_MM,
    RECIPIENTS_LABEL,
    ROMAN,
    SIZE,
    TEXT_WIDTH_CM,
)
from .layout import header_layout, signature_columns, subject_rule_cm, width, wrap
from .model import Chart, Document, Para, Table
from .word_package import finish_package

CELL_PAD_CM, CELL_PAD_V_CM = 0.1, 1.5 * 2.54 / 72  # as the PDF's table paddings


def _setup_styles(d) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor
    styles = d.styles
    defaults = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(
        qn("w:rPr"))
    x.lang_and_fonts(defaults, SIZE["body"])
    just, centre = WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.CENTER
    spec = {  # name: (size, bold, italic, alignment, first-line indent, before, after, outline)
        "Normal": (SIZE["body"], False, False, None, 0, 0, 0, None),
        "Body Text": (SIZE["body"], False, False, just, FIRST_LINE_INDENT_CM, 0, 6, None),
        "Heading 1": (SIZE["body"], True, False, just, FIRST_LINE_INDENT_CM, 6, 6, 0),
        "Heading 2": (SIZE["body"], True, False, just, FIRST_LINE_INDENT_CM, 0, 6, 1),
        "Heading 3": (SIZE["body"], True, True, just, FIRST_LINE_INDENT_CM, 0, 6, 2),
        "Caption": (SIZE["caption"], False, True, centre, 0, 2, 8, None),
    }
    for name, (size, bold, italic, align, indent, before, after, outline) in spec.items():
        style = styles[name]
        rPr = style.element.get_or_add_rPr()
        x.lang_and_fonts(rPr, size)
        style.font.bold, style.font.italic = bold, italic
        style.font.color.rgb = RGBColor(0, 0, 0)
        color = rPr.find(qn("w:color"))
        for theme in ("w:themeColor", "w:themeShade", "w:themeTint"):
            color.attrib.pop(qn(theme), None)
        fmt = style.paragraph_format
        fmt.alignment = align
        fmt.first_line_indent = Cm(indent) if indent else None
        fmt.space_before, fmt.space_after = Pt(before), Pt(after)
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        fmt.keep_with_next = outline is not None
        fmt.keep_together = outline is not None
        # Shown in Word's and LibreOffice's style lists, not only once used.
        style.hidden, style.unhide_when_used, style.quick_style = False, False, True
        if outline is not None:
            pPr = style.element.get_or_add_pPr()
            x.put(pPr, x._el("w:outlineLvl", **{"w:val": outline}), "w:pPr")


def _run(par, text: str, size: float | None = None, bold=None, italic=None):
    from docx.shared import Pt
    run = par.add_run(text)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold
    if italic is not None:
        run.italic = italic
    return run


def _par(container, text: str = "", style: str | None = None, *, size=None, bold=None,
         italic=None, align: str | None = None, after: float | None = None,
         indent: float | None = None, keep: bool = False):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt
    par = container.add_paragraph(style=style)
    fmt = par.paragraph_format
    if align:
        fmt.alignment = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
                         "right": WD_ALIGN_PARAGRAPH.RIGHT,
                         "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}[align]
    if after is not None:
        fmt.space_before, fmt.space_after = Pt(0), Pt(after)
    if indent is not None:
        fmt.first_line_indent = Cm(indent)
    if keep:
        fmt.keep_with_next = True
    if text:
        _run(par, text, size, bold, italic)
    return par


def _empty_cells(table) -> None:
    for row in table.rows:
        for cell in row.cells:
            for p in list(cell.paragraphs):
                p._p.getparent().remove(p._p)


def _layout_table(container, widths_cm, align: str | None = None):
    """A borderless table whose columns hold layout (header, signature, draft box)."""
    table = container.add_table(rows=1, cols=len(widths_cm))
    x.borders(table, False)
    x.table_geometry(table, widths_cm, align)
    x.cell_margins(table)
    _empty_cells(table)
    return table


def _rule(container, length_cm: float, column_cm: float, after: float = 3) -> None:
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Cm, Pt
    par = container.add_paragraph()
    fmt = par.paragraph_format
    side = max((column_cm - length_cm) / 2, 0)
    fmt.left_indent, fmt.right_indent, fmt.first_line_indent = Cm(side), Cm(side), Cm(0)
    fmt.space_before, fmt.space_after = Pt(0), Pt(after)
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(3)
    x.bottom_border(par)


def _draft_box(d, doc: Document) -> None:
    mark = doc.draft
    box_w = max(width(mark.label, "draft") + 0.8, 4.0)
    box = _layout_table(d, [box_w], align="right")
    x.borders(box, True)
    x.cell_margins(box, CELL_PAD_CM, CELL_PAD_CM)
    cell = box.rows[0].cells[0]
    _par(cell, mark.label, size=SIZE["draft"], bold=True, align="center")
    _par(cell, f"ngày {mark.on:%d/%m/%Y}", size=11, italic=True, align="center", after=2)
    _par(d, "", size=6, after=4)


def _header(d, doc: Document) -> None:
    lay = header_layout(doc)
    if doc.draft:
        _draft_box(d, doc)
    head = _layout_table(d, [lay.left_cm, lay.right_cm])
    left, right = head.rows[0].cells
    for text in lay.parent:
        _par(left, text, size=SIZE["parent"], align="center")
    for text in lay.issuer:
        _par(left, text, size=SIZE["issuer"], bold=True, align="center")
    _rule(left, lay.issuer_rule_cm, lay.left_cm)
    _par(left, lay.number, size=SIZE["number"], align="center")
    _par(right, lay.motto[0], size=SIZE["motto1"], bold=True, align="center")
    _par(right, lay.motto[1], size=SIZE["motto2"], bold=True, align="center")
    _rule(right, lay.motto_rule_cm, lay.right_cm, after=5)
    for text in lay.date:
        _par(right, text, size=SIZE["date"], italic=True, align="center")
    _par(d, "", after=12)
    _par(d, doc.kind, size=SIZE["kind"], bold=True, align="center", keep=True)
    for line in (t for t in doc.subject.splitlines() if t.strip()):
        _par(d, line, size=SIZE["subject"], bold=True, align="center", keep=True)
    _rule(d, subject_rule_cm(doc), TEXT_WIDTH_CM, after=12)


def _table(d, table: Table) -> None:
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    scale = TEXT_WIDTH_CM / sum(table.widths)
    widths = [w * scale for w in table.widths]
    grid = d.add_table(rows=len(table.rows), cols=len(table.rows[0]))
    grid.style = "Table Grid"
    x.borders(grid, True)
    x.table_geometry(grid, widths)
    x.cell_margins(grid, CELL_PAD_CM, CELL_PAD_CM, CELL_PAD_V_CM)
    last = len(table.rows) - 1
    centred = {0} if all(len(r[0]) <= 4 for r in table.rows[table.header_rows:]) else set()
    for r, values in enumerate(table.rows):
        row = grid.rows[r]
        head = r < table.header_rows
        if head:
            x.header_row(row)
        x.cant_split(row)
        bold = head or (table.total and r == last)
        for c, text in enumerate(values):
            cell = row.cells[c]
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            par = cell.paragraphs[0]
            par.paragraph_format.alignment = None
            align = ("center" if head or c in centred else "right" if c in table.numeric
                     else "left")
            from docx.enum.text import WD_ALIGN_PARAGRAPH
            par.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER,
                             "right": WD_ALIGN_PARAGRAPH.RIGHT,
                             "left": WD_ALIGN_PARAGRAPH.LEFT}[align]
            _run(par, text, SIZE["table"], bold=bold or None)
    _par(d, "", size=6, after=0)


def _chart(d, chart: Chart) -> None:
    from docx.shared import Cm
    par = _par(d, align="center", after=0, keep=True)
    shape = par.add_run().add_picture(io.BytesIO(chart.png), width=Cm(16))
    if shape.height > Cm(21):  # many bars: keep the chart on one page
        shape.width, shape.height = int(shape.width * Cm(21) / shape.height), Cm(21)
    _par(d, chart.caption, "Caption")


def _blocks(d, blocks) -> None:
    for block in blocks:
        if isinstance(block, Para):
            if block.level in (2, 3):
                _par(d, block.text, f"Heading {block.level}", italic=block.italic or None)
            else:
                _par(d, block.text, "Body Text", bold=block.bold or None,
                     italic=block.italic or None, keep=block.bold)
        elif isinstance(block, Table):
            _table(d, block)
        elif isinstance(block, Chart):
            _chart(d, block)


def _signature(d, doc: Document) -> None:
    sign = doc.signature
    left_w, right_w = signature_columns(doc)
    foot = _layout_table(d, [left_w, right_w])
    x.cant_split(foot.rows[0])
    left, right = foot.rows[0].cells
    _par(left, RECIPIENTS_LABEL, size=SIZE["recipients_label"], bold=True, italic=True,
         keep=True)
    for line in doc.recipients:
        _par(left, line, size=SIZE["recipients"], keep=True)
    for line in sign.lines:
        for text in wrap(line, "sign", right_w - 0.3):
            _par(right, text, size=SIZE["sign"], bold=True, align="center", keep=True)
    for _ in range(2):
        _par(right, "", size=SIZE["sign"], keep=True)
    _par(right, sign.note, size=SIZE["sign"], italic=True, align="center", keep=True)
    for _ in range(2):
        _par(right, "", size=SIZE["sign"], keep=True)
    _par(right, sign.name or " ", size=SIZE["sign"], bold=True, align="center")


def _page_headers(d, doc: Document) -> None:
    from docx.enum.text import WD_TAB_ALIGNMENT
    from docx.shared import Cm, Mm
    sec = d.sections[0]
    sec.different_first_page_header_footer = True
    sec.header_distance = Mm(HEADER_DISTANCE_MM)
    first = sec.first_page_header.paragraphs[0]
    later = sec.header.paragraphs[0]
    later.paragraph_format.tab_stops.clear_all()
    later.paragraph_format.tab_stops.add_tab_stop(Cm(TEXT_WIDTH_CM / 2), WD_TAB_ALIGNMENT.CENTER)
    later.paragraph_format.tab_stops.add_tab_stop(Cm(TEXT_WIDTH_CM), WD_TAB_ALIGNMENT.RIGHT)
    _run(later, "\t", SIZE["page"])
    x.page_field(later, SIZE["page"])
    if doc.draft is not None:
        _run(later, "\t" + doc.draft.line, 10, italic=True)
        x.watermark(first, doc.draft.label, "PowerPlusWaterMarkObject1")
        x.watermark(later, doc.draft.label, "PowerPlusWaterMarkObject2")


def _properties(d, doc: Document) -> None:
    props = d.core_properties
    when = (doc.created or datetime.now(UTC)).replace(microsecond=0)
    props.title, props.subject = doc.title, doc.subject
    props.author = props.last_modified_by = doc.author or doc.issuing_body
    props.created = props.modified = when
    props.revision, props.language = 1, x.LANG
    props.comments, props.keywords, props.category = "", "", doc.kind


def render_docx(doc: Document) -> bytes:
    """The document as DOCX bytes (A4, Decree 30 layout, editable, fonts embedded)."""
    from docx import Document as new_docx
    from docx.shared import Mm

    d = new_docx()
    sec = d.sections[0]
    sec.page_width, sec.page_height = Mm(PAGE_W_MM), Mm(PAGE_H_MM)
    sec.top_margin, sec.bottom_margin = Mm(MARGIN_MM["top"]), Mm(MARGIN_MM["bottom"])
    sec.left_margin, sec.right_margin = Mm(MARGIN_MM["left"]), Mm(MARGIN_MM["right"])
    _setup_styles(d)
    _page_headers(d, doc)
    body = d.paragraphs[0] if d.paragraphs else None
    if body is not None and not body.text:
        body._p.getparent().remove(body._p)
    _header(d, doc)
    _blocks(d, doc.intro)
    for i, section in enumerate(doc.body):
        _par(d, f"{ROMAN[i]}. {section.heading}", "Heading 1")
        _blocks(d, section.blocks)
    closing = doc.closing
    for para in closing:
        _par(d, para.text, "Body Text", bold=para.bold or None, italic=para.italic or None,
             keep=True)
    if not closing and d.paragraphs:
        d.paragraphs[-1].paragraph_format.keep_with_next = True
    _signature(d, doc)
    for section in doc.annexes:
        head = _par(d, section.heading, "Heading 1", align="center", indent=0)
        head.paragraph_format.page_break_before = True
        _blocks(d, section.blocks)
    _properties(d, doc)
    out = io.BytesIO()
    d.save(out)
    return finish_package(out.getvalue())

