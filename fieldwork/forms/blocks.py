"""Layout blocks: one question (or heading, or row of digit grids) drawn at y = 0.

Drawing operations are plain tuples in top-left page coordinates, so layout stays
pure and the printer only translates them to ReportLab calls:

* ``("text", x, baseline, font, size, string, align, gray)``, align in ``l c r``;
* ``("rect", x, y, w, h, line_width, fill_gray or None)``;
* ``("line", x1, y1, x2, y2, line_width, gray)``.

``font`` is ``"R"`` (regular) or ``"B"`` (bold). Every text a respondent reads is at
least ``body_min`` points; only the serial and the footer are smaller.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from reportlab.pdfbase.pdfmetrics import stringWidth

from fieldwork.forms.fonts import Fonts
from fieldwork.forms.spec import Question, Questionnaire, parse_condition
from fieldwork.omr.geometry import A4, Box, Rect, mm

LEAD = 1.2  # line spacing over type size
# Printed ink (rules, outlines, labels) keeps this far from an answer box: the reader takes
# ink closer than about 1.8 mm around a box as a mark beside or through it.
CLEAR = mm(2.0)
# In a row of options, an option's text ends this far before the next box: the reader looks
# up to 6.4 mm left of a box for a mark beside it or a ring around it, and 5.6 mm after an
# option's text for other ink, so printed text there would read as a respondent's ink.
GAP = mm(7.5)
MAX_COLUMNS = 5


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
    write_h: float
    line_h: float
    title_pt: float
    section_pt: float
    question_pt: float
    option_pt: float
    body_min: float
    small_pt: float
    header_left: float = 0.0
    footer: float = 0.0

    @property
    def width(self) -> float:
        """Width of the content column."""
        return A4[0] - self.left - self.right_margin

    @classmethod
    def from_settings(cls, s: dict, fonts: Fonts) -> Metrics:
        """Convert the millimetre settings to points."""
        page, boxes, t = s["page"], s["boxes"], s["type"]
        body_min = t.get("body_min_pt", t["option_pt"])
        return cls(fonts, mm(page["margin_left_mm"]), mm(page["margin_right_mm"]),
                   mm(page["content_top_mm"]), A4[1] - mm(page["content_bottom_mm"]),
                   mm(boxes["box_mm"]), mm(boxes["grid_box_mm"]), boxes["line_width_pt"],
                   mm(boxes["digit_pitch_x_mm"]), mm(boxes["digit_pitch_y_mm"]),
                   mm(boxes.get("digit_write_mm", 6.0)), mm(boxes["text_line_mm"]),
                   t["title_pt"], t["section_pt"], t["question_pt"], t["option_pt"],
                   body_min, t["small_pt"], mm(page.get("header_left_mm",
                                                        page["margin_left_mm"])),
                   mm(page.get("footer_mm", 10.0)))

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
    contact: list[tuple[str, Rect]] = field(default_factory=list)  # areas showing contact data
    extra: dict = field(default_factory=dict)  # named areas (e.g. the dossier) for the layout


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
    lead = size * LEAD
    ax = {"l": x, "c": x + width / 2, "r": x + width}[align]
    lines = wrap(text, m.font(key), size, width)
    for i, line in enumerate(lines):
        ops.append(("text", ax, y + size + i * lead, key, size, line, align, gray))
    return len(lines) * lead


def rich(ops: list, x: float, y: float, width: float, parts: list[tuple[str, str, float]],
         m: Metrics, size: float, first: float | None = None) -> float:
    """Wrapped text made of ``(text, font key, gray)`` parts; return its height.

    Words keep their part's font and grey, so a question's "only if" hint can follow its
    text on the same line instead of taking a line of its own.
    """
    lead, space = size * LEAD, stringWidth(" ", m.font("R"), size)
    words = [(w, key, gray) for text, key, gray in parts for w in text.split()]
    line, used, row, limit = [], 0.0, 0, width if first is None else first
    for word, key, gray in words:
        w = stringWidth(word, m.font(key), size)
        if line and used + space + w > limit:
            _flush(ops, line, x + (width - limit), y + size + row * lead, size, space)
            line, used, row, limit = [], 0.0, row + 1, width
        used += (space if line else 0) + w
        line.append((word, key, gray, w))
    if line:
        _flush(ops, line, x + (width - limit), y + size + row * lead, size, space)
    return (row + 1) * lead if words else 0.0


def _flush(ops: list, line: list, x: float, baseline: float, size: float, space: float) -> None:
    """Runs of words in the same font and grey become one text operation each."""
    run, run_x, cx, style = [], x, x, None
    for word, key, gray, w in line:
        if style is not None and (key, gray) != style:
            ops.append(("text", run_x, baseline, style[0], size, " ".join(run), "l", style[1]))
            run, run_x = [], cx
        run.append(word)
        style = (key, gray)
        cx += w + space
    if run:
        ops.append(("text", run_x, baseline, style[0], size, " ".join(run), "l", style[1]))


def heading(ops: list, q: Question, qn: Questionnaire, numbers: dict, x: float, y: float,
            width: float, m: Metrics) -> float:
    """The question's note (an instruction above it), number (bold), text, the grey 'only if'
    hint and its own hint (under it); return the height."""
    h = 0.0
    for line in q.note.splitlines() if q.note else ():
        h += para(ops, x, y + h, width, line, m, "B", m.small_pt, gray=0.2)
    if h:
        h += mm(1)
    parts = [(f"{numbers[q.code]}.", "B", 0), (q.text, "R", 0)] if q.code in numbers else \
        [(q.text, "R", 0)]
    if q.relevant:
        hint = f"(chỉ trả lời nếu {describe(parse_condition(q.relevant), qn, numbers)})"
        parts.append((hint, "R", 0.35))
    h += rich(ops, x, y + h, width, parts, m, m.question_pt)
    for line in q.hint.splitlines() if q.hint else ():
        h += para(ops, x, y + h, width, line, m, size=m.small_pt, gray=0.3)
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


def answer_box(x: float, y: float, m: Metrics, q: str, option: str,
               pos: int | None = None) -> Box:
    """A choice box of the standard size."""
    return Box(x, y, m.box, m.box, q, option, pos)


def box_ops(boxes: list[Box], m: Metrics) -> list[tuple]:
    """White-filled outlined squares: the white hides a pilot watermark behind them."""
    return [("rect", b.x, b.y, b.w, b.h, m.lw, 1.0) for b in boxes]


def section_block(title: str, m: Metrics) -> Block:
    """A shaded section heading bar, kept with the block that follows it."""
    top, bar = mm(1.0), mm(5.0)
    ops = [("rect", m.left, top, m.width, bar, 0, 0.86),
           ("text", m.left + mm(2), top + bar / 2 + m.section_pt * 0.36, "B", m.section_pt,
            title.upper(), "l", 0)]
    return Block(top + bar + mm(1.6), ops, keep_with_next=True)


def option_rows(q: Question, m: Metrics, x0: float, y: float, ncols: int, col_w: float,
                 ops: list, boxes: list) -> float:
    """Options in ``ncols`` columns from ``y``; return the y below the last row."""
    size, lead, b = m.option_pt, m.option_pt * LEAD, m.box
    right = m.left + m.width
    for r in range(0, len(q.options), ncols):
        row_h = b
        for c, o in enumerate(q.options[r:r + ncols]):
            bx = x0 + c * col_w
            # The last column's text may run to the margin; the others stop GAP short of
            # the next column's box.
            end = right if c == ncols - 1 else bx + col_w - GAP
            lines = wrap(o.label, m.font("R"), size, end - bx - b - CLEAR)
            boxes.append(replace(answer_box(bx, y, m, q.code, o.code),
                                 label=label_rect(bx + b + CLEAR, y + b / 2 + size * 0.36,
                                                  lines, size, lead, m)))
            for i, line in enumerate(lines):
                ops.append(("text", bx + b + CLEAR, y + b / 2 + size * 0.36 + i * lead, "R",
                            size, line, "l", 0))
            row_h = max(row_h, b / 2 + size * 0.36 + (len(lines) - 1) * lead + size * 0.3)
        y += row_h + CLEAR
    return y


MAX_LINES = 3  # an option text wrapped to more lines than this is hard to read: fewer columns


def _readable(q: Question, m: Metrics, ncols: int) -> bool:
    """Every option text of ``q`` takes at most ``MAX_LINES`` lines in ``ncols`` columns."""
    col_w = _columns(q, m, m.width - mm(5), ncols)
    width = col_w - GAP - m.box - CLEAR
    return width > 0 and all(len(wrap(o.label, m.font("R"), m.option_pt, width)) <= MAX_LINES
                             for o in q.options)


def _columns(q: Question, m: Metrics, avail: float, ncols: int) -> float:
    size, b = m.option_pt, m.box
    widest = max(stringWidth(o.label, m.font("R"), size) for o in q.options)
    return min(avail / ncols, max(b + CLEAR + widest + GAP, mm(40)))


def _stacked(q, qn, numbers, m: Metrics, ncols: int) -> Block:
    ops: list = []
    h = heading(ops, q, qn, numbers, m.left, 0, m.width, m) + CLEAR
    x0, avail = m.left + mm(5), m.width - mm(5)
    boxes: list = []
    y = option_rows(q, m, x0, h, ncols, _columns(q, m, avail, ncols), ops, boxes)
    return Block(y + mm(1.2), ops + box_ops(boxes, m), boxes, code=q.code)


def _inline(q, qn, numbers, m: Metrics) -> Block | None:
    """Few short options to the right of the question text, when they fit there."""
    size, b = m.option_pt, m.box
    cells = [b + CLEAR + stringWidth(o.label, m.font("R"), size) + GAP for o in q.options]
    opts_w = sum(cells) - GAP
    if len(q.options) > 3 or opts_w > 0.5 * m.width:
        return None
    ops: list = []
    text_w = m.width - opts_w - GAP
    h = heading(ops, q, qn, numbers, m.left, 0, text_w, m)
    one_line = max(op[1] + stringWidth(op[5], m.font(op[3]), op[4]) for op in ops) - m.left
    if h <= m.question_pt * LEAD + 0.01:  # a short question: its options follow it
        text_w = min(text_w, one_line)
    boxes, x = [], m.left + text_w + GAP
    by = (m.question_pt * LEAD - b) / 2
    for o, cell in zip(q.options, cells, strict=True):
        baseline = by + b / 2 + size * 0.36
        boxes.append(replace(answer_box(x, by, m, q.code, o.code),
                             label=label_rect(x + b + CLEAR, baseline, [o.label], size,
                                              size * LEAD, m)))
        ops.append(("text", x + b + CLEAR, baseline, "R", size, o.label, "l", 0))
        x += cell
    return Block(max(h, by + b) + mm(2.4), ops + box_ops(boxes, m), boxes, code=q.code)


SLACK = 1.25  # a roomier arrangement is preferred while at most this much taller


def choice_block(q: Question, qn: Questionnaire, numbers: dict, m: Metrics,
                 compact: bool = False) -> Block:
    """A single or multiple choice question, its options in columns chosen for room.

    Candidates: the options beside the question (few, short options), or under it in 1 to 5
    columns. ``compact`` takes the lowest (among equals the fewest columns); otherwise the
    fewest columns within ``SLACK`` of the lowest, which reads more easily.
    """
    candidates = [_stacked(q, qn, numbers, m, n)
                  for n in range(1, min(len(q.options), MAX_COLUMNS) + 1)
                  if n == 1 or _readable(q, m, n)]
    inline = _inline(q, qn, numbers, m) if q.kind == "single" else None
    if inline is not None:
        candidates.insert(0, inline)
    lowest = min(round(blk.height, 1) for blk in candidates)
    limit = lowest if compact else lowest * SLACK
    return next(blk for blk in candidates if round(blk.height, 1) <= limit)


def label_rect(x: float, baseline: float, lines: list[str], size: float, lead: float,
               m: Metrics) -> Rect:
    """Where an option's printed text lies: cap height above the first baseline to the
    descenders of the last line (the reader looks for rings around it)."""
    width = max(stringWidth(line, m.font("R"), size) for line in lines)
    return Rect(x, baseline - 0.75 * size, width, 0.97 * size + (len(lines) - 1) * lead)


def matrix_blocks(items: list[Question], qn: Questionnaire, numbers: dict,
                  m: Metrics) -> list[Block]:
    """Items sharing one scale as a table: a header row, then one row per item."""
    opts, size = items[0].options, m.body_min
    col_w = min(mm(15.5), m.width * 0.6 / len(opts))
    text_w = m.width - len(opts) * col_w - mm(2)
    cols_x = m.left + text_w + mm(2)
    hops: list = []
    hh = max(para(hops, cols_x + c * col_w + mm(0.3), mm(0.8), col_w - mm(0.6), o.label, m, "B",
                  size, "c") for c, o in enumerate(opts)) + mm(1.6)
    hops.append(("line", m.left, hh, m.left + m.width, hh, 0.6, 0))
    header = Block(hh, hops, keep_with_next=True)
    out = [header]
    for q in items:
        ops: list = []
        # Rules stay CLEAR of the boxes: ink that close is read as a mark beside the box.
        pad = CLEAR + mm(0.1)
        th = heading(ops, q, qn, numbers, m.left, pad, text_w, m)
        by = pad + max(0.0, (m.question_pt * LEAD - m.box) / 2)
        boxes = [answer_box(cols_x + c * col_w + (col_w - m.box) / 2, by, m, q.code, o.code)
                 for c, o in enumerate(opts)]
        rh = max(pad + th, by + m.box) + pad
        ops.append(("line", m.left, rh, m.left + m.width, rh, 0.3, 0.6))
        out.append(Block(rh, ops + box_ops(boxes, m), boxes, code=q.code, header=header))
    return out


def text_block(q: Question, qn: Questionnaire, numbers: dict, m: Metrics) -> Block:
    """A free-text box (captured as an image region and keyed later)."""
    ops: list = []
    lines = q.text_lines or 1
    if lines == 1:
        # The label beside the box: wider (up to half the column) if that saves a line.
        label_w = min((w for w in (mm(62), mm(74), m.width / 2)
                       if heading([], q, qn, numbers, 0, 0, w - mm(4), m)
                       <= 2 * m.question_pt * LEAD + 0.01), default=m.width / 2)
        h = heading(ops, q, qn, numbers, m.left, mm(1), label_w - mm(4), m) + mm(1)
        box = Rect(m.left + label_w, 0, m.width - label_w, m.line_h)
    else:
        h = heading(ops, q, qn, numbers, m.left, 0, m.width, m) + mm(1)
        box = Rect(m.left + mm(5), h, m.width - mm(5), lines * m.line_h)
        h = 0
    ops.append(("rect", box.x, box.y, box.w, box.h, 0.6, None))
    ops += [("line", box.x + mm(2), box.y + i * m.line_h, box.right - mm(2),
             box.y + i * m.line_h, 0.3, 0.7) for i in range(1, lines)]
    return Block(max(h, box.bottom) + mm(2.4), ops, regions=[(q.code, box)], code=q.code)
