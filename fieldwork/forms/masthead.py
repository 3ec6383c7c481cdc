"""What a form says besides its questions: header, title, identity band, instructions, footer.

* The header, beside the QR code on every page, names the commissioning body, the
  contractor and the survey, from the plan.
* The identity band under the title on page 1 prints the agency the batch is for, its field
  (or the tick boxes of its fields) and, on a personalised form, the frame in which each
  sheet's dossier is printed (procedure, date returned).
* The footer, between the bottom corner marks, carries the thank-you line (last page), the
  care note, the form's version and the page number: the only text under 9 pt with the serial.
"""

from __future__ import annotations

from fieldwork.forms.blocks import (
    CLEAR,
    GAP,
    LEAD,
    Block,
    Metrics,
    box_ops,
    option_rows,
    para,
    rich,
    wrap,
)
from fieldwork.forms.imprint import Imprint, bound, field_question
from fieldwork.omr.geometry import A4, Box, Rect, mm

THANKS = "Xin trân trọng cảm ơn sự hợp tác của Ông/Bà!"
CARE = "Phiếu được đọc bằng máy: xin giữ phiếu sạch, không gấp, không ghi ra ngoài ô."
DOSSIER_LABEL = "Hồ sơ của Ông/Bà"


def header_ops(imprint: Imprint, qr: Rect, m: Metrics) -> list[tuple]:
    """The header lines left of the QR code (the same on every page)."""
    h = imprint.header
    x, width = m.header_left, qr.x - mm(4) - m.header_left
    size = m.body_min
    ops: list = []
    y = qr.y - mm(0.6)
    if h.commissioner:
        y += para(ops, x, y, width, h.commissioner.upper(), m, "B", size)
    if h.contractor:
        y += rich(ops, x, y, width, [("Đơn vị khảo sát:", "R", 0), (h.contractor, "B", 0)], m,
                  size)
    if h.survey:
        lines = wrap(h.survey, m.font("R"), size, width)
        if len(lines) > 2:
            lines = [lines[0], lines[1].rstrip(".,; ") + "…"]
        for line in lines:
            ops.append(("text", x, y + size, "R", size, line, "l", 0))
            y += size * LEAD
    if h.confidentiality:
        y += para(ops, x, y, width, h.confidentiality, m, "R", size, gray=0.3)
    return ops


def header_bottom(imprint: Imprint, qr: Rect, m: Metrics) -> float:
    """Where the header's text ends (the content starts below it and below the QR)."""
    ops = header_ops(imprint, qr, m)
    return max((op[2] + m.body_min * 0.3 for op in ops), default=qr.y)


def title_block(title: str, m: Metrics, compact: bool = False) -> Block:
    """The questionnaire's title, centred in capitals at the top of page 1.

    ``compact``: a little smaller (never below the questions' size) if that keeps it on one
    line.
    """
    ops: list = []
    size = m.title_pt
    if compact:
        sizes = [m.title_pt - 0.25 * k for k in range(int((m.title_pt - m.question_pt) / 0.25)
                                                      + 1)]
        size = next((s for s in sizes if _width(title.upper(), "B", s, m) <= m.width),
                    m.title_pt)
    h = para(ops, m.left, 0, m.width, title.upper(), m, "B", size, "c")
    return Block(h + mm(1.6), ops)


def identity_block(imprint: Imprint | None, m: Metrics) -> Block | None:
    """The agency, field (or its tick boxes) and the dossier frame of a personalised form."""
    if not bound(imprint):
        return None
    ops: list = []
    size = m.question_pt
    y = 0.0
    if imprint.agency:
        parts = [("Cơ quan giải quyết hồ sơ:", "R", 0), (imprint.agency.upper(), "B", 0)]
        if imprint.field_name:
            parts += [("· Lĩnh vực:", "R", 0), (imprint.field_name, "B", 0)]
        y = rich(ops, m.left, 0, m.width, parts, m, size) + CLEAR
    boxes: list[Box] = []
    extra: dict = {}
    tick = field_question(imprint)
    if tick is not None:
        y = _ticks(tick, m, y, ops, boxes)
    if imprint.personal:
        lines = 2 if imprint.agency else 3
        frame = Rect(m.left, y + mm(0.5), m.width, lines * size * LEAD + mm(2.4))
        ops.append(("rect", frame.x, frame.y, frame.w, frame.h, 0.5, None))
        ops.append(("text", frame.x + mm(2), frame.y + mm(1) + size, "B", size,
                    DOSSIER_LABEL + ":", "l", 0))
        label_w = mm(2) + _width(DOSSIER_LABEL + ":", "B", size, m) + mm(2)
        extra["dossier"] = Rect(frame.x + label_w, frame.y + mm(1), frame.w - label_w - mm(2),
                                frame.h - mm(2))
        y = frame.bottom + mm(1)
    ops.append(("line", m.left, y + mm(0.6), m.left + m.width, y + mm(0.6), 0.4, 0.5))
    return Block(y + mm(2), ops + box_ops(boxes, m), boxes, code="field" if tick else "",
                 extra=extra)


