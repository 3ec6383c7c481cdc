"""Measuring answer boxes on an upright page: ink relative to the page's own empty boxes.

The page arrives flattened to layout coordinates at ``scale`` pixels per point.
Every quantity is a share of the page's own printed black (measured in the corner
marks) above its own paper level, so faint print, dark paper, uneven light and
pencil are judged on the same footing.  Each box is first located by the shape
of its printed outline near where the layout puts it (the local offsets are
smoothed over neighbouring boxes), then measured with integral images.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import order
from .align import paper_level
from .geometry import rect_array
from .pairs import distances, within

NEAR_PT = 1.5  # ... looked for this near first
SEARCH_PT = 3.0  # how far (points) a box may sit from where the corner marks put it
LINE_PT = 0.9  # half the printed outline plus blur, points
INSET_PT = 1.7  # the measured interior starts this far inside the box edge
NEIGHBOURS = 6
UNIT = 1.0 / 255  # darkness images are uint8: 255 is printed black
TIGHT_PT = (1.4, 3.6)  # the strip right above an option's text (points above its top)
LABEL_SPAN_PT = 170.0  # how much of a long option text a ring is looked for around (60 mm)
PEN_INK = 51  # darkness (of 255: printed black) below which a pixel is not counted as drawn
# ink around a box (rings, marks beside): the back page showing through, scanner noise


@dataclass
class BoxMeasures:
    """Per-box measurements (arrays of length N) in layout order."""

    fill: np.ndarray  # mean darkness of the interior
    core: np.ndarray  # mean darkness of the central third
    outline: np.ndarray  # how clearly the printed outline was found (0 none .. 1)
    corners: np.ndarray  # (N, 4) darkness just outside each corner: TL, TR, BL, BR
    sides: np.ndarray  # (N, 4) darkness just outside each side: left, right, top, bottom
    offsets: np.ndarray  # (N, 2) pixels the box was found away from its layout place
    rects: np.ndarray  # (N, 4) x, y, w, h of each box in page pixels, offsets applied
    halo: np.ndarray | None = None  # (N, 3) ink in bands a little away: left, above, below
    label: np.ndarray | None = None  # (N, 5) around the option's text: above, below, after,
    # and right above and below it (a tight ring)
    texts: np.ndarray | None = None  # (N, 4) the option's text in page pixels (NaN: none)
    lines: np.ndarray | None = None  # (N, 2) a straight line (a scanner's streak) runs through
    # the band left of the box / after its text, and on past it: not a mark of a hand
    gap_ink: np.ndarray | None = None  # (N, 2) drawn ink between the option text ending just
    # left of the box and the box: its distance from that text's end and from the box (NaN)
    strokes: object | None = None  # runs.Strokes: whether a band's ink runs on far past it
    integral: np.ndarray | None = None  # the darkness image's integral (``integral``), kept


def darkness(page: np.ndarray, mark_rects: np.ndarray, feature: float) -> tuple[np.ndarray, float]:
    """Ink darkness 0 (paper) .. 255 (printed black) as uint8, and the raw darkness of printed
    black (0..1).

    ``feature``: the widest dark feature (pixels) to see through when estimating
    the paper level, e.g. a filled box and a little more.
    """
    import cv2

    bg = paper_level(page, feature=max(8, int(feature)))
    lit = cv2.divide(page, bg, scale=255)  # 255 * page / paper
    inks = []
    for x, y, w, h in mark_rects:
        x0, y0 = int(x + 0.25 * w), int(y + 0.25 * h)
        patch = lit[y0:int(y + 0.75 * h), x0:int(x + 0.75 * w)]
        if patch.size:
            inks.append(float(order.median(255 - patch)) / 255)  # uint8, as 255 - lit is
    # The second darkest mark: one or two marks may be torn off or outside the scan.
    ink = float(sorted(inks)[-2]) if len(inks) >= 2 else (inks[0] if inks else 1.0)
    # 255 - lit, then scaled by the marks' ink: both pixel by pixel, so worked out once for
    # each of the 256 values and looked up (the same values, one pass over the page, not two).
    table = cv2.convertScaleAbs(255 - np.arange(256, dtype=np.uint8)[None, :],
                                alpha=1.0 / max(ink, 0.2))
    return cv2.LUT(lit, table), ink


def integral(dark: np.ndarray) -> np.ndarray:
    """The integral image of a uint8 darkness image (sums read back in darkness 0..1)."""
    import cv2

    # 32-bit sums are exact here (255 × an A3 page at 2 px/pt < 2³¹) and about ten times
    # faster to build than 64-bit floats; reading them back is done in float64.
    return cv2.integral(dark, sdepth=cv2.CV_32S)


def _sums(ii: np.ndarray, x0, y0, x1, y1) -> np.ndarray:
    """Sums over many rectangles [x0, x1) × [y0, y1) of an integral image.

    Coordinates may be fractional: the integral image is interpolated bilinearly,
    which is exact for an image constant over each pixel, so sub-pixel box
    positions are measured as such.  Rectangles are clipped to the image.
    """
    # The four corners read in one call (each point as ``_at`` reads it alone).
    x0, y0, x1, y1 = np.broadcast_arrays(*(np.asarray(v, np.float64) for v in (x0, y0, x1, y1)))
    v = _at(ii, np.stack([x1, x1, x0, x0]), np.stack([y1, y0, y1, y0]))
    return (v[0] - v[1] - v[2] + v[3]) * UNIT


def _at(ii: np.ndarray, x, y) -> np.ndarray:
    """The integral image at fractional points (clipped to the image)."""
    h, w = ii.shape[0] - 1, ii.shape[1] - 1
    # Clipped as ``np.clip`` does (NaN kept), without its wrapper's cost (reads are many).
    x = np.minimum(np.maximum(np.asarray(x, np.float64), 0), w)
    y = np.minimum(np.maximum(np.asarray(y, np.float64), 0), h)
    xi = np.minimum(x.astype(np.intp), w - 1)
    yi = np.minimum(y.astype(np.intp), h - 1)
    fx, fy = x - xi, y - yi
    flat, at = ii.reshape(-1), yi * (w + 1) + xi  # one index, not two: the same pixels
    a, b = flat[at], flat[at + 1]
    c, d = flat[at + (w + 1)], flat[at + (w + 2)]
    return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy


def _isums(ii: np.ndarray, x0, y0, x1, y1) -> np.ndarray:
    """Sums over rectangles with whole-pixel corners (the fast path for searching)."""
    h, w = ii.shape[0] - 1, ii.shape[1] - 1
    x0 = np.minimum(np.maximum(x0, 0), w).astype(np.intp)  # as ``np.clip`` (see ``_at``)
    x1 = np.minimum(np.maximum(x1, 0), w).astype(np.intp)
    y0 = np.minimum(np.maximum(y0, 0), h).astype(np.intp)
    y1 = np.minimum(np.maximum(y1, 0), h).astype(np.intp)
    flat, r0, r1 = ii.reshape(-1), y0 * (w + 1), y1 * (w + 1)
    return (flat[r1 + x1] - flat[r0 + x1] - flat[r1 + x0] + flat[r0 + x0]) * UNIT


def _means(ii: np.ndarray, x0, y0, x1, y1) -> np.ndarray:
    area = np.maximum((x1 - x0) * (y1 - y0), 1e-6)
    return _sums(ii, x0, y0, x1, y1) / area


def _ring_score(ii, x, y, w, h, e1, e2, e3) -> np.ndarray:
    """Outline darkness minus the darkness just outside it, per rectangle (whole pixels)."""
    e1, e2, e3 = round(e1), round(e2), round(e3)
    x0, y0, x1, y1 = x, y, x + w, y + h
    outer = _isums(ii, x0 - e1, y0 - e1, x1 + e1, y1 + e1)
    inner = _isums(ii, x0 + e2, y0 + e2, x1 - e2, y1 - e2)
    band = _isums(ii, x0 - e1 - e3, y0 - e1 - e3, x1 + e1 + e3, y1 + e1 + e3)
    a_ring = (w + 2 * e1) * (h + 2 * e1) - (w - 2 * e2) * (h - 2 * e2)
    a_band = (w + 2 * (e1 + e3)) * (h + 2 * (e1 + e3)) - (w + 2 * e1) * (h + 2 * e1)
    return (outer - inner) / a_ring - (band - outer) / a_band


def _subpixel(scores: np.ndarray, r: int) -> tuple[np.ndarray, np.ndarray]:
    """Best offsets (N×2) with a parabola through each peak and its neighbours, and the peak."""
    n = scores.shape[1]
    cube = scores.reshape(2 * r + 1, 2 * r + 1, n)
    best = np.argmax(scores, axis=0)
    iy, ix = np.divmod(best, 2 * r + 1)
    cols = np.arange(n)
    peak = cube[iy, ix, cols]

    def vertex(lo, hi):
        den = lo - 2 * peak + hi
        return np.where(den < 0, np.clip(0.5 * (lo - hi) / np.where(den < 0, den, -1), -0.5,
                                         0.5), 0.0)

    inner_x = (ix > 0) & (ix < 2 * r)
    inner_y = (iy > 0) & (iy < 2 * r)
    dx = np.where(inner_x, vertex(cube[iy, np.maximum(ix - 1, 0), cols],
                                  cube[iy, np.minimum(ix + 1, 2 * r), cols]), 0.0)
    dy = np.where(inner_y, vertex(cube[np.maximum(iy - 1, 0), ix, cols],
                                  cube[np.minimum(iy + 1, 2 * r), ix, cols]), 0.0)
    return np.column_stack([ix - r + dx, iy - r + dy]), peak


def outlines(ii: np.ndarray, rects: np.ndarray, scale: float,
             search: float = SEARCH_PT) -> tuple[np.ndarray, np.ndarray]:
    """Each box's own printed outline within ``search`` points: offsets (N×2 px), strengths."""
    x, y, w, h = rects.T
    r = int(round(search * scale))
    e1, e2, e3 = LINE_PT * scale, 1.1 * scale, 1.5 * scale
    grid = np.array([(dx, dy) for dy in range(-r, r + 1) for dx in range(-r, r + 1)],
                    dtype=np.float64)
    gx, gy = grid[:, :1], grid[:, 1:]
    # Whole-pixel search from the rounded layout position; the peak is then refined.
    rx, ry, rw, rh = np.round(x), np.round(y), np.round(w), np.round(h)
    scores = _ring_score(ii, rx + gx, ry + gy, rw, rh, e1, e2, e3)
    rounding = np.column_stack([rx - x, ry - y])
    own, strength = _subpixel(scores, r)
    return own + rounding, strength  # offsets from the exact layout position


