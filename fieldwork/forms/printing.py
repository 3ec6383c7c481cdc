"""Print a batch of QR-tagged paper forms with ReportLab (pure: no Flask, no database).

Speed comes from drawing each page's static part (marks, header, questions, boxes)
once as a form XObject and, per sheet, only stamping that form, the QR code and the
serial.  QR codes are drawn as vector rectangles straight from the ``qrcode``
matrix, one rectangle per horizontal run of dark modules.
"""

from __future__ import annotations

from typing import BinaryIO

import qrcode
from qrcode.constants import ERROR_CORRECT_M

from fieldwork.forms.blocks import Metrics, wrap
from fieldwork.forms.layout import compose
from fieldwork.forms.qrpayload import QRPayload, sign
from fieldwork.forms.spec import Questionnaire
from fieldwork.omr.geometry import A4, Rect, mm

PAGE_H = A4[1]
WATERMARK = "PILOT – IN THỬ"
PILOT_NOTE = "BẢN IN THỬ (PILOT) – KHÔNG TÍNH VÀO KẾT QUẢ KHẢO SÁT"
FOOTER = "Phiếu được đọc bằng máy: xin giữ phiếu sạch, không gấp, không ghi ra ngoài ô."
QR_BORDER = 4  # modules of quiet zone inside the layout's qr rectangle


def render_batch(q: Questionnaire, layout: dict, survey_title: str, serials: list[str],
                 mac_key: bytes, pilot: bool = False, out: BinaryIO | None = None) -> None:
    """Write one PDF with every page of ``layout`` for each serial, to ``out``."""
    from reportlab import rl_config

    if out is None:
        raise ValueError("out must be a writable binary file")
    _check_serials(serials)
    comp = compose(q, layout["survey"], layout["version"])
    if comp.layout["pages"] != layout["pages"]:
        raise ValueError("layout does not belong to this questionnaire (boxes differ)")
    survey, version, pages = layout["survey"], int(layout["version"]), layout["pages"]
    # Fail on a bad survey code or key before drawing anything.
    sign(QRPayload(survey, version, serials[0], 1, pilot), mac_key)
    # ReportLab's pure-Python ASCII85 step costs more than all the drawing; plain
    # Flate streams are smaller and every PDF reader accepts them.
    saved_a85, rl_config.useA85 = rl_config.useA85, 0
    try:
        _render(comp, pages, survey_title, survey, version, serials, mac_key, pilot, out)
    finally:
        rl_config.useA85 = saved_a85


def _render(comp, pages: list, survey_title: str, survey: str, version: int,
            serials: list[str], mac_key: bytes, pilot: bool, out: BinaryIO) -> None:
    from reportlab.pdfgen.canvas import Canvas

    c = Canvas(out, pagesize=A4, pageCompression=1, invariant=1)
    c.setTitle(survey_title)
    c.setAuthor("fieldwork")
    c.setSubject(f"{survey} v{version}" + (" PILOT" if pilot else ""))
    for i, ops in enumerate(comp.page_ops, 1):
        c.beginForm(f"fwpage{i}")
        _static_page(c, comp.metrics, pages[i - 1], ops, survey_title, survey, version,
                     i, len(pages), pilot)
        c.endForm()
    serial_font, serial_size = comp.metrics.font("B"), 9
    for serial in serials:
        for i, page in enumerate(pages, 1):
            c.doForm(f"fwpage{i}")
            text = sign(QRPayload(survey, version, serial, i, pilot), mac_key)
            c.addLiteral(qr_operators(text, Rect.from_dict(page["qr"])))
            s = Rect.from_dict(page["serial"])
            c.setFont(serial_font, serial_size)
            c.drawRightString(s.right, PAGE_H - s.bottom + 3, f"Số phiếu {serial}")
            c.showPage()
    c.save()


def _check_serials(serials: list[str]) -> None:
    if not serials:
        raise ValueError("no serials to print")
    bad = [s for s in serials if not (isinstance(s, str) and s.isdigit())]
    if bad:
        raise ValueError(f"serials must be digit strings: {bad[:3]!r}")
    if len(set(serials)) != len(serials):
        raise ValueError("serials in one batch must be unique")


