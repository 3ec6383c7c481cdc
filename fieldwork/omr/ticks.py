"""A tick whose long arm ran on out of its box into the next one of its question.

Ticks run up and to the right: the box a tick was drawn in is the lower or left one, and
holds its V (the hook and the vertex, the stroke's lowest ink); the other holds only the
end of a line, in a thin band, leaving it on the side facing the tick's box. These are the
tests on two boxes joined by one stroke that ``rows`` (single choices) and ``multiple``
ask; ``arms`` reads the long arms that cross a rating row's wide gap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .levels import CLEAR, JOINED, SOLID, THROUGH

if TYPE_CHECKING:
    from .judge import BoxCalls

JOINED_ARM = 0.06  # a tick's arm entering the next box, when one stroke is seen in both
ARM_WIDTH = 0.3  # at most: how wide (box sides) a tick's arm's end lies in the box it ran into
ARM_FILL = 1.45  # ... and the turned rectangle round it over its ink (a line fills it; a V: 1.7+)
SLIVER_PX = 2.5  # ink at most this many pixels across is one line, whatever that ratio says


def _tick_pair(a: int, b: int, c: BoxCalls, grid: bool = False) -> int | None:
    """Of two marked boxes of one question, the one a single tick was drawn in when its long
    arm ran on into the other (None if they are not one tick; -1 if one stroke joins them but
    the other box holds more than the arm's end: a tick of its own, a double for a person)."""
    owner = _tick_owner(a, b, c, THROUGH if grid else JOINED_ARM)
    if owner is not None and not _one_stroke(owner, b if owner == a else a, c) and (
            grid or not _one_arm(owner, b if owner == a else a, c)):
        owner = None
    if owner is None and not grid and max(c.net[a], c.net[b]) < CLEAR:
        owner = _vertex_owner(a, b, c)
    if owner is not None and not grid and not _arm_end(owner, b if owner == a else a, c):
        return -1
    return owner


def _tick_owner(a: int, b: int, c: BoxCalls, into: float = THROUGH) -> int | None:
    """The box a tick starts in when one stroke joins two marked neighbours, else None.

    Ticks run up and to the right: the stroke's own box is the lower or left one; the
    other holds only the end of a line (never a fill) and the ink between them joins
    the two boxes' facing sides (or corners); ``into``: the ink it must show entering the
    other box.
    """
    if c.zones is None:
        return None
    centres, w = c.zones[2], c.zones[3]
    d = (centres[b] - centres[a]) / w[a]
    if np.abs(d).max() > 4.5 or (abs(d[0]) < 0.5 and abs(d[1]) < 0.5):
        return None
    lo, hi = (a, b) if (d[1] < -0.5 or (abs(d[1]) <= 0.5 and d[0] > 0)) else (b, a)
    if c.net[hi] < SOLID and c.net[lo] >= c.low and _bridge(lo, hi, c, into):
        return lo
    return None


def _arm_end(lo: int, hi: int, c: BoxCalls) -> bool:
    """Whether box ``hi`` holds only the end of one stroke come in from box ``lo`` (a tick's arm
    run on): its ink lies in a thin band (``ARM_WIDTH`` of a side) and leaves the box only on
    the sides and corners facing ``lo`` (elsewhere at most a speck's worth, ``THROUGH / 2``: an
    arm ending by the box's edge, a rule line beside it). A tick of its own drawn there over the
    arm's end spreads wider or leaves the box elsewhere (drawn, such doubles were read as one
    box)."""
    if c.width is None or c.zones is None:
        return False
    sides, corners, centres, w = c.zones
    d = centres[lo] - centres[hi]
    sx, sy = (int(np.sign(v)) if abs(v) > 0.5 * w[hi] else 0 for v in d)
    ok_sides = {(-1, 0): 0, (1, 0): 1, (0, -1): 2, (0, 1): 3}
    facing = {ok_sides[(sx, 0)]} if sx else set()
    facing |= {ok_sides[(0, sy)]} if sy else set()
    corner_dirs = ((-1, -1), (1, -1), (-1, 1), (1, 1))
    near = {k for k, (cx, cy) in enumerate(corner_dirs) if (sx and cx == sx) or (sy and cy == sy)}
    if any(sides[hi, k] > THROUGH / 2 for k in range(4) if k not in facing) or \
            any(corners[hi, k] > THROUGH / 2 for k in range(4) if k not in near):
        return False
    across, spread = c.width(hi)
    # An arm passing close by the box's side or bottom leaves a pixel or two of it inside the
    # measured part: a line that thin, turned a little, fills its rectangle badly only through
    # the pixels' rounding (p94 sheets 1 and 76, p91 sheet 13: 1.5-1.8, ticks plainly in the
    # other box, went to a person with both boxes offered).
    return across <= ARM_WIDTH and (spread <= ARM_FILL or across * w[hi] <= SLIVER_PX)


def _hook_in(lo: int, hi: int, c: BoxCalls) -> bool:
    """Whether the one mark of a row, in box ``hi``, is the end of a tick's arm whose hook is in
    box ``lo`` beside it: ``hi`` holds only the arm's end (``_arm_end``), and the lowest ink of
    the stroke, its vertex, is in ``lo``, joined to the arm by drawn ink inside ``lo`` (the hook,
    lighter than a mark's level when it lies along the outline). Tuning seed 51: 6 such ticks
    went to a person with only the arm's box offered."""
    if c.cancelled[lo]:
        return False
    return _arm_end(lo, hi, c) and _vertex_owner(lo, hi, c, flat=False) == lo


def _one_arm(lo: int, hi: int, c: BoxCalls) -> bool:
    """Whether ``lo`` and ``hi``, side by side in a row, hold one tick drawn in ``lo``, ``hi`` only
    its arm's end (``_arm_end``), however much of the arm lies in ``hi`` (a long arm leaves more ink
    there than the hook: tuning seed 51, 2 such ticks went to a person)."""
    if c.cancelled[lo] or c.cancelled[hi] or c.net[hi] >= SOLID:
        return False
    # ... and in a row, its lowest ink (the vertex) is in ``lo``: a tick drawn in ``hi`` from a
    # long lead-in begun in ``lo`` leaves a line there too, and its V in ``hi``.
    return _arm_end(lo, hi, c) and _vertex_owner(lo, hi, c, flat=False) == lo


def _one_stroke(lo: int, hi: int, c: BoxCalls) -> bool:
    """Whether the ink of ``lo`` and ``hi`` can be one tick drawn in ``lo``: the box it starts in
    is not crossed out (a correction beside the new answer), the other holds less ink than the
    tick's own box (a line's end, not a mark of its own), and one connected stroke reaches
    inside both (two ticks drawn apart are two answers: fresh seeds read such doubles as one)."""
    if c.cancelled[lo] or c.cancelled[hi] or c.net[hi] >= c.net[lo]:
        return False
    return c.joined is None or bool(c.joined(lo, hi))


def _vertex_owner(a: int, b: int, c: BoxCalls, flat: bool = True) -> int | None:
    """Of two boxes side by side in a row joined by one stroke, the one its vertex (lowest
    ink, in the lower half of the row) lies in or next to, else None. When the lowest ink is
    a long level run between them (a tick's arm run on flat), the end its hook comes down to
    is the vertex (tuning seed 51: 7 such ticks went to a person as a "second mark")."""
    if c.vertex is None or c.zones is None:
        return None
    centres, w = c.zones[2], c.zones[3]
    d = centres[b] - centres[a]
    if abs(d[1]) > 0.5 * w[a] or not 0.5 * w[a] < abs(d[0]) < 4.5 * w[a]:
        return None

    def near(p) -> int | None:
        if p is None or not 0.05 * w[a] <= p[1] - centres[a][1] <= 0.9 * w[a]:
            return None
        t = (p[0] - centres[a][0]) / d[0]  # 0 at a's centre, 1 at b's
        return a if -0.6 < t < 0.35 else b if 0.65 < t < 1.6 else None

    owner = near(c.vertex(a, b))
    if owner is None and flat:
        owner = near(c.vertex(a, b, True))
    if owner is None or c.cancelled[a] or c.cancelled[b] or \
            (c.joined is not None and not c.joined(a, b)):
        return None  # two marks made apart (a lowest point is in each): two answers
    left = a if d[0] > 0 else b
    if owner != left and c.net[left] >= c.high:
        # A tick drawn in the right box leaves only its hook's start in the left one; a mark
        # there is the left box's own tick running flat into a ticked right box (a double).
        return None
    return owner


def _bridge(lo: int, hi: int, c: BoxCalls, into: float = THROUGH, own: bool = False) -> bool:
    """Whether one stroke runs from box ``lo`` up or right into box ``hi`` (a tick's arm);
    ``into``: the ink it must show entering ``hi``; ``own``: ink of ``lo``'s own (a tick's
    hook) also shows where the stroke started, wherever it left the box."""
    sides, corners, centres, w = c.zones
    # In Python floats (the same doubles, the same comparisons as NumPy's arrays of two; it
    # is asked of every pair of boxes in a question, some 60 times a page).
    (hx, hy), (lx, ly), wl = centres[hi].tolist(), centres[lo].tolist(), float(w[lo])
    ax, ay = abs(hx - lx), abs(hy - ly)
    dx = ((hx > lx) - (hx < lx)) if ax > 0.5 * wl else 0
    dy = ((hy > ly) - (hy < ly)) if ay > 0.5 * wl else 0
    if max(ax, ay) > 4.5 * wl or dx < 0 or dy > 0 or (dx == 0 and dy == 0):
        return False
    # Where the stroke leaves the lower box and enters the upper one (its top-right
    # corner always counts: the long arm of a tick leaves there).
    if dx > 0 and dy < 0:
        out_lo, in_hi = corners[lo, 1], corners[hi, 2]
    elif dx > 0:  # level: the stroke may leave from the lower right corner (a tick's hook)
        out_lo = max(sides[lo, 1], corners[lo, 1], corners[lo, 3])
        in_hi = max(sides[hi, 0], corners[hi, 2])
    else:
        out_lo, in_hi = max(sides[lo, 2], corners[lo, 1]), max(sides[hi, 3], corners[hi, 2])
    started = out_lo > THROUGH / 4 or (own and c.net[lo] >= c.low / 2)
    return bool(started and in_hi > into)


def _arm_from(k: int, idx: list[int], c: BoxCalls) -> int | None:
    """The box right before box ``k`` in its row, or right below it in its column, that a stroke
    ending in ``k`` came from, when ``k`` holds only that stroke's end (``_arm_end``), entering
    through the side facing that box, the stroke runs back as far as that box (``c.reach``) and
    that box holds less than a mark: a tick drawn there whose small V lies on or under its
    outline, its long arm the only mark of the question (drawn with the paper generator's own
    tick, such ticks were read as ``k``, silently)."""
    if c.zones is None or c.reach is None or c.cancelled[k]:
        return None
    sides, _, centres, w = c.zones
    before = []
    for j in idx:
        dx, dy = (centres[k] - centres[j]) / w[j]
        if j != k and abs(dy) < 0.5 and 0.5 < dx < 4.5:
            before.append((dx, j, 0))  # the stroke enters ``k`` through its left side
        elif j != k and abs(dx) < 0.5 and 0.5 < -dy < 4.5:
            before.append((-dy, j, 3))  # ... through its bottom
    for gap, j, side in sorted(before)[:1]:
        if c.net[j] < c.low and not c.cancelled[j] and sides[k, side] > JOINED and \
                _arm_end(j, k, c) and c.reach(k) >= gap - 1.1:
            return j
    return None
