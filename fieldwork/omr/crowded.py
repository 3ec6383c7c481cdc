"""Rings round a box of an option list whose next row lies close (half a box below): the
band on that side has no room, so the halo bands miss the ring, and its arc across the next
box reads as a light stroke there. Such a ring is told by its strokes going round the box
(``runs.round_box``).
"""

from __future__ import annotations

import numpy as np

from . import order, runs
from .levels import NEAR_LEFT, THROUGH
from .marks import PEN_INK, BoxMeasures

ARC_RISE = 0.35  # a ring's arc passing through the band after a text rises at most this much


def unseen(m: BoxMeasures, marked: np.ndarray, answered: np.ndarray, halo: np.ndarray,
           seen: np.ndarray) -> np.ndarray:
    """Rings round an empty box of an option list in a question with a mark, where the box
    next above or below leaves its band on that side no room (so the ring was not seen):
    ink in two bands at least, whose strokes go round the box. A second answer beside the
    mark, never that mark's spill (a fill or a tick beside goes round nothing): a ring
    round box 2 with its arc across box 5 below, 5 filled, was read as 5 alone."""
    out = np.zeros(len(marked), bool)
    w = m.rects[:, 2]
    room = runs.gaps(m)
    cramped = (np.minimum(room[:, 1], room[:, 2]) < w) & ~runs.tight_column(m)
    cand = answered & ~marked & ~seen & cramped & ((halo > NEAR_LEFT).sum(axis=1) >= 2)
    for i in np.flatnonzero(cand):
        out[i] = runs.round_box(m, i)
    return out


def ring_past(m: BoxMeasures, marked: np.ndarray, passing: np.ndarray,
              groups: list[list[int]], halo: np.ndarray, seen: np.ndarray) -> np.ndarray:
    """Rings round a box of an option list whose arc crosses the next box above or below (a
    big ring where the rows lie close): its band on that side has no room, so the ring was
    not seen, and the arc reads as a light stroke through the other box. Read only where the
    question's every mark is such a stroke, close to the box, its ink leaving that box only
    through the side facing the ring (in by one of its corners and out by the other), and the
    strokes round the box go round it."""
    out = np.zeros(len(marked), bool)
    tight = runs.tight_column(m)
    centres = m.rects[:, :2] + m.rects[:, 2:] / 2
    for g in groups:
        inked = [j for j in g if marked[j]]
        if not inked or not all(passing[j] for j in inked) or len(g) < 3:
            continue
        cands = [i for i in g if not marked[i] and not seen[i] and not tight[i] and
                 (halo[i] > NEAR_LEFT).sum() >= 2 and
                 all(_arc_from(m, g, j, i, centres) for j in inked)]
        cands = [i for i in cands if runs.round_box(m, i)]
        if len(cands) == 1:
            out[cands[0]] = True
    return out


# The zones (``BoxMeasures.sides``: left, right, top, bottom; ``corners``: TL, TR, BL, BR)
# facing a box left of, right of, above and below another.
_FACING = {(-1, 0): ([0], [0, 2]), (1, 0): ([1], [1, 3]), (0, -1): ([2], [0, 1]),
           (0, 1): ([3], [2, 3])}


def _arc_from(m: BoxMeasures, g: list[int], j: int, i: int, centres: np.ndarray) -> bool:
    """Whether box ``j``'s ink crosses it along the side facing box ``i`` (next to it in a row
    or a column), past both its corners there and not out the far side: a ring's arc round
    ``i``."""
    w = m.rects[i, 2]
    d = (centres[i] - centres[j]) / w
    if np.abs(d).max() >= 1.7:
        return False
    key = tuple(int(v) for v in np.where(np.abs(d) > 0.5, np.sign(d), 0))
    if key not in _FACING:
        return False
    sides = m.sides[j] - order.median(m.sides[g], axis=0)
    corners = m.corners[j] - order.median(m.corners[g], axis=0)
    fs, fc = _FACING[key]
    far = _FACING[(-key[0], -key[1])]
    # In by one corner of that side and out by the other (a tick's arm leaves by one), and
    # nothing out the far side.
    return bool((corners[fc] > THROUGH).all() and (sides[far[0]] <= THROUGH).all() and
                (corners[far[1]] <= THROUGH).all())


def arc_below(m: BoxMeasures, text: np.ndarray, after: np.ndarray) -> np.ndarray:
    """Boxes (of ``after``) whose ink just after their option's text is the lower arc of a ring
    round the text of the option right above in the column (``text``: rings whose strokes go
    round it): a stroke running on from that band up into the band under the ringed text. A
    two-line text's ring passes low over the next row (paper tuning seed 65: five rings round
    "Về thời gian ... kiến nghị" doubted "Lý do khác" below, "ink near"); a mark of its own
    after the text is a stroke apart from the ring (the band then holds two) or, touching the
    arc, makes the band's ink rise and fall as a mark's size (a tick, a dash drawn there)."""
    return _arc(m, text, after, below=True)


def arc_above(m: BoxMeasures, text: np.ndarray, after: np.ndarray) -> np.ndarray:
    """Boxes (of ``after``) whose ink just after their option's text is the upper arc of a ring
    round the text of the option right below in the column, as ``arc_below`` (a two-line
    text's ring passes high over the option above: p65 sheet 43 and p51 sheet 226 ringed
    "Lao động, việc làm và bảo trợ xã hội", its arc after "Đất đai" above doubted the
    question, "ink near")."""
    return _arc(m, text, after, below=False)


def _arc(m: BoxMeasures, text: np.ndarray, after: np.ndarray, below: bool) -> np.ndarray:
    """``arc_below`` (``below``: the ring round a text above) or ``arc_above``."""
    out = np.zeros(len(after), bool)
    if m.strokes is None or m.texts is None:
        return out
    w = m.rects[:, 2]
    side = "under" if below else "over"
    for i in np.flatnonzero(after):
        rings = [r for r in np.flatnonzero(text) if r != i and
                 abs(m.rects[r, 0] - m.rects[i, 0]) < 0.5 * w[i] and
                 0 < (m.rects[i, 1] - m.rects[r, 1]) * (1 if below else -1) < 4 * w[i]]
        if not rings:
            continue
        drawn = m.strokes.strokes(i, "after")
        if np.count_nonzero(drawn[:, 4] < 2) != 1 or not _flat(m, i):
            continue  # the arc alone, passing by: a mark beside it is apart, or rises there
        for r in rings:
            band = m.strokes.bands(r).get(side)
            if band is not None and m.strokes.runs_on(i, "after") and \
                    m.strokes.reaches(i, "after", band):
                out[i] = True
    return out


def _flat(m: BoxMeasures, i: int) -> bool:
    """Whether the drawn ink in the band after box ``i``'s option text lies in a thin level
    strip (at most ``ARC_RISE`` of a box side tall): an arc passing by, not a tick or a dash."""
    x0, y0, x1, y1 = (int(round(v)) for v in m.strokes.bands(i)["after"])
    ys = np.nonzero(m.strokes.dark[max(y0, 0):y1, max(x0, 0):x1] > PEN_INK)[0]
    return len(ys) > 0 and int(ys.max() - ys.min()) <= ARC_RISE * m.rects[i, 2]
