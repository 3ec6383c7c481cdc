"""Blank pages: the back of a one-sided form scanned duplex, a separator sheet.

``blankness(gray)`` measures a page before anything looks for corner marks or a QR code (a
blank page is the slowest to give up on: every search fails), and ``is_blank`` says whether
it may be skipped. It is deliberately strict: the back of a sheet that shows the front
through the paper, scanner noise, JPEG blocks, a dithered one-bit scan and the scanner bed
around a skewed page are blank; a word written on the back, a tick, a signature or a
pencilled line are not (such a page goes on to the reader, which rejects it with a reason a
person sees). Arrays in, numbers out; nothing here touches files or the database.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

WORK_SIDE = 800  # long side (px) of the copy the page is judged on: about 2.7 px per mm
A4_LONG_MM = 297.0
INK_LEVEL = 0.78  # ink: darker than this share of the local paper (show-through is 0.85+)
EDGE_MM = 3.0  # a dark thing this near the scan's border is the bed or a shadow
SPECK_MM2 = 1.0  # a dark spot smaller than this is dust, not writing
MAX_INK_MM2 = 4.0  # all the dust of a blank page together stays below this
DARK_SHARE = 0.004  # more of the page's middle this dark is print: not blank, at once


@dataclass(frozen=True)
class Blankness:
    """Ink on the page (mm²: all of it, the largest mark) and the share of the scan left
    after the bed and border are set aside."""

    ink_mm2: float
    largest_mm2: float
    paper_share: float

    @property
    def blank(self) -> bool:
        """No mark bigger than a speck, little ink in all, and paper filling most of the scan."""
        return (self.paper_share >= 0.6 and self.largest_mm2 < SPECK_MM2
                and self.ink_mm2 < MAX_INK_MM2)


def _shrink(gray: np.ndarray) -> np.ndarray:
    """The page shrunk by a whole factor to about ``WORK_SIDE`` (area averaging, fast)."""
    import cv2

    k = max(1, int(max(gray.shape) / WORK_SIDE))
    if k == 1:
        return gray
    h, w = gray.shape
    return cv2.resize(gray[:h - h % k, :w - w % k], (w // k, h // k),
                      interpolation=cv2.INTER_AREA)


def _bilevel(gray: np.ndarray) -> bool:
    """True for a one-bit scan (only black and white), judged on a sample of rows."""
    sample = gray[:: max(1, gray.shape[0] // 64)]
    return float(np.mean((sample > 0) & (sample < 255))) < 0.001


def blankness(gray: np.ndarray) -> Blankness:
    """Measure the ink on a grey page image (any resolution, rotation, bed colour)."""
    import cv2

    from .align import paper_level

    if not isinstance(gray, np.ndarray) or gray.ndim != 2 or gray.dtype != np.uint8:
        raise ValueError("gray must be a 2-D uint8 array")
    if min(gray.shape) < 16:
        raise ValueError(f"the image is too small to judge ({gray.shape[1]}x{gray.shape[0]})")
    small = _shrink(gray)
    if _bilevel(gray):  # dithered or thresholded: ink is judged on local averages
        small = cv2.blur(small, (3, 3))
    px_mm = max(small.shape) / A4_LONG_MM  # the page is A4 or smaller: never more than this
    paper = float(np.percentile(small, 95))
    if paper < 40:  # a black or empty frame: not a page at all, let the reader say so
        return Blankness(float("inf"), float("inf"), 0.0)
    h, w = small.shape
    centre = small[h // 10:h - h // 10, w // 10:w - w // 10]
    if float(np.mean(centre < 0.5 * paper)) > DARK_SHARE:  # print: a form, a letter, a photo
        return Blankness(float("inf"), float("inf"), 1.0)
    # Ink is judged against the local paper level (uneven lighting does not matter). The
    # scanner bed around the paper is as dark as ink only within half a feature of the
    # paper's edge: that band touches the image border or runs around the whole page, and
    # is left out with anything else touching the border.
    level = paper_level(small, max(5, int(round(20 * px_mm))))
    ink = (small.astype(np.float32) < level.astype(np.float32) * INK_LEVEL).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    x, y = stats[1:, cv2.CC_STAT_LEFT], stats[1:, cv2.CC_STAT_TOP]
    bw, bh = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
    edge = max(1, int(round(EDGE_MM * px_mm)))
    border = (x < edge) | (y < edge) | (x + bw > w - edge) | (y + bh > h - edge)
    # A long dark line near the scan's edge is the paper's edge or its shadow; one across the
    # middle of the page is a stroke someone drew.
    near = (x < 0.08 * w) | (y < 0.08 * h) | (x + bw > 0.92 * w) | (y + bh > 0.92 * h)
    frame = ((bw > 0.6 * w) | (bh > 0.6 * h)) & near
    kept = ~(border | frame)
    areas = stats[1:, cv2.CC_STAT_AREA][kept].astype(np.float64) / (px_mm * px_mm)
    share = 1.0 - float(stats[1:, cv2.CC_STAT_AREA][~kept].sum()) / (h * w)
    return Blankness(ink_mm2=round(float(areas.sum()), 3),
                     largest_mm2=round(float(areas.max()) if len(areas) else 0.0, 3),
                     paper_share=round(share, 3))


def is_blank(gray: np.ndarray) -> bool:
    """Whether a page holds nothing at all: skipped as a blank back, never read."""
    return blankness(gray).blank
