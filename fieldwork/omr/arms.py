"""A tick whose long arm ran on across the wide gap of a rating row into the next box.

Its V (the hook and the vertex, the stroke's lowest ink) lies in the box ticked, often small
or along the outline, so that box holds little ink; the arm runs nearly flat past the gap
(three box sides in a rating row) and ends in the next box, where it leaves a line's end and
crosses the band left of it. A person sees one tick, in the box of its V. Paper tuning seed
65: 11 such ticks went to a person, as a light mark (6) or with the arm's box as a mark beside
it (5); seed 51, 4.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .marks import PEN_INK, UNIT
from .ticks import ARM_FILL, ARM_WIDTH, _one_arm

if TYPE_CHECKING:
    from .judge import BoxCalls


def arm_box(k: int, idx: list[int], c: BoxCalls) -> int | None:
    """The box (of ``idx``) holding only the end of the long arm of a tick drawn in box
    ``idx[k]``: joined to it by one stroke whose lowest ink lies in ``idx[k]`` (``ticks._one_arm``),
    the question's only other ink; else None."""
    i = idx[k]
    if c.zones is None or c.joined is None or c.width is None or c.cancelled[i]:
        return None
    found = [j for j in idx if j != i and c.net[j] >= c.low / 4 and _one_arm(i, j, c)]
    if len(found) != 1:
        return None
    j = found[0]
    if any(c.net[o] >= c.low for o in idx if o not in (i, j)):
        return None
    return j


def light_tick(k: int, idx: list[int], c: BoxCalls) -> bool:
    """Whether the light mark in box ``idx[k]`` (a mark's level, below a clear one's) is the V of
    a tick whose long arm ran on into the next box (``arm_box``): its ink there is drawn (a pen's
    or pencil's darkness) and spreads as a V does, not a line's end (a straight stroke from this
    box into the next has its lowest ink here too, but no V)."""
    i = idx[k]
    if c.net[i] < c.low or c.peak is None or c.peak(i) < PEN_INK * UNIT:
        return False
    across, spread = c.width(i) if c.width is not None else (0.0, 0.0)
    if across <= ARM_WIDTH and spread <= ARM_FILL:
        return False
    return arm_box(k, idx, c) is not None


def box_before(idx: list[int], i: int, c: BoxCalls) -> int | None:
    """The box just before box ``i`` in its row (level with it, half a side to four and a half
    sides left of it), or None (``c.zones`` must be known)."""
    centres, w = c.zones[2], c.zones[3]
    before = [j for j in idx if abs(centres[j, 1] - centres[i, 1]) < 0.5 * w[i] and
              0.5 * w[i] < centres[i, 0] - centres[j, 0] < 4.5 * w[i]]
    return max(before, key=lambda k: centres[k, 0]) if before else None


def arm_of_read(i: int, idx: list[int], read: list[int], c: BoxCalls) -> bool:
    """Whether the ink beside box ``i`` (left of it) is the long arm of the tick read in a box of
    ``read`` before it in its row: ``i`` holds only that arm's end (``arm_box``), or the arm
    stops at its outline: the ticked box's own stroke runs on to ``i``'s left side, its lowest
    ink in the ticked box (``offbox._from_left``)."""
    if c.net[i] >= c.low:
        return False
    if any(arm_box(idx.index(j), idx, c) == i for j in read):
        return True
    if c.reach is None or c.zones is None:
        return False
    from .offbox import _from_left

    j = box_before(idx, i, c)
    if j is None:
        return False
    centres, w = c.zones[2], c.zones[3]
    gap = (centres[i, 0] - centres[j, 0]) / w[j] - 1  # box sides between the two outlines
    return j in read and not c.cancelled[j] and c.reach(j) >= gap - 0.1 and \
        _from_left(idx, i, c)
