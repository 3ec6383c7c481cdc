"""Corner marks to homography: where the page lies in a scan, which way is up, and flattening.

The four printed corner marks are found by their shape (solid squares near the
extremes of the page, forming a rectangle of A4 proportions), not at fixed pixel
positions, so any scan resolution, rotation (0/90/180/270 degrees plus skew),
margin or slight perspective works.  Which of the two orientations that fit the
rectangle is right is decided by where the QR code is (see ``read.py``).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from .geometry import A4, corner_marks, mark_centers

WORK_SIDE = 640  # about the long side of the reduced image in which marks are searched
QUAD_SPAN = 0.5  # the marks' rectangle spans at least this share of the image's long side
TRIPLE_SPAN = 0.7  # three marks found: their long side spans at least this share of the image
INK = 0.6  # a pixel is ink when darker than this share of its local paper level

# Image corner (0 TL, 1 TR, 2 BL, 3 BR) holding each page corner (TL, TR, BL, BR) when the
# page is rotated clockwise by the key, in degrees.
ROTATIONS = {0: (0, 1, 2, 3), 90: (1, 3, 0, 2), 180: (3, 2, 1, 0), 270: (2, 0, 3, 1)}
_DIRECTIONS = np.array([(-1, -1), (1, -1), (-1, 1), (1, 1)], dtype=np.float64)
_MARKS = corner_marks(A4)
_CENTRES = np.array(mark_centers(_MARKS))
MARK_RATIO = _MARKS[0].w / (_CENTRES[2, 1] - _CENTRES[0, 1])  # mark side / centre distance
ASPECT = (_CENTRES[1, 0] - _CENTRES[0, 0]) / (_CENTRES[2, 1] - _CENTRES[0, 1])


@dataclass
class MarkQuad:
    """Centres of the four corner marks in image pixels (image TL, TR, BL, BR) and their side.

    ``known`` says which were found; at most one may be missing (cut at the scan's edge,
    torn off, covered): it is then where the other three put it, and not used to register.
    """

    points: np.ndarray
    side: float
    known: np.ndarray | None = None

    @property
    def complete(self) -> bool:
        """Whether all four marks were found."""
        return self.known is None or bool(np.all(self.known))

    @property
    def portrait(self) -> bool:
        """True when the marks' rectangle is taller than wide (page upright or upside down)."""
        p = self.points
        width = np.linalg.norm(p[1] - p[0]) + np.linalg.norm(p[3] - p[2])
        height = np.linalg.norm(p[2] - p[0]) + np.linalg.norm(p[3] - p[1])
        return height >= width

    def rotations(self) -> list[int]:
        """The two page rotations that fit this rectangle, the likelier first."""
        return [0, 180] if self.portrait else [90, 270]

    def page_points(self, rotation: int) -> np.ndarray:
        """The mark centres in page corner order for a page rotated by ``rotation``."""
        if rotation not in ROTATIONS:
            raise ValueError(f"rotation must be one of 0, 90, 180, 270, got {rotation}")
        return self.points[list(ROTATIONS[rotation])]

    def page_known(self, rotation: int) -> np.ndarray:
        """Which marks were found, in page corner order for ``rotation``."""
        known = np.ones(4, bool) if self.known is None else self.known
        return known[list(ROTATIONS[rotation])]

    def scaled(self, k: float) -> MarkQuad:
        """The same marks in an image ``k`` times larger."""
        return MarkQuad(self.points * k, self.side * k, self.known)


