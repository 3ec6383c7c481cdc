"""Where the page lies in a scan and which way is up: corner marks, the QR code, registration.

The scan is first shrunk by a whole factor to about the resolution boxes are
measured at (OpenCV's fast path).  The corner marks are looked for by shape:
four, or three and where the fourth belongs (a mark cut at the scan's edge,
torn off or covered).  The QR code is then decoded where the marks put it,
the likelier orientation first (the one whose QR square holds QR-like ink),
else in the image's corners, else anywhere.  Registration takes the four marks
(a homography), three (an affine transform), or the QR code and whatever marks
are whole, corrected by the printed box outlines (``register``).
"""

from __future__ import annotations

import bisect
import math
from itertools import combinations

import numpy as np

from .align import MarkQuad, find_marks, homography, ink_mask, pixels_per_point, project, shrink
from .geometry import A4, Rect, corner_marks, mark_centers, mm, qr_rect
from .qr import QRHit, decode_anywhere, decode_region
from .register import Unregistered, fit, from_qr, qr_corners, refine, similar

QR_MODULES = 37  # modules across the printed QR square, quiet zone included (version 3)
_DEFAULT_MARKS = corner_marks(A4)
_DEFAULT_QR = qr_rect(A4)


class Unlocated(Exception):
    """The page could not be located although its QR code was read; the message says why."""


def working(gray: np.ndarray, scale: float) -> tuple[np.ndarray, int]:
    """The scan shrunk by a whole factor to no less than about ``scale`` px/pt."""
    k = int(max(gray.shape) / A4[1] / (scale * 0.92))
    return (shrink(gray, k), k) if k >= 2 else (gray, 1)


def _qr_likeness(gray: np.ndarray, corners: np.ndarray) -> float:
    """How much the region looks like a QR code: dark modules about half its area."""
    h, w = gray.shape
    x0, y0 = np.clip(np.floor(corners.min(axis=0)).astype(int), 0, (w, h))
    x1, y1 = np.clip(np.ceil(corners.max(axis=0)).astype(int), 0, (w, h))
    crop = gray[y0:y1:2, x0:x1:2]
    if crop.size < 64:
        return 0.0
    if crop.dtype != np.uint8:
        lo, hi = np.percentile(crop, (5, 95))
        if hi - lo < 40:
            return 0.0
        return float(np.mean(crop < (lo + hi) / 2))
    # A uint8 crop's percentiles and dark share from its histogram: the same numbers as
    # ``np.percentile`` (linear) and ``np.mean`` give, four times faster (it is asked up to
    # eight times a page).
    counts = np.cumsum(np.bincount(crop.ravel(), minlength=256)).tolist()
    lo, hi = (_percentile(counts, q) for q in (0.05, 0.95))
    if hi - lo < 40:
        return 0.0
    below = math.ceil((lo + hi) / 2) - 1  # the brightest value under the midpoint
    return counts[below] / crop.size if below >= 0 else 0.0


def _percentile(counts: list[int], q: float) -> float:
    """The ``q`` quantile of the values whose cumulative histogram is ``counts`` (value v is
    at ``counts[v]`` or less), as ``np.percentile``'s linear method works it out."""
    at = (counts[-1] - 1) * q
    below = math.floor(at)
    gamma = at - below
    a = bisect.bisect_right(counts, below)  # the value at sorted place ``below``
    b = bisect.bisect_right(counts, below + 1) if below + 1 < counts[-1] else a
    d = b - a
    return a + d * gamma if gamma < 0.5 else b - d * (1 - gamma)


def find_qr(gray: np.ndarray, quad: MarkQuad | None, anywhere: bool = True,
            in_corners: bool = True) -> tuple[QRHit | None, int | None]:
    """The QR code, looked for where it is printed in each orientation the marks allow, then
    (without four marks, and ``in_corners``) in the image's corners, then (``anywhere``) on
    the whole image."""
    qr = _DEFAULT_QR.inset(-0.25 * _DEFAULT_QR.w)
    corners = [(qr.x, qr.y), (qr.right, qr.y), (qr.x, qr.bottom), (qr.right, qr.bottom)]
    expected = {}
    if quad is not None:
        default = np.array(mark_centers(_DEFAULT_MARKS))
        tries = []
        for rotation in quad.rotations():
            h = homography(default, quad.page_points(rotation))
            module = pixels_per_point(h) * _DEFAULT_QR.w / QR_MODULES
            region = project(h, corners)
            expected[rotation] = project(h, [_DEFAULT_QR.center])[0]
            likeness = _qr_likeness(gray, region)
            if quad.complete or likeness > 0.2:  # three marks may be a chance: check first
                tries.append((-likeness, rotation, region, module))
        tries.sort(key=lambda t: t[0])
        for cheap in (True, False):  # the likelier place the cheap ways, then every way
            for _, rotation, region, module in tries:
                hit = decode_region(gray, region, module, *((2, 0) if cheap else (5, 2)))
                if hit is not None:
                    return hit, rotation
    if in_corners and (quad is None or not quad.complete):
        hit = qr_in_corners(gray)
        if hit is not None:
            return hit, None
    if not anywhere:
        return None, None
    hits = decode_anywhere(gray)
    if not hits:
        return None, None
    if not expected:
        return hits[0], None
    # Several codes or none where expected: take the one nearest a printed QR position.
    best = min(((np.linalg.norm(np.subtract(h.center, c)), h, r)
                for h in hits for r, c in expected.items()), key=lambda t: t[0])
    return best[1], best[2]


