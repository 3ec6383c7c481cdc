"""The plan as an editable DOCX in the administrative layout of Decree 30/2020/NĐ-CP.

``plan_document`` gathers plain data from the database (always in Vietnamese: the document
leaves the system); ``build_plan_docx`` turns that data into bytes and knows nothing of Flask.
Layout (Decree 30/2020, Appendix I): A4, margins 20/20/30/15 mm, Times New Roman 13-14 pt;
issuing body top left (parent body above, own name bold below, a short rule under it), the
national motto top right (a rule under it), number and symbol under the body, place and date
in italics under the motto, the kind in capitals with the subject under it, Roman-numeral
sections, recipients bottom left and the signature block bottom right.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

from babel.numbers import format_decimal

MOTTO_1 = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"
FONT = "Times New Roman"


@dataclass
class Section:
    """A Roman-numeral section: heading, numbered parts (title, paragraphs), optional table."""

    heading: str
    parts: list[tuple[str, list[str]]] = field(default_factory=list)
    table: list[list[str]] | None = None
    after_table: list[str] = field(default_factory=list)


@dataclass
class PlanDocument:
    """Everything the DOCX shows, as plain text."""

    parent_body: str
    issuing_body: str
    number_line: str
    date_line: str
    kind: str
    subject: str
    sections: list[Section]
    recipients: list[str]
    authority: str
    signer_title: str
    signer_name: str


ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def date_line(place: str, when: date | None, year: int) -> str:
    """"Đà Nẵng, ngày 05 tháng 02 năm 2026" (Decree 30: days < 10 and months 1-2 padded);
    blanks to fill by hand when not yet signed."""
    if when is None:
        return f"{place}, ngày      tháng      năm {year}"
    day = f"{when.day:02d}"
    month = f"{when.month:02d}" if when.month < 3 else str(when.month)
    return f"{place}, ngày {day} tháng {month} năm {when.year}"


def number_line(number: str, symbol: str) -> str:
    """"Số: 12/KH-TTKS", or blanks for the number until the document is registered."""
    return f"Số: {number or '       '}/{symbol or 'KH-...'}"


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def vn(value, digits: int = 2) -> str:
    """A number in Vietnamese format (4.000; 259,74)."""
    return format_decimal(value, "#,##0." + "#" * digits if digits else "#,##0", locale="vi")


def plan_document(survey) -> PlanDocument:
    """Gather the survey's plan as a PlanDocument (Vietnamese, whatever the user's language)."""
    from flask_babel import force_locale

    from .progress import requirements
    from .sampling_text import ADOPTION, FLOOR_RULE, POLICY_LABELS, ROUNDING_LABELS
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
        rule = [f"Chính sách cỡ mẫu: {POLICY_LABELS[plan.sample_policy]}.",
                f"Cách làm tròn: {ROUNDING_LABELS[str(plan.rounding)]}."]
        if plan.sample_policy in ADOPTION:
            rule.append(str(ADOPTION[plan.sample_policy]))
        rule.append(str(FLOOR_RULE))
        split = [f"{r.scope.label}: {r.text['allocation']}" for r in reqs
                 if r.result is not None and r.text["allocation"]][:3]
        if split:
            rule.append("Phân bổ theo lĩnh vực: " + " ".join(split))
        notes = [f"{r.scope.agency.name}: {r.text['formula']}" for r in reqs
                 if r.result is not None and r.result.rule == "slovin"][:3]
        if notes:
            rule.append("Ví dụ cách tính: " + "; ".join(notes) + ".")
        if any(r.scope.state_bodies_only for r in reqs):
            rule.append("Đơn vị đặc thù (đối tượng nộp hồ sơ chỉ là cơ quan nhà nước): mỗi cơ "
                        "quan nộp hồ sơ được khảo sát tối thiểu 01 lần trong mỗi 06 tháng có "
                        "nộp hồ sơ.")
    sections = [
        Section("MỤC ĐÍCH, YÊU CẦU", [("1. Mục đích", _paragraphs(plan.purpose)),
                                      ("2. Yêu cầu", _paragraphs(plan.requirements))]),
        Section("PHẠM VI, ĐỐI TƯỢNG KHẢO SÁT",
                [("1. Phạm vi khảo sát", _paragraphs(plan.scope_text)),
                 ("2. Đối tượng khảo sát", _paragraphs(plan.subjects))]),
        Section("PHƯƠNG PHÁP KHẢO SÁT", [("", _paragraphs(plan.methods))]),
        Section("SỐ LƯỢNG MẪU KHẢO SÁT", [], rows, rule),
        Section("NỘI DUNG PHIẾU KHẢO SÁT", [("", _paragraphs(plan.questionnaire_content))]),
        Section("THỜI GIAN THỰC HIỆN", [("", _paragraphs(plan.timeline))]),
        Section("KINH PHÍ THỰC HIỆN", [("", _paragraphs(plan.budget))]),
    ]
    recipients = _paragraphs(plan.recipients) or ["- Sở Nội vụ;", "- Lưu: VT."]
    return PlanDocument(
        parent_body=plan.parent_body.upper(), issuing_body=(plan.issuing_body
                                                            or survey.contractor).upper(),
        number_line=number_line(plan.doc_number, plan.doc_symbol),
        date_line=date_line(plan.place or "Đà Nẵng", plan.signed_on, survey.year),
        kind="KẾ HOẠCH", subject=plan.subject or survey.title, sections=sections,
        recipients=recipients, authority=plan.signer_authority.upper(),
        signer_title=plan.signer_title.upper(), signer_name=plan.signer_name)


# --- DOCX building (python-docx; no Flask) -----------------------------------------------------

def _run(par, text: str, size: float = 13, bold: bool = False, italic: bool = False):
    from docx.oxml.ns import qn
    from docx.shared import Pt
    run = par.add_run(text)
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold, run.italic = bold, italic
    # East-Asian font slot too, so Word does not substitute for Vietnamese letters.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    return run


def _par(container, text: str = "", *, size: float = 13, bold=False, italic=False,
         align="left", indent: bool = False, space_after: float = 0):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt
    par = container.add_paragraph()
    par.alignment = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
                     "right": WD_ALIGN_PARAGRAPH.RIGHT,
                     "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}[align]
    fmt = par.paragraph_format
    fmt.space_before, fmt.space_after = Pt(0), Pt(space_after)
    if indent:
        fmt.first_line_indent = Cm(1.27)
    if text:
        _run(par, text, size, bold, italic)
    return par


def _rule(container, width_cm: float, cell_width_cm: float) -> None:
    """A short centred horizontal rule (a bottom border on an empty paragraph)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt
    par = container.add_paragraph()
    side = max((cell_width_cm - width_cm) / 2, 0)
    fmt = par.paragraph_format
    fmt.left_indent, fmt.right_indent = Cm(side), Cm(side)
    fmt.space_before, fmt.space_after = Pt(0), Pt(6)
    pPr = par._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, val in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(k), val)
    borders.append(bottom)
    pPr.append(borders)
    # An empty paragraph still has a line height; make it small so the rule hugs the text.
    run = par.add_run("")
    run.font.size = Pt(2)


