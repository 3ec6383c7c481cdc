"""Registration when the four corner marks are not all there: from the QR code, the marks that
are, and the printed box outlines.

A feeder that shifts, scales or skews a sheet can push a corner mark over the
scan's edge; a corner can be torn, a mark covered by a finger.  The QR code
(found anywhere, with its own four corners and turn) gives a first transform;
every corner mark found whole near where that transform puts it is added, and
the transform is fitted again; then the box outlines of the whole page, found
around where the transform puts them, correct it (they carry the page's own
perspective).  A page is refused only when its boxes cannot be found.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .align import covers, ink_mask, project, warp
from .geometry import Rect, mark_centers, rect_array
from .marks import integral, outlines

WIDE_SEARCH_PT = 7.0  # how far boxes are looked for around a first, rougher transform
SAMPLE_BOXES = 48  # boxes searched for in the first pass (twice as many in the second)
MIN_ANCHORS = 12  # boxes whose outlines must be found to trust a page located this way


class Unregistered(Exception):
    """The page could not be located; the message says why."""


@lru_cache(maxsize=64)
def qr_modules(text: bytes) -> int:
    """Modules across the printed symbol of ``text`` (the printer's settings: level M)."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(text)
    # The version that fits the data, as ``make(fit=True)`` finds it, without drawing the
    # symbol eight ways to choose its mask (4 ms a page placed from its QR code).
    return code.best_fit() * 4 + 17


def qr_corners(page: dict, text: bytes, border: int = 4) -> np.ndarray:
    """The printed symbol's corners TL, TR, BR, BL in layout points (quiet zone excluded)."""
    qr = Rect.from_dict(page["qr"])
    n = qr_modules(text)
    s = qr.inset(qr.w * border / (n + 2 * border))
    return np.array([(s.x, s.y), (s.right, s.y), (s.right, s.bottom), (s.x, s.bottom)])


def similar(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """The rotation, uniform scale and shift taking ``src`` points closest to ``dst`` (3×3).

    Used for the QR code's corners: four points close together say where the page
    is and how it is turned, but extrapolated as a homography they would invent
    a perspective across the page.
    """
    import cv2

    m, _ = cv2.estimateAffinePartial2D(np.asarray(src, np.float32), np.asarray(dst, np.float32),
                                       method=cv2.LMEDS)
    if m is None:
        raise Unregistered("the QR code's corners do not make a square")
    return np.vstack([m, [0, 0, 1]])


def fit(src: np.ndarray, dst: np.ndarray, ransac: float = 0.0) -> np.ndarray | None:
    """A homography (4+ points) or an affine transform (3 points) from ``src`` to ``dst``."""
    import cv2

    src, dst = np.asarray(src, np.float64), np.asarray(dst, np.float64)
    if len(src) >= 4:
        method = cv2.RANSAC if ransac else 0
        h, _ = cv2.findHomography(src, dst, method, ransac or 3.0)
        return h
    if len(src) == 3:
        return np.vstack([cv2.getAffineTransform(src.astype(np.float32),
                                                 dst.astype(np.float32)), [0, 0, 1]])
    return None


def _mark_near(gray: np.ndarray, at: np.ndarray, side: float) -> np.ndarray | None:
    """The centre of a whole solid square of about ``side`` pixels near ``at``, or None."""
    import cv2

    half = int(2.5 * side)
    hgt, wid = gray.shape
    x0, y0 = int(at[0]) - half, int(at[1]) - half
    if x0 + 2 * half < 0 or y0 + 2 * half < 0 or x0 >= wid or y0 >= hgt:
        return None
    cx0, cy0 = max(0, x0), max(0, y0)
    win = gray[cy0:max(cy0, y0 + 2 * half), cx0:max(cx0, x0 + 2 * half)]
    if win.shape[0] < side or win.shape[1] < side:
        return None
    mask = ink_mask(win, int(side * 3))
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((max(2, int(side * 0.4)),) * 2,
                                                           np.uint8))
    n, _, stats, cents = cv2.connectedComponentsWithStats(mask, connectivity=8)
    best, dist = None, np.inf
    for i in range(1, n):
        x, y, w, h, area = stats[i]
        whole = x > 0 and y > 0 and x + w < win.shape[1] and y + h < win.shape[0] and \
            (cx0 + x > 0) and (cy0 + y > 0) and cx0 + x + w < wid and cy0 + y + h < hgt
        square = 0.7 * side < w < 1.45 * side and 0.7 * side < h < 1.45 * side and \
            area > 0.75 * w * h
        d = np.hypot(cents[i, 0] + cx0 - at[0], cents[i, 1] + cy0 - at[1])
        if whole and square and d < min(dist, 1.6 * side):
            best, dist = np.array([cents[i, 0] + cx0, cents[i, 1] + cy0]), d
    return best


def from_qr(gray: np.ndarray, hit, page: dict) -> tuple[np.ndarray, int, int]:
    """Points-to-pixels homography from the QR code and whichever corner marks are whole.

    Returns the transform, the page's rotation and how many corner marks were used.
    """
    if hit.corners is None or hit.turn is None:
        raise Unregistered("the QR code was read but its corners were not found")
    sym = qr_corners(page, hit.text)
    h = similar(sym, hit.corners)
    marks = np.array(mark_centers(page["corner_marks"]))
    side_pt = float(np.mean([m["w"] for m in page["corner_marks"]]))
    found_src, found_dst = [], []
    for pt in marks:
        at = project(h, [pt])[0]
        scale = _scale(h, pt)
        got = _mark_near(gray, at, side_pt * scale)
        if got is not None:
            found_src.append(pt)
            found_dst.append(got)
    if len(found_src) >= 3:  # three marks span the page: an affine transform from them
        h = fit(np.array(found_src[:3]), np.array(found_dst[:3])) if len(found_src) == 3 \
            else fit(np.array(found_src), np.array(found_dst))
    elif found_src:  # the QR and one or two marks: rotation, scale and shift
        h = similar(np.vstack([sym, found_src]), np.vstack([hit.corners, found_dst]))
    return h, hit.turn, len(found_src)


def _scale(h: np.ndarray, at) -> float:
    p = project(h, [at, (at[0] + 10, at[1]), (at[0], at[1] + 10)])
    (ax, ay), (bx, by) = p[1] - p[0], p[2] - p[0]
    return float(np.sqrt(abs(ax * by - ay * bx) / 100.0))


def _paper(upright: np.ndarray, outside: np.ndarray | None) -> float:
    """The paper's grey on the flattened page, from the part of it inside the scan: where a
    page reaches past the scan's edge the warp fills white, which would make the paper seem
    whiter than it is and its print fainter (the box outlines then too faint to find).
    ``outside``: the warp of a black image (white beyond the scan); None when the page lies
    wholly inside the scan (it would be all black)."""
    if outside is None:
        seen = upright[::7, ::7].ravel()
    else:
        seen = upright[::7, ::7][outside[::7, ::7] < 128]
    return max(float(np.percentile(seen if seen.size >= 100 else upright, 90)), 1.0)


def refine(gray: np.ndarray, h: np.ndarray, page: dict, size: tuple[float, float],
           scale: float, passes: int = 2) -> np.ndarray:
    """The transform corrected by the printed box outlines (``Unregistered`` if too few)."""
    import cv2

    boxes = page["boxes"]
    every = rect_array(boxes, scale)
    centres_all = rect_array(boxes)[:, :2] + rect_array(boxes)[:, 2:] / 2
    search = WIDE_SEARCH_PT
    for n in range(passes):
        # A spread-out share of the boxes is enough to fit a transform (the wide first
        # search is the costly one).
        pick = np.arange(0, len(boxes), max(1, len(boxes) // (SAMPLE_BOXES * (n + 1))))
        rects, centres_pt = every[pick], centres_all[pick]
        upright = warp(gray, h, size, scale)
        outside = None if covers(gray.shape, h, size, scale) else \
            warp(np.zeros_like(gray), h, size, scale)
        dark = cv2.subtract(255, cv2.convertScaleAbs(upright, alpha=255.0 / _paper(upright,
                                                                                  outside)))
        ii = integral(dark)
        own, strength = outlines(ii, rects, scale, search)
        good = strength > 0.25
        if good.sum() < min(MIN_ANCHORS, max(4, 0.6 * len(pick))):
            raise Unregistered(f"only {int(good.sum())} of {len(pick)} answer boxes were found "
                               "where the QR code and corner marks put them")
        src = centres_pt[good]
        dst = project(h, src + own[good] / scale)
        spread = np.ptp(src, axis=0) / np.asarray(size)
        if good.sum() >= 8 and spread.min() > 0.3:  # boxes all over the page: perspective too
            corrected = fit(src, dst, ransac=1.5 * _scale(h, (size[0] / 2, size[1] / 2)))
        else:  # a few boxes, or one column of them: rotation, scale and shift only
            corrected = similar(src, dst)
        if corrected is None:
            raise Unregistered("the box outlines do not agree on where the page lies")
        h = corrected
        search = 3.0
    return h