def qr_in_corners(gray: np.ndarray) -> QRHit | None:
    """The QR code looked for in the four corners of the image (a page printed near the
    paper's corner, however it lies), at the module size a page filling the image has."""
    hgt, wid = gray.shape
    side = 0.36 * min(hgt, wid)
    module = min(hgt, wid) / A4[0] * _DEFAULT_QR.w / QR_MODULES
    boxes = [np.array([(x, y), (x + side, y + side)]) for x, y in
             ((wid - side, 0), (0, 0), (0, hgt - side), (wid - side, hgt - side))]
    boxes.sort(key=lambda b: -_qr_likeness(gray, b))
    for tries, start in ((2, 0), (5, 2)):  # every corner the cheap ways first, then the others
        for box in boxes:
            hit = decode_region(gray, box, module, tries, start)
            if hit is not None:
                return hit
    return None


def _function_modules(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Which modules of an ``n``-module QR symbol (versions 3 and 4: one alignment pattern)
    are its fixed patterns, and their colours (True dark): finder patterns with their light
    separators, timing rows, the alignment pattern and the dark module."""
    fixed, dark = np.zeros((n, n), bool), np.zeros((n, n), bool)
    finder = np.ones((7, 7), bool)
    finder[1:6, 1:6] = False
    finder[2:5, 2:5] = True
    for r, c in ((0, 0), (0, n - 7), (n - 7, 0)):
        fixed[max(r - 1, 0):r + 8, max(c - 1, 0):c + 8] = True  # with the separator
        dark[r:r + 7, c:c + 7] = finder
    fixed[6, :], fixed[:, 6] = True, True
    dark[6, 8:n - 8] = dark[8:n - 8, 6] = np.arange(8, n - 8) % 2 == 0
    a = n - 7  # the alignment pattern's centre (versions 2 to 6)
    fixed[a - 2:a + 3, a - 2:a + 3] = True
    dark[a - 2:a + 3, a - 2:a + 3] = True
    dark[a - 1:a + 2, a - 1:a + 2] = False
    dark[a, a] = True
    fixed[n - 8, 8] = dark[n - 8, 8] = True
    return fixed, dark


def _printed() -> tuple[np.ndarray, Rect]:
    """The corner mark centres and the QR square as the forms are printed (print settings)."""
    from fieldwork.forms.fonts import load_print_settings

    s = load_print_settings()
    marks = corner_marks(A4, mm(s["corner_mark"]["size_mm"]), mm(s["corner_mark"]["offset_mm"]))
    q = s["qr"]
    return np.array(mark_centers(marks)), qr_rect(A4, mm(q["size_mm"]),
                                                  mm(q.get("right_mm", 15)), mm(q["top_mm"]))


def qr_mended(gray: np.ndarray, quad: MarkQuad) -> tuple[QRHit | None, int | None]:
    """The QR code read where the corner marks put it, with its fixed patterns drawn again:
    a fingertip over a finder pattern hides what the decoder looks for first. Each module is
    read against the paper around it; modules lost under the finger are mended by the code's
    own error correction (else nothing is read), and the payload's MAC then says whether the
    code is this form's."""
    import cv2

    from .qr import _zbar

    marks, qr = _printed()
    for rotation in quad.rotations():
        h = homography(marks, quad.page_points(rotation))
        for n in (29, 33):  # versions 3 and 4, a quiet zone of four modules round them
            side, px = n + 8, 6
            to_grid = np.array([[px * side / qr.w, 0, -qr.x * px * side / qr.w],
                                [0, px * side / qr.h, -qr.y * px * side / qr.h], [0, 0, 1]])
            grid = cv2.warpPerspective(gray, to_grid @ np.linalg.inv(h), (side * px,) * 2,
                                       flags=cv2.INTER_AREA, borderValue=255)
            cells = grid.reshape(side, px, side, px)[:, 2:4, :, 2:4].mean(axis=(1, 3))
            paper = cv2.dilate(cells.astype(np.float32), np.ones((7, 7), np.uint8))
            modules = (cells < 0.6 * np.maximum(paper, 1.0))[4:4 + n, 4:4 + n]
            fixed, dark = _function_modules(n)
            image = np.full((side, side), 255, np.uint8)
            image[4:4 + n, 4:4 + n] = np.where(np.where(fixed, dark, modules), 0, 255)
            image = cv2.resize(image, None, fx=4, fy=4, interpolation=cv2.INTER_NEAREST)
            for hit in _zbar(image):
                sym = qr.inset(qr.w * 4 / side)
                corners = project(h, [(sym.x, sym.y), (sym.right, sym.y),
                                      (sym.right, sym.bottom), (sym.x, sym.bottom)])
                centre = project(h, [qr.center])[0]
                return QRHit(hit.text, (float(centre[0]), float(centre[1])), corners,
                             rotation), rotation
    return None, None


def locate(gray: np.ndarray, scale: float):
    """Marks, QR and orientation on a working copy; full resolution only if the QR needs it.

    Returns the working image, the marks (or None), the QR hit (or None, in working
    pixels) and the rotation the marks and QR agree on (or None).
    """
    work, k = working(gray, scale)
    quad = find_marks(work)
    hit, rotation = find_qr(work, quad, anywhere=k == 1)
    if hit is None and k > 1:
        # The full scan where the marks put the code, then whole; not its corners again: the
        # working copy's were searched at a module size zbar reads (3.1-4.7 px, MODULE_PX), and
        # on the tuning sets (p65, p51, s52; p88, p91, p93 at 300 dpi and over) no code was
        # found on the full scan at all (the working copy or ``qr_mended`` read each one).
        # Its corners cost a page whose code is covered 0.4-1.4 s (at 300-600 dpi).
        hit, rotation = find_qr(gray, None if quad is None else quad.scaled(k),
                                in_corners=False)
        if hit is not None:
            hit = hit.moved(k)
    if hit is None and quad is not None:
        hit, rotation = qr_mended(work, quad)
    return work, quad, hit, rotation


def _qr_fits(h: np.ndarray, page: dict, hit: QRHit) -> bool:
    """Whether the decoded QR sits where this layout prints it (else marks were mismatched)."""
    qr = Rect.from_dict(page["qr"])
    where = project(h, [qr.center])[0]
    return bool(np.linalg.norm(where - np.array(hit.center)) <= 0.35 * qr.w * pixels_per_point(h))


def _other_sheets_qr(gray: np.ndarray, h: np.ndarray, page: dict) -> bool:
    """Whether a QR code is read beside a corner mark other than the one this page prints it
    beside: another sheet lies over this one, and some of the marks used are its marks (they
    place the page wrongly; it is then located from its own QR code and its boxes)."""
    qr = Rect.from_dict(page["qr"])
    centres = np.array(mark_centers(page["corner_marks"]))
    own = int(np.argmin(np.linalg.norm(centres - qr.center, axis=1)))
    half = 0.6 * qr.w * np.array([(-1, -1), (1, -1), (-1, 1), (1, 1)])
    module = pixels_per_point(h) * qr.w / QR_MODULES
    for k, c in enumerate(centres):
        region = project(h, c + (np.array(qr.center) - centres[own]) + half)
        if k != own and _qr_likeness(gray, region) > 0.2 and \
                decode_region(gray, region, module, 2) is not None:
            return True
    return False


def register(work: np.ndarray, quad: MarkQuad | None, rotation: int | None, hit: QRHit,
             page: dict, size: tuple, scale: float) -> tuple[np.ndarray, int]:
    """Points-to-pixels transform and rotation: four marks, three, else QR, marks and boxes."""
    if quad is not None and rotation is not None:
        layout_marks = np.array(mark_centers(page["corner_marks"]))
        known = quad.page_known(rotation)
        dst = quad.page_points(rotation)
        h = homography(layout_marks, dst) if known.all() else fit(layout_marks[known],
                                                                  dst[known])
        if h is not None and _qr_fits(h, page, hit) and not _other_sheets_qr(work, h, page):
            return h, rotation
    try:
        h, rotation, _ = from_qr(work, hit, page)
        return refine(work, h, page, size, scale), rotation
    except Unregistered as exc:
        raise Unlocated(f"{exc} (corner marks covered, torn off or outside the scan)") from None


def placings(work: np.ndarray, quad: MarkQuad | None, rotation: int | None, hit: QRHit,
             page: dict, size: tuple, scale: float):
    """Other transforms to try when the first one puts the boxes off their outlines (a mark
    used may be another sheet's, lying over this one): each three of four corner marks, then
    the QR code with each two marks beside it, then the QR code, the marks whole near where it
    puts them and the box outlines (``Unregistered`` if those are not found)."""
    if quad is not None and rotation is not None:
        layout_marks = np.array(mark_centers(page["corner_marks"]))
        dst, known = quad.page_points(rotation), np.flatnonzero(quad.page_known(rotation))
        if len(known) == 4:
            for keep in combinations(known, 3):
                yield fit(layout_marks[list(keep)], dst[list(keep)])
        if hit.corners is not None:
            sym = qr_corners(page, hit.text)
            for keep in combinations(known, 2):
                yield similar(np.vstack([sym, layout_marks[list(keep)]]),
                              np.vstack([hit.corners, dst[list(keep)]]))
    yield refine(work, from_qr(work, hit, page)[0], page, size, scale)


def is_blank(gray: np.ndarray) -> bool:
    """Whether a page has (almost) no print on it."""
    small = shrink(gray, max(1, round(max(gray.shape) / 600)))
    return bool(ink_mask(small, 40).mean() < 0.002)
