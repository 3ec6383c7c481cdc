"""Layout blocks: one question (or heading, or row of digit grids) drawn at y = 0.

Drawing operations are plain tuples in top-left page coordinates, so layout stays
pure and the printer only translates them to ReportLab calls:

* ``("text", x, baseline, font, size, string, align, gray)``, align in ``l c r``;
* ``("rect", x, y, w, h, line_width, fill_gray or None)``;
* ``("line", x1, y1, x2, y2, line_width, gray)``.

``font`` is ``"R"`` (regular) or ``"B"`` (bold).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from reportlab.pdfbase.pdfmetrics import stringWidth

from fieldwork.forms.fonts import Fonts
from fieldwork.forms.spec import Question, Questionnaire, parse_condition
from fieldwork.omr.geometry import A4, Box, Rect, mm

GRID_KINDS = ("digits", "date")
DATE_GAPS = (2, 4)  # gaps before positions 2 and 4: dd | mm | yyyy
DATE_MAX_TENS = {0: 3, 2: 1}  # day tens 0-3, month tens 0-1


@dataclass(frozen=True)
class Metrics:
    """Sizes from print_settings.json, in points, plus the registered font names."""

    fonts: Fonts
    left: float
    right_margin: float
    content_top: float
    content_bottom: float
    box: float
    grid_box: float
    lw: float
    pitch_x: float
    pitch_y: float
    line_h: float
    title_pt: float
    section_pt: float
    question_pt: float
    option_pt: float
    small_pt: float

    @property
    def width(self) -> float:
        """Width of the content column."""
        return A4[0] - self.left - self.right_margin

    @classmethod
    def from_settings(cls, s: dict, fonts: Fonts) -> Metrics:
        """Convert the millimetre settings to points."""
        page, boxes, t = s["page"], s["boxes"], s["type"]
        return cls(fonts, mm(page["margin_left_mm"]), mm(page["margin_right_mm"]),
                   mm(page["content_top_mm"]), A4[1] - mm(page["content_bottom_mm"]),
                   mm(boxes["box_mm"]), mm(boxes["grid_box_mm"]), boxes["line_width_pt"],
                   mm(boxes["digit_pitch_x_mm"]), mm(boxes["digit_pitch_y_mm"]),
                   mm(boxes["text_line_mm"]), t["title_pt"], t["section_pt"],
                   t["question_pt"], t["option_pt"], t["small_pt"])

    def font(self, key: str) -> str:
        """The registered font name for ``"R"`` or ``"B"``."""
        return self.fonts.bold if key == "B" else self.fonts.regular


@dataclass
class Block:
    """An unsplittable piece of a page, with y relative to its own top."""

    height: float
    ops: list = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)
    regions: list[tuple[str, Rect]] = field(default_factory=list)
    code: str = ""
    keep_with_next: bool = False
    header: Block | None = None  # repeated above this block after a page break


def shift(op: tuple, dy: float) -> tuple:
    """A drawing operation moved down by ``dy``."""
    if op[0] == "line":
        return (*op[:2], op[2] + dy, op[3], op[4] + dy, *op[5:])
    return (*op[:2], op[2] + dy, *op[3:])


def wrap(text: str, font: str, size: float, width: float, first: float | None = None) -> list[str]:
    """Greedy word wrap; ``first`` is the first line's width if it differs."""
    lines, cur, limit = [], "", width if first is None else first
    for word in text.split():
        trial = f"{cur} {word}" if cur else word
        if stringWidth(trial, font, size) <= limit or not cur:
            cur = trial
        else:
            lines.append(cur)
            cur, limit = word, width
    return lines + [cur] if cur else lines or [""]


def para(ops: list, x: float, y: float, width: float, text: str, m: Metrics, key: str = "R",
         size: float | None = None, align: str = "l", gray: float = 0) -> float:
    """Append a wrapped paragraph with its top at ``y``; return its height."""
    size = size or m.question_pt
    lead = size * 1.28
    ax = {"l": x, "c": x + width / 2, "r": x + width}[align]
    lines = wrap(text, m.font(key), size, width)
    for i, line in enumerate(lines):
        ops.append(("text", ax, y + size + i * lead, key, size, line, align, gray))
    return len(lines) * lead