def _width(text: str, key: str, size: float, m: Metrics) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(text, m.font(key), size)


def _ticks(q, m: Metrics, y: float, ops: list, boxes: list) -> float:
    """'Lĩnh vực của hồ sơ:' and one box per field, in the columns that take least room.

    Like any option list: a box has free paper left of it and the names stop well short
    of the next column's box, so the reader never takes printed text for a mark. The words
    go left of the columns when that is lower than a line of their own.
    """
    label = q.text + ":"
    beside = m.left + _width(label, "R", m.question_pt, m) + GAP
    best = None
    for x0, top in ((beside, y), (m.left + mm(5), y + m.question_pt * LEAD + CLEAR)):
        for n in range(1, min(len(q.options), 4) + 1):
            trial_ops: list = []
            trial_boxes: list = []
            end = option_rows(q, m, x0, top, n, (m.left + m.width - x0) / n, trial_ops,
                              trial_boxes)
            if best is None or end < best[0] - 0.01:
                baseline = top + m.box / 2 + m.question_pt * 0.36 if x0 == beside else \
                    y + m.question_pt
                best = (end, trial_ops, trial_boxes, baseline)
    ops.append(("text", m.left, best[3], "R", m.question_pt, label, "l", 0))
    ops += best[1]
    boxes += best[2]
    return best[0]


INSTRUCTIONS = ("Tô kín ô ứng với câu trả lời (bút bi xanh hoặc đen). Muốn sửa: gạch chéo ô "
                "đã tô sai rồi tô ô mới.")
DIGITS = "Ô số: viết chữ số vào ô trên cùng, rồi tô ô có số đó trong cột."


def instructions_block(m: Metrics, grids: bool) -> Block:
    """How to mark and how to correct, with drawn examples (not answer boxes)."""
    ops: list = []
    b, size, pad = m.box, m.body_min, mm(1.6)
    lab_w = max(_width(t, "B", size, m) for t in ("Tô đúng:", "Sửa:")) + mm(1.5)
    arrow = _width("→", "R", size, m)
    ex_w = lab_w + 2 * b + arrow + mm(2.4)
    x, text_w = m.left + pad, m.width - ex_w - 3 * pad
    text = INSTRUCTIONS + (" " + DIGITS if grids else "")
    h = rich(ops, x, pad, text_w, [("Cách trả lời:", "B", 0), (text, "R", 0)], m, size)
    ex_x = m.left + m.width - ex_w - pad
    for i, label in enumerate(("Tô đúng:", "Sửa:")):
        ey = pad + i * (b + mm(1))
        ops.append(("text", ex_x, ey + b * 0.8, "B", size, label, "l", 0))
        ops += _sample("fill" if i == 0 else "cross", ex_x + lab_w, ey, m)
        if i == 1:
            ops.append(("text", ex_x + lab_w + b + mm(1.2), ey + b * 0.8, "R", size, "→", "l",
                        0))
            ops += _sample("fill", ex_x + lab_w + b + arrow + mm(2.4), ey, m)
    height = max(h, 2 * b + mm(1)) + 2 * pad
    ops.insert(0, ("rect", m.left, 0, m.width, height, 0.5, 0.95))
    return Block(height + mm(2), ops)


def _sample(kind: str, x: float, y: float, m: Metrics) -> list[tuple]:
    b = m.box
    ops: list = [("rect", x, y, b, b, m.lw, 0.0 if kind == "fill" else 0.55)]
    if kind == "cross":
        ops += [("line", x - b * 0.2, y - b * 0.2, x + b * 1.2, y + b * 1.2, 1.3, 0),
                ("line", x - b * 0.2, y + b * 1.2, x + b * 1.2, y - b * 0.2, 1.3, 0)]
    return ops


def footer_ops(m: Metrics, survey: str, version: int, number: int, total: int) -> list[tuple]:
    """The thank-you line (last page) and the small care note with version and page."""
    w, h = A4
    ops: list = []
    if number == total:
        ops.append(("text", w / 2, h - m.footer - mm(4), "B", m.body_min, THANKS, "c", 0))
    ops.append(("text", w / 2, h - m.footer, "R", m.small_pt,
                f"{CARE}  Mẫu phiếu {survey} · phiên bản {version} · Trang {number}/{total}",
                "c", 0.35))
    return ops