def _borderless(table) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    tblPr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tblPr.append(borders)


def _widths(table, widths_cm) -> None:
    from docx.shared import Cm
    table.autofit = False
    for row in table.rows:
        for cell, w in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(w)


def new_document():
    """An empty python-docx document on A4 with Decree 30 margins, Times New Roman 13 pt."""
    from docx import Document
    from docx.shared import Mm, Pt

    d = Document()
    sec = d.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(20), Mm(20)
    sec.left_margin, sec.right_margin = Mm(30), Mm(15)
    normal = d.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(13)
    return d


def build_plan_docx(doc: PlanDocument) -> bytes:
    """Render a PlanDocument as DOCX bytes."""
    d = new_document()

    left_w, right_w = 6.5, 10.0
    head = d.add_table(rows=1, cols=2)
    _borderless(head)
    _widths(head, (left_w, right_w))
    lc, rc = head.rows[0].cells
    lc.paragraphs[0]._p.getparent().remove(lc.paragraphs[0]._p)
    rc.paragraphs[0]._p.getparent().remove(rc.paragraphs[0]._p)
    if doc.parent_body:
        _par(lc, doc.parent_body, size=12.5, align="center")
    _par(lc, doc.issuing_body, size=12.5, bold=True, align="center")
    _rule(lc, 2.5, left_w)
    _par(lc, doc.number_line, size=13, align="center")
    _par(rc, MOTTO_1, size=12.5, bold=True, align="center")
    _par(rc, MOTTO_2, size=13.5, bold=True, align="center")
    _rule(rc, 5.8, right_w)
    _par(rc, doc.date_line, size=13.5, italic=True, align="center")

    _par(d, "", space_after=6)
    _par(d, doc.kind, size=14, bold=True, align="center")
    for line in _paragraphs(doc.subject) or [doc.subject]:
        _par(d, line, size=14, bold=True, align="center")
    _rule(d, 4.0, 16.5)

    for i, section in enumerate(doc.sections):
        _par(d, f"{ROMAN[i]}. {section.heading}", size=13.5, bold=True, align="justify",
             indent=True, space_after=6)
        for title, paragraphs in section.parts:
            if title:
                _par(d, title, size=13.5, bold=True, align="justify", indent=True,
                     space_after=6)
            for text in paragraphs or ["…"]:
                _par(d, text, size=13.5, align="justify", indent=True, space_after=6)
        if section.table:
            _table(d, section.table)
        for text in section.after_table:
            _par(d, text, size=13.5, align="justify", indent=True, space_after=6)

    _par(d, "", space_after=6)
    foot = d.add_table(rows=1, cols=2)
    _borderless(foot)
    _widths(foot, (8.0, 8.5))
    lc, rc = foot.rows[0].cells
    lc.paragraphs[0]._p.getparent().remove(lc.paragraphs[0]._p)
    rc.paragraphs[0]._p.getparent().remove(rc.paragraphs[0]._p)
    _par(lc, "Nơi nhận:", size=12, bold=True, italic=True)
    for line in doc.recipients:
        _par(lc, line, size=11)
    if doc.authority:
        _par(rc, doc.authority, size=13.5, bold=True, align="center")
    _par(rc, doc.signer_title or " ", size=13.5, bold=True, align="center")
    for _ in range(4):
        _par(rc, "", size=13.5)
    _par(rc, doc.signer_name, size=13.5, bold=True, align="center")

    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def _table(d, rows: list[list[str]]) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    table = d.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    _widths(table, (1.1, 5.2, 3.0, 2.4, 1.8, 3.0)[:len(rows[0])])
    for r, values in enumerate(rows):
        for c, text in enumerate(values):
            cell = table.rows[r].cells[c]
            par = cell.paragraphs[0]
            par.alignment = (WD_ALIGN_PARAGRAPH.CENTER if r == 0 or c in (0, 4)
                             else WD_ALIGN_PARAGRAPH.RIGHT if c in (3, 5)
                             else WD_ALIGN_PARAGRAPH.LEFT)
            _run(par, text, 11.5, bold=(r == 0 or r == len(rows) - 1))