def _heading(ops: list, q: Question, qn: Questionnaire, numbers: dict, x: float, y: float,
             width: float, m: Metrics) -> float:
    """The question's note (an instruction above it), number (bold), text, the 'only if'
    hint and its own hint (under it); return the height."""
    size, lead = m.question_pt, m.question_pt * 1.28
    h = 0.0
    for line in q.note.splitlines() if q.note else ():
        h += para(ops, x, y + h, width, line, m, "B", m.small_pt, gray=0.2)
    if h:
        h += mm(1)
    prefix = f"{numbers[q.code]}. "
    pw = stringWidth(prefix, m.font("B"), size)
    lines = wrap(q.text, m.font("R"), size, width, first=width - pw)
    ops.append(("text", x, y + h + size, "B", size, prefix, "l", 0))
    for i, line in enumerate(lines):
        ops.append(("text", x + (pw if i == 0 else 0), y + h + size + i * lead, "R", size,
                    line, "l", 0))
    h += len(lines) * lead
    if q.relevant:
        hint = f"(Chỉ trả lời nếu {describe(parse_condition(q.relevant), qn, numbers)})"
        h += para(ops, x + pw, y + h, width - pw, hint, m, size=m.small_pt, gray=0.3)
    for line in q.hint.splitlines() if q.hint else ():
        h += para(ops, x + pw, y + h, width - pw, line, m, size=m.small_pt, gray=0.3)
    return h


def describe(cond: tuple, qn: Questionnaire, numbers: dict) -> str:
    """A condition in words, e.g. 'câu 8 chọn “Chưa hài lòng”'."""
    if cond[0] in ("and", "or"):
        parts = [describe(c, qn, numbers) for c in cond[1]]
        return (" và " if cond[0] == "and" else " hoặc ").join(parts)
    op, code, value = cond
    label = next(o.label for o in qn.question(code).options if o.code == value)
    verb = {"eq": "chọn", "ne": "không chọn", "selected": "có chọn"}[op]
    return f"câu {numbers[code]} {verb} “{label}”"


def _box(x: float, y: float, m: Metrics, q: str, option: str, pos: int | None = None) -> Box:
    return Box(x, y, m.box, m.box, q, option, pos)


def box_ops(boxes: list[Box], m: Metrics) -> list[tuple]:
    """White-filled outlined squares: the white hides a pilot watermark behind them."""
    return [("rect", b.x, b.y, b.w, b.h, m.lw, 1.0) for b in boxes]


def title_block(title: str, m: Metrics) -> Block:
    """The questionnaire title, centred in capitals at the top of page 1."""
    ops: list = []
    h = para(ops, m.left, 0, m.width, title.upper(), m, "B", m.title_pt, "c")
    return Block(h + mm(3), ops)


INSTRUCTIONS = [
    "Dùng bút bi màu xanh hoặc đen, tô kín ô ứng với câu trả lời của Ông/Bà; "
    "không đánh dấu ra ngoài ô.",
    "Muốn sửa: gạch chéo ô đã tô sai và tô kín ô mới.",
    "Ô chữ số: viết từng chữ số vào ô trống trên cùng, rồi tô ô có chữ số đó trong cùng cột.",
    "Thông tin cá nhân của Ông/Bà được giữ bí mật, chỉ dùng cho việc khảo sát và phúc tra.",
]


def instructions_block(m: Metrics) -> Block:
    """How to mark and how to correct, with drawn examples (not answer boxes)."""
    ops: list = []
    pad, ex_w = mm(2.5), mm(52)
    x, text_w = m.left + pad, m.width - ex_w - 2 * pad
    y = pad + para(ops, x, pad, text_w, "HƯỚNG DẪN TRẢ LỜI", m, "B", m.option_pt)
    for line in INSTRUCTIONS:
        ops.append(("text", x, y + m.option_pt, "R", m.option_pt, "•", "l", 0))
        y += para(ops, x + mm(3), y, text_w - mm(3), line, m, size=m.option_pt) + mm(0.6)
    ex_x, b = m.left + m.width - ex_w, m.box
    rows = [("Tô đúng:", [("fill", "")]), ("Sai:", [("tick", ""), ("dot", "")]),
            ("Sửa:", [("cross", "bỏ"), ("fill", "chọn lại")])]
    for i, (label, samples) in enumerate(rows):
        ry = pad + mm(1) + i * mm(6.5)
        ops.append(("text", ex_x, ry + b * 0.8, "B", m.small_pt, label, "l", 0))
        for j, (kind, caption) in enumerate(samples):
            sx = ex_x + mm(16) + j * mm(17)
            ops += _sample(kind, sx, ry, m)
            if caption:
                ops.append(("text", sx + b + mm(1.5), ry + b * 0.8, "R", m.small_pt, caption,
                            "l", 0))
    h = max(y, pad + mm(20)) + pad
    ops.insert(0, ("rect", m.left, 0, m.width, h, 0.6, 0.96))
    return Block(h + mm(3), ops)


