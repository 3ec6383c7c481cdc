"""Judging the boxes of a multiple-choice question from their calls.

Each box is its own answer: a light mark far below the respondent's usual marks is
doubted unless drawn as firmly as a mark, pencil rubbed out is no answer, a ring's arc
over a box is its option's ring, and a tick whose arm ran on into the box above or beside
is one answer, in its own box (``ticks``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .levels import (
    BESIDE_SOLID,
    CANCEL_CORNERS,
    CLEAR,
    JOINED,
    RELATIVE,
    RUBBED,
    RUBBED_PEAK,
    RUNS_ON,
    SOLID,
    THROUGH,
)
from .light import _faint, _streak
from .marks import PEN_INK, UNIT
from .ticks import ARM_FILL, ARM_WIDTH, JOINED_ARM, _bridge, _tick_owner

if TYPE_CHECKING:
    from .judge import BoxCalls

OWN_V = 1.7  # a clear mark's turned rectangle over its ink, at least: a V's (a line's end: 1.45)
OVER_DIAG = 1.3  # ink on a box's diagonals over ink between them, at least: an X's arms over
# more ink (drawn X's over ticks: 1.4-2.8; fills spilled past the corners: 0.99-1.07)
CLEAN_X = 2.5  # ... over the darkest triangle between the diagonals, under: something under the X
# (drawn lone X's: 3.6-43; X's over ticks: 0.8-1.8)
STRUCK = 0.1  # ink past both the left and right sides of a box struck through, at least (drawn
# scribbles and lines through ticks and fills: 0.10-0.50; the clear marks of the multiple
# choices of eight tuning sets, paper and synth, 827 with nothing past top or bottom: 0.086 at
# most, a fill spilling all round)


def _multiple(idx: list[int], opts: list[str], c: BoxCalls) -> tuple[list[str], str, float, str]:
    """Values, status, confidence and note of a multiple-choice question."""
    net = c.net[idx]
    picked, unsure, note, why, rubbed, arm = [], [], "", "", False, False
    plain = any(net[k] >= CLEAR and not c.cancelled[idx[k]] for k in range(len(idx)))
    # A light mark far below the respondent's usual marks on the page, or far below a
    # filled-in mark of the same question, is more likely a passing stroke than an answer.
    darkest = max([0.0] + [net[k] for k in range(len(idx)) if not c.cancelled[idx[k]]])
    # Ticks whose arm ran on up into the box above: their reach is the arm's, not a long stray.
    ends = {k: _arm_source(idx[k], idx, c) for k in range(len(idx)) if net[k] < SOLID}
    arms = set(ends.values()) - {None}
    for k in range(len(idx)):
        if net[k] < c.low:
            continue
        if ends.get(k) is not None:
            arm = True  # the end of the tick in the box below, its arm run on up into this one
            continue
        light = ((net[k] < CLEAR and net[k] < RELATIVE * c.typical)
                 or (net[k] < SOLID and net[k] < BESIDE_SOLID * darkest))
        if c.cancelled[idx[k]] and plain:
            note = "correction"
            continue
        if _over_mark(idx[k], c) or _struck(idx[k], idx, c):
            unsure.append(k)  # an X over another mark, or a line through it: struck out, or messy
            why = why or "cancelled"
            continue
        stray = c.strays[idx[k]] or (net[k] < CLEAR and _streak(idx[k], c))
        if net[k] >= c.high and not stray and not light:
            picked.append(k)
        elif net[k] >= c.high and not stray and _own_stroke(idx[k], idx, c) and \
                (c.reach is None or idx[k] in arms or c.reach(idx[k]) < RUNS_ON):
            picked.append(k)  # light beside a darker mark, but drawn as firmly: a tick, a part fill
        elif (c.strays[idx[k]] or light) and _ring_arc(idx[k], c):
            picked.append(k)  # the ink is the arc of a ring round this option's text
            note = note or "ring"
        elif light and not stray and _smear(idx[k], idx, c):
            rubbed = True  # pencil rubbed out: no answer there
        else:
            unsure.append(k)
            why = why or ("cancelled" if c.cancelled[idx[k]] else "stray stroke"
                          if stray else "light")
    for a in list(picked):  # a tick running on into the next box could be read as two marks
        for b in list(picked):
            if a != b and b in picked and _tick_owner(idx[a], idx[b], c) == idx[a] \
                    and not _own_mark(idx[b], c):
                picked.remove(b)
                unsure.append(b)
                why = why or "tick into next"
    for a in list(picked):  # ... and a light mark that a stroke from a marked box may reach
        for b in list(picked):
            if a != b and b in picked and c.zones is not None and c.net[idx[b]] < CLEAR \
                    and _bridge(idx[a], idx[b], c, THROUGH / 2):
                picked.remove(b)
                unsure.append(b)
                why = why or "tick into next"
    faint = [k for k in _faint(idx, c) if k not in picked + unsure and  # ... not an arm's end
             ends.get(k, _arm_source(idx[k], idx, c)) is None]
    if faint:
        unsure += faint
        why = why or "light"
    # A box crossed out with no clear mark chosen instead is doubted (``offbox`` reads the
    # options ringed or marked beside instead), also when a ring's arc over another box was
    # read here: seed 96 read a crossed-out fill as chosen beside two ringed texts, silently.
    crossed = note in ("", "ring") and any(c.cancelled[i] for i in idx)
    if unsure or crossed:
        return [opts[k] for k in sorted(picked + unsure)], "doubtful", 0.4, \
            why or ("cancelled" if crossed else note) or "cancelled"
    if not picked:
        return [], "blank", float(np.clip(1 - net.max() / c.low, 0.5, 1.0)), note
    conf = min(float(c.confidence[idx[k]]) for k in picked)
    return [opts[k] for k in picked], "ok", conf, note or ("rubbed out" if rubbed else "") or (
        "tick into next" if arm else "")


def _over_mark(i: int, c: BoxCalls) -> bool:
    """Whether the clear mark in box ``i`` of a multiple choice is an X drawn over another
    mark (a tick crossed out), not read crossed out (no fill under it): ink past three
    corners as an X's arms, more ink on the diagonals than between them (``OVER_DIAG``: no
    fill spilled past its corners) and one of the four triangles between them about as dark
    as the diagonals (``CLEAN_X``: no lone X). In a multiple choice another box marked is no
    new answer that makes the cross a correction, and the option was read as chosen (held-out
    seed 26; drawn, X's over ticks on danang-2025's reasons, 150 and 300 dpi, grey, one-bit
    and dithered: 11 of 24 silently, 5 now: heavy X's over small ticks, whose triangles stay as
    clean as a lone X's; the tuning sets' lone X's: 3.1 and more)."""
    if c.between is None or c.diagonal is None or c.zones is None or c.net[i] < CLEAR or \
            c.cancelled[i] or (c.zones[1][i] > CANCEL_CORNERS).sum() < 3:
        return False
    return c.diagonal(i) >= OVER_DIAG and c.between(i) < CLEAN_X


def _struck(i: int, idx: list[int], c: BoxCalls) -> bool:
    """Whether the clear mark in box ``i`` of a multiple choice was struck out with a line or a
    scribble drawn through it from side to side: ink past both its left and right sides and
    not past its top or bottom (a ring round the box or a fill spilling all round leaves ink
    there too), not read crossed out (no X), no ring round its text. Unless the respondent
    marks so: the question's other clear marks are struck the same way. An X over a mark is
    ``_over_mark``'s."""
    if c.zones is None or c.net[i] < CLEAR or c.cancelled[i] or \
            any(r is not None and r[i] for r in (c.around, c.ringish, c.text_ring)):
        return False  # a ring round the box or its text passes through it from side to side
    if not _through_line(i, c):
        return False
    others = [j for j in idx if j != i and c.net[j] >= CLEAR and not c.cancelled[j]]
    return not others or not all(_through_line(j, c) for j in others)


def _through_line(i: int, c: BoxCalls) -> bool:
    """Ink past box ``i``'s left and right sides and not past its top or bottom."""
    sides = c.zones[0][i]
    return bool(min(sides[0], sides[1]) > STRUCK and max(sides[2], sides[3]) < THROUGH)


def _own_stroke(i: int, idx: list[int], c: BoxCalls) -> bool:
    """Whether a light mark of a multiple choice, beside a darker one of the same question,
    was drawn as firmly as it (its darkest ink as dark, a tick or a part fill beside a full
    one, and drawn ink at all), not a smear left by an eraser or a brush of the hand (tuning
    sets: smears at most 0.42 of the darker mark's darkest ink, light answers 0.70 or more)."""
    if c.peak is None:
        return False
    darker = [j for j in idx if c.net[j] > c.net[i] and not c.cancelled[j]]
    if not darker:
        return False
    top = max(darker, key=lambda j: c.net[j])
    return c.peak(i) >= max(PEN_INK * UNIT, RUBBED_PEAK * c.peak(top))


def _own_mark(i: int, c: BoxCalls) -> bool:
    """Whether box ``i`` holds a clear mark of its own: a cross, spread wider than a line's end
    with its ink past three of its corners, or a V (its turned rectangle filled as little as a
    V fills it, ``OWN_V``). The end of a tick's arm run on from the box below is a line, enters
    by one corner or side and ends there (tuning seeds 51 and 65: two crosses, one above the
    other, whose arms nearly meet, went to a person as a "tick into next"; seed 96: a tick
    with the arm of the tick below ending in it, the same)."""
    if c.zones is None or c.width is None or c.net[i] < CLEAR or c.cancelled[i]:
        return False
    spread = c.width(i)[1]
    return bool(spread >= OWN_V or ((c.zones[1][i] > THROUGH).sum() >= 3 and spread > ARM_FILL))


def _arm_source(i: int, idx: list[int], c: BoxCalls) -> int | None:
    """The box right below box ``i`` of a multiple choice whose tick's arm ran on up into it,
    when the light ink in ``i`` is only that arm's end: that box holds a mark (not crossed out,
    not a stray line) darker than this ink, its ink leaves through its top side and enters
    this box through its bottom (``JOINED_ARM``, as a single choice's tick run on: a thin pen's
    arm leaves 0.11 there, seed 96), one connected stroke reaches inside both, and the stroke ends
    here (no ink out of this box on any other side or corner, and the ink a line's width
    across: a tick of its own drawn over the arm's end spreads wider). Tuning seed 51: 7 such
    ticks in the two-column reason list, each sent to a person with the box above as a third
    answer. The arm's end may hold as much ink as a clear mark (a long arm along the box's
    height, a thick pen at 150 dpi: p65 sheet 026, 0.21) or be drawn as darkly as the tick
    (600 dpi, p65 sheet 131): a line's end all the same, asked before any other rule."""
    if c.zones is None or c.joined is None or c.cancelled[i]:
        return None
    sides, corners, centres, w = c.zones
    if sides[i, 3] <= JOINED_ARM or max(sides[i, :3].max(), corners[i].max()) > JOINED:
        return None
    if c.width is not None:
        across, spread = c.width(i)
        if across > ARM_WIDTH or spread > ARM_FILL:
            return None
    for j in idx:
        d = (centres[j] - centres[i]) / w[i]
        if j == i or not (abs(d[0]) < 0.5 and 0.5 < d[1] < 4.5):
            continue
        if c.net[j] < c.high or c.net[j] <= c.net[i] or c.cancelled[j] or c.strays[j]:
            continue
        if sides[j, 2] > JOINED_ARM and c.joined(j, i):
            return j
    return None


def _smear(i: int, idx: list[int], c: BoxCalls) -> bool:
    """Whether the light ink in box ``i`` of a multiple choice is pencil rubbed out: nowhere as
    dark as drawn ink (``PEN_INK``) nor as ``RUBBED_PEAK`` of any clear mark of the question,
    far lighter than one of them (``RUBBED``), and all of it inside the box. A light tick or
    fill keeps its pen's or pencil's darkness somewhere (tuning seed 51: four rubbed-out
    fills, darkest ink 0.07-0.11 of black beside marks of 0.25-0.36, went to a person)."""
    if c.peak is None or c.zones is None or c.net[i] >= CLEAR or c.cancelled[i]:
        return False
    clear = [j for j in idx if j != i and c.net[j] >= CLEAR and not c.cancelled[j]]
    if not clear or max(c.net[j] for j in clear) < RUBBED * c.net[i]:
        return False
    if max(c.zones[0][i].max(), c.zones[1][i].max()) > JOINED:
        return False  # ink out of the box: a stroke, not a smear
    p = c.peak(i)
    return p < PEN_INK * UNIT and all(p < RUBBED_PEAK * c.peak(j) for j in clear)


def _ring_arc(i: int, c: BoxCalls) -> bool:
    """Whether the ink in box ``i`` is the arc of a ring drawn round its own option's text:
    a ring there, and the ink crosses the box from the side or below (a ring round the text
    beside it passes so; ink coming in from above is something else: another sheet's print)."""
    if c.text_ring is None or c.zones is None or not c.text_ring[i] or c.cancelled[i] or \
            c.net[i] >= SOLID:
        return False
    sides, corners = c.zones[0][i], c.zones[1][i]
    return bool(sides[2] <= THROUGH and corners[0] <= THROUGH and corners[1] <= THROUGH)
