"""Judging the boxes of a single-choice question from their calls.

One box far darker than its siblings is an answer even when lightly marked, two clear
marks in a single choice are ``multiple``, a tick whose arm ran on into the next box is
read as the box of its hook (``ticks``), and the printed correction rule applies ("to
correct, cross out the wrongly filled box and fill the new one"). Anything else unclear is
``doubtful`` and goes to a person with its crop. The per-box calls (``judge.BoxCalls``) are
made in ``judge``; digit grids reuse ``_single`` (``grids``); multiple choices are judged in
``multiple``, light ink that may be no mark in ``light``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .levels import (
    CLEAR,
    DOMINANCE,
    JOINED,
    RUBBED,
    RUBBED_PEAK,
    RUBBED_USUAL,
    RUNS_ON,
    SOLID,
    THROUGH,
)
from .light import _faint, _missed, _runs_on, _streak
from .marks import PEN_INK, UNIT
from .ticks import _arm_end, _arm_from, _bridge, _hook_in, _tick_pair, _vertex_owner

if TYPE_CHECKING:
    from .judge import BoxCalls

LONE_CORE = 0.5  # a lone light mark's ink in the box's middle third, over its whole fill
LONE_EVEN = 2.0  # at most: a line through the middle puts 3 times its share there, a fill ~1
SECOND_PEAK = 0.5  # a lighter mark's darkest ink over the first mark's: drawn, not a smear
NEW_MARK = 0.1  # a new answer beside a crossed-out box: a tick's worth of ink, not a speck
LONE_PEAK = 0.3  # a lone light tick's darkest ink: a pen's (smears, ghosts: under 0.18)
LONE_ACROSS = 0.25  # ... the short side of its turned rectangle, box sides (a line's end: 0.13)
LONE_REACH = 0.4  # ... and how far its stroke runs on past the box at most, box sides
LOW_V_FILL = 1.7  # a V's turned rectangle over its ink, at least (a line's end: 1.0-1.45)
NARROW_V = 0.15  # a lone light V's short side at least, box sides, when it is a V (LOW_V_FILL)


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
        return _arm_new(keep[0], idx, opts, c) or ([opts[keep[0]]], "ok", 0.8, "correction")
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
        # Another mark of the question besides the tick's two boxes (a lone mark's level, not
        # a faint streak) is another answer: two ticks, each run on into its next box, were
        # read as one of them, silently (drawn with the paper generator's own ticks).
        if len(sources) == 1 and not grid and _hook_in(idx[sources[0]], idx[k], c) and \
                all(net[o] < c.high for o in marked if o not in (k, sources[0])):
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
    arm = None if grid or len(marked) != 1 or top >= SOLID else _arm_from(idx[k], idx, c)
    if arm is not None:
        # The only mark is the end of a long stroke come in from the box before, which holds
        # less than a mark: a tick there whose V lies on or under its outline, or a line drawn
        # from it. The V's box when the stroke's lowest ink is there (``_hook_in``, as for the
        # hooks seen leaving their box above); else a person's call (both offered).
        if _hook_in(arm, idx[k], c):
            return [opts[idx.index(arm)]], "ok", 0.6, "tick into next"
        return [opts[j] for j in sorted({k, idx.index(arm)})], "doubtful", 0.4, "tick into next"
    if c.cancelled[idx[k]] and not grid and len(marked) == 2:
        # Crossed out, and the other mark the end of a tick's long arm (p65 sheet 82: box 1
        # crossed out, the V on box 4's outline, the arm's end in box 5: boxes 1 and 5 offered)
        arm = _arm_new(marked[1], idx, opts, c)
        if arm is not None:
            return arm
        if _run_on(marked[1], marked[0], idx, c):
            # ... or its V, the arm run on into an empty box above or after it (fresh seed
            # 94, sheet 16: the V in "Đại học", 0.096 of black, the arm up into the box above)
            return [opts[marked[1]]], "ok", 0.6, "correction"
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
    stray = (bool(c.strays[idx[k]]) and (
        grid or second >= c.low / 2 or not _low_v(idx, idx[k], c))) or \
        (top < CLEAR and (_streak(idx[k], c) or (not grid and _runs_on(idx[k], idx, c))))
    if not stray and not grid and len(marked) == 1 and top < SOLID and c.ends is not None and \
            second < c.low / 2:
        # The question's one mark is the end of a line come in from far outside (a slip of
        # the pen ending in the box, no tick's V, no other box of the question it was drawn
        # from or to: p65 sheet 253's V low in box 1, its arm run flat into box 2, 0.033 there,
        # is a tick): a person sees a stroke, not an answer (stray-heavy synth sets: blanks
        # read as it).
        stray = bool(c.ends(idx[k]))
    if c.cancelled[idx[k]] and (c.crosses if grid else c.x_marks) and top >= CLEAR and \
            second < c.low and \
            (grid or _untouched(idx, idx[k], c)):
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
    if not grid and not stray and second < c.low / 2 and _lone_tick(idx, idx[k], c, narrow=True):
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


def _untouched(idx: list[int], i: int, c: BoxCalls) -> bool:
    """Whether every box of the question but ``i`` is clean: under half the empty level's
    margin and no drawn ink's darkness anywhere in it (``PEN_INK``). A heavy X alone in its
    question is this cross-marking respondent's answer; a box filled and crossed out beside a
    small new mark is a correction whose new answer was nearly lost (held-out seed 26: a
    150 dpi one-bit page, two corrections read as the crossed-out boxes, silently)."""
    return all(c.net[j] < c.low / 2 and (c.peak is None or c.peak(j) < PEN_INK * UNIT)
               for j in idx if j != i)


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
    if c.cancelled[i] or (c.strays[i] and not arm and not _into_crossed(i, top, c)):
        return None  # a stray line, unless a tick's arm run on into the crossed box
    small = not arm and _small_tick(i, c)
    if c.net[i] < NEW_MARK and not (arm or small):
        return None
    if c.through[i] and not arm and not (c.zones is not None and _spreads(i, c)):
        return None  # a line through the box, unless it is the arms of a cross drawn there
    if c.peak(i) < SECOND_PEAK * c.peak(top) and not small:
        return None
    return j if arm or c.reach is None or c.reach(i) < RUNS_ON or _into_crossed(i, top, c) \
        else None


def _small_tick(i: int, c: BoxCalls) -> bool:
    """Whether box ``i``, beside a box crossed out, holds a tick of its own, however small
    (under ``NEW_MARK``) or light beside the crossed fill (under ``SECOND_PEAK`` of it): a
    mark's level (``high``), a pen's darkness (``LONE_PEAK``), a V (its turned rectangle
    ``LOW_V_FILL`` times its ink) kept in the box (``LONE_REACH``). A smear or a speck is no V
    of a pen's darkness. Fresh paper seed 97, sheet 36: a light tick (0.098 of black, its
    darkest ink 0.53 of the fill's) beside a heavy crossed fill went to a person as
    "cancelled"; a person reads the tick at a glance."""
    if c.width is None or c.reach is None or c.net[i] < c.high or c.through[i]:
        return False
    return c.peak(i) >= LONE_PEAK and c.width(i)[1] >= LOW_V_FILL and c.reach(i) <= LONE_REACH


def _into_crossed(i: int, top: int, c: BoxCalls) -> bool:
    """Whether the mark in box ``i`` runs on past its box only because it is a tick whose long
    arm ran on into the crossed-out box ``top`` (after it in its row, or above it): a V in
    ``i`` (``LOW_V_FILL``), one stroke joining the two boxes and entering ``top`` from ``i``'s
    side (``_bridge``, ``joined``), and no ink leaving ``i`` but where a tick's long arm rises
    (its right and top sides, its top-right corner). Fresh paper seed 97, sheet 50: a tick in
    box 2 whose arm ran flat into the crossed box 3 went to a person as "cancelled"."""
    if c.zones is None or c.width is None or c.joined is None or c.width(i)[1] < LOW_V_FILL:
        return False
    sides, corners = c.zones[0][i], c.zones[1][i]
    if max(sides[0], sides[3], corners[0], corners[2], corners[3]) > THROUGH / 2:
        return False
    return _bridge(i, top, c, JOINED) and bool(c.joined(i, top))


def _arm_new(j: int, idx: list[int], opts: list[str], c: BoxCalls):
    """The reading of a correction whose new mark, at position ``j`` beside the crossed-out box,
    is only the end of a tick's long arm run on from the box before it (``_arm_from``: the V
    on or under that box's outline, under a mark's level): the V's box when the stroke's lowest
    ink is there (``_hook_in``), else both boxes for a person; None when ``j`` holds more than
    such an arm's end. Drawn with the generator's own low ticks beside a crossed fill, all went
    to a person, and one (its arm's end past ``CLEAR``) was read as the arm's box, silently."""
    if c.net[idx[j]] >= SOLID:
        return None
    arm = _arm_from(idx[j], idx, c)
    if arm is None:
        return None
    if _hook_in(arm, idx[j], c):
        return [opts[idx.index(arm)]], "ok", 0.6, "correction"
    return [opts[k] for k in sorted({j, idx.index(arm)})], "doubtful", 0.4, "tick into next"


def _run_on(j: int, k: int, idx: list[int], c: BoxCalls) -> bool:
    """Whether the mark at position ``j``, beside the crossed-out box at ``k``, is a tick whose
    long arm ran on into an empty box above it or after it in its row: a mark's level
    (``high``), drawn as firmly as the crossed fill (``SECOND_PEAK``), no line through it, and
    one stroke leaving it towards that box and entering it (``_bridge``, ``joined``)."""
    i = idx[j]
    if c.zones is None or c.peak is None or c.joined is None or c.net[i] < c.high or \
            c.through[i] or c.cancelled[i] or c.peak(i) < SECOND_PEAK * c.peak(idx[k]):
        return False
    return any(c.net[o] < c.low and not c.cancelled[o] and _bridge(i, o, c, JOINED) and
               bool(c.joined(i, o)) for o in idx if o != i)


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


def _lone_tick(idx: list[int], i: int, c: BoxCalls, narrow: bool = False) -> bool:
    """Whether the light mark in box ``i`` (under ``high``), the only ink of its question, is a
    small tick drawn in a thin, light pen: a pen's darkness (``LONE_PEAK``), spread across the
    box as a V is (``LONE_ACROSS``: no line's end, no speck), kept in the box (its stroke runs
    on ``LONE_REACH`` of a side past it at most: no line from outside, no ring's arc), no ink
    round any box of the question, every other box clean. Paper tuning seed 65, sheets 172 and
    253: such ticks (0.068 of black, their V on the bottom outline) went to a person as
    "light"; a person reads them at a glance. With ``narrow``, a V whose ink in the box is
    narrower (its short side ``NARROW_V`` at least) counts too when it fills little of its
    turned rectangle (``LOW_V_FILL``), as a V does and a line's end (1.0-1.45) does not: a
    tick drawn big or askew, its V at a corner, leaves mostly its arms in the box (p29 sheet
    35, p72 sheet 1: 0.22 and 0.18 across, 3.4 and 2.2 times their ink, went to a person
    as "light")."""
    if c.peak is None or c.reach is None or c.width is None or c.around is None:
        return False
    if any(c.around[j] or c.beside[j] or c.near[j] or c.ringish[j] or c.text_ring[j] or
           c.cancelled[j] or c.through[j] for j in idx):
        return False
    if c.peak(i) < LONE_PEAK or c.reach(i) > LONE_REACH:
        return False
    across, spread = c.width(i)
    return across >= LONE_ACROSS or (narrow and across >= NARROW_V and spread >= LOW_V_FILL)


def _low_v(idx: list[int], i: int, c: BoxCalls) -> bool:
    """Whether the one mark of its question in box ``i``, a stray stroke for ``judge`` because
    its ink leaves the box beside the bottom side, is a tick drawn low, its V under the
    outline: a mark's worth of ink, leaving the box nowhere else but where a tick's long arm
    rises (the right side, the top-right corner), a V (it fills little of its turned
    rectangle: ``LOW_V_FILL``), and ``_lone_tick``'s tests (a pen's darkness, as wide as a V,
    kept near the box, every box of the question clean round it). A stroke come up from
    below (another question's tick run on, a ring's arc round the box below) is a line's end
    and runs on far past the box. Fresh paper seeds 94, 96, 93: three such ticks (0.11-0.17
    of black) went to a person as "stray stroke"; a person reads them at a glance."""
    if c.zones is None or c.width is None or c.net[i] < c.high:
        return False
    sides, corners = c.zones[0][i], c.zones[1][i]
    if sides[3] <= THROUGH or max(sides[0], sides[2], corners[0], corners[2],
                                  corners[3]) > THROUGH / 2:
        return False
    return _lone_tick(idx, i, c) and c.width(i)[1] >= LOW_V_FILL


def _spreads(i: int, c: BoxCalls) -> bool:
    """Whether a mark's ink runs out of its box on three sides or corners or more: its own
    arms (a cross, a scribble), not one stroke coming in."""
    sides, corners = c.zones[0][i], c.zones[1][i]
    return bool((sides > JOINED).sum() >= 3 or (corners > JOINED).sum() >= 3)