def _sample(kind: str, x: float, y: float, m: Metrics) -> list[tuple]:
    b = m.box
    ops: list = [("rect", x, y, b, b, m.lw, 0.0 if kind == "fill" else
                  (0.55 if kind == "cross" else 1.0))]
    if kind == "tick":
        ops += [("line", x + b * 0.15, y + b * 0.5, x + b * 0.4, y + b * 0.85, 1.2, 0),
                ("line", x + b * 0.4, y + b * 0.85, x + b * 1.1, y - b * 0.2, 1.2, 0)]
    elif kind == "dot":
        ops.append(("rect", x + b * 0.4, y + b * 0.4, b * 0.2, b * 0.2, 0, 0.0))
    elif kind == "cross":
        ops += [("line", x - b * 0.2, y - b * 0.2, x + b * 1.2, y + b * 1.2, 1.3, 0),
                ("line", x - b * 0.2, y + b * 1.2, x + b * 1.2, y - b * 0.2, 1.3, 0)]
    return ops


def section_block(title: str, m: Metrics) -> Block:
    """A shaded section heading bar, kept with the block that follows it."""
    top, bar = mm(1.5), mm(6.5)
    ops = [("rect", m.left, top, m.width, bar, 0, 0.86),
           ("text", m.left + mm(2), top + bar / 2 + m.section_pt * 0.36, "B", m.section_pt,
            title.upper(), "l", 0)]
    return Block(top + bar + mm(2.5), ops, keep_with_next=True)


def closing_block(m: Metrics) -> Block:
    """The closing thank-you line."""
    ops: list = []
    h = para(ops, m.left, mm(3), m.width, "Xin trân trọng cảm ơn sự hợp tác của Ông/Bà!",
             m, "B", m.question_pt, "c")
    return Block(h + mm(4), ops)


def choice_block(q: Question, qn: Questionnaire, numbers: dict, m: Metrics) -> Block:
    """A single or multiple choice question with its options in columns."""
    ops: list = []
    h = _heading(ops, q, qn, numbers, m.left, 0, m.width, m) + mm(1.5)
    size, lead, b = m.option_pt, m.option_pt * 1.28, m.box
    x0, avail = m.left + mm(6), m.width - mm(6)
    widest = max(stringWidth(o.label, m.font("R"), size) for o in q.options)
    cell = b + mm(2) + widest + mm(4)
    ncols = next((c for c in range(min(len(q.options), 5), 0, -1) if c * cell <= avail), 1)
    col_w = min(avail / ncols, max(cell, mm(45)))
    boxes, y = [], h
    for r in range(0, len(q.options), ncols):
        row_h = b
        for c, o in enumerate(q.options[r:r + ncols]):
            bx = x0 + c * col_w
            lines = wrap(o.label, m.font("R"), size, col_w - b - mm(4))
            boxes.append(replace(_box(bx, y, m, q.code, o.code),
                                 label=_label_rect(bx + b + mm(2), y + b / 2 + size * 0.36,
                                                   lines, size, lead, m)))
            for i, line in enumerate(lines):
                ops.append(("text", bx + b + mm(2), y + b / 2 + size * 0.36 + i * lead, "R",
                            size, line, "l", 0))
            row_h = max(row_h, b / 2 + size * 0.36 + (len(lines) - 1) * lead + size * 0.3)
        y += row_h + mm(1.8)
    return Block(y + mm(2), ops + box_ops(boxes, m), boxes, code=q.code)


def _label_rect(x: float, baseline: float, lines: list[str], size: float, lead: float,
                m: Metrics) -> Rect:
    """Where an option's printed text lies: cap height above the first baseline to the
    descenders of the last line (the reader looks for rings around it)."""
    width = max(stringWidth(line, m.font("R"), size) for line in lines)
    return Rect(x, baseline - 0.75 * size, width, 0.97 * size + (len(lines) - 1) * lead)


