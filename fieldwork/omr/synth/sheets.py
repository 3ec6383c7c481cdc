"""Printed, filled and scanned sheets with their ground truth."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np

from ..geometry import layout_to_pixels
from .degrade import Scan, degrade, encode, random_scan
from .pens import apply_ink, draw_mark, draw_stray, pen_for, write_text
from .respondent import Plan, Rates, plan_sheet

DPI_CHOICES = (150, 200, 300)
DPI_WEIGHTS = (0.25, 0.35, 0.4)


@dataclass
class Sample:
    """One scanned page: the file bytes a scanner would save, and what is truly on it."""

    serial: str
    page: int
    image: np.ndarray
    data: bytes
    ext: str
    dpi: int
    scan: Scan
    truth: dict  # question code -> {"values", "status"} for questions on this page
    style: str
    marks: dict  # (question, option, position) -> styles drawn in that box


def template(name: str):
    """A built-in questionnaire by name ('danang-2025' or 'sipas')."""
    from fieldwork.forms.builtin import BUILTIN

    if name not in BUILTIN:
        raise ValueError(f"unknown template {name!r}; choose from {', '.join(BUILTIN)}")
    return BUILTIN[name]()


def print_sheets(q, layout: dict, serials: list[str], key: bytes, pilot: bool = False,
                 title: str = "Khảo sát thử nghiệm", imprint=None) -> bytes:
    """The production printer's PDF for ``serials``; ``imprint`` (the batch's agency...) is
    the one ``layout_for`` lays out with unless given."""
    from fieldwork.forms.imprint import sample_imprint
    from fieldwork.forms.printing import render_batch

    imprint = imprint or sample_imprint()
    buf = io.BytesIO()
    render_batch(q, layout, title, serials, key, pilot=pilot, out=buf, imprint=imprint)
    return buf.getvalue()


def rasterise(pdf: bytes, index: int, dpi: float) -> np.ndarray:
    """Page ``index`` of a PDF as a clean grey raster at ``dpi``."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        page = doc[index]
        arr = page.render(scale=dpi / 72.0, grayscale=True).to_numpy()
        page.close()
    finally:
        doc.close()
    return np.ascontiguousarray(arr if arr.ndim == 2 else arr[:, :, 0])


def fill_page(img: np.ndarray, plan: Plan, page: dict, dpi: float,
              rng: np.random.Generator, rates: Rates) -> np.ndarray:
    """The clean page with this respondent's marks, writing and stray strokes on it."""
    px_mm = dpi / 25.4
    pen = pen_for(rng, px_mm, pencil=plan.pencil)
    ink = pen_for(rng, px_mm)  # ballpoint for writing digits and text, and for crosses
    layer = np.zeros(img.shape, np.float32)
    for number, box, style in plan.marks:
        if number != page["page"]:
            continue
        r = layout_to_pixels(box, dpi)
        use = ink if style == "cancel" or (plan.pencil and style != "pencil") else pen
        draw_mark(layer, (r.x, r.y, r.w), style, use, rng)
    for number, box, digit in plan.digits:
        if number == page["page"]:
            r = layout_to_pixels(box, dpi)
            write_text(layer, digit, (r.x, r.y - (int(box["option"]) * 4.6 + 3)
                                      * px_mm), 4.2 * px_mm, ink)
    for number, region, text in plan.texts:
        if number == page["page"]:
            r = layout_to_pixels(region, dpi)
            write_text(layer, text, (r.x + 3 * px_mm, r.y + min(r.h - 2 * px_mm, 6 * px_mm)),
                       4.5 * px_mm, ink)
    h, w = img.shape
    for _ in range(rng.poisson(rates.stray_per_page)):
        draw_stray(layer, (0.08 * w, 0.15 * h, 0.92 * w, 0.95 * h), ink, rng, px_mm)
    texture = None
    if plan.pencil:
        import cv2

        grain = rng.uniform(0.55, 1.0, img.shape).astype(np.float32)
        texture = cv2.GaussianBlur(grain, (0, 0), 0.7)
    return apply_ink(img, layer, texture)


def _page_truth(layout: dict, plan: Plan, number: int) -> dict:
    codes = {b["question"] for b in layout["pages"][number - 1]["boxes"]}
    return {c: t for c, t in plan.truth.items() if c in codes}


def generate(name: str = "sipas", sheets: int = 10, seed: int = 0, survey: str = "BENCH",
             version: int = 1, key: bytes = b"bench-key", first_serial: int = 1,
             dpis: tuple = DPI_CHOICES, hard: bool = True, rates: Rates | None = None,
             pilot: bool = False, rotation: int | None = None) -> Iterator[Sample]:
    """Yield every page of ``sheets`` filled and scanned sheets of a built-in template
    (``rotation``: every page turned so, instead of mostly upright)."""
    from fieldwork.forms.imprint import sample_imprint
    from fieldwork.forms.layout import layout_questionnaire

    if sheets < 1:
        raise ValueError(f"sheets must be at least 1, got {sheets}")
    q = template(name)
    imprint = sample_imprint()
    layout = layout_questionnaire(q, survey, version, imprint=imprint)
    serials = [f"{n:08d}" for n in range(first_serial, first_serial + sheets)]
    pdf = print_sheets(q, layout, serials, key, pilot, imprint=imprint)
    yield from fill_and_scan(pdf, layout, serials, np.random.default_rng(seed), dpis, hard,
                             rates, rotation=rotation)


def fill_and_scan(pdf: bytes, layout: dict, serials: list[str], rng: np.random.Generator,
                  dpis: tuple = DPI_CHOICES, hard: bool = True, rates: Rates | None = None,
                  scan: Scan | None = None, only: set | None = None,
                  rotation: int | None = None) -> Iterator[Sample]:
    """Fill and scan the sheets of a printed batch PDF (``scan``: one fixed degradation).

    ``serials`` lists every sheet of the PDF in order; ``only`` picks some of them.
    """
    rates = rates or Rates()
    weights = np.array(DPI_WEIGHTS[:len(dpis)] if len(dpis) <= len(DPI_WEIGHTS) else
                       [1.0] * len(dpis))
    n_pages = len(layout["pages"])
    for s, serial in enumerate(serials):
        if only is not None and serial not in only:
            continue
        plan = plan_sheet(layout, rng, rates)
        for p, page in enumerate(layout["pages"]):
            dpi = int(rng.choice(dpis, p=weights / weights.sum()))
            clean = rasterise(pdf, s * n_pages + p, dpi)
            filled = fill_page(clean, plan, page, dpi, rng, rates)
            degradation = scan or random_scan(rng, pencil=plan.pencil, hard=hard)
            if rotation is not None:
                degradation = replace(degradation, rotation=rotation)
            image = degrade(filled, degradation, rng)
            data, ext = encode(image, degradation)
            marks: dict = {}
            for number, box, style in plan.marks:
                if number == p + 1:
                    marks.setdefault((box["question"], box["option"], box.get("position")),
                                     []).append(style)
            yield Sample(serial, p + 1, image, data, ext, dpi, degradation,
                         _page_truth(layout, plan, p + 1), plan.style, marks)


def layout_for(name: str, survey: str = "BENCH", version: int = 1) -> dict:
    """The layout the generator prints for a template (a generic batch for a ward)."""
    from fieldwork.forms.imprint import sample_imprint
    from fieldwork.forms.layout import layout_questionnaire

    return layout_questionnaire(template(name), survey, version, imprint=sample_imprint())
