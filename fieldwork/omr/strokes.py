"""Whether one pen stroke joins two boxes: the evidence a tick's arm ran on from one box into
the next, rather than two marks made apart (a real double answer, a correction)."""

from __future__ import annotations

import numpy as np

from .marks import INSET_PT, PEN_INK


def joined(dark: np.ndarray, rects: np.ndarray, pair: tuple[int, int], scale: float) -> bool:
    """Whether the ink inside box ``a`` and the ink inside box ``b`` are one connected piece.

    The printed outlines are kept: a stroke crossing a box's edge joins its outline, and a
    tick drawn in each box joins only its own. Ink of each box's interior (inside its
    outline and blur) must be reached by the same piece for the two to be joined.
    """
    import cv2

    r = rects[list(pair)]
    w = float(r[:, 2].max())
    h, wd = dark.shape
    x0, y0 = max(int(r[:, 0].min() - 0.6 * w), 0), max(int(r[:, 1].min() - 0.6 * w), 0)
    x1 = min(int((r[:, 0] + r[:, 2]).max() + 0.6 * w) + 1, wd)
    y1 = min(int((r[:, 1] + r[:, 3]).max() + 0.6 * w) + 1, h)
    if x1 <= x0 or y1 <= y0:
        return False
    ink = (dark[y0:y1, x0:x1] > PEN_INK).astype(np.uint8)
    _, labels = cv2.connectedComponents(ink, connectivity=8)
    i = INSET_PT * scale
    pieces = []
    for x, y, bw, bh in r:
        inside = labels[max(int(round(y + i)) - y0, 0):max(int(round(y + bh - i)) - y0, 0),
                        max(int(round(x + i)) - x0, 0):max(int(round(x + bw - i)) - x0, 0)]
        pieces.append(set(np.unique(inside[inside > 0]).tolist()))
    return bool(pieces[0] & pieces[1])


def reach(dark: np.ndarray, rects: np.ndarray, i: int, scale: float) -> float:
    """How far (in box sides, beyond the box's edges) the ink drawn inside box ``i`` runs on as
    one connected piece: a tick's arm ends about half a side past its box, a scribble or a
    line across the question runs on much further (looked at up to 3 sides around).

    The printed outline is kept (a stroke crossing the box's edge joins it; the outline
    itself adds nothing past the edges); printed text the stroke crosses joins it too, which
    only lengthens it.
    """
    import cv2

    x, y, w, h = (float(v) for v in rects[i])
    hgt, wd = dark.shape
    x0, y0 = max(int(x - 3 * w), 0), max(int(y - 3 * w), 0)
    x1, y1 = min(int(x + 4 * w) + 1, wd), min(int(y + 4 * w) + 1, hgt)
    ink = (dark[y0:y1, x0:x1] > PEN_INK).astype(np.uint8)
    _, labels = cv2.connectedComponents(ink, connectivity=8)
    i0 = INSET_PT * scale
    inside = labels[max(int(round(y + i0)) - y0, 0):max(int(round(y + h - i0)) - y0, 0),
                    max(int(round(x + i0)) - x0, 0):max(int(round(x + w - i0)) - x0, 0)]
    own = np.unique(inside[inside > 0])
    if not len(own):
        return 0.0
    ys, xs = np.nonzero(np.isin(labels, own))
    xs, ys = xs + x0, ys + y0
    past = max(x - xs.min(), xs.max() - (x + w), y - ys.min(), ys.max() - (y + h), 0.0)
    return float(past / w)


def width(dark: np.ndarray, rects: np.ndarray, i: int, scale: float) -> tuple[float, float]:
    """How the ink inside box ``i`` lies: the short side of the smallest turned rectangle round
    it (in box sides), and that rectangle's area over the ink's. The end of one straight stroke
    (a tick's arm run on into this box) is a pen's width across and fills its rectangle; a tick,
    a cross or a fill drawn here spreads wider, a V or an X fills little of it ((0, 0) when the
    box holds no ink)."""
    import cv2

    x, y, w, h = (float(v) for v in rects[i])
    i0 = INSET_PT * scale
    y0, y1 = max(int(round(y + i0)), 0), max(int(round(y + h - i0)), 0)
    x0, x1 = max(int(round(x + i0)), 0), max(int(round(x + w - i0)), 0)
    ys, xs = np.nonzero(dark[y0:y1, x0:x1] > PEN_INK)
    if len(xs) < 3:
        return 0.0, 0.0
    (_, _), (a, b), _ = cv2.minAreaRect(np.column_stack([xs, ys]).astype(np.float32))
    return float(min(a, b) / w), float((a + 1) * (b + 1) / len(xs))
