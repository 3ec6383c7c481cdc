"""Pencil traces on a one-bit scan thresholded at one level: the box a light pencil marked.

A pencil lighter than the scanner's threshold is lost whole, but not every pixel of it: its
darkest grains come out as black specks inside the box, apart from the printed outline
(where it darkened the outline's grey inner edge the outline only comes out a pixel
thicker, as clean print does by itself at the threshold: that is not counted). A box is
judged against its siblings on the same page (same print, same scan), never against a fixed
level: a question is read from its traces only when one box holds specks and every other
box of the question none, and no box's specks line up as a scanner's streak does. A pencil's
grains lie apart along its stroke; a speck of dust or a hair on the glass is one blot: a
trace is at least two specks apart, spread over a tenth of the box.
"""

from __future__ import annotations

import numpy as np

MARGIN_PT = 2.5  # the patch warped round each box, beyond its edge
BAND_PT = 2.5  # the band inward of each side where its outline is followed
ALONG = (0.15, 0.85)  # ... over this part of the side (the corners: two sides meet there)
OUTLINE_PT = 1.0  # the outline's own ink reaches this far outside the box's edge
GAP_PT = 0.3  # white gaps in an outline up to this wide are bridged (thick lines at 600 dpi)
MIN_PX = 2  # a trace is at least this many black pixels (a lone one: dust)
MIN_PT2 = 0.1  # ... and this much of the box (points²: pixels at 600 dpi are tiny)
PARTS = 2  # ... in at least this many separate specks (8-connected), spread over at least
SPREAD = 0.1  # this share of the box's side: one dot of dust read an answer on the lead's own
# one-bit pages (leadtools/traces/lead_pencil.py: 6 silent in 210 pages, none with this)
OTHERS = 0.25  # every other box of the question holds at most this share of the trace's
STREAK = 0.5  # a box whose specks (and the ink round it) lie this much in one pixel column
STREAK_PX = 3  # ... or row, at least this many, is crossed by a scanner's streak
ACROSS = 0.25  # a mark doubted as light is read from its trace only when the specks spread
# this share of the box's side both across and down, as a fill's grains do (ink along one
# edge of the box, the end of a stroke or a ring's arc, stays light: ``test_silent6_lone``)


def _patch(images: tuple, h: np.ndarray, rect, s: float) -> np.ndarray:
    """The black pixels (1) of the box ``rect`` (points) and its margin, upright at ``s``
    pixels per point (nearest pixel: a scan pixel stays one pixel), from ``images``: the
    one-bit scan, and (or None) the scan blurred and with its streaks mended, whose
    pixels the mending changed are no trace."""
    import cv2

    x, y, w, hh = rect
    m = MARGIN_PT
    n = (int(np.ceil((w + 2 * m) * s)), int(np.ceil((hh + 2 * m) * s)))
    to_points = np.array([[1 / s, 0, x - m], [0, 1 / s, y - m], [0, 0, 1]])
    at = h @ to_points

    def upright(img):
        return cv2.warpPerspective(img, at, n, flags=cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP,
                                   borderMode=cv2.BORDER_CONSTANT, borderValue=255)

    raw, blurred, mended = images
    black = upright(raw) < 128
    if mended is not None and mended is not blurred:
        black &= upright(mended) == upright(blurred)
    return black.astype(np.uint8)


def _beyond(band: np.ndarray, gap: int) -> np.ndarray:
    """The black pixels of ``band`` (a side's pixels across it, row by row, from outside
    inward) further in than the outline: past the run of black each row starts with,
    white gaps of up to ``gap`` pixels bridged, and a white pixel more."""
    black = band > 0
    n, w = black.shape
    if not w:
        return black
    idx = np.arange(w)[None, :]
    first = np.argmax(black, axis=1)
    ends_run = ~black  # a white run longer than ``gap`` ends the outline
    for k in range(1, gap + 1):
        ends_run[:, :w - k] &= ~black[:, k:]
    ends_run[:, max(w - gap, 0):] = False
    ends_run &= idx > first[:, None]
    end = np.where(ends_run.any(axis=1), np.argmax(ends_run, axis=1) - 1, w - 1)
    return black & (idx > end[:, None] + 1) & black.any(axis=1)[:, None]


