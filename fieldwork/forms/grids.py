"""Digit and date grids: a row of boxes to write the digits in, a column of bubbles under each.

Grids are packed side by side into rows that fit the width; one column of the labels 0-9
at the left of a row serves every grid in it. The area of a contact grid (phone, citizen
ID: the written digits and the bubbles) is declared, so page images shown to people
without the contact right paint it over.
"""

from __future__ import annotations

from fieldwork.forms.blocks import CLEAR, Block, Metrics, box_ops, heading
from fieldwork.forms.spec import Question, Questionnaire
from fieldwork.omr.geometry import Box, Rect, mm
from fieldwork.privacy.mask import CONTACT_QUESTIONS

KINDS = ("digits", "date")
DATE_GAPS = (2, 4)  # gaps before positions 2 and 4: dd | mm | yyyy
DATE_MAX_TENS = {0: 3, 2: 1}  # day tens 0-3, month tens 0-1
LABELS_W = mm(4)  # the 0-9 column
GAP = mm(2.5)  # between the groups of a date
BETWEEN = mm(5)  # between two grids of a row


def positions(q: Question) -> int:
    """Number of digit positions of a grid (a date has 8: ddmmyyyy)."""
    return q.digits if q.kind == "digits" else 8


def width(q: Question, m: Metrics) -> float:
    """Width of a grid's boxes, date gaps included (labels excluded)."""
    return positions(q) * m.pitch_x + (len(DATE_GAPS) * GAP if q.kind == "date" else 0)


def grid_rows(items: list[Question], qn: Questionnaire, numbers: dict,
              m: Metrics) -> list[Block]:
    """Consecutive grid questions packed into rows that fit the width."""
    rows: list[list[Question]] = [[]]
    used = LABELS_W
    for q in items:
        w = max(width(q, m), mm(30))
        if rows[-1] and used + BETWEEN + w > m.width:
            rows.append([])
            used = LABELS_W
        used += (BETWEEN if rows[-1] else 0) + w
        rows[-1].append(q)
    return [_row(row, qn, numbers, m) for row in rows]


def _row(row: list[Question], qn: Questionnaire, numbers: dict, m: Metrics) -> Block:
    ops: list = []
    xs, x = [], m.left + LABELS_W
    for q in row:
        xs.append(x)
        x += max(width(q, m), mm(30)) + BETWEEN
    # A label may run over its grid's width when the next grid leaves room.
    label_w = [(xs[i + 1] - BETWEEN * 0.6 if i + 1 < len(xs) else m.left + m.width) - qx
               for i, qx in enumerate(xs)]
    label_h = max(heading(ops, q, qn, numbers, qx, 0, w, m)
                  for q, qx, w in zip(row, xs, label_w, strict=True))
    top = label_h + mm(1)
    # The written digits' boxes stay clear of the first row of bubbles (see blocks.CLEAR).
    rows_top, b = top + m.write_h + CLEAR - (m.pitch_y - m.grid_box) / 2, m.grid_box
    for d in range(10):
        ops.append(("text", m.left + LABELS_W / 2, rows_top + (d + 0.5) * m.pitch_y
                    + m.body_min * 0.36, "R", m.body_min, str(d), "c", 0.25))
    boxes: list[Box] = []
    contact: list[tuple[str, Rect]] = []
    bottom = rows_top + 10 * m.pitch_y
    for q, qx in zip(row, xs, strict=True):
        px = qx
        mine: list[Box] = []
        for pos in range(positions(q)):
            if q.kind == "date" and pos in DATE_GAPS:
                ops.append(("text", px + GAP / 2, top + m.write_h * 0.72, "R", m.question_pt,
                            "/", "c", 0))
                px += GAP
            ops.append(("rect", px, top, m.pitch_x, m.write_h, 0.5, None))
            top_digit = DATE_MAX_TENS.get(pos, 9) if q.kind == "date" else 9
            mine += [Box(px + (m.pitch_x - b) / 2, rows_top + d * m.pitch_y + (m.pitch_y - b) / 2,
                         b, b, q.code, str(d), pos) for d in range(top_digit + 1)]
            px += m.pitch_x
        boxes += mine
        if q.code in CONTACT_QUESTIONS:
            contact.append((q.code, Rect(qx - mm(1), top - mm(1), px - qx + mm(2),
                                         bottom - top + mm(1.5))))
    return Block(bottom + mm(2.0), ops + box_ops(boxes, m), boxes, code=row[0].code,
                 contact=contact)
