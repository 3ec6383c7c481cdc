"""What a printed form page shows, found in the PDF itself, and its raster from pdftoppm.

This family of test scans never asks the layout JSON or ``fieldwork.omr.geometry``
where anything is printed: answer boxes, corner marks, digit cells and option
texts are the PDF's own drawing objects (pypdfium2 page objects, form XObjects
included), and the page is rasterised by poppler's ``pdftoppm``, not by the
renderer the other family uses.  The layout is consulted only to *name* a box
found in the PDF (which question and option it stands for), by its nearest
layout box; a box the layout names but the PDF does not draw is an error.
"""

from __future__ import annotations

import ctypes
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MM = 72 / 25.4  # points per millimetre


@dataclass
class Square:
    """A printed answer box: centre and side in points (top-left origin), and its name."""

    cx: float
    cy: float
    side: float
    question: str = ""
    option: str = ""
    position: int | None = None
    label: tuple | None = None  # (x0, y0, x1, y1) of the option's printed text, points
    cell: tuple | None = None  # digit grids: the writing cell above the column


@dataclass
class PrintedPage:
    """The drawing objects of one PDF page that matter to a respondent and a scanner."""

    size: tuple[float, float]
    boxes: list[Square] = field(default_factory=list)
    solids: list[tuple] = field(default_factory=list)  # filled squares (corner marks), x0 y0 x1 y1
    texts: list[tuple] = field(default_factory=list)  # text objects' bounds
    cells: list[tuple] = field(default_factory=list)  # unfilled tall rectangles (digit cells)
    regions: list[tuple] = field(default_factory=list)  # wide unfilled rectangles (free text)


def _draw_mode(obj) -> tuple[bool, bool]:
    import pypdfium2.raw as raw

    fill, stroke = ctypes.c_int(), ctypes.c_int()
    raw.FPDFPath_GetDrawMode(obj.raw, ctypes.byref(fill), ctypes.byref(stroke))
    return bool(fill.value), bool(stroke.value)


def _line_width(obj) -> float:
    import pypdfium2.raw as raw

    width = ctypes.c_float()
    raw.FPDFPageObj_GetStrokeWidth(obj.raw, ctypes.byref(width))
    return float(width.value)


def _fill_grey(obj) -> float:
    import pypdfium2.raw as raw

    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    raw.FPDFPageObj_GetFillColor(obj.raw, *(ctypes.byref(v) for v in (r, g, b, a)))
    return (r.value + g.value + b.value) / 765


def objects(pdf: bytes, index: int) -> PrintedPage:
    """The squares, solids, texts and cells drawn on page ``index`` of ``pdf``."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    doc = pdfium.PdfDocument(pdf)
    try:
        page = doc[index]
        w, h = page.get_size()
        out = PrintedPage((w, h))
        for obj in page.get_objects(max_depth=4):
            left, bottom, right, top = obj.get_bounds()
            rect = (left, h - top, right, h - bottom)
            bw, bh = right - left, top - bottom
            if obj.type == raw.FPDF_PAGEOBJ_TEXT:
                out.texts.append(rect)
            elif obj.type == raw.FPDF_PAGEOBJ_PATH:
                fill, stroke = _draw_mode(obj)
                if fill and not stroke and abs(bw - bh) < 0.5 and 4 * MM < bw < 10 * MM \
                        and _fill_grey(obj) < 0.1:
                    out.solids.append(rect)
                elif stroke and abs(bw - bh) < 0.6 and 2 * MM < bw < 6 * MM and \
                        (not fill or _fill_grey(obj) > 0.9):
                    # pdfium's bounds include the stroke on both sides
                    out.boxes.append(Square((left + right) / 2, h - (top + bottom) / 2,
                                            bw - 2 * _line_width(obj)))
                elif stroke and not fill and 3 * MM < bw < 7 * MM and bh > 1.2 * bw:
                    out.cells.append(rect)
                elif stroke and not fill and bw > 40 * MM and bh > 5 * MM:
                    out.regions.append(rect)
        page.close()
    finally:
        doc.close()
    return out


def _beside(sq: Square, t: tuple) -> bool:
    """Whether text ``t`` starts just right of box ``sq`` and level with it."""
    right = sq.cx + sq.side / 2
    return right + 0.3 * MM < t[0] < right + 4 * MM and t[1] < sq.cy < t[3] + 1.0


def _label(sq: Square, texts: list[tuple], boxes: list[Square]) -> tuple | None:
    """The option text printed right of a box: first line level with it, lines below it."""
    first = [t for t in texts if _beside(sq, t) and t[2] - t[0] > 2]
    if not first:
        return None
    x0, y0, x1, y1 = min(first, key=lambda t: t[0])
    grown = True
    while grown:
        grown = False
        for t in texts:
            if abs(t[0] - x0) < 1.5 and y1 < t[1] < y1 + 6 and t[3] > y1 and \
                    not any(_beside(b, t) for b in boxes):  # not the next option's text
                y1, x1, grown = t[3], max(x1, t[2]), True
    return (x0, y0, x1, y1)


def name_boxes(printed: PrintedPage, layout_page: dict) -> list[Square]:
    """The page's answer boxes named by question and option; every layout box must be drawn."""
    if not printed.boxes:
        raise ValueError("no answer boxes drawn on this page")
    centres = np.array([(b.cx, b.cy) for b in printed.boxes])
    named = []
    for entry in layout_page["boxes"]:
        c = (entry["x"] + entry["w"] / 2, entry["y"] + entry["h"] / 2)
        d = np.hypot(*(centres - c).T)
        k = int(np.argmin(d))
        if d[k] > 1.5:
            raise ValueError(f"box {entry['question']}/{entry['option']} is not drawn in the PDF "
                             f"({d[k]:.1f} pt from the nearest printed box)")
        sq = printed.boxes[k]
        label = _label(sq, printed.texts, printed.boxes) if entry.get("position") is None else None
        cell = None
        if entry.get("position") is not None:
            above = [r for r in printed.cells if r[0] < sq.cx < r[2] and r[3] < sq.cy]
            cell = max(above, key=lambda r: r[3]) if above else None
        named.append(Square(sq.cx, sq.cy, sq.side, entry["question"], entry["option"],
                            entry.get("position"), label, cell))
    return named


def rasterise(pdf_path: Path, index: int, dpi: int) -> np.ndarray:
    """Page ``index`` (from 0) of a PDF file as a grey raster at ``dpi``, drawn by pdftoppm."""
    import cv2

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "page"
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-f", str(index + 1), "-l",
                        str(index + 1), "-singlefile", str(pdf_path), str(root)],
                       check=True, capture_output=True, timeout=120)
        img = cv2.imread(str(root) + ".pgm", cv2.IMREAD_UNCHANGED)
    if img is None:
        raise RuntimeError(f"pdftoppm wrote no page {index + 1} of {pdf_path}")
    return img