def matrix_blocks(items: list[Question], qn: Questionnaire, numbers: dict,
                  m: Metrics) -> list[Block]:
    """Items sharing one scale as a table: a header row, then one row per item."""
    opts, size = items[0].options, m.small_pt
    col_w = min(mm(15.5), m.width * 0.6 / len(opts))
    text_w = m.width - len(opts) * col_w - mm(2)
    cols_x = m.left + text_w + mm(2)
    hops: list = []
    hh = max(para(hops, cols_x + c * col_w + mm(0.5), mm(1), col_w - mm(1), o.label, m, "B",
                  size, "c") for c, o in enumerate(opts)) + mm(2)
    hops.append(("line", m.left, hh, m.left + m.width, hh, 0.6, 0))
    header = Block(hh, hops, keep_with_next=True)
    out = [header]
    for q in items:
        ops: list = []
        th = _heading(ops, q, qn, numbers, m.left, mm(1.3), text_w, m)
        by = mm(1.3) + (m.question_pt * 1.28 - m.box) / 2
        boxes = [_box(cols_x + c * col_w + (col_w - m.box) / 2, by, m, q.code, o.code)
                 for c, o in enumerate(opts)]
        rh = max(th, m.box) + mm(2.6)
        ops.append(("line", m.left, rh, m.left + m.width, rh, 0.3, 0.6))
        out.append(Block(rh, ops + box_ops(boxes, m), boxes, code=q.code, header=header))
    return out


def _grid_width(q: Question, m: Metrics) -> float:
    n = q.digits if q.kind == "digits" else 8
    return mm(4) + n * m.pitch_x + (len(DATE_GAPS) * mm(2.5) if q.kind == "date" else 0)


def grid_rows(items: list[Question], qn: Questionnaire, numbers: dict,
              m: Metrics) -> list[Block]:
    """Digit and date bubble grids, packed side by side into rows that fit the width."""
    rows: list[list[Question]] = [[]]
    used = 0.0
    for q in items:
        w = _grid_width(q, m)
        if rows[-1] and used + mm(6) + w > m.width:
            rows.append([])
            used = 0.0
        used += (mm(6) if rows[-1] else 0) + w
        rows[-1].append(q)
    return [_grid_row(row, qn, numbers, m) for row in rows]


def _grid_row(row: list[Question], qn: Questionnaire, numbers: dict, m: Metrics) -> Block:
    ops: list = []
    xs, x = [], m.left
    for q in row:
        xs.append(x)
        x += _grid_width(q, m) + mm(6)
    label_h = max(_heading(ops, q, qn, numbers, qx, 0, _grid_width(q, m), m)
                  for q, qx in zip(row, xs, strict=True))
    top = label_h + mm(1.5)
    rows_top, cell_h, b = top + mm(6) + mm(1.5), mm(6), m.grid_box
    boxes: list[Box] = []
    for q, qx in zip(row, xs, strict=True):
        n = q.digits if q.kind == "digits" else 8
        for d in range(10):
            ops.append(("text", qx + mm(2), rows_top + (d + 0.5) * m.pitch_y + m.small_pt * 0.36,
                        "R", m.small_pt, str(d), "c", 0.25))
        px = qx + mm(4)
        for pos in range(n):
            if q.kind == "date" and pos in DATE_GAPS:
                ops.append(("text", px + mm(1.25), top + cell_h * 0.7, "R", m.question_pt, "/",
                            "c", 0))
                px += mm(2.5)
            ops.append(("rect", px, top, m.pitch_x, cell_h, 0.5, None))
            top_digit = DATE_MAX_TENS.get(pos, 9) if q.kind == "date" else 9
            boxes += [Box(px + (m.pitch_x - b) / 2, rows_top + d * m.pitch_y + (m.pitch_y - b) / 2,
                          b, b, q.code, str(d), pos) for d in range(top_digit + 1)]
            px += m.pitch_x
    height = rows_top + 10 * m.pitch_y + mm(3)
    return Block(height, ops + box_ops(boxes, m), boxes, code=row[0].code)


def text_block(q: Question, qn: Questionnaire, numbers: dict, m: Metrics) -> Block:
    """A free-text box (captured as an image region and keyed later)."""
    ops: list = []
    lines = q.text_lines or 1
    if lines == 1:
        label_w = mm(62)
        h = _heading(ops, q, qn, numbers, m.left, mm(1), label_w - mm(4), m) + mm(1)
        box = Rect(m.left + label_w, 0, m.width - label_w, m.line_h)
    else:
        h = _heading(ops, q, qn, numbers, m.left, 0, m.width, m) + mm(1)
        box = Rect(m.left + mm(6), h, m.width - mm(6), lines * m.line_h)
        h = 0
    ops.append(("rect", box.x, box.y, box.w, box.h, 0.6, None))
    ops += [("line", box.x + mm(2), box.y + i * m.line_h, box.right - mm(2),
             box.y + i * m.line_h, 0.3, 0.7) for i in range(1, lines)]
    return Block(max(h, box.bottom) + mm(3), ops, regions=[(q.code, box)], code=q.code)
