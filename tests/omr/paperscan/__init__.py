"""The second family of test scans: built from the printed PDF, not from the reader's geometry.

``generate(pdf_path, layout, serials, seed)`` yields one ``Sample`` per page:
the file a scanner would write and the truth of every question on it, with
the classes of the page (``scanner.Feed.classes``) and of each answer's marks
(``hands``).  Boxes, option texts, corner marks and digit cells are found in
the PDF's drawing objects; pages are rasterised by ``pdftoppm``; the layout only
names the boxes found (``printed.name_boxes``).  ``fieldwork bench omr --family
paper`` runs it; keep seeds of ``HELD_OUT`` for measuring only, never tuning.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import hands, printed, scanner

HELD_OUT = (7001, 7002)  # benchmark seeds never used while changing the reader


@dataclass
class Sample:
    """One scanned page and what is truly on it."""

    serial: str
    page: int
    data: bytes
    ext: str
    dpi: int
    feed: scanner.Feed
    truth: dict  # code -> {"values", "status", "classes"}
    habit: str

    @property
    def classes(self) -> list[str]:
        """The page's classes."""
        return self.feed.classes()


def generate(pdf_path: Path, layout: dict, serials: list[str], seed: int,
             dpis: tuple | None = None, feed: scanner.Feed | None = None) -> Iterator[Sample]:
    """Fill and scan every sheet of a printed batch PDF (``serials``: its sheets in order)."""
    rng = np.random.default_rng(seed)
    pdf = Path(pdf_path).read_bytes()
    n_pages = len(layout["pages"])
    named, solids = [], []
    for p, page in enumerate(layout["pages"]):  # every sheet prints the same boxes
        found = printed.objects(pdf, p)
        named.append(printed.name_boxes(found, page))
        solids.append(found.solids)
    for s, serial in enumerate(serials):
        answers, todo = hands.plan_sheet(layout, named, rng)
        draws = [feed or scanner.draw(rng, dpis) for _ in range(n_pages)]
        dpi = draws[0].dpi  # a sheet goes through the scanner at one setting
        clean = [printed.rasterise(pdf_path, s * n_pages + p, dpi) for p in range(n_pages)]
        for p in range(n_pages):
            f = draws[p]
            f.dpi = dpi
            ink = hands.Ink(clean[p].shape, dpi, rng)
            for stroke in todo[p]:
                stroke(ink)
            for region in found_regions(pdf, p) if rng.random() < 0.3 else []:
                ink.write("Can cai thien", region[0] + 3 * printed.MM,
                          region[1] + 5 * printed.MM, 4.5 * printed.MM, hands.pen(rng))
            page = _inked(clean[p], ink.layer)
            back = clean[(p + 1) % n_pages] if n_pages > 1 else clean[p]
            other = clean[(p + 1) % n_pages]
            image = scanner.scan(page, back, other, solids[p], f, rng)
            data, ext = scanner.encode(image, f)
            codes = {sq.question for sq in named[p]}
            truth = {c: t for c, t in hands.settle(answers.truth).items() if c in codes}
            yield Sample(serial, p + 1, data, ext, dpi, f, truth, answers.habit)


def _inked(clean: np.ndarray, layer: np.ndarray) -> np.ndarray:
    """The clean page darkened by the ink layer (float32): computed where there is ink only,
    with the same float64 steps as over the whole page (elsewhere it is the page itself)."""
    page = clean.astype(np.float32)
    where = np.flatnonzero(layer)
    if len(where):
        dark = clean.ravel()[where].astype(np.float32) * (1 - layer.ravel()[where] / 255.0)
        page.ravel()[where] = np.clip(dark, 0, 255)
    return page


_REGIONS: dict = {}


def found_regions(pdf: bytes, index: int) -> list[tuple]:
    """Free-text regions drawn on a page (cached per page of a batch's first sheet)."""
    key = (len(pdf), index)
    if key not in _REGIONS:
        _REGIONS[key] = printed.objects(pdf, index).regions
    return _REGIONS[key]
