"""Automatic box layout: a Questionnaire becomes pages of answer boxes.

The result is the layout dict (see docs/layout-format.md) that printer and reader
share, plus, for the printer, the static drawing operations of every page.  All
coordinates are PDF points with the origin at the top left and y downward
(``fieldwork.omr.geometry``).  Blocks are built with y relative to their own top,
then placed on pages; a block is never split, so neither is a question.

What a batch already knows (its agency, field, the drawn dossier) comes in as an
``Imprint`` (``fieldwork.forms.imprint``): it is printed and not asked.  A page budget
(the imprint's, else the questionnaire's, else the printer's) is enforced here: a
questionnaire that needs more pages is refused with what overflows.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from fieldwork.forms import blocks, grids, masthead
from fieldwork.forms.blocks import Block, Metrics
from fieldwork.forms.fonts import load_print_settings, register_form_fonts
from fieldwork.forms.imprint import Header, Imprint, field_question, prepared
from fieldwork.forms.spec import CHOICE_KINDS, Questionnaire, SpecError
from fieldwork.omr.geometry import A4, Rect, corner_marks, mm, qr_rect

LAYOUT_FORMAT = "fieldwork-layout/1"


@dataclass
class Composition:
    """A layout dict plus the static drawing operations of each page (body and footer)."""

    layout: dict
    page_ops: list[list[tuple]] = field(default_factory=list)
    metrics: Metrics | None = None
    footer_ops: list[list[tuple]] = field(default_factory=list)


def layout_questionnaire(q: Questionnaire, survey_code: str, version: int,
                         settings: dict | None = None, imprint: Imprint | None = None) -> dict:
    """The layout dict of ``q``; ``SpecError`` if it is invalid or cannot fit."""
    return compose(q, survey_code, version, settings, imprint).layout


def page_budget(q: Questionnaire, imprint: Imprint | None, settings: dict) -> int:
    """Most pages a sheet of ``q`` may take: the batch's, the questionnaire's or the printer's."""
    for value in (getattr(imprint, "max_pages", None), q.max_pages):
        if value:
            return int(value)
    return int(settings.get("batch", {}).get("max_pages") or 8)


def compose(q: Questionnaire, survey_code: str, version: int,
            settings: dict | None = None, imprint: Imprint | None = None) -> Composition:
    """Lay out ``q`` for ``imprint`` and keep the drawing operations the printer needs."""
    q.validate()
    settings = settings or load_print_settings()
    imprint = imprint or Imprint(Header(survey=q.title))
    m = Metrics.from_settings(settings, register_form_fonts(settings))
    marks = corner_marks(A4, mm(settings["corner_mark"]["size_mm"]),
                         mm(settings["corner_mark"]["offset_mm"]))
    qr_conf = settings["qr"]
    qr = qr_rect(A4, mm(qr_conf["size_mm"]), mm(qr_conf.get("right_mm", 15)),
                 mm(qr_conf["top_mm"]))
    serial = Rect(qr.right - mm(40), qr.bottom + mm(0.5), mm(40), mm(4.5))
    top = max(m.content_top, serial.bottom + mm(1.5),
              masthead.header_bottom(imprint, qr, m) + mm(2))
    m = replace(m, content_top=top)
    shown = prepared(q, imprint)
    budget = page_budget(q, imprint, settings)
    pages = _paginate(_blocks(shown, imprint, m), m)
    if len(pages) > budget:  # option lists in more columns, where that saves room
        pages = _paginate(_blocks(shown, imprint, m, compact=True), m)
    if len(pages) > budget:
        message = _overflow(pages, budget, m)
        if field_question(imprint) is not None:
            message += (" Với nhiều lĩnh vực, có thể in mỗi lô cho một lĩnh vực (lĩnh vực in "
                        "sẵn, người trả lời không phải đánh dấu).")
        raise SpecError(message)
    head = masthead.header_ops(imprint, qr, m)
    tick = field_question(imprint)
    questions = ([_question_entry(tick)] if tick else []) + \
        [_question_entry(x) for x in shown.questions()]
    layout = {
        "format": LAYOUT_FORMAT, "units": "pt", "origin": "top-left",
        "survey": survey_code, "version": int(version),
        "page_size": [round(A4[0], 2), round(A4[1], 2)],
        "imprint": {"agency": imprint.agency, "field": imprint.field_name,
                    "fields": [list(f) for f in imprint.fields] if tick else [],
                    "personal": bool(imprint.personal)},
        "questions": questions,
        "pages": [_page_entry(i, page, marks, qr, serial) for i, page in enumerate(pages, 1)],
    }
    footers = [masthead.footer_ops(m, survey_code, int(version), i, len(pages))
               for i in range(1, len(pages) + 1)]
    return Composition(layout, [head + p.ops for p in pages], m, footers)