def qr_operators(text: str, rect: Rect) -> str:
    """PDF operators filling the dark modules of ``text``'s QR code inside ``rect``."""
    # A fixed mask skips qrcode's slow 8-mask scoring; any mask is valid for readers.
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, mask_pattern=0)
    code.add_data(text.encode("ascii"))
    code.make(fit=True)
    matrix = code.get_matrix()
    n = len(matrix)
    ms = rect.w / (n + 2 * QR_BORDER)
    x0 = rect.x + QR_BORDER * ms
    parts = ["q 0 g"]
    for r, row in enumerate(matrix):
        y = PAGE_H - (rect.y + (QR_BORDER + r + 1) * ms)
        col = 0
        while col < n:
            if row[col]:
                start = col
                while col < n and row[col]:
                    col += 1
                parts.append(f"{x0 + start * ms:.3f} {y:.3f} {(col - start) * ms:.3f} "
                             f"{ms + 0.01:.3f} re")  # hair overlap: no seams between rows
            col += 1
    parts.append("f Q")
    return "\n".join(parts)


def _static_page(c, m: Metrics, page: dict, ops: list, survey_title: str, survey: str,
                 version: int, number: int, total: int, pilot: bool) -> None:
    """Everything on a page that is the same on every sheet."""
    w = A4[0]
    if pilot:
        c.saveState()
        c.setFillGray(0.82)
        c.setFont(m.font("B"), 64)
        c.translate(w / 2, PAGE_H / 2)
        c.rotate(55)
        c.drawCentredString(0, -22, WATERMARK)
        c.restoreState()
    c.setFillGray(0)
    for mark in page["corner_marks"]:
        r = Rect.from_dict(mark)
        c.rect(r.x, PAGE_H - r.bottom, r.w, r.h, stroke=0, fill=1)
    qr = Rect.from_dict(page["qr"])
    head_w = qr.x - m.left - mm(5)
    lines = wrap(survey_title, m.font("B"), 10.5, head_w)
    if len(lines) > 2:
        lines = [lines[0], lines[1].rstrip(".,; ") + "…"]
    y = mm(9)
    for line in lines:
        y += 13
        _draw_text(c, m, ("text", m.left, y, "B", 10.5, line, "l", 0))
    y += 12
    _draw_text(c, m, ("text", m.left, y, "R", 8, f"Mẫu phiếu {survey} · phiên bản {version}",
                      "l", 0.25))
    _draw_text(c, m, ("text", m.left + head_w, y, "B", 10, f"Trang {number}/{total}", "r", 0))
    if pilot:
        _draw_text(c, m, ("text", m.left, y + 11, "B", 8, PILOT_NOTE, "l", 0))
    rule_y = m.content_top - mm(2.5)
    _draw_op(c, m, ("line", m.left, rule_y, w - m.right_margin, rule_y, 0.8, 0))
    _draw_text(c, m, ("text", w / 2, PAGE_H - mm(10), "R", 7, FOOTER, "c", 0.35))
    for op in ops:
        _draw_op(c, m, op)


def _draw_text(c, m: Metrics, op: tuple) -> None:
    _, x, y, font, size, text, align, gray = op
    c.setFillGray(gray)
    c.setFont(m.font(font), size)
    draw = {"l": c.drawString, "c": c.drawCentredString, "r": c.drawRightString}[align]
    draw(x, PAGE_H - y, text)


def _draw_op(c, m: Metrics, op: tuple) -> None:
    kind = op[0]
    if kind == "text":
        _draw_text(c, m, op)
    elif kind == "rect":
        _, x, y, w, h, lw, fill = op
        if fill is not None:
            c.setFillGray(fill)
        if lw:
            c.setLineWidth(lw)
            c.setStrokeGray(0)
        c.rect(x, PAGE_H - y - h, w, h, stroke=1 if lw else 0, fill=0 if fill is None else 1)
    elif kind == "line":
        _, x1, y1, x2, y2, lw, gray = op
        c.setLineWidth(lw)
        c.setStrokeGray(gray)
        c.line(x1, PAGE_H - y1, x2, PAGE_H - y2)
    else:
        raise ValueError(f"unknown drawing operation {kind!r}")
