"""Light ink in or by the boxes of a question that may be no mark, or a mark the boxes
barely show: a straight streak across the page, a long stroke running on past a blank
question, a faint mark on a one-bit scan, strokes just outside an empty box.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .levels import FAINT, FAINT_NOISE, JOINED, THROUGH

if TYPE_CHECKING:
    from .judge import BoxCalls


def _streak(i: int, c: BoxCalls) -> bool:
    """Whether the light ink in box ``i`` is a straight line across the page (a scanner's
    streak, a ruler's line): it leaves through two opposite sides, and so it does through at
    least two other boxes in line with it (a pen stroke never runs that far)."""
    if c.zones is None:
        return False
    sides, _, centres, w = c.zones
    for a, b, axis in ((2, 3, 0), (0, 1, 1)):  # top and bottom: boxes at the same x, ...
        level = min(sides[i, a], sides[i, b])
        if level < JOINED * 2:
            continue
        inline = np.abs(centres[:, axis] - centres[i, axis]) < 0.25 * w[i]
        inline[i] = False
        if (inline & (np.minimum(sides[:, a], sides[:, b]) > level / 2)).sum() >= 2:
            return True
    return False


def _runs_on(i: int, idx: list[int], c: BoxCalls) -> bool:
    """Whether the light ink in box ``i`` leaves it up and to the right (as a tick's arm does)
    and runs on past an empty option's box above it: a long stroke across the question (a
    scribble, a line to a comment), not a tick, whose arm ends a little past its own box
    (tuning seed 52 read such a stroke on a blank question as the answer)."""
    if c.zones is None or max(c.zones[1][i, 1], c.zones[0][i, 2]) <= THROUGH:
        return False
    sides, corners, centres, w = c.zones
    for j in idx:
        d = (centres[j] - centres[i]) / w[i]
        if j == i or c.net[j] >= c.low or not (-2.5 < d[1] < -0.5 and -0.5 < d[0] < 2.5):
            continue
        if max(sides[j].max(), corners[j].max()) > 2 * THROUGH:
            return True
    return False


def _faint(idx: list[int], c: BoxCalls) -> list[int]:
    """Positions in ``idx`` of boxes with a little ink, below a mark's level, on a page whose
    empty boxes are clean to the pixel (a one-bit scan): a light pencil or pen mark loses most
    of its ink to the scanner's threshold, and what is left still stands out of paper that
    is exactly white. Tuning seed 51 read two such questions blank or short of two options."""
    if c.paper_noise < 0:
        empty = np.abs(c.net[c.net < c.low])
        c.paper_noise = float(np.quantile(empty, 0.9)) if len(empty) >= 10 else 1.0
    level = max(FAINT, FAINT_NOISE * c.paper_noise)
    faint = [k for k, i in enumerate(idx) if level <= c.net[i] < c.low]
    if faint and c.ringish is not None and c.zones is not None:
        # ... but not the arc of a ring drawn round this box or the next one (read as a ring)
        centres, w = c.zones[2], c.zones[3]
        rings = [i for i in idx if c.ringish[i]]
        faint = [k for k in faint if not any(
            np.abs(centres[idx[k]] - centres[r]).max() < 1.7 * w[r] for r in rings)]
    return faint


def _missed(idx: list[int], c: BoxCalls) -> list[int]:
    """Positions in ``idx`` of empty boxes with strokes just outside two of their sides or
    corners, far from any marked box of the page (so the ink is not a neighbour's: in a
    digit grid, the next column's tick or cross)."""
    if c.zones is None:
        return []
    sides, corners, centres, w = c.zones
    marked = np.flatnonzero(c.net >= c.low)
    out = []
    for j, i in enumerate(idx):
        if c.net[i] >= c.low:
            continue
        inky = (sides[i] > THROUGH).sum() + (corners[i] > THROUGH).sum()
        # Far from every marked box: asked only of a box with such ink (the same test, on
        # fewer boxes; it was a Python loop over the page's marks for every empty box).
        if inky >= 2 and all(np.abs(centres[m] - centres[i]).max() > 2.5 * w[i]
                             for m in marked):
            out.append(j)
    return out