def _page_entry(number: int, page: _Page, marks, qr: Rect, serial: Rect) -> dict:
    entry = {
        "page": number, "corner_marks": [r.to_dict() for r in marks], "qr": qr.to_dict(),
        "serial": serial.to_dict(),
        "boxes": [b.to_dict() for b in page.boxes],
        "text_regions": [{"question": code, **r.to_dict()} for code, r in page.regions],
        "contact_areas": [{"question": code, **r.to_dict()} for code, r in page.contact],
    }
    for name, rect in page.extra.items():
        entry[name] = rect.to_dict()
    return entry


def _overflow(pages: list[_Page], budget: int, m: Metrics) -> str:
    over = [code for page in pages[budget:] for code in page.codes if code]
    used = pages[budget - 1].used if len(pages) >= budget else 0.0
    extra = sum(p.used for p in pages[budget:])
    return (f"Bảng hỏi cần {len(pages)} trang nhưng chỉ được in trên {budget} trang: "
            f"còn thiếu khoảng {(extra - (m.content_bottom - m.content_top - used)) / mm(1):.0f}"
            f" mm. Các câu không vừa: {', '.join(over) or '(phần kết)'}. Hãy rút gọn câu hỏi, "
            f"bớt dòng viết tay hoặc tăng số trang cho phép.")


def _question_entry(q) -> dict:
    out = {"code": q.code, "kind": q.kind, "required": q.required}
    if q.kind in CHOICE_KINDS:
        out["options"] = [o.code for o in q.options]
    elif q.kind in grids.KINDS:
        out["digits"] = grids.positions(q)
    return out


def _blocks(q: Questionnaire, imprint: Imprint, m: Metrics,
            compact: bool = False) -> list[Block]:
    numbers = {x.code: i for i, x in enumerate(q.questions(), 1)}
    has_grids = any(x.kind in grids.KINDS for x in q.questions())
    out = [masthead.title_block(q.title, m, compact)]
    band = masthead.identity_block(imprint, m)
    if band is not None:
        out.append(band)
    out.append(masthead.instructions_block(m, has_grids))
    for section in q.sections:
        out.append(blocks.section_block(section.title, m))
        items = section.questions
        i = 0
        while i < len(items):
            j = i + 1
            if items[i].kind in grids.KINDS:
                while j < len(items) and items[j].kind in grids.KINDS:
                    j += 1
                out += grids.grid_rows(items[i:j], q, numbers, m)
            elif _matrix_ok(items[i]):
                while j < len(items) and _same_scale(items[i], items[j]):
                    j += 1
                out += (blocks.matrix_blocks(items[i:j], q, numbers, m) if j - i > 1
                        else [blocks.choice_block(items[i], q, numbers, m, compact)])
            elif items[i].kind in CHOICE_KINDS:
                out.append(blocks.choice_block(items[i], q, numbers, m, compact))
            else:
                out.append(blocks.text_block(items[i], q, numbers, m))
            i = j
    return out


# A matrix column is at most 60 % of the width / options: beyond 15 options (of 172 mm)
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
    contact: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)
    codes: list = field(default_factory=list)
    used: float = 0.0


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
            pages[-1].used = y - m.content_top
        i = j + 1
    return pages


def _place(page: _Page, b: Block, y: float) -> None:
    page.ops += [blocks.shift(op, y) for op in b.ops]
    page.boxes += [box.shifted(y) for box in b.boxes]
    page.regions += [(code, replace(r, y=r.y + y)) for code, r in b.regions]
    page.contact += [(code, replace(r, y=r.y + y)) for code, r in b.contact]
    page.extra.update({name: replace(r, y=r.y + y) for name, r in b.extra.items()})
    page.codes.append(b.code)