def shrink(gray: np.ndarray, k: int) -> np.ndarray:
    """The image reduced by the whole factor ``k`` (pixel blocks averaged: OpenCV's fast path)."""
    import cv2

    if k <= 1:
        return gray
    h, w = gray.shape
    if h < k or w < k:  # smaller than one block (a bad input): at least one pixel
        return cv2.resize(gray, (max(1, w // k), max(1, h // k)), interpolation=cv2.INTER_AREA)
    if k in BLOCK_MEANS and gray.dtype == np.uint8:
        return _block_means(gray[:h - h % k, :w - w % k], k)
    return cv2.resize(gray[:h - h % k, :w - w % k], (w // k, h // k),
                      interpolation=cv2.INTER_AREA)


# Odd factors whose block means ``_block_means`` works out as OpenCV's INTER_AREA does (checked
# for every sum a block can have: tests/omr/test_speed17_exact.py); OpenCV takes a fast path
# for 2 only, and a factor of 3 (the working copy shrunk for the corner marks) took 2.2 ms.
BLOCK_MEANS = (3, 5, 7, 9, 11, 13, 15)


def _block_means(gray: np.ndarray, k: int) -> np.ndarray:
    """The means of the ``k`` x ``k`` blocks of a uint8 image (its sides multiples of ``k``),
    rounded to the nearest: OpenCV's INTER_AREA rounds the block's sum times 1/k² (float) to
    the nearest, and for odd ``k`` no sum lies half-way."""
    rows = gray[0::k].astype(np.uint16)  # 15 x 15 x 255 < 2¹⁶: sums are exact
    for i in range(1, k):
        rows += gray[i::k]
    sums = rows[:, 0::k].copy()
    for i in range(1, k):
        sums += rows[:, i::k]
    sums += k * k // 2
    sums //= k * k
    return sums.astype(np.uint8)


def reduce(gray: np.ndarray, long_side: int = WORK_SIDE) -> tuple[np.ndarray, float]:
    """The image shrunk so its long side is ``long_side`` (never enlarged), and the factor."""
    import cv2

    if gray.ndim != 2:
        raise ValueError("expected a 2-D grey image")
    f = min(1.0, long_side / max(gray.shape))
    if f == 1.0:
        return gray, 1.0
    size = (max(1, round(gray.shape[1] * f)), max(1, round(gray.shape[0] * f)))
    return cv2.resize(gray, size, interpolation=cv2.INTER_AREA), f


def paper_level(gray: np.ndarray, feature: int) -> np.ndarray:
    """Local paper brightness: dark features up to ``feature`` pixels wide are removed.

    Cells of ``feature / 5`` pixels are averaged (which also removes noise), the
    brightest cell within ``feature / 2`` is taken, and the result smoothed back
    to full size, so uneven lighting is followed closely.
    """
    import cv2

    step = max(1, feature // 5)
    h, w = gray.shape
    small = shrink(gray[:max(step, h - h % step), :max(step, w - w % step)], step)
    small = cv2.dilate(small, np.ones((5, 5), np.uint8))
    small = cv2.blur(small, (3, 3))
    bg = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    if bg.dtype == np.uint8 and min(bg.shape) >= 8:
        # The same values as NumPy's maximum, which takes ten times as long on uint8 (about
        # a millisecond a page); OpenCV would take an array of four values or less for a
        # scalar.
        return cv2.max(bg, 1)
    return np.maximum(bg, 1)


def ink_mask(gray: np.ndarray, feature: int, level: float = INK) -> np.ndarray:
    """Pixels darker than ``level`` times their local paper brightness (uint8 0/1)."""
    bg = paper_level(gray, feature)
    return (gray.astype(np.float32) < bg.astype(np.float32) * level).astype(np.uint8)


def _candidates(mask: np.ndarray, expected: float, raw: np.ndarray | None = None) -> np.ndarray:
    """Solid, squarish blobs of about the expected size: rows (cx, cy, side).

    ``mask`` is the opened ink mask the blobs are taken from; ``raw`` the ink mask before
    opening, in which a mark's surroundings must be clear.
    """
    import cv2

    n, _, stats, cents = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if n <= 1:
        return np.zeros((0, 3))
    x, y, w, h, area = (stats[1:, i].astype(np.float64) for i in range(5))
    hgt, wid = mask.shape
    side = np.sqrt(area)
    keep = ((w >= 0.45 * expected) & (h >= 0.45 * expected)
            & (w <= 2.2 * expected) & (h <= 2.2 * expected)
            & (area >= 0.55 * w * h) & (np.minimum(w, h) >= 0.6 * np.maximum(w, h))
            & (x > 0) & (y > 0) & (x + w < wid) & (y + h < hgt))
    out = np.column_stack([cents[1:, 0], cents[1:, 1], side])[keep]
    if not len(out):
        return out
    # A printed mark stands alone on paper: little ink in a ring around it (this rejects
    # blobs in a dark scanner background, in text and in filled boxes of a grid).
    ii = cv2.integral(mask if raw is None else raw, sdepth=cv2.CV_64F)

    def share(k: float) -> tuple[np.ndarray, np.ndarray]:
        """Ink pixels and area of the square ``k`` sides around each candidate."""
        x0 = np.clip(np.round(out[:, 0] - k * out[:, 2]), 0, wid).astype(np.intp)
        x1 = np.clip(np.round(out[:, 0] + k * out[:, 2]), 0, wid).astype(np.intp)
        y0 = np.clip(np.round(out[:, 1] - k * out[:, 2]), 0, hgt).astype(np.intp)
        y1 = np.clip(np.round(out[:, 1] + k * out[:, 2]), 0, hgt).astype(np.intp)
        return ii[y1, x1] - ii[y0, x1] - ii[y1, x0] + ii[y0, x0], (x1 - x0) * (y1 - y0)

    inner, a_in = share(0.8)
    outer, a_out = share(1.6)
    ring = (outer - inner) / np.maximum(a_out - a_in, 1)
    return out[ring < 0.12]


def quad_ok(pts: np.ndarray, sides: np.ndarray, aspect: float, image_long: float) -> bool:
    """Whether four centres (TL, TR, BL, BR) form the marks' rectangle, in any rotation."""
    tl, tr, bl, br = pts
    top, bottom = np.linalg.norm(tr - tl), np.linalg.norm(br - bl)
    left, right = np.linalg.norm(bl - tl), np.linalg.norm(br - tr)
    if min(top, bottom, left, right) <= 0:
        return False
    if min(top, bottom) / max(top, bottom) < 0.94 or min(left, right) / max(left, right) < 0.94:
        return False
    w, h = (top + bottom) / 2, (left + right) / 2
    short, long = min(w, h), max(w, h)
    if abs(short / long - aspect) > 0.06 or long < QUAD_SPAN * image_long:
        return False
    cos = abs(np.dot(tr - tl, bl - tl)) / (top * left)
    if cos > 0.14:
        return False
    u, v = tr - tl, bl - tl
    if u[0] * v[1] - u[1] * v[0] <= 0:  # mirrored: a scan never is
        return False
    expected = long * MARK_RATIO
    return bool(np.all((sides > 0.5 * expected) & (sides < 1.7 * expected))
                and sides.max() < 1.35 * sides.min())  # printed marks are all one size


def _choose(cands: np.ndarray, image_long: float) -> tuple[np.ndarray, np.ndarray] | None:
    """The candidates that form the marks' rectangle (rows TL, TR, BL, BR) and which of them
    were found: all four, else three with the fourth where they put it; or None."""
    xy = cands[:, :2]
    scores = xy @ _DIRECTIONS.T  # extremeness towards each image corner
    tops = [np.argsort(-scores[:, k])[:3] for k in range(4)]
    best = [t[0] for t in tops]
    trials = [tuple(best)] + list(itertools.product(*tops))
    apart: dict[tuple, float] = {}  # the candidates' distances, each worked out once

    def dist(a: int, b: int) -> float:
        if (a, b) not in apart:
            apart[a, b] = np.linalg.norm(xy[b] - xy[a])  # as ``quad_ok`` works it out
        return apart[a, b]

    for combo in trials:
        if len(set(combo)) < 4:
            continue
        # ``quad_ok``'s first test (opposite sides alike), asked of the distances known: most
        # of the combinations tried fail it, and ``quad_ok`` then is not asked.
        tl, tr, bl, br = combo
        top, bottom, left, right = dist(tl, tr), dist(bl, br), dist(tl, bl), dist(tr, br)
        if min(top, bottom, left, right) <= 0 or min(top, bottom) / max(top, bottom) < 0.94 \
                or min(left, right) / max(left, right) < 0.94:
            continue
        pick = cands[list(combo)]
        if quad_ok(pick[:, :2], pick[:, 2], ASPECT, image_long):
            return pick, np.ones(4, bool)
    found = []  # three marks are one rectangle in two turns: keep the upright labelling
    for missing in range(4):  # a mark cut at the edge, torn off or covered
        vertex = 3 - missing  # the corner diagonally opposite: the right angle of the three
        arms = [k for k in range(4) if k not in (missing, vertex)]
        for combo in itertools.product(*(tops[k] for k in (arms[0], vertex, arms[1]))):
            if len(set(combo)) < 3:
                continue
            a, v, b = cands[list(combo)]
            # The tests in the order they were asked, the fourth mark placed only for three
            # that pass the cheap ones (most of the 27 combinations a corner fail the first).
            if not _right_angle(a[:2] - v[:2], b[:2] - v[:2]):
                continue
            # Three marks must span most of the image: filled boxes can make a smaller
            # rectangle of the same shape.
            span = max(np.linalg.norm(a[:2] - v[:2]), np.linalg.norm(b[:2] - v[:2]))
            sides = np.array([a[2], v[2], b[2]]) / (span * MARK_RATIO)
            if not (span > TRIPLE_SPAN * image_long and sides.min() > 0.75 and
                    sides.max() < 1.35 and sides.max() < 1.25 * sides.min()):
                continue
            pick = np.empty((4, 3))
            pick[arms[0]], pick[vertex], pick[arms[1]] = a, v, b
            pick[missing, :2] = a[:2] + b[:2] - v[:2]
            pick[missing, 2] = np.mean([a[2], v[2], b[2]])
            if quad_ok(pick[:, :2], pick[:, 2], ASPECT, image_long):
                known = np.ones(4, bool)
                known[missing] = False
                found.append((pick, known))
                break
    if not found:
        return None
    # Rows are image corners: the labelling whose points lie furthest towards their own
    # corners (a 90-degree turn of the same three marks scores far lower).
    return max(found, key=lambda f: float(np.sum(f[0][:, :2] * _DIRECTIONS)))


def _right_angle(u: np.ndarray, v: np.ndarray) -> bool:
    """Whether two arms from a corner meet at right angles (tighter than ``quad_ok``)."""
    return bool(abs(np.dot(u, v)) / max(np.linalg.norm(u) * np.linalg.norm(v), 1e-9) < 0.05)


def find_marks(gray: np.ndarray) -> MarkQuad | None:
    """The corner marks of a scanned page (four, or three and where the fourth belongs), by
    shape, refined at full resolution."""
    import cv2

    k = max(1, round(max(gray.shape) / WORK_SIDE))
    small, f = shrink(gray, k), 1.0 / k
    long_side = max(small.shape)
    largest = long_side * MARK_RATIO * 0.92
    masks = {}  # the paper level once per ink level, wide enough for the largest marks
    for fit in (1.0, 0.8, 0.6):  # a page filling the image, then scanned with margins
        expected = largest * fit
        # Opening removes strokes and text touching a mark; solid squares survive it.
        kernel = np.ones((max(2, int(expected * 0.4)),) * 2, np.uint8)
        for level in (INK, 0.75):
            if level not in masks:
                masks[level] = ink_mask(small, int(largest * 3), level)
            mask = cv2.morphologyEx(masks[level], cv2.MORPH_OPEN, kernel)
            cands = _candidates(mask, expected, masks[level])
            if len(cands) > 40:  # a photo or a noisy page: keep the most mark-sized ones
                cands = cands[np.argsort(np.abs(cands[:, 2] - expected))[:40]]
            if len(cands) < 4:
                continue
            chosen = _choose(cands, long_side)
            if chosen is not None:
                pick, known = chosen
                pts = pick[:, :2] / f
                pts[known], side = refine(gray, pts[known], float(np.mean(pick[known, 2])) / f)
                if not known.all():  # the missing one where the three refined marks put it
                    missing = int(np.flatnonzero(~known)[0])
                    arms = [i for i in range(4) if i not in (missing, 3 - missing)]
                    pts[missing] = pts[arms[0]] + pts[arms[1]] - pts[3 - missing]
                return MarkQuad(pts, side, None if known.all() else known)
    return None


def refine(gray: np.ndarray, centres: np.ndarray, side: float) -> tuple[np.ndarray, float]:
    """Sub-pixel centres of solid marks near ``centres`` (full-resolution pixels)."""
    import cv2

    out, sides = centres.astype(np.float64).copy(), []
    half = int(round(side * 1.1))
    kernel = np.ones((max(2, int(side * 0.4)),) * 2, np.uint8)
    for i, (cx, cy) in enumerate(centres):
        x0, y0 = max(0, int(cx) - half), max(0, int(cy) - half)
        win = gray[y0:int(cy) + half + 1, x0:int(cx) + half + 1]
        if win.size < 16:
            sides.append(side)
            continue
        _, binary = cv2.threshold(win, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
        binary = cv2.morphologyEx(binary, cv2.MORPH_OPEN, kernel)
        n, labels, stats, cents = cv2.connectedComponentsWithStats(binary, connectivity=8)
        if n <= 1:
            sides.append(side)
            continue
        local = np.array([cx - x0, cy - y0])
        dist = np.linalg.norm(cents[1:] - local, axis=1)
        big = stats[1:, cv2.CC_STAT_AREA] >= 0.3 * side * side
        if not big.any():
            sides.append(side)
            continue
        k = int(np.argmin(np.where(big, dist, np.inf))) + 1
        m = cv2.moments((labels == k).astype(np.uint8), binaryImage=True)
        out[i] = (x0 + m["m10"] / m["m00"], y0 + m["m01"] / m["m00"])
        sides.append(np.sqrt(m["m00"]))
    return out, float(np.mean(sides))


def homography(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """The 3×3 projective transform taking four ``src`` points to ``dst`` points."""
    import cv2

    src, dst = np.asarray(src, np.float32), np.asarray(dst, np.float32)
    if src.shape != (4, 2) or dst.shape != (4, 2):
        raise ValueError("homography needs two arrays of four (x, y) points")
    return cv2.getPerspectiveTransform(src, dst).astype(np.float64)


def project(h: np.ndarray, points) -> np.ndarray:
    """Points (N×2) mapped through the homography ``h``."""
    pts = np.asarray(points, np.float64).reshape(-1, 2)
    homogeneous = np.ones((len(pts), 3))  # the same matrix as stacking a column of ones
    homogeneous[:, :2] = pts
    mapped = homogeneous @ h.T
    return mapped[:, :2] / mapped[:, 2:3]


def pixels_per_point(h: np.ndarray, at=(297.6, 420.9)) -> float:
    """Image pixels per layout point near ``at`` (the scan's resolution / 72)."""
    p = project(h, [at, (at[0] + 10, at[1]), (at[0], at[1] + 10)])
    (ax, ay), (bx, by) = p[1] - p[0], p[2] - p[0]
    return float(np.sqrt(abs(ax * by - ay * bx) / 100.0))


def _plan(shape: tuple, h: np.ndarray, page_size: tuple[float, float],
          scale: float) -> tuple[int | None, tuple[int, int], np.ndarray, tuple[int, int]]:
    """How ``warp`` flattens an image of ``shape``: the long side it is reduced to first (None:
    it is not), the shape it is warped from, the transform from the flattened page's pixels to
    that image's, and the flattened page's size (width, height)."""
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    long_side, g, src = None, 1.0, tuple(shape)
    ppp = pixels_per_point(h, (page_size[0] / 2, page_size[1] / 2))
    if ppp > 1.6 * scale:  # shrink first: warping samples points and would alias fine lines
        long_side = int(max(shape) * 1.25 * scale / ppp)
        f = min(1.0, long_side / max(shape))  # as ``reduce`` works it out
        if f != 1.0:
            g, src = f, (max(1, round(shape[0] * f)), max(1, round(shape[1] * f)))
    m = np.diag([g, g, 1.0]) @ h @ np.diag([1 / scale, 1 / scale, 1.0])
    size = (int(round(page_size[0] * scale)), int(round(page_size[1] * scale)))
    return long_side, src, m, size


def warp(gray: np.ndarray, h: np.ndarray, page_size: tuple[float, float],
         scale: float) -> np.ndarray:
    """The page flattened upright at ``scale`` pixels per point (``h``: points to image)."""
    import cv2

    long_side, _, m, size = _plan(gray.shape, h, page_size, scale)
    src = gray if long_side is None else reduce(gray, long_side)[0]
    return cv2.warpPerspective(src, m, size, flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                               borderMode=cv2.BORDER_CONSTANT, borderValue=255)


def covers(shape: tuple, h: np.ndarray, page_size: tuple[float, float], scale: float,
           margin: float = 2.0) -> bool:
    """Whether every pixel ``warp`` flattens the page into is drawn from an image of ``shape``
    alone, ``margin`` pixels clear of its edges (none from the white put beyond them): the
    page lies wholly inside the scan."""
    _, (hgt, wid), m, (w, ht) = _plan(shape, h, page_size, scale)
    corners = np.array([[0, 0, 1], [w - 1, 0, 1], [0, ht - 1, 1], [w - 1, ht - 1, 1]],
                       np.float64) @ m.T
    if (corners[:, 2] <= 0).any():  # the page's plane turned away: no such image
        return False
    # A projective map with a positive denominator takes the page's rectangle to the
    # convex quadrilateral of its corners: inside the image when they are.
    x, y = corners[:, 0] / corners[:, 2], corners[:, 1] / corners[:, 2]
    return bool((x >= margin).all() and (x <= wid - 1 - margin).all() and
                (y >= margin).all() and (y <= hgt - 1 - margin).all())


def in_view(h: np.ndarray, size: tuple, shape: tuple) -> float:
    """The share of the page (``size`` in points, placed by ``h``) that lies inside a scan of
    ``shape``, from the centres of a 20 x 28 grid of cells over the page (``covers``: all of
    it, with room to warp)."""
    xs, ys = np.meshgrid((np.arange(20) + 0.5) * size[0] / 20,
                         (np.arange(28) + 0.5) * size[1] / 28)
    p = project(h, np.column_stack([xs.ravel(), ys.ravel()]))
    inside = (p[:, 0] >= 0) & (p[:, 1] >= 0) & (p[:, 0] < shape[1]) & (p[:, 1] < shape[0])
    return float(np.mean(inside))
