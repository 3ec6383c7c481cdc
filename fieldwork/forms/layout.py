"""Automatic box layout: a Questionnaire becomes pages of answer boxes.

The result is the layout dict (see docs/layout-format.md) that printer and reader
share, plus, for the printer, the static drawing operations of every page.  All
coordinates are PDF points with the origin at the top left and y downward
(``fieldwork.omr.geometry``).  Blocks are built with y relative to their own top,
then placed on pages; a block is never split, so neither is a question.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from fieldwork.forms import blocks
from fieldwork.forms.blocks import Block, Metrics
from fieldwork.forms.fonts import load_print_settings, register_fonts
from fieldwork.forms.spec import CHOICE_KINDS, Questionnaire, SpecError
from fieldwork.omr.geometry import A4, Rect, corner_marks, mm, qr_rect

LAYOUT_FORMAT = "fieldwork-layout/1"


@dataclass
class Composition:
    """A layout dict plus the static drawing operations of each page."""

    layout: dict
    page_ops: list[list[tuple]] = field(default_factory=list)
    metrics: Metrics | None = None


def layout_questionnaire(q: Questionnaire, survey_code: str, version: int,
                         settings: dict | None = None) -> dict:
    """The layout dict of ``q``; ``SpecError`` if it is invalid or cannot fit."""
    return compose(q, survey_code, version, settings).layout


def compose(q: Questionnaire, survey_code: str, version: int,
            settings: dict | None = None) -> Composition:
    """Lay out ``q`` and keep the drawing operations the printer needs."""
    q.validate()
    settings = settings or load_print_settings()
    m = Metrics.from_settings(settings, register_fonts(settings))
    pages = _paginate(_blocks(q, m), m)
    marks = corner_marks(A4, mm(settings["corner_mark"]["size_mm"]),
                         mm(settings["corner_mark"]["offset_mm"]))
    qr = qr_rect(A4, mm(settings["qr"]["size_mm"]), m.right_margin,
                 mm(settings["qr"]["top_mm"]))
    serial = Rect(qr.right - mm(40), qr.bottom + mm(0.5), mm(40), mm(4.5))
    layout = {
        "format": LAYOUT_FORMAT, "units": "pt", "origin": "top-left",
        "survey": survey_code, "version": int(version),
        "page_size": [round(A4[0], 2), round(A4[1], 2)],
        "questions": [_question_entry(x) for x in q.questions()],
        "pages": [{
            "page": i, "corner_marks": [r.to_dict() for r in marks], "qr": qr.to_dict(),
            "serial": serial.to_dict(),
            "boxes": [b.to_dict() for b in page.boxes],
            "text_regions": [{"question": code, **r.to_dict()} for code, r in page.regions],
        } for i, page in enumerate(pages, 1)],
    }
    return Composition(layout, [p.ops for p in pages], m)


def _question_entry(q) -> dict:
    out = {"code": q.code, "kind": q.kind, "required": q.required}
    if q.kind in CHOICE_KINDS:
        out["options"] = [o.code for o in q.options]
    elif q.kind in ("digits", "date"):
        out["digits"] = q.digits if q.kind == "digits" else 8
    return out


def _blocks(q: Questionnaire, m: Metrics) -> list[Block]:
    numbers = {x.code: i for i, x in enumerate(q.questions(), 1)}
    out = [blocks.title_block(q.title, m), blocks.instructions_block(m)]
    for section in q.sections:
        out.append(blocks.section_block(section.title, m))
        items = section.questions
        i = 0
        while i < len(items):
            j = i + 1
            if items[i].kind in ("digits", "date"):
                while j < len(items) and items[j].kind in ("digits", "date"):
                    j += 1
                out += blocks.grid_rows(items[i:j], q, numbers, m)
            elif _matrix_ok(items[i]):
                while j < len(items) and _same_scale(items[i], items[j]):
                    j += 1
                out += (blocks.matrix_blocks(items[i:j], q, numbers, m) if j - i > 1
                        else [blocks.choice_block(items[i], q, numbers, m)])
            elif items[i].kind in CHOICE_KINDS:
                out.append(blocks.choice_block(items[i], q, numbers, m))
            else:
                out.append(blocks.text_block(items[i], q, numbers, m))
            i = j
    out.append(blocks.closing_block(m))
    return out


# A matrix column is at most 60 % of the width / options: beyond 15 options (of 176 mm)
# its boxes would touch or overlap, so a wider scale is printed as plain choice questions.
MATRIX_MAX_OPTIONS = 15


def _matrix_ok(x) -> bool:
    return x.kind == "single" and 3 <= len(x.options) <= MATRIX_MAX_OPTIONS


def _same_scale(a, b) -> bool:
    return _matrix_ok(b) and [(o.code, o.label) for o in a.options] == \
        [(o.code, o.label) for o in b.options]


@dataclass
class _Page:
    ops: list = field(default_factory=list)
    boxes: list = field(default_factory=list)
    regions: list = field(default_factory=list)


def _paginate(items: list[Block], m: Metrics) -> list[_Page]:
    usable = m.content_bottom - m.content_top
    for b in items:
        if b.height > usable:
            raise SpecError(
                f"Câu {b.code or '?'} cao {b.height / mm(1):.0f} mm, vượt quá chiều cao "
                f"vùng nội dung của trang ({usable / mm(1):.0f} mm): hãy chia nhỏ câu hỏi")
    pages, y = [_Page()], m.content_top
    i = 0
    while i < len(items):
        # A heading (keep_with_next) travels with the block after it.
        j = i
        while j < len(items) - 1 and items[j].keep_with_next:
            j += 1
        unit = items[i:j + 1]
        need = sum(b.height for b in unit)
        if y + need > m.content_bottom and y > m.content_top and need <= usable:
            pages.append(_Page())
            y = m.content_top
            if unit[0].header is not None:
                unit = [unit[0].header] + unit
        elif y + need > m.content_bottom and y > m.content_top:
            pages.append(_Page())
            y = m.content_top
        for b in unit:
            if y + b.height > m.content_bottom:
                pages.append(_Page())
                y = m.content_top
            _place(pages[-1], b, y)
            y += b.height
        i = j + 1
    return pages


def _place(page: _Page, b: Block, y: float) -> None:
    page.ops += [blocks.shift(op, y) for op in b.ops]
    page.boxes += [box.shifted(y) for box in b.boxes]
    page.regions += [(code, replace(r, y=r.y + y)) for code, r in b.regions]