def locate(ii: np.ndarray, rects: np.ndarray, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """Offsets (N×2 px) that put each box on its printed outline, and the outline strength.

    A box's offset is the median of its nearest clear outlines' offsets, so one box
    hidden under a fill or a ring still lands where its neighbours say.
    """
    x, y, w, h = rects.T
    # Most boxes sit within a point of where the marks put them: a near search first, the
    # full one when the outlines found lean on its border.
    own, strength = outlines(ii, rects, scale, NEAR_PT)
    anchors = strength > 0.25
    edge = np.abs(own).max(axis=1) > (NEAR_PT - 0.5) * scale
    if anchors.sum() < 3 or np.mean(edge[anchors]) > 0.05:
        own, strength = outlines(ii, rects, scale)
        anchors = strength > 0.25
    if anchors.sum() < 3:  # no clear outlines (e.g. a bilevel scan lost them): trust the marks
        return np.zeros_like(own), strength
    centres = np.column_stack([x + w / 2, y + h / 2])
    a_xy, a_off = centres[anchors], own[anchors]
    d = distances(centres, a_xy)
    k = min(NEIGHBOURS, len(a_xy))
    near = np.argpartition(d, k - 1, axis=1)[:, :k]
    return order.median(a_off[near], axis=1), strength


def measure(dark: np.ndarray, boxes: list[dict], scale: float) -> BoxMeasures:
    """Locate and measure every layout box on the dark-ink image of an upright page."""

    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    rects = rect_array(boxes, scale)
    if not len(rects):
        z = np.zeros(0)
        return BoxMeasures(z, z, z, np.zeros((0, 4)), np.zeros((0, 4)), np.zeros((0, 2)),
                           np.zeros((0, 4)))
    ii = integral(dark)
    offsets, outline = locate(ii, rects, scale)
    rects = rects.copy()
    rects[:, :2] += offsets
    x, y, w, h = rects.T
    i = INSET_PT * scale
    e, z = LINE_PT * scale, 0.22 * w  # corners: where the arms of a cross come out
    s, t = LINE_PT * scale + 0.6 * scale, 0.3 * w  # sides
    # The interior, its core, the four corners and the four sides of every box in one read of
    # the integral image (pixel by pixel the same numbers as ten reads, one per kind).
    spans = [(x + i, y + i, x + w - i, y + h - i),
             (x + w / 3, y + h / 3, x + 2 * w / 3, y + 2 * h / 3),
             (x - e - z, y - e - z, x - e, y - e),
             (x + w + e, y - e - z, x + w + e + z, y - e),
             (x - e - z, y + h + e, x - e, y + h + e + z),
             (x + w + e, y + h + e, x + w + e + z, y + h + e + z),
             (x - s - t, y + 0.2 * h, x - s, y + 0.8 * h),
             (x + w + s, y + 0.2 * h, x + w + s + t, y + 0.8 * h),
             (x + 0.2 * w, y - s - t, x + 0.8 * w, y - s),
             (x + 0.2 * w, y + h + s, x + 0.8 * w, y + h + s + t)]
    means = _means(ii, *(np.concatenate(c) for c in zip(*spans, strict=True))).reshape(10, -1)
    fill, core = means[0].copy(), means[1].copy()
    corners, sides = np.ascontiguousarray(means[2:6].T), np.ascontiguousarray(means[6:10].T)
    texts = label_rects(boxes, offsets, scale)
    # Rings and marks beside a box are pen or pencil strokes: darker than a fifth of printed
    # black. A faint grey there (the back page showing through, noise) is not a stroke.
    import cv2

    pen = integral(cv2.threshold(dark, PEN_INK, 0, cv2.THRESH_TOZERO)[1])
    gaps = halo_gaps(rects, texts)  # worked out once a page: the bands and strokes share it
    halo = _halo(pen, rects, scale, gaps)
    label = _label_bands(pen, rects, scale, texts)
    lines = _lines(dark, rects, scale, texts, halo, label, gaps)
    gap_ink = _gap_ink(dark, rects, scale, texts, halo)
    from .runs import Strokes

    return BoxMeasures(fill, core, np.clip(outline, 0, 1), corners, sides, offsets, rects,
                       halo, label, texts, lines, gap_ink,
                       Strokes(dark, rects, texts, scale, gaps), ii)


def label_rects(boxes: list[dict], offsets: np.ndarray, scale: float) -> np.ndarray:
    """Each box's option text (x, y, w, h in page pixels, moved with its box; NaN if none)."""
    out = np.full((len(boxes), 4), np.nan)
    for i, b in enumerate(boxes):
        lab = b.get("label")
        if lab:
            out[i] = (lab["x"] * scale + offsets[i, 0], lab["y"] * scale + offsets[i, 1],
                      lab["w"] * scale, lab["h"] * scale)
    return out


def halo_gaps(rects: np.ndarray, texts: np.ndarray | None = None) -> np.ndarray:
    """Free space (pixels) from each box to the nearest box (or option text) left of it, and
    to the nearest box above and below it."""
    x, y, w, h = rects.T
    cx, cy = x + w / 2, y + h / 2
    far = 1e6
    # Each box against the boxes of its row (column) only: a pixel wider than ``level``
    # (``column``) asks, so the same boxes pass and the same floats come out as against all.
    j, ok = within(cy, cy - 0.6 * h - 1, cy + 0.6 * h + 1)
    dx, dy = cx[j] - cx[:, None], cy[j] - cy[:, None]
    level = ok & (np.abs(dy) < 0.6 * h[:, None])
    left = np.where(level & (dx < -0.5 * w[:, None]), -dx, far).min(axis=1) - w
    if texts is not None and np.isfinite(texts).any():
        tx, ty, tw, th = np.nan_to_num(texts, nan=-far).T
        ends = x[:, None] - (tx + tw)[None, :]  # from a text's end to this box
        beside = (ty[None, :] < y[:, None] + h[:, None]) & \
            (ty[None, :] + th[None, :] > y[:, None]) & (ends > 0)
        left = np.minimum(left, np.where(beside, ends, far).min(axis=1))
    j, ok = within(cx, cx - 0.6 * w - 1, cx + 0.6 * w + 1)
    dx, dy = cx[j] - cx[:, None], cy[j] - cy[:, None]
    column = ok & (np.abs(dx) < 0.6 * w[:, None])
    up = np.where(column & (dy < -0.5 * h[:, None]), -dy, far).min(axis=1) - h
    down = np.where(column & (dy > 0.5 * h[:, None]), dy, far).min(axis=1) - h
    return np.column_stack([left, up, down])


def _band(start: float, room: np.ndarray, w: np.ndarray,
          reach=1.0) -> tuple[np.ndarray, np.ndarray]:
    """A band's near and far distance from a box edge: up to the next box's outline."""
    near = start + 0.05 * w
    far = np.minimum(start + reach * w, room - start)
    return near, np.where(far - near > 0.12 * w, far, near)


def _left_band(rects: np.ndarray, scale: float, gaps: np.ndarray) -> tuple[np.ndarray, ...]:
    """The band left of each box where a mark beside it lies: x0, y0, x1, y1 (pixels)."""
    x, y, w, h = rects.T
    n0, n1 = _band(LINE_PT * scale, gaps[:, 0], w, 1.6)
    return x - n1, y + 0.1 * h, x - n0, y + 0.9 * h


def _after_band(rects: np.ndarray, i: int, text: np.ndarray) -> tuple[float, ...] | None:
    """The band just after box ``i``'s option text (x0, y0, x1, y1), up to the next column's
    box; None where there is no room."""
    x, y, bh = rects[:, 0], rects[:, 1], rects[:, 3]
    w = rects[i, 2]
    lx, _, lw, _ = text
    ahead = x[(x > lx + lw) & (np.abs(y - rects[i, 1]) < bh)]  # the next column's box
    end = min(lx + lw + 1.4 * w, (ahead.min() if len(ahead) else np.inf) - 0.3 * w)
    if end <= lx + lw + 0.5 * w:
        return None
    return lx + lw + 0.2 * w, rects[i, 1] - 0.1 * w, end, rects[i, 1] + 1.1 * w


def _after_bands(rects: np.ndarray, which: np.ndarray, texts: np.ndarray) -> np.ndarray:
    """``_after_band`` of each box of ``which`` (indices), all at once (rows of NaN where
    there is no room): each text against the boxes of its line only, found a pixel wider
    than the test asks, the same floats."""
    out = np.full((len(which), 4), np.nan)
    if not len(which):
        return out
    x, y, bh = rects[:, 0], rects[:, 1], rects[:, 3]
    w, yi = rects[which, 2], y[which]
    lx, lw = texts[which, 0], texts[which, 2]
    reach = float(bh.max())
    at, ok = within(y, yi - reach - 1, yi + reach + 1)
    ahead = ok & (x[at] > (lx + lw)[:, None]) & (np.abs(y[at] - yi[:, None]) < bh[at])
    nearest = np.where(ahead, x[at], np.inf).min(axis=1) if at.shape[1] else \
        np.full(len(which), np.inf)
    end = np.minimum(lx + lw + 1.4 * w, nearest - 0.3 * w)
    room = ~(end <= lx + lw + 0.5 * w)
    out[room] = np.column_stack([lx + lw + 0.2 * w, yi - 0.1 * w, end, yi + 1.1 * w])[room]
    return out


def _lines(dark: np.ndarray, rects: np.ndarray, scale: float, texts: np.ndarray,
           halo: np.ndarray, label: np.ndarray, gaps: np.ndarray) -> np.ndarray:
    """Whether a straight line runs right through the band left of each inked box, or after
    its text, and on past the band's ends (a scanner's streak down the page, a rule): a
    hand's tick or dash stops. Only inked bands are looked at."""
    out = np.zeros((len(rects), 2), bool)
    left = _left_band(rects, scale, gaps)
    for i in np.flatnonzero(halo[:, 0] > 0.02):
        out[i, 0] = _crossed(dark, [v[i] for v in left], rects[i, 2])
    for i in np.flatnonzero(np.nan_to_num(label[:, 2]) > 0.02):
        band = _after_band(rects, i, texts[i])
        out[i, 1] = band is not None and _crossed(dark, band, rects[i, 2])
    return out


def _gap_ink(dark: np.ndarray, rects: np.ndarray, scale: float, texts: np.ndarray,
             halo: np.ndarray) -> np.ndarray:
    """For boxes with ink left of them and an option's text ending just before them on their
    line: how far the drawn ink between the two lies from the text's end and from the box
    (pixels; NaN elsewhere). Which of the two a mark there is nearer to tells its option."""
    out = np.full((len(rects), 2), np.nan)
    if not np.isfinite(texts).any():
        return out
    x, y, w, h = rects.T
    ends = texts[:, 0] + texts[:, 2]
    for b in np.flatnonzero(halo[:, 0] > 0.02):
        before = np.isfinite(ends) & (np.abs(y - y[b]) < 0.5 * h[b]) & (ends < x[b]) & \
            (x[b] - ends < 3 * w[b])
        if not before.any():
            continue
        end = float(ends[before].max())
        x0, x1 = int(end + 0.5 * scale), int(x[b] - LINE_PT * scale)
        y0, y1 = max(0, int(y[b] - 0.1 * w[b])), int(y[b] + 1.1 * w[b])
        if x1 - x0 < 3:
            continue
        cols = np.flatnonzero((dark[y0:y1, x0:x1] > PEN_INK).sum(axis=0) >= 2)
        if len(cols):
            out[b] = (x0 + cols[0] - end, x[b] - (x0 + cols[-1] + 1))
    return out


def _crossed(dark: np.ndarray, band, w: float) -> bool:
    """Whether some column (row) of drawn ink spans the band's height (width) and half a box
    beyond it each way."""
    x0, y0, x1, y1 = band
    if x1 - x0 < 2 or y1 - y0 < 2:
        return False
    m = 0.5 * w
    h, wd = dark.shape
    for ax, (a0, a1, b0, b1) in enumerate(((y0 - m, y1 + m, x0, x1), (x0 - m, x1 + m, y0, y1))):
        a0, a1 = max(0, int(a0)), int(a1)
        b0, b1 = max(0, int(b0)), int(b1)
        patch = dark[a0:a1, b0:b1] if ax == 0 else dark[b0:b1, a0:a1].T
        if patch.size and (patch > PEN_INK).mean(axis=0).max() >= 0.9:
            return True
    return False


def _halo(ii: np.ndarray, rects: np.ndarray, scale: float, gaps: np.ndarray) -> np.ndarray:
    """Ink a little away from each box: where a ring drawn around it, or a mark beside it, lie.

    Bands stop short of the next box, or of the option text printed left of the box (the
    second column of an option list), so print and a neighbour's own ink are not counted;
    a band with no room is empty (0).
    """
    x, y, w, h = rects.T
    e = LINE_PT * scale
    out = np.zeros((len(x), 3))
    # Each band faces the box's own side only (a ring around a neighbour passes beside
    # this box's corner, not level with its side).
    out[:, 0] = _means(ii, *_left_band(rects, scale, gaps))
    for k, (sign, edge) in enumerate(((-1, y), (1, y + h)), start=1):
        a0, a1 = _band(e, gaps[:, k], w)
        lo, hi = (edge - a1, edge - a0) if sign < 0 else (edge + a0, edge + a1)
        out[:, k] = _means(ii, x + 0.1 * w, lo, x + 0.9 * w, hi)
    return np.where(np.isfinite(out), out, 0.0)


def _label_bands(ii, rects: np.ndarray, scale: float, texts: np.ndarray) -> np.ndarray:
    """Ink above and below each option's printed text, just after it, and right above and
    below it (NaN: no text)."""
    out = np.full((len(rects), 5), np.nan)
    has = np.flatnonzero(np.isfinite(texts[:, 0]))
    if not len(has):
        return out
    lx, ly, lw, lh = texts[has].T
    span = np.minimum(lw, LABEL_SPAN_PT * scale)
    x0, x1 = lx + 0.1 * span, lx + 0.9 * span
    # Between the text's accents and the line above, and its descenders and the line
    # below: paper in print, where a ring around the text passes.
    out[has, 0] = _means(ii, x0, ly - 8.5 * scale, x1, ly - 2.5 * scale)
    out[has, 1] = _means(ii, x0, ly + lh + 1.0 * scale, x1, ly + lh + 7.0 * scale)
    bands = _after_bands(rects, has, texts)
    room = np.isfinite(bands[:, 0])
    if room.any():
        out[has[room], 2] = _means(ii, *bands[room].T)
    # Right over and under the text, clear of its accents and descenders: where a ring
    # drawn tightly round a short text passes (the bands above miss most of it).
    out[has, 3] = _means(ii, x0, ly - TIGHT_PT[1] * scale, x1, ly - TIGHT_PT[0] * scale)
    out[has, 4] = _means(ii, x0, ly + lh + 0.5 * scale, x1, ly + lh + 3.0 * scale)
    return out


def _diagonals(dark: np.ndarray, rect):
    """The box's patch, its cells' places (u, v: 0-1 across and down), and the cells on its two
    diagonals and well between them, inside its outline; None for a box too small (under 6
    pixels, or with no cell on or well between its diagonals: 6 or 10 pixels)."""
    x, y, w, h = (int(round(v)) for v in rect)
    patch = dark[max(0, y):y + h, max(0, x):x + w]
    if patch.shape[0] < 6 or patch.shape[1] < 6:
        return None
    n, m = patch.shape
    u, v = np.meshgrid(np.linspace(0, 1, m), np.linspace(0, 1, n))
    near = np.minimum(np.abs(u - v), np.abs(u + v - 1))
    inside = (u > 0.12) & (u < 0.88) & (v > 0.12) & (v < 0.88)
    on, off = inside & (near < 0.12), inside & (near > 0.25)
    if not on.any() or not off.any():
        return None
    return patch, u, v, on, off


def diagonal_ratio(dark: np.ndarray, rect) -> float:
    """Ink on the box's two diagonals over ink between them (about 1 for a fill, >2 for an X; 1
    for a box too small to have cells on and between its diagonals)."""
    cells = _diagonals(dark, rect)
    if cells is None:
        return 1.0
    patch, _, _, on, off = cells
    return float((patch[on].mean() * UNIT + 0.02) / (patch[off].mean() * UNIT + 0.02))


def between_ratio(dark: np.ndarray, rect) -> float:
    """Ink on the box's two diagonals over the ink of the darkest of the four triangles between
    them (a lone X leaves all four clean; a tick under it, or a scribble, darkens one or two)."""
    cells = _diagonals(dark, rect)
    if cells is None:
        return 1.0
    patch, u, v, on, off = cells
    top, left = v < u, v < 1 - u
    parts = [patch[off & (top == a) & (left == b)] for a in (False, True) for b in (False, True)]
    worst = max(float(q.mean()) for q in parts if q.size)  # the four cover every cell off
    return float((patch[on].mean() * UNIT + 0.02) / (worst * UNIT + 0.02))


def low_point(dark: np.ndarray, rects: np.ndarray, pair: tuple[int, int],
              scale: float, flat: bool = False) -> tuple[float, float] | None:
    """Where the lowest drawn ink lies between two boxes of a row (x, y in page pixels; None if
    none): a tick's vertex, which tells the box it was drawn in when its arm runs on into the
    other. Printed outlines of every box in the window are left out. ``flat``: look for a tick
    whose arm ran on flat into the next box, its lowest ink a long level run: the vertex is
    the end of the run the hook comes down to (None if there is no such run); ink that runs on
    out of the window's bottom (a streak down the scan, a stroke from the row below: its
    lowest point is no vertex) is left out."""
    r = rects[list(pair)]
    w = float(r[:, 2].max())
    x0, x1 = int(r[:, 0].min() - 0.3 * w), int((r[:, 0] + r[:, 2]).max() + 0.3 * w)
    y0, y1 = int(r[:, 1].min() - 0.5 * w), int((r[:, 1] + r[:, 3]).max() + 0.35 * w)
    x0, y0 = max(x0, 0), max(y0, 0)
    ink = (dark[y0:y1, x0:x1] > PEN_INK).astype(np.uint8)
    if not ink.any():
        return None
    import cv2

    t = max(1, int(round((LINE_PT + 0.5) * scale)))
    near = (rects[:, 0] < x1) & (rects[:, 0] + rects[:, 2] > x0) & \
        (rects[:, 1] < y1) & (rects[:, 1] + rects[:, 3] > y0)
    for x, y, bw, bh in rects[near]:
        cv2.rectangle(ink, (int(round(x - x0)), int(round(y - y0))),
                      (int(round(x + bw - x0)), int(round(y + bh - y0))), 0, 2 * t)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    keep = [k for k in range(1, n) if stats[k, cv2.CC_STAT_AREA] >= max(4, (0.1 * w) ** 2)]
    if not keep:
        return None
    mask = np.isin(labels, keep)
    if not flat:
        ys, xs = np.nonzero(mask)
        low = ys >= ys.max() - max(1.0, 0.05 * w)  # the lowest few rows of ink
        return float(xs[low].mean() + x0), float(ys.max() + y0)
    if y1 - y0 == ink.shape[0] and y1 < dark.shape[0]:
        # Columns whose ink reaches the window's bottom edge run on below it.
        out = np.convolve(mask[-1].astype(float), np.ones(2 * t + 1), "same") > 0
        mask[:, out] = False
        if not mask.any():
            return None
    spans = sorted((float(x - x0), float(x + bw - x0)) for x, _, bw, _ in r)
    end = _run_end(mask, w, spans, 2 * t + 2)
    return None if end is None else (float(end + x0), float(np.nonzero(mask)[0].max() + y0))


def _run_end(mask: np.ndarray, w: float, spans: list[tuple[float, float]],
             gap: int) -> int | None:
    """The column of a long flat run of lowest ink (longer than half a box side) that ink
    rises from at one end only, above that end's box (a tick's hook comes down to its vertex;
    its arm, run on flat, just ends); None for a short run (a tick's own V), or ink rising at
    both ends or neither. ``spans``: the two boxes' left and right edges, left box first
    (ink beside a box, such as its option's text, is not looked at); ``gap``: how far apart
    two pieces of the run may lie (the printed outlines, left out, cut it)."""
    cols = np.flatnonzero(mask.any(axis=0))
    bottom = mask.shape[0] - 1 - np.argmax(mask[::-1, cols], axis=0)
    level = int(bottom.max())
    flat = cols[bottom >= level - max(2.0, 0.15 * w)]
    lo = hi = int(np.searchsorted(flat, cols[int(np.argmax(bottom))]))
    while lo > 0 and flat[lo] - flat[lo - 1] <= gap:
        lo -= 1
    while hi < len(flat) - 1 and flat[hi + 1] - flat[hi] <= gap:
        hi += 1
    a, b = int(flat[lo]), int(flat[hi])
    if b - a < 0.5 * w:
        return None
    rows = slice(max(int(level - 0.7 * w), 0), max(int(level - 0.3 * w), 0))

    def rises(x0: float, x1: float, span: tuple[float, float]) -> bool:
        x0, x1 = max(x0, span[0] - 0.5 * w, 0), min(x1, span[1])
        return x1 > x0 and bool(mask[rows, int(x0):int(np.ceil(x1))].any())

    middle = (spans[0][1] + spans[1][0]) / 2
    left = rises(a - 0.5 * w, a + 0.2 * w, spans[0] if a < middle else spans[1])
    right = rises(b - 0.2 * w, b + 0.5 * w, spans[0] if b < middle else spans[1])
    if left == right:
        return None
    return a if left else b


def peak(dark: np.ndarray, rect) -> float:
    """The darkest ink inside a box (its 95th percentile, share of printed black): a pen or
    pencil stroke keeps its own darkness however little of the box it covers, a smear left
    by an eraser does not."""
    x, y, w, h = (int(round(v)) for v in rect)
    i = max(1, int(round(0.15 * w)))
    patch = dark[max(0, y + i):y + h - i, max(0, x + i):x + w - i]
    return float(np.percentile(patch, 95)) / 255 if patch.size else 0.0
