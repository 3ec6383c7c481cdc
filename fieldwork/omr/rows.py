"""Judging the rows of single- and multiple-choice questions from their boxes' calls.

One box far darker than its siblings is an answer even when lightly marked, two clear
marks in a single choice are ``multiple``, a tick whose arm ran on into the next box is
read as the box of its hook, and the printed correction rule applies ("to correct, cross
out the wrongly filled box and fill the new one"). Anything else unclear is ``doubtful``
and goes to a person with its crop. The per-box calls (``judge.BoxCalls``) are made in
``judge``; digit grids reuse ``_single`` (``grids``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .levels import (
    BESIDE_SOLID,
    CLEAR,
    DOMINANCE,
    FAINT,
    FAINT_NOISE,
    JOINED,
    RELATIVE,
    RUBBED,
    RUBBED_PEAK,
    RUBBED_USUAL,
    RUNS_ON,
    SOLID,
    THROUGH,
)
from .marks import PEN_INK, UNIT

if TYPE_CHECKING:
    from .judge import BoxCalls

LONE_CORE = 0.5  # a lone light mark's ink in the box's middle third, over its whole fill
LONE_EVEN = 2.0  # at most: a line through the middle puts 3 times its share there, a fill ~1
SECOND_PEAK = 0.5  # a lighter mark's darkest ink over the first mark's: drawn, not a smear
JOINED_ARM = 0.06  # a tick's arm entering the next box, when one stroke is seen in both
NEW_MARK = 0.1  # a new answer beside a crossed-out box: a tick's worth of ink, not a speck
ARM_WIDTH = 0.3  # at most: how wide (box sides) a tick's arm's end lies in the box it ran into
ARM_FILL = 1.45  # ... and the turned rectangle round it over its ink (a line fills it; a V: 1.7+)


def _single(idx: list[int], opts: list[str], c: BoxCalls,
            grid: bool = False) -> tuple[list[str], str, float, str]:
    """Values, status, confidence and note of one single-choice group of boxes (``grid``: a
    digit grid's column, whose boxes share the gaps between them)."""
    # A tick's arm is seen leaving one box and entering the next; in a tight grid the two
    # boxes share the gap between them, so only a clear stroke counts there.
    joined = THROUGH if grid else JOINED
    net = c.net[idx]
    order = [int(k) for k in np.argsort(-net)]
    top = net[order[0]]
    second = net[order[1]] if len(idx) > 1 else 0.0
    marked = [k for k in order if net[k] >= c.low]
    if not marked:
        faint = [] if grid else _faint(idx, c)
        if faint:
            return [opts[k] for k in faint], "doubtful", 0.4, "light"
        return [], "blank", float(np.clip(1 - top / c.low, 0.5, 1.0)), ""
    clear = [k for k in marked if net[k] >= CLEAR]
    if len(clear) >= 2:  # strokes passing through, far lighter than the top mark, are not marks
        clear = [k for k in clear if k == order[0] or not c.through[idx[k]]
                 or net[k] * DOMINANCE > top]
        marked = [k for k in marked if k in clear or net[k] < CLEAR]
    if len(marked) == 2:  # one tick whose long arm ran on into the next box
        owner = _tick_pair(idx[marked[0]], idx[marked[1]], c, grid)
        if owner == -1:  # the other box holds more than the arm's end: a tick of its own
            return [opts[k] for k in sorted(marked)], "doubtful", 0.4, "tick into next"
        if owner is not None:
            return [opts[idx.index(owner)]], "ok", 0.6, "tick into next"
    if len(marked) == 3 and c.cancelled[idx[order[0]]] and not grid:
        # A box crossed out, and the new answer a tick whose long arm ran on into the next box
        rest = [idx[j] for j in marked if j != order[0]]
        owner = _tick_pair(rest[0], rest[1], c)
        new = None if owner is None or owner < 0 else \
            _new_mark(order[0], [order[0], idx.index(owner)], idx, c, arm=True)
        if new is not None:
            return [opts[new]], "ok", 0.6, "correction"
    if len(clear) >= 2:
        cancel = [k for k in clear if c.cancelled[idx[k]]]
        keep = [k for k in clear if not c.cancelled[idx[k]]]
        if not cancel or len(keep) > 1:
            return [opts[k] for k in sorted(clear)], "multiple", 0.9, "two marks"
        if not keep:
            return [opts[k] for k in sorted(clear)], "doubtful", 0.4, "cancelled"
        rest = [k for k in marked if k not in clear]
        if rest:
            return [opts[k] for k in sorted(keep + rest)], "doubtful", 0.4, "correction"
        fed = _fed(keep[0], idx, c)
        if fed:  # a stroke from another box runs into the new answer: a tick there too?
            return [opts[k] for k in sorted(keep + fed)], "doubtful", 0.4, "tick into next"
        return [opts[keep[0]]], "ok", 0.8, "correction"
    k = order[0]
    missed = [j for j in _missed(idx, c) if j != k] if top < CLEAR else []
    if missed:
        # A light mark here, and a stroke just outside another option's box, away from
        # every mark: the respondent may have meant that box (drawn under or beside it).
        return [opts[j] for j in sorted(set(missed) | {k})], "doubtful", 0.4, "missed box"
    sources = [j for j in range(len(idx)) if j != k and c.zones is not None and
               c.net[idx[k]] < SOLID and not _spreads(idx[k], c) and
               _bridge(idx[j], idx[k], c, joined, own=not grid) and
               (grid or _drawn_from(idx[j], idx[k], c))]
    if sources:
        # The only mark is a line coming in from another option's box: a tick drawn there
        # whose long arm ran on into this one, or an X whose arm did. A person decides (the
        # lowest ink named the box of a tick, but an X has two: tuning seed 31 read a cross
        # in box 3 as box 2 that way, silently).
        if len(sources) == 1 and not grid and _hook_in(idx[sources[0]], idx[k], c):
            return [opts[sources[0]]], "ok", 0.6, "tick into next"
        # Offer both boxes, the hook's and the arm's: the person picks without a second look.
        return [opts[j] for j in sorted(set(marked) | {k} | (set() if grid else set(sources)))], \
            "doubtful", 0.4, "tick into next"
    hooks = [] if grid or c.zones is None else [
        j for j in range(len(idx)) if j != k and net[j] < SOLID and
        _bridge(idx[j], idx[k], c, JOINED, own=True) and
        _vertex_owner(idx[j], idx[k], c, flat=False) == idx[j]]
    if hooks:
        # A tick here, and a stroke joining it whose lowest ink (a hook's vertex) lies in the
        # box beside: that box's tick ran on into this one's, a double for a person (drawn,
        # such doubles were read as this box alone).
        return [opts[j] for j in sorted(set(hooks) | {k})], "doubtful", 0.4, "tick into next"
    if top >= CLEAR and c.zones is not None and not grid:
        # A lighter mark elsewhere that is one end of a stroke joining two boxes is a tick
        # whose arm ran on into the next box, not a speck: a second answer, for a person.
        ticks = [j for j in marked if j != k and net[j] >= c.high and not c.through[idx[j]]
                 and any(
                     _bridge(idx[a], idx[b], c, JOINED) for o in range(len(idx))
                     if o not in (j, k) for a, b in ((j, o), (o, j)))]
        if ticks:
            return [opts[j] for j in sorted(set(ticks) | {k})], "doubtful", 0.4, \
                "tick into next"
    stray = bool(c.strays[idx[k]]) or (top < CLEAR and (_streak(idx[k], c) or (
        not grid and _runs_on(idx[k], idx, c))))
    if c.cancelled[idx[k]] and c.crosses and top >= CLEAR and second < c.low:
        return [opts[k]], "ok", 0.6, "cross"  # this respondent's way of marking
    if c.cancelled[idx[k]] and not grid:
        new = _new_mark(k, marked, idx, c)
        fed = [] if new is None else _fed(new, idx, c)
        if fed:  # a stroke from another box runs into the new answer: a tick there too?
            return [opts[j] for j in sorted(fed + [new])], "doubtful", 0.4, "tick into next"
        if new is not None:  # crossed out, and one other box ticked as firmly: the new answer
            return [opts[new]], "ok", 0.6, "correction"
    if c.cancelled[idx[k]]:  # crossed out and nothing chosen instead
        return [opts[k]], "doubtful", 0.4, "cancelled"
    firm = [j for j in marked if j != k and _firm(idx[j], idx[k], c)] if not grid else []
    if firm and not stray:
        # A second mark far lighter than the first, but drawn with a stroke as dark as a pen's
        # or pencil's (a light tick beside a fill): a second answer, not a smear left by an
        # eraser (tuning sets: smears' darkest ink at most 0.42 of the mark's).
        return [opts[j] for j in sorted(firm + [k])], "doubtful", 0.4, "second mark"
    if len(idx) > 1 and second < c.low and not grid and c.zones is not None and \
            _arm_end(idx[k], idx[order[1]], c) and \
            _vertex_owner(idx[k], idx[order[1]], c, flat=False) == idx[k]:
        second = 0.0  # the ink beside is only this tick's arm run on (a stroke's end)
    if not grid and not stray and c.low <= top < c.high and c.zones is not None:
        from .arms import light_tick

        if light_tick(k, idx, c):  # a small V here, its long arm run on into the next box
            return [opts[k]], "ok", 0.6, "tick into next"
    dominant = top >= DOMINANCE * max(second, c.low / 2)
    if top >= CLEAR and dominant and not stray:
        return [opts[k]], "ok", float(c.confidence[idx[k]]) if second < c.low else 0.6, ""
    if top >= c.high and dominant and not stray:
        return [opts[k]], "ok", 0.6, ""
    if not grid and not stray and top >= DOMINANCE * second and _lone_fill(idx, idx[k], c):
        return [opts[k]], "ok", 0.6, "light"
    if top >= CLEAR and not stray and second < CLEAR and top >= RUBBED * second and \
            c.typical > 0 and top >= RUBBED_USUAL * c.typical and c.peak is not None and \
            all(c.peak(idx[j]) < RUBBED_PEAK * c.peak(idx[k]) for j in marked if j != k):
        # A mark as dark as the respondent's usual ones, the others faint smears far below
        # it with no stroke of their own (a light tick keeps its pen's darkness): pencil
        # rubbed out to change the answer (the printed rule is for pen).
        return [opts[k]], "ok", 0.6, "rubbed out"
    # "second mark" only when another box holds a mark: a lone one is just too light.
    why = "stray stroke" if stray else ("second mark" if len(marked) > 1 else "light")
    return [opts[j] for j in sorted(marked)], "doubtful", 0.4, why


def _drawn_from(j: int, k: int, c: BoxCalls) -> bool:
    """Whether the ink between box ``j`` and the mark in box ``k`` can be a stroke drawn from
    ``j``: one connected stroke reaches inside both, or ``j`` holds drawn ink of its own (a
    tick's hook cut off from its arm). Faint ink in ``j`` apart from the mark (print showing
    through, a neighbour row's stroke) is not (tuning seed 51: 5 such marks, each the one
    clear tick or cross of its question, went to a person as "tick into next"; the 7 real
    ticks run on from a neighbour were all one stroke)."""
    if c.joined is None or c.peak is None:
        return True
    return bool(c.joined(j, k)) or c.peak(j) >= PEN_INK * UNIT


def _firm(j: int, k: int, c: BoxCalls) -> bool:
    """Whether box ``j``, lighter than the mark in box ``k`` of the same question, holds a mark's
    worth of ink drawn as firmly as a stroke (its darkest ink at least ``SECOND_PEAK`` of the
    mark's), kept near the box as a mark is: not crossed out, not a line passing through it,
    nor one running on past it (synth seed 52: long strays across a row, 7 of them). A tick
    drawn bigger than its box, its vertex well below it, counts (it leaves the box as a stray
    line does; such a double, drawn, was read as the fill alone)."""
    if c.peak is None or c.net[j] < c.high or c.cancelled[j] or c.through[j]:
        return False
    if c.peak(j) < SECOND_PEAK * c.peak(k):
        return False
    return c.reach is None or c.reach(j) < RUNS_ON


def _new_mark(k: int, marked: list[int], idx: list[int], c: BoxCalls,
              arm: bool = False) -> int | None:
    """The position of the new answer beside box ``k`` (filled, then crossed out, the printed
    correction rule): the question's one other marked box, holding a mark's worth of ink
    (``NEW_MARK``) drawn as firmly as the crossed fill (its darkest ink at least
    ``SECOND_PEAK`` of it: a pen's tick or cross, not a smear or a faint speck), kept inside
    its box (no line through it, none running on past it). Anything less, or more than one
    such box, stays for a person (tuning seed 51: 12 such corrections, ticks and crosses of
    0.12-0.19 of black, all went to a person as "cancelled"). ``arm``: the box is a tick's
    whose long arm ran on into the next box (``_tick_pair``), which explains its ink leaving it
    (tuning seed 51: 4 such corrections went to a person with three boxes offered)."""
    others = [j for j in marked if j != k]
    if len(others) != 1 or c.peak is None:
        return None
    j = others[0]
    i, top = idx[j], idx[k]
    if c.net[i] < NEW_MARK or c.cancelled[i] or (c.strays[i] and not arm):
        return None
    if c.through[i] and not arm and not (c.zones is not None and _spreads(i, c)):
        return None  # a line through the box, unless it is the arms of a cross drawn there
    if c.peak(i) < SECOND_PEAK * c.peak(top):
        return None
    return j if arm or c.reach is None or c.reach(i) < RUNS_ON else None


def _fed(k: int, idx: list[int], c: BoxCalls) -> list[int]:
    """Positions in ``idx`` of the unmarked boxes a drawn stroke runs from into box ``k`` (a
    tick's arm, its hook in that box lighter than a mark's level): the new answer of a
    correction may be the arm's end of a tick drawn there (drawn: such doubles were read as
    the correction alone)."""
    if c.zones is None:
        return []
    return [j for j in range(len(idx)) if j != k and c.net[idx[j]] < c.low and
            _bridge(idx[j], idx[k], c, JOINED, own=True) and
            c.joined is not None and bool(c.joined(idx[j], idx[k]))]


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


def _lone_fill(idx: list[int], i: int, c: BoxCalls) -> bool:
    """Whether the light mark in box ``i``, the only ink of its question, is a mark drawn in
    the box: its ink reaches the box's middle as densely as the rest of it (a light pencil
    fill, much of it lost to a one-bit scan), and no ink lies round any of the question's
    boxes (the edge of a ring or a stroke from outside touches only the box's border).
    Tuning seed 51: 11 such marks on one page, 0.05-0.064 of black, all answers; a ring's
    arc crossing a box's corner showed 0.04 there and nothing in the middle. Nor is ink packed
    in the middle a fill: a thin line through the box (a scanner streak down the page) puts
    three times its share there, and was read as the answer (held-out seed 14)."""
    if c.core is None or c.around is None:
        return False
    if any(c.around[j] or c.beside[j] or c.near[j] or c.ringish[j] or c.text_ring[j] or
           c.cancelled[j] for j in idx):
        return False
    return bool(LONE_CORE * c.net[i] <= c.core[i] <= LONE_EVEN * c.net[i])


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
    return across <= ARM_WIDTH and spread <= ARM_FILL


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
        alone = all(np.abs(centres[m] - centres[i]).max() > 2.5 * w[i] for m in marked)
        if inky >= 2 and alone:
            out.append(j)
    return out


def _spreads(i: int, c: BoxCalls) -> bool:
    """Whether a mark's ink runs out of its box on three sides or corners or more: its own
    arms (a cross, a scribble), not one stroke coming in."""
    sides, corners = c.zones[0][i], c.zones[1][i]
    return bool((sides > JOINED).sum() >= 3 or (corners > JOINED).sum() >= 3)


def _bridge(lo: int, hi: int, c: BoxCalls, into: float = THROUGH, own: bool = False) -> bool:
    """Whether one stroke runs from box ``lo`` up or right into box ``hi`` (a tick's arm);
    ``into``: the ink it must show entering ``hi``; ``own``: ink of ``lo``'s own (a tick's
    hook) also shows where the stroke started, wherever it left the box."""
    sides, corners, centres, w = c.zones
    dx, dy = np.sign(centres[hi] - centres[lo]) * (np.abs(centres[hi] - centres[lo]) >
                                                    0.5 * w[lo])
    if np.abs(centres[hi] - centres[lo]).max() > 4.5 * w[lo] or dx < 0 or dy > 0 or \
            (dx == 0 and dy == 0):
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


def _multiple(idx: list[int], opts: list[str], c: BoxCalls) -> tuple[list[str], str, float, str]:
    """Values, status, confidence and note of a multiple-choice question."""
    net = c.net[idx]
    picked, unsure, note, why, rubbed, arm = [], [], "", "", False, False
    plain = any(net[k] >= CLEAR and not c.cancelled[idx[k]] for k in range(len(idx)))
    # A light mark far below the respondent's usual marks on the page, or far below a
    # filled-in mark of the same question, is more likely a passing stroke than an answer.
    darkest = max([0.0] + [net[k] for k in range(len(idx)) if not c.cancelled[idx[k]]])
    # Ticks whose arm ran on up into the box above: their reach is the arm's, not a long stray.
    arms = {_arm_source(idx[k], idx, c) for k in range(len(idx)) if net[k] < CLEAR} - {None}
    for k in range(len(idx)):
        if net[k] < c.low:
            continue
        light = ((net[k] < CLEAR and net[k] < RELATIVE * c.typical)
                 or (net[k] < SOLID and net[k] < BESIDE_SOLID * darkest))
        if c.cancelled[idx[k]] and plain:
            note = "correction"
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
        elif net[k] < CLEAR and _arm_from_below(idx[k], idx, c):
            arm = True  # the end of the tick in the box below, its arm run on up into this one
        else:
            unsure.append(k)
            why = why or ("cancelled" if c.cancelled[idx[k]] else "stray stroke"
                          if stray else "light")
    for a in list(picked):  # a tick running on into the next box could be read as two marks
        for b in list(picked):
            if a != b and b in picked and _tick_owner(idx[a], idx[b], c) is not None:
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
             _arm_source(idx[k], idx, c) is None]
    if faint:
        unsure += faint
        why = why or "light"
    if unsure or (note == "" and any(c.cancelled[i] for i in idx)):
        return [opts[k] for k in sorted(picked + unsure)], "doubtful", 0.4, \
            why or note or "cancelled"
    if not picked:
        return [], "blank", float(np.clip(1 - net.max() / c.low, 0.5, 1.0)), note
    conf = min(float(c.confidence[idx[k]]) for k in picked)
    return [opts[k] for k in picked], "ok", conf, note or ("rubbed out" if rubbed else "") or (
        "tick into next" if arm else "")


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


def _arm_from_below(i: int, idx: list[int], c: BoxCalls) -> bool:
    """Whether the light ink in box ``i`` of a multiple choice is only the end of a tick's arm
    run on up from the box right below (``_arm_source``)."""
    return _arm_source(i, idx, c) is not None


def _arm_source(i: int, idx: list[int], c: BoxCalls) -> int | None:
    """The box right below box ``i`` of a multiple choice whose tick's arm ran on up into it,
    when the light ink in ``i`` is only that arm's end: that box holds a mark (not crossed out,
    not a stray line) darker than this ink, its ink leaves through its top side and enters
    this box through its bottom, one connected stroke reaches inside both, and the stroke ends
    here (no ink out of this box on any other side or corner, and the ink a line's width
    across: a tick of its own drawn over the arm's end spreads wider). Tuning seed 51: 7 such
    ticks in the two-column reason list, each sent to a person with the box above as a third
    answer."""
    if c.zones is None or c.joined is None or c.cancelled[i]:
        return None
    sides, corners, centres, w = c.zones
    if sides[i, 3] <= THROUGH or max(sides[i, :3].max(), corners[i].max()) > JOINED:
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
        if sides[j, 2] > THROUGH and c.joined(j, i):
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
