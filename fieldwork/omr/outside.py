"""Marks outside the boxes found on a page: rings around a box or its option's text, marks
beside a box, and other ink close by. What a question makes of them is judged in
``offbox``.

Ink around a box is compared with its siblings' (the same question's boxes, or a grid
column), which share its printed surroundings; what most of them show there is print.
"""

from __future__ import annotations

import warnings

import numpy as np

from . import crowded, order, runs
from .levels import (
    AFTER_TEXT,
    BESIDE_LEFT,
    NEAR_LEFT,
    RING_BOX,
    RING_TEXT,
    SIBLINGS_Q,
    TIGHT_TEXT,
)
from .marks import BoxMeasures
from .pairs import chebyshev, within

NEARER = 0.5  # a mark between a text and the next box this much nearer one is that one's,
WIDE_GAP = 2.7  # ... where the gap is this many box widths at least


def excess(values: np.ndarray, groups: list[list[int]]) -> np.ndarray:
    """Each box's values above its siblings' (same question, or grid column), which share its
    printed surroundings: the least of one or two siblings, a low quantile of more."""
    out = np.full(values.shape, np.nan)
    for g in groups:
        if len(g) < 2:
            continue
        g = np.asarray(g)
        v = values[g]
        finite = np.isfinite(v)
        if not finite.any():  # boxes without an option text: nothing to compare
            continue
        if not finite.all():  # bands without room in some columns: compare the others
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                base = np.nanmin(v, axis=0) if len(g) <= 3 else np.nanmedian(v, axis=0)
            out[g] = v - base[None, :]
            continue
        if len(g) <= 3:
            others = np.stack([np.delete(v, j, axis=0).min(axis=0) for j in range(len(g))])
        else:  # a low quantile: rings around several options must not lift the baseline
            others = order.quantile(v, SIBLINGS_Q, axis=0)[None, :]
        out[g] = v - others
    return out