def box_specks(black: np.ndarray, w: float, hh: float,
               s: float) -> tuple[int, int, bool, int, int, int]:
    """A box's specks (black pixels inside it apart from its outline), the black pixels in
    the margin round it, whether they line up as a scanner's streak, how many separate
    specks they are and how far they spread (percent of the box's side: the larger of their
    extents across and down, then the smaller); ``black`` a
    ``_patch`` of a box ``w`` × ``hh`` points at ``s`` pixels per point."""
    m = MARGIN_PT * s
    x0, y0 = int(round(m)), int(round(m))
    x1, y1 = int(round(m + w * s)), int(round(m + hh * s))
    band, out = int(round(BAND_PT * s)), int(round(OUTLINE_PT * s))
    if min(x1 - x0, y1 - y0) < 3 * band or x0 < out or y0 < out:
        return 0, 0, False, 0, 0, 0
    gap = max(1, int(GAP_PT * s))
    r0, r1 = y0 + int(ALONG[0] * (y1 - y0)), y0 + int(ALONG[1] * (y1 - y0))
    c0, c1 = x0 + int(ALONG[0] * (x1 - x0)), x0 + int(ALONG[1] * (x1 - x0))
    found = np.zeros(black.shape, bool)
    found[r0:r1, x0 - out:x0 + band] |= _beyond(black[r0:r1, x0 - out:x0 + band], gap)
    found[r0:r1, x1 - band:x1 + out] |= \
        _beyond(black[r0:r1, x1 - band:x1 + out][:, ::-1], gap)[:, ::-1]
    found[y0 - out:y0 + band, c0:c1] |= _beyond(black[y0 - out:y0 + band, c0:c1].T, gap).T
    found[y1 - band:y1 + out, c0:c1] |= \
        _beyond(black[y1 - band:y1 + out, c0:c1][::-1].T, gap).T[::-1]
    found[y0 + band:y1 - band, x0 + band:x1 - band] = \
        black[y0 + band:y1 - band, x0 + band:x1 - band] > 0
    specks = int(np.count_nonzero(found))
    margin = black > 0
    margin[max(0, y0 - out - 1):y1 + out + 1, max(0, x0 - out - 1):x1 + out + 1] = False
    both = found | margin
    total = int(np.count_nonzero(both))
    line = max(int(both.sum(axis=0).max()), int(both.sum(axis=1).max())) if total else 0
    parts, spread, across = _apart(found, x1 - x0)
    return specks, int(np.count_nonzero(margin)), bool(line >= max(STREAK_PX, STREAK * total)), \
        parts, spread, across


def _apart(found: np.ndarray, side: int) -> tuple[int, int, int]:
    """How many separate specks ``found`` holds (8-connected) and how far apart they lie: the
    larger and the smaller of their extents across and down, in percent of ``side`` pixels."""
    import cv2

    ys, xs = np.nonzero(found)
    if not len(xs):
        return 0, 0, 0
    parts = cv2.connectedComponents(found.astype(np.uint8), connectivity=8)[0] - 1
    x, y = np.ptp(xs), np.ptp(ys)
    return int(parts), int(100 * max(x, y) / max(side, 1)), int(100 * min(x, y) / max(side, 1))


def traces(raw: np.ndarray, h: np.ndarray, rects: np.ndarray, blurred: np.ndarray | None = None,
           mended: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """Per box (``rects``: x, y, w, h in points; ``h``: points to ``raw``'s pixels, a one-bit
    scan; ``blurred`` and ``mended``: the scan before and after ``streaks.mend``) its specks,
    the black round it, whether a streak crosses it (0/1), how many separate specks and their
    spread in percent of the box, the larger and the smaller ((N, 6) integers,
    ``box_specks``), and the scan's pixels per point."""
    from .align import pixels_per_point

    s = max(pixels_per_point(h), 1.0)
    out = np.zeros((len(rects), 6), np.int64)
    for i, r in enumerate(rects):
        out[i] = box_specks(_patch((raw, blurred, mended), h, r, s), r[2], r[3], s)
    return out, s


def traced(found: np.ndarray, s: float) -> int | None:
    """The one box of a question (``found``: its boxes' rows of ``traces``) whose specks are
    a clear trace while every other box's are at most ``OTHERS`` of it; None when there is
    no trace, or two (a rubbed-out answer leaves one too), or a streak crosses a box, or the
    trace is one blot (dust) or specks close together."""
    if not len(found) or found[:, 2].any():
        return None
    order = np.argsort(found[:, 0])[::-1]
    top = int(found[order[0], 0])
    second = int(found[order[1], 0]) if len(found) > 1 else 0
    if not _clear(found[order[0]], s) or second > OTHERS * top:
        return None
    if any(found[i, 1] for i in order[1:]):  # ink round another box: not this pencil alone
        return None
    return int(order[0])


def lost(found: np.ndarray, read: int, empty: np.ndarray, s: float) -> list[int]:
    """The boxes of a single choice read as box ``read`` that hold a clear trace where the
    reader measured no ink (``empty``): a second answer whose pencil was lost to the threshold
    (the mark read was a pen's, or a pencil's darker strokes). A clear trace: specks of at
    least ``MIN_PX`` pixels and ``MIN_PT2``, in ``PARTS`` separate specks spread over
    ``SPREAD`` of the box, no more ink round the box than in it (a pencil fill runs over its
    edge a little). Nothing when a streak crosses a box of the question."""
    if not len(found) or found[:, 2].any():
        return []
    return [i for i, row in enumerate(found)
            if i != read and empty[i] and _clear(row, s) and row[1] <= row[0]]


def _clear(row: np.ndarray, s: float) -> bool:
    """Whether a box's row of ``traces`` is a clear trace: specks of at least ``MIN_PX``
    pixels and ``MIN_PT2`` (at ``s`` pixels per point), in ``PARTS`` separate specks spread
    over ``SPREAD`` of the box (one blot of dust or a hair is none)."""
    return bool(row[0] >= max(MIN_PX, MIN_PT2 * s * s) and row[3] >= PARTS
                and row[4] >= 100 * SPREAD)
