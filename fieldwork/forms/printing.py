"""Print a batch of QR-tagged paper forms with ReportLab (pure: no Flask, no database).

Speed comes from drawing each page's static part (marks, header, questions, boxes)
once as a form XObject and, per sheet, only stamping that form, the QR code and the
serial.  QR codes are drawn as vector rectangles straight from the module matrix
(``qrmatrix``: the symbols ``qrcode`` makes, faster), one rectangle per horizontal run of
dark modules.
"""

from __future__ import annotations

import functools
from typing import BinaryIO

import numpy as np
from reportlab.pdfbase.pdfmetrics import stringWidth

from fieldwork.forms.blocks import LEAD, Metrics
from fieldwork.forms.imprint import DossierText, Header, Imprint
from fieldwork.forms.layout import compose
from fieldwork.forms.qrmatrix import matrix as qr_matrix
from fieldwork.forms.qrpayload import QRPayload, sign
from fieldwork.forms.spec import Questionnaire
from fieldwork.omr.geometry import A4, Rect

PAGE_H = A4[1]
WATERMARK = "PILOT – IN THỬ"
PILOT_NOTE = "BẢN IN THỬ (PILOT) – KHÔNG TÍNH VÀO KẾT QUẢ KHẢO SÁT"
QR_BORDER = 4  # modules of quiet zone inside the layout's qr rectangle


def render_batch(q: Questionnaire, layout: dict, survey_title: str, serials: list[str],
                 mac_key: bytes, pilot: bool = False, out: BinaryIO | None = None,
                 imprint: Imprint | None = None,
                 dossiers: list[DossierText] | None = None, progress=None) -> None:
    """Write one PDF with every page of ``layout`` for each serial, to ``out``.

    ``imprint``: what the batch prints besides the questions (agency, field, header; the
    survey title alone when None); ``dossiers``: one per serial on a personalised batch;
    ``progress(done, total)``: called as sheets are drawn.
    """
    from reportlab import rl_config

    if out is None:
        raise ValueError("out must be a writable binary file")
    _check_serials(serials)
    if dossiers is not None and len(dossiers) != len(serials):
        raise ValueError("one dossier per serial")
    imprint = imprint or Imprint(Header(survey=survey_title))
    comp = compose(q, layout["survey"], layout["version"], imprint=imprint)
    if comp.layout["pages"] != layout["pages"]:
        raise ValueError("layout does not belong to this questionnaire (boxes differ)")
    if dossiers is not None and "dossier" not in layout["pages"][0]:
        raise ValueError("dossiers given for a layout without a dossier area")
    survey, version, pages = layout["survey"], int(layout["version"]), layout["pages"]
    # Fail on a bad survey code or key before drawing anything.
    sign(QRPayload(survey, version, serials[0], 1, pilot), mac_key)
    # ReportLab's pure-Python ASCII85 step costs more than all the drawing; plain
    # Flate streams are smaller and every PDF reader accepts them.
    saved_a85, rl_config.useA85 = rl_config.useA85, 0
    try:
        _render(comp, pages, survey_title, survey, version, serials, mac_key, pilot, out,
                dossiers, progress)
    finally:
        rl_config.useA85 = saved_a85


def _render(comp, pages: list, survey_title: str, survey: str, version: int,
            serials: list[str], mac_key: bytes, pilot: bool, out: BinaryIO,
            dossiers: list[DossierText] | None, progress=None) -> None:
    from reportlab.pdfgen.canvas import Canvas

    c = Canvas(out, pagesize=A4, pageCompression=1, invariant=1)
    c.setTitle(survey_title)
    c.setAuthor("fieldwork")
    c.setSubject(f"{survey} v{version}" + (" PILOT" if pilot else ""))
    for i, ops in enumerate(comp.page_ops, 1):
        c.beginForm(f"fwpage{i}")
        _static_page(c, comp.metrics, pages[i - 1], ops + comp.footer_ops[i - 1], pilot)
        c.endForm()
    serial_font, serial_size = comp.metrics.font("B"), 9
    for k, serial in enumerate(serials):
        for i, page in enumerate(pages, 1):
            c.doForm(f"fwpage{i}")
            text = sign(QRPayload(survey, version, serial, i, pilot), mac_key)
            c.addLiteral(qr_operators(text, Rect.from_dict(page["qr"])))
            s = Rect.from_dict(page["serial"])
            c.setFillGray(0)
            c.setFont(serial_font, serial_size)
            c.drawRightString(s.right, PAGE_H - s.bottom + 3, f"Số phiếu {serial}")
            if dossiers is not None and "dossier" in page:
                _dossier(c, comp.metrics, Rect.from_dict(page["dossier"]), dossiers[k])
            c.showPage()
        if progress is not None and (k % 50 == 49 or k == len(serials) - 1):
            progress(k + 1, len(serials))
    c.save()


def _dossier(c, m: Metrics, area: Rect, dossier: DossierText) -> None:
    """The drawn dossier's procedure and date returned, one line each, cut to fit."""
    size = m.question_pt
    y = area.y
    for label, value in dossier.lines():
        y += size * LEAD
        if y > area.bottom + 1:
            break
        head = f"{label}: "
        c.setFillGray(0)
        c.setFont(m.font("R"), size)
        c.drawString(area.x, PAGE_H - y, head)
        x = area.x + stringWidth(head, m.font("R"), size)
        c.setFont(m.font("B"), size)
        c.drawString(x, PAGE_H - y, fit(value, m.font("B"), size, area.right - x))


def fit(text: str, font: str, size: float, width: float) -> str:
    """``text`` cut with an ellipsis so that it is at most ``width`` points wide."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


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
    matrix = qr_matrix(text.encode("ascii"))
    xs, ws, ys, h = _qr_grid(rect, len(matrix))
    # One rectangle per horizontal run of dark modules: where a row steps up, a run starts;
    # where it steps down, it ends (row-major order pairs them).
    steps = np.diff(matrix.view(np.int8), axis=1, prepend=0, append=0)
    rows, starts = np.nonzero(steps == 1)
    ends = np.nonzero(steps == -1)[1]
    parts = [f"{xs[s]} {ys[r]} {ws[e - s]} {h} re"
             for r, s, e in zip(rows.tolist(), starts.tolist(), ends.tolist(), strict=True)]
    return "q 0 g\n" + "\n".join(parts) + "\nf Q"


@functools.lru_cache(maxsize=64)
def _qr_grid(rect: Rect, n: int) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], str]:
    """The numbers of an ``n``-module code in ``rect``, as the PDF text says them: each
    column's left edge, each run length's width, each row's bottom, and the height."""
    ms = rect.w / (n + 2 * QR_BORDER)
    x0 = rect.x + QR_BORDER * ms
    return (tuple(f"{x0 + c * ms:.3f}" for c in range(n)),
            tuple(f"{k * ms:.3f}" for k in range(n + 1)),
            tuple(f"{PAGE_H - (rect.y + (QR_BORDER + r + 1) * ms):.3f}" for r in range(n)),
            f"{ms + 0.01:.3f}")  # hair overlap: no seams between rows


def _static_page(c, m: Metrics, page: dict, ops: list, pilot: bool) -> None:
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
    if pilot:
        s = Rect.from_dict(page["serial"])
        _draw_text(c, m, ("text", m.header_left, s.bottom - 1, "B", 8, PILOT_NOTE, "l", 0))
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