def around(m: BoxMeasures, marked: np.ndarray, groups: list[list[int]],
           passing: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
    """Rings around boxes or option texts, marks beside boxes, and other ink close by.

    A ring crosses the free paper on at least two of a box's left, top and bottom
    sides, or both above and below its option's text; a mark beside a box lies
    left of it where nothing is printed (an option list's margin).  Ink a box's
    own fill spills over is not counted. ``passing``: marked boxes whose ink is a stroke
    passing through (``judge``'s strays), maybe a ring's arc.
    """

    n = len(m.fill)
    z = np.zeros(n, bool)
    if m.halo is None or n == 0:
        return z, z, z, z, z
    halo = np.nan_to_num(excess(m.halo, groups))
    # A ring must cross all three free sides of a box in a grid or a matrix row (their
    # column headings and digits differ from box to box); two will do in an option list,
    # where the option's text is printed right of the box. In a tight grid's rows there
    # is no room to see a ring (its band is empty): such rings go to a person. Where an
    # option list leaves room left of the box, the ring passes there too: above and below
    # alone is the question's text over the first row and a ring around the option below.
    # In an option's first row the band above a box reaches the question's text: ink there
    # is print, so a ring must cross the left and the bottom (a tick just left of the box
    # with the text above is no ring: seed 61 read such a tick as a ring round the next box).
    listed = np.isfinite(m.texts[:, 0]) if m.texts is not None else np.zeros(n, bool)
    room = runs.gaps(m)
    free_left = room[:, 0] > 2 * m.rects[:, 2]
    open_above = room[:, 1] > 1.5 * m.rects[:, 2]
    ring = np.where(listed, np.median(halo, axis=1), halo.min(axis=1)) > RING_BOX
    ring &= ~(listed & free_left) | (halo[:, 0] > RING_BOX)
    ring &= ~(listed & open_above) | (np.minimum(halo[:, 0], halo[:, 2]) > RING_BOX)
    text = z.copy()
    tight_text = z.copy()
    after = z.copy()
    lab = None
    if m.label is not None and np.isfinite(m.label).any():
        lab = excess(m.label, groups)
        text = np.nan_to_num(np.minimum(lab[:, 0], lab[:, 1])) > RING_TEXT
        # A ring drawn tightly round a short text ("Nữ", 0.3 mm off it) passes right over and
        # under it, inside the bands above: read blank before (a silent class of the held-out
        # sets). Its strokes must go all round the text (``runs.strays``).
        if lab.shape[1] >= 5:
            tight_text = ~text & (np.nan_to_num(np.minimum(lab[:, 3], lab[:, 4])) > TIGHT_TEXT)
        text |= tight_text
        if m.strokes is not None:
            text |= _thin_ring(m, lab, text)
        after = np.nan_to_num(lab[:, 2]) > AFTER_TEXT
    left = halo[:, 0] > BESIDE_LEFT
    streak = np.zeros((n, 2), bool) if m.lines is None else m.lines.copy()
    stray = unseen = z.copy()
    answered = np.zeros(n, bool)  # a question with a mark: its other ink is doubted
    for g in groups:
        answered[g] = marked[g].any()
    if m.strokes is not None:
        streak[:, 0] |= runs.ruled_left(m, (halo[:, 0] > NEAR_LEFT) & ~streak[:, 0])
        ring, text, stray = runs.strays(m, answered, halo, lab, ring, text, streak, tight_text)
        if passing is not None:
            ring |= crowded.ring_past(m, marked, passing, groups, halo, ring | text)
        unseen = crowded.unseen(m, marked, answered, halo, ring | text)
        ring |= unseen
    # Ink next to a marked box is that mark's own (a fill spilling over, a tick's arm): each
    # box against the marked boxes (a marked box is never clear itself).
    centres = m.rects[:, :2] + m.rects[:, 2:] / 2
    reach = chebyshev(centres, centres[np.flatnonzero(marked)]) < 1.7 * m.rects[:, 2:3]
    clear = ~marked & ~reach.any(axis=1)
    around = ((ring | text) & clear) | unseen
    # Beside a box of an option list (its text printed right of it, its margin left of it),
    # or of a matrix row with room left of it (the row's text ends further left than the
    # band reaches); a fill spilling over from the box above or below does not reach a
    # box's left side level with it, so marks beside count next to marked boxes too.
    gaps = room[:, 0]
    level = _level(m, groups)
    row_inner = ~listed & (gaps > 2 * m.rects[:, 2]) & ((gaps < 6 * m.rects[:, 2]) | level)
    # A line running on past the band (a scanner's streak, a stroke drawn across the page) is
    # no hand's mark beside a box.
    left &= ~streak[:, 0]
    beside = left & ((free_left & listed) | row_inner) & ~around & ~marked
    # Any other ink beside a box or after its text: enough to doubt a question read blank.
    left_ink = halo[:, 0] > NEAR_LEFT
    if m.strokes is not None:
        # Ink just after an option's text that is part of a big stroke, where a ring round the
        # next option's text passes on its way round: that ring's, no mark of its own (big
        # rings round a right-column text of a multiple choice and its box, drawn: 8 of 12
        # doubted, 3 now). A tick there is a mark's size: still seen.
        prev = follows(m)
        for j in np.flatnonzero(text & (prev >= 0)):
            if after[prev[j]] and m.strokes.runs_on(prev[j], "after"):
                after[prev[j]] = False
        after &= ~crowded.arc_below(m, text, after)  # ... or round the text above it
        after &= ~crowded.arc_above(m, text, after)  # ... or below it
        # Ink left of a box, less than a mark beside it leaves, that is part of a big stroke
        # right after the option's text before it, ringed: that ring's arc passing by (p65
        # sheet 088: "ink near" the box after a ringed text of a multiple choice's left column).
        for j in np.flatnonzero(left_ink & (halo[:, 0] < BESIDE_LEFT) & ~beside & (prev >= 0)):
            if text[prev[j]] and m.strokes.runs_on(j, "left"):
                left_ink[j] = False
    near = (after | stray | left_ink) & ~around & ~beside & ~marked
    if m.strokes is not None:
        # In a question with a mark, a ring or a mark beside another option is doubted as
        # before; where its strokes are no hand's (a ring not going round its box or text, ink
        # beside running on far past the box) it is told as near too: such ink never adds an
        # answer to the marks (a multiple choice's ring beside its filled boxes, a mark beside
        # a box where the only other ink is a scanner's streak).
        tight = runs.tight_column(m)
        for i in np.flatnonzero(beside & answered & ~tight):
            # Right after a ringed option's text, a stroke of a mark's size of its own beside
            # the ring's end (a tick in the gap, not touching the ring) is no arc of it: still
            # doubted beside this box (others13's drawn tick, read as the rings alone).
            near[i] = m.strokes.runs_on(i, "left") and not (
                prev[i] >= 0 and text[prev[i]] and m.strokes.own_mark(i, "left"))
        for i in np.flatnonzero(around & answered & ~tight):
            near[i] = not runs.drawn_ring(m, i, halo, ring[i], text[i])
    owned, other = _owned(m, marked, groups, halo, lab, listed | row_inner, around, streak)
    for g in groups:
        if stray[g].any():  # ink over a text or round a box that is no ring: a scribble there
            owned[g] = other[g] = False  # makes no mark beside or after it an answer
    beside = (beside & ~other) | owned
    near &= ~owned & ~other
    if m.strokes is not None and lab is not None:
        shared = _shared(m, beside, groups, lab)
        beside &= ~shared
        near |= shared
    return around, beside, near, (ring | text) & ~marked, text


def _shared(m: BoxMeasures, beside: np.ndarray, groups: list[list[int]],
            lab: np.ndarray) -> np.ndarray:
    """Options of one question marked beside by one stroke: after one option's text and left of
    another's box (the gap between them), either's. Read as both, a multiple choice took one
    slip for two answers (stray-heavy synth, after a reason's text: the next reason's box)."""
    out = np.zeros(len(beside), bool)
    st = m.strokes
    for g in groups:
        marks = [i for i in g if beside[i]]
        if len(marks) < 2:
            continue
        for i in marks:
            if not np.nan_to_num(lab[i, 2]) > BESIDE_LEFT:
                continue
            for j in marks:
                if j != i and _overlap(st.strokes(i, "after"), st.strokes(j, "left")):
                    out[i] = out[j] = True
    return out


def _overlap(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether a stroke of ``a`` and one of ``b`` (rows x0, y0, x1, y1, ...) are one: their
    boxes overlap over half the smaller's area."""
    for p in a[a[:, 4] < 2]:
        for q in b[b[:, 4] < 2]:
            w = min(p[2], q[2]) - max(p[0], q[0])
            h = min(p[3], q[3]) - max(p[1], q[1])
            small = min((p[2] - p[0]) * (p[3] - p[1]), (q[2] - q[0]) * (q[3] - q[1]))
            if w > 0 and h > 0 and w * h > 0.5 * small:
                return True
    return False


def _thin_ring(m: BoxMeasures, lab: np.ndarray, text: np.ndarray) -> np.ndarray:
    """Rings round an option's text not seen in its bands (``text``) with half a ring's ink
    over and under the text, whose strokes go round the text (``runs.text_ringed``). A thin or
    light pen's ring round a two-line text passes partly outside the bands (p65 sheet 43: 0.05
    of black under "Lao động, việc làm và bảo trợ xã hội", 0.11 over it; its box, crossed by
    the ring, was a "stray stroke"; p51 sheet 213: 0.05 and 0.06 round "Thái độ ứng xử ...",
    a reason not read at all once the ring beside it was). Not with a ring's ink right on the
    text's edges: a scribble across the text (synth s52 sheet 212: a zigzag over and under
    "Công nhân", 0.18 of black right under it, was read as a ring round it)."""
    if lab.shape[1] < 5:
        return np.zeros(len(text), bool)
    over, under = np.nan_to_num(lab[:, 0]), np.nan_to_num(lab[:, 1])
    on = np.maximum(np.nan_to_num(lab[:, 3]), np.nan_to_num(lab[:, 4]))
    out = ~text & (np.minimum(over, under) > RING_TEXT / 2) & (on < RING_TEXT)
    for i in np.flatnonzero(out):
        out[i] = runs.text_ringed(m, i)
    return out


def _level(m: BoxMeasures, groups: list[list[int]]) -> np.ndarray:
    """Boxes of a question whose boxes lie side by side in one row (a matrix row)."""
    level = np.zeros(len(m.fill), bool)
    for g in groups:
        cy = m.rects[g, 1] + m.rects[g, 3] / 2
        if len(g) >= 2 and np.ptp(cy) < 0.5 * m.rects[g, 3].min():
            level[g] = True
    return level


def _owned(m: BoxMeasures, marked: np.ndarray, groups: list[list[int]], halo: np.ndarray,
           lab: np.ndarray | None, room: np.ndarray, around: np.ndarray,
           streak: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Marks beside that only one option of a question with nothing marked can own, and the
    options whose beside ink is that mark (not theirs).

    Left of a box with room there (``room``: an option list's, a matrix row's) whose
    previous option's text has no ink after it, or after an option's text where the box
    that follows it (if any) has no ink beside it. Ink between an option's text and
    the next option's box is the one's it lies far nearer to, else either's: it stays
    doubted.
    """

    n = len(m.fill)
    left = (halo[:, 0] > BESIDE_LEFT) & ~streak[:, 0]
    after = np.zeros(n, bool) if lab is None else \
        (np.nan_to_num(lab[:, 2]) > BESIDE_LEFT) & ~streak[:, 1]
    # Whether another option could own the ink is asked of the bands themselves, not of
    # their excess over the siblings: two options marked alike cancel out there.
    raw_left = m.halo[:, 0] > NEAR_LEFT
    raw_after = np.zeros(n, bool) if m.label is None else \
        np.nan_to_num(m.label[:, 2]) > AFTER_TEXT
    prev = follows(m)
    has = prev >= 0
    prev_after = np.zeros(n, bool)
    prev_after[has] = raw_after[prev[has]]
    next_left = np.zeros(n, bool)  # the box right after the option's text has ink beside it
    next_left[prev[has & raw_left]] = True
    next_marked = np.zeros(n, bool)
    next_marked[prev[has & marked]] = True
    if m.strokes is not None:  # ink after a text that runs back over it: a scribble there
        for i in np.flatnonzero(after):
            after[i] = not runs.over_text(m, i)
    own = (left & room & ~prev_after) | (after & ~next_left & ~next_marked)
    ink_left, ink_after = raw_left.copy(), raw_after.copy()  # ink no other mark explains
    if m.gap_ink is not None:
        # Ink both after one option's text and left of the next option's box: a mark far
        # nearer one of the two than the other is that one's (a tick touching the box with
        # room before it, a dash right after the text with room after it).
        # Only across a wide gap: in a narrow one ("Có ✓ [ ] Không") a tick beside the box
        # touches the text too, and people put marks there for either option.
        to_text, to_box = m.gap_ink[:, 0], m.gap_ink[:, 1]
        wide = runs.gaps(m)[:, 0] >= WIDE_GAP * m.rects[:, 2]
        both = has & raw_left & prev_after & np.isfinite(to_text) & wide
        box = both & left & room & (to_box < NEARER * to_text)
        own |= box
        ink_after[prev[box]] = False
        text = both & (to_text < NEARER * to_box) & ~marked
        text[text] = after[prev[text]]
        own[prev[text]] = True
        ink_left[text] = False
    own &= ~around & ~marked
    inked = ink_left | ink_after
    explained = (raw_left | raw_after) & ~inked  # its beside ink is another option's mark
    out, other = np.zeros(n, bool), np.zeros(n, bool)
    for g in groups:
        # Nothing marked in the boxes, and every inked option owns its ink.
        if not marked[g].any() and not (inked[g] & ~own[g]).any():
            out[g] = own[g]
            other[g] = explained[g] & ~own[g]
    return out, other


def follows(m: BoxMeasures) -> np.ndarray:
    """For each box, the box whose option text ends just left of it on the same line (a ring
    around that text passes beside this box), else -1."""
    n = len(m.fill)
    out = np.full(n, -1)
    if m.texts is None or n == 0:
        return out
    x, y, w, h = m.rects.T
    ends = m.texts[:, 0] + m.texts[:, 2]
    # Each text's box against the boxes of its line only (found a pixel wider than the test
    # asks), all at once; where several texts end left of one box, the last one in layout
    # order, as a loop over the texts writing each one's boxes in turn left it.
    has = np.flatnonzero(np.isfinite(ends))
    if not len(has):
        return out
    at, ok = within(y, y[has] - 0.5 * h[has] - 1, y[has] + 0.5 * h[has] + 1)
    i = has[:, None]
    after = ok & (np.abs(y[at] - y[i]) < 0.5 * h[i]) & (x[at] > ends[i]) & \
        (x[at] - ends[i] < 3 * w[i])
    rows, cols = np.nonzero(after)
    np.maximum.at(out, at[rows, cols], has[rows])
    return out
