"""Judging boxes (filled, empty, weak) and questions (ok, blank, multiple, doubtful).

Box darkness is judged against the page's own empty boxes (their median is the
baseline, their spread the noise), never against one global threshold.  A
question is then judged from its boxes together: one box far darker than its
siblings is an answer even when lightly marked, two clear marks in a single
choice are ``multiple``, and the printed correction rule applies ("to correct,
cross out the wrongly filled box and fill the new one"): a filled box crossed
out beside a clean filled box is cancelled.  Anything else unclear is
``doubtful`` and goes to a person with its crop.  Marks outside the boxes (rings,
marks beside) are judged in ``outside``, digit and date grids in ``grids``; the levels are in
``levels``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import grids, hug, outside, strokes
from .levels import (
    BESIDE_SOLID,
    CANCEL_CORNERS,
    CANCEL_DIAG,
    CANCEL_FILL,
    CLEAR,
    DOMINANCE,
    EMPTY_MAX,
    FAINT,
    FAINT_NOISE,
    HIGH,
    JOINED,
    LOCAL,
    LOW,
    RELATIVE,
    RING_TEXT,
    RUBBED,
    RUBBED_PEAK,
    RUBBED_USUAL,
    RUNS_ON,
    SOLID,
    THROUGH,
    X_RATIO,
)
from .marks import PEN_INK, UNIT, BoxMeasures, diagonal_ratio, low_point, peak

LONE_CORE = 0.5  # a lone light mark's ink in the box's middle third, over its whole fill
LONE_EVEN = 2.0  # at most: a line through the middle puts 3 times its share there, a fill ~1
SECOND_PEAK = 0.5  # a lighter mark's darkest ink over the first mark's: drawn, not a smear
JOINED_ARM = 0.06  # a tick's arm entering the next box, when one stroke is seen in both
NEW_MARK = 0.1  # a new answer beside a crossed-out box: a tick's worth of ink, not a speck


@dataclass
class Answer:
    """The reading of one question."""

    question: str
    kind: str
    values: list[str] = field(default_factory=list)
    status: str = "blank"  # ok, blank, multiple, doubtful
    confidence: float = 1.0
    boxes: list[int] = field(default_factory=list)
    note: str = ""


@dataclass
class BoxCalls:
    """Per-box judgements: net darkness, the page's thresholds, shapes, confidences."""

    net: np.ndarray
    low: float
    high: float
    cancelled: np.ndarray
    through: np.ndarray
    strays: np.ndarray
    confidence: np.ndarray
    typical: float = 0.0  # the respondent's usual mark on this page (0 when too few)
    zones: tuple | None = None  # ink outside each side and corner (excess), and box centres
    around: np.ndarray | None = None  # a ring drawn around the box or its option's text
    beside: np.ndarray | None = None  # a mark left of a box with nothing printed there
    near: np.ndarray | None = None  # other ink close by (beside a box in a row, after a text)
    ringish: np.ndarray | None = None  # ring-like ink around a box, whatever is next to it
    text_ring: np.ndarray | None = None  # a ring around the option's text, whatever the box
    follows: np.ndarray | None = None  # the box whose option text ends just left of each box
    crosses: bool = False  # the respondent marks with crosses (most clear marks are an X)
    vertex: object = None  # (i, j) -> where the lowest ink between two boxes lies (x, y)
    peak: object = None  # i -> the darkest ink inside box i (a stroke's own darkness)
    inked_text: np.ndarray | None = None  # pen ink above and below the option's text itself
    joined: object = None  # (i, j) -> whether one stroke's ink runs inside both boxes
    paper_noise: float = -1.0  # how far empty boxes stray from their level (-1: not yet known)
    reach: object = None  # i -> how far (box sides) the ink drawn in box i runs on past it
    core: np.ndarray | None = None  # net darkness of each box's central third


def local_baseline(m: BoxMeasures, k: int = LOCAL) -> np.ndarray:
    """Each box's empty level: a low quantile of the fill of the ``k`` nearest boxes of its size.

    Most boxes are empty, so the quantile ignores marks; being local, it follows
    what varies across a page (light, print, a slightly stretched scan).  It is
    capped at what an empty box can hold, for pages where most boxes are marked.
    """
    centres = m.rects[:, :2] + m.rects[:, 2:] / 2
    sizes = np.round(m.rects[:, 2])
    base = np.empty(len(m.fill))
    for s in np.unique(sizes):
        group = np.flatnonzero(sizes == s)
        pool = group if len(group) >= k else np.arange(len(m.fill))
        kk = min(k, len(pool))
        d = np.linalg.norm(centres[group, None, :] - centres[None, pool, :], axis=2)
        near = np.argpartition(d, kk - 1, axis=1)[:, :kk]
        base[group] = np.quantile(m.fill[pool][near], 0.4, axis=1)
    return np.minimum(base, EMPTY_MAX)


_SIDES = ((-1, 0), (1, 0), (0, -1), (0, 1))  # left, right, top, bottom
_CORNERS = ((-1, -1), (1, -1), (-1, 1), (1, 1))  # TL, TR, BL, BR


def _facing(m: BoxMeasures) -> tuple[np.ndarray, np.ndarray]:
    """For each box and each side / corner direction, which boxes sit right there (N×4×N)."""
    centres = m.rects[:, :2] + m.rects[:, 2:] / 2
    rel = (centres[None, :, :] - centres[:, None, :]) / m.rects[:, 2:3][:, :, None]
    near = np.abs(rel).max(axis=2) < 1.9
    ahead = [(rel[:, :, a] * d > 0.5) if d else (np.abs(rel[:, :, a]) < 0.5)
             for a, d in ((0, -1), (0, 1), (1, -1), (1, 1), (0, 0), (1, 0))]
    left, right, up, down, column, row = ahead
    sides = np.stack([near & left & row, near & right & row, near & up & column,
                      near & down & column], axis=1)
    # A corner zone lies between the box, its two neighbours on that corner and the
    # diagonal one: ink from any of them can reach it.
    corners = np.stack([near & (h | column) & (v | row) & ~(column & row)
                        for h, v in ((left, up), (right, up), (left, down), (right, down))],
                       axis=1)
    return sides, corners


def _zone_excess(zones: np.ndarray, rects: np.ndarray, facing: np.ndarray,
                 marked: np.ndarray) -> np.ndarray:
    """Ink in each outside zone beyond what boxes with the same surroundings show.

    Boxes are compared with boxes of the same size that have (or lack) a printed
    neighbour in that direction; a zone facing a *marked* neighbour is set to zero
    (the ink there is the neighbour's).
    """
    sizes = np.round(rects[:, 2], 1)
    has = facing.any(axis=2)  # N×4
    out = np.zeros_like(zones)
    for k in range(zones.shape[1]):
        for s in np.unique(sizes):
            for flag in (False, True):
                group = (sizes == s) & (has[:, k] == flag)
                if group.any():
                    out[group, k] = zones[group, k] - np.median(zones[group, k])
        out[(facing[:, k, :] & marked[None, :]).any(axis=1), k] = 0.0
    return out


def call_boxes(m: BoxMeasures, diagonal, grid: np.ndarray | None = None,
               groups: list[list[int]] | None = None) -> BoxCalls:
    """Net darkness over the page baseline, thresholds and shape flags for every box.

    ``diagonal(i)`` gives box ``i``'s diagonal ratio (see ``marks.diagonal_ratio``);
    it is asked only for boxes that may be crossed out.  ``grid`` marks boxes of
    digit and date grids.
    """
    grid = np.zeros(len(m.fill), bool) if grid is None else np.asarray(grid, bool)
    n = len(m.fill)
    net = m.fill - local_baseline(m) if n else np.zeros(0)
    below = -net[net < 0]  # empty boxes scatter both ways around their level; marks only up
    sigma = max(1.4826 * float(np.median(below)), 0.004) if len(below) >= 5 else 0.004
    low, high = max(LOW, 4 * sigma), max(HIGH, 8 * sigma)
    if n == 0:
        z = np.zeros(0, bool)
        return BoxCalls(net, low, high, z, z, z, np.zeros(0))
    marked = net >= low
    facing_sides, facing_corners = _facing(m)
    sides = _zone_excess(m.sides, m.rects, facing_sides, np.zeros(n, bool))
    corners = _zone_excess(m.corners, m.rects, facing_corners, np.zeros(n, bool))
    raw_sides, raw_corners = sides, corners
    cancelled = (net >= CANCEL_FILL) & ((corners > CANCEL_CORNERS).sum(axis=1) >= 3)
    for i in np.flatnonzero(cancelled):
        cancelled[i] = diagonal(i) < CANCEL_DIAG
    through = (np.minimum(sides[:, 0], sides[:, 1]) > THROUGH) | \
        (np.minimum(sides[:, 2], sides[:, 3]) > THROUGH) | \
        (np.minimum(corners[:, 0], corners[:, 3]) > THROUGH) | \
        (np.minimum(corners[:, 1], corners[:, 2]) > THROUGH)
    # Confidence: distance from the nearest decision edge, in units of the gap between them.
    edge = np.minimum(np.abs(net - low), np.abs(net - CLEAR))
    conf = np.where((net > low) & (net < CLEAR), 0.5,
                    np.clip(0.5 + edge / (CLEAR - low), 0.5, 1.0))
    # A light mark with ink running off the box other than up and to the right (where a
    # tick's long stroke goes) is more likely a stroke that happens to cross it.
    # The arms of an X, or a scribble spilling over all round, are the mark's own ink.
    own = ((corners > THROUGH).sum(axis=1) >= 3) | ((sides > THROUGH).sum(axis=1) >= 3)
    sides = _zone_excess(m.sides, m.rects, facing_sides, marked)
    corners = _zone_excess(m.corners, m.rects, facing_corners, marked)
    strays = (through | (sides[:, [0, 1, 3]] > THROUGH).any(axis=1)
              | (corners[:, [0, 2, 3]] > THROUGH).any(axis=1)) & ~own & marked & (net < SOLID)
    for i in np.flatnonzero(strays):  # an X whose arms reach past only some corners
        strays[i] = diagonal(i) < X_RATIO
    # A clear mark alone in its question whose ink leaves the box one way only (not through
    # it) is a tick or a cross whose arm ran past the outline, as a person sees at once; a
    # stroke crossing the box leaves two ways (tuning sets: 13 such marks, all answers). A
    # lighter one, only when that way is the right side: a tick's long arm rising past it
    # (10 of 10 answers; ink out at the left is a tick from the box before running in, out
    # at a corner a ring's arc round the next box).
    exits = (sides[:, [0, 1, 3]] > THROUGH).sum(axis=1) + \
        (corners[:, [0, 2, 3]] > THROUGH).sum(axis=1)
    alone = np.ones(n, bool)
    for g in groups or [list(range(n))]:
        if np.count_nonzero(marked[g]) > 1:
            alone[g] = False
    arm = (net >= CLEAR) | ((net >= high) & (sides[:, 1] > THROUGH))
    strays &= ~((exits == 1) & ~through & alone & arm & ~grid)
    usual = net[(net >= CLEAR) & ~cancelled & ~strays & ~grid]
    typical = float(np.median(usual)) if len(usual) >= 3 else 0.0
    around, beside, near, ringish, text_ring = outside.around(m, marked,
                                                              groups or [list(range(n))])
    zones = (raw_sides, raw_corners, m.rects[:, :2] + m.rects[:, 2:] / 2, m.rects[:, 2])
    # Many clear marks of the page with ink past three corners: this respondent marks with
    # an X, so a heavy X alone in its question is an answer, not a box crossed out.
    xs = ((raw_corners > CANCEL_CORNERS).sum(axis=1) >= 3) & (net >= CLEAR)
    crosses = bool(xs.sum() >= 3 and xs.sum() >= 0.25 * (net >= CLEAR).sum())
    inked = None if m.label is None else \
        np.nan_to_num(np.minimum(m.label[:, 0], m.label[:, 1])) > RING_TEXT
    return BoxCalls(net, low, high, cancelled, through, strays, conf, typical, zones, around,
                    beside, near, ringish, text_ring, outside.follows(m), crosses,
                    inked_text=inked, core=m.core - (m.fill - net))


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
        a, b = idx[marked[0]], idx[marked[1]]
        owner = _tick_owner(a, b, c, THROUGH if grid else JOINED_ARM)
        if owner is not None and not _one_stroke(owner, b if owner == a else a, c):
            owner = None
        if owner is None and not grid and top < CLEAR:
            owner = _vertex_owner(a, b, c)
        if owner is not None:
            return [opts[idx.index(owner)]], "ok", 0.6, "tick into next"
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
        return [opts[j] for j in sorted(set(marked) | {k})], "doubtful", 0.4, "tick into next"
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


def _new_mark(k: int, marked: list[int], idx: list[int], c: BoxCalls) -> int | None:
    """The position of the new answer beside box ``k`` (filled, then crossed out, the printed
    correction rule): the question's one other marked box, holding a mark's worth of ink
    (``NEW_MARK``) drawn as firmly as the crossed fill (its darkest ink at least
    ``SECOND_PEAK`` of it: a pen's tick or cross, not a smear or a faint speck), kept inside
    its box (no line through it, none running on past it). Anything less, or more than one
    such box, stays for a person (tuning seed 51: 12 such corrections, ticks and crosses of
    0.12-0.19 of black, all went to a person as "cancelled")."""
    others = [j for j in marked if j != k]
    if len(others) != 1 or c.peak is None:
        return None
    j = others[0]
    i, top = idx[j], idx[k]
    if c.net[i] < NEW_MARK or c.cancelled[i] or c.strays[i]:
        return None
    if c.through[i] and not (c.zones is not None and _spreads(i, c)):
        return None  # a line through the box, unless it is the arms of a cross drawn there
    if c.peak(i) < SECOND_PEAK * c.peak(top):
        return None
    return j if c.reach is None or c.reach(i) < RUNS_ON else None


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


def _one_stroke(lo: int, hi: int, c: BoxCalls) -> bool:
    """Whether the ink of ``lo`` and ``hi`` can be one tick drawn in ``lo``: the box it starts in
    is not crossed out (a correction beside the new answer), the other holds less ink than the
    tick's own box (a line's end, not a mark of its own), and one connected stroke reaches
    inside both (two ticks drawn apart are two answers: fresh seeds read such doubles as one)."""
    if c.cancelled[lo] or c.cancelled[hi] or c.net[hi] >= c.net[lo]:
        return False
    return c.joined is None or bool(c.joined(lo, hi))


def _vertex_owner(a: int, b: int, c: BoxCalls) -> int | None:
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
    if owner is None:
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
                (c.reach is None or c.reach(idx[k]) < RUNS_ON):
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
    faint = [k for k in _faint(idx, c) if k not in picked + unsure]
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
    run on up from the box right below: that box holds a mark (not crossed out, not a stray
    line) darker than this ink, its ink leaves through its top side and enters this box
    through its bottom, one connected stroke reaches inside both, and the stroke ends here
    (no ink out of this box on any other side or corner). Tuning seed 51: 7 such ticks in
    the two-column reason list, each sent to a person with the box above as a third answer."""
    if c.zones is None or c.joined is None or c.cancelled[i]:
        return False
    sides, corners, centres, w = c.zones
    if sides[i, 3] <= THROUGH or max(sides[i, :3].max(), corners[i].max()) > JOINED:
        return False
    for j in idx:
        d = (centres[j] - centres[i]) / w[i]
        if j == i or not (abs(d[0]) < 0.5 and 0.5 < d[1] < 4.5):
            continue
        if c.net[j] < c.high or c.net[j] <= c.net[i] or c.cancelled[j] or c.strays[j]:
            continue
        if sides[j, 2] > THROUGH and c.joined(j, i):
            return True
    return False


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


def judge_page(layout: dict, boxes: list[dict], m: BoxMeasures,
               dark: np.ndarray) -> tuple[dict[str, Answer], list[dict]]:
    """Answers of the questions whose boxes are on this page, and a row per box."""
    siblings: dict[tuple, list[int]] = {}
    by_q: dict[str, list[int]] = {}
    for i, b in enumerate(boxes):
        by_q.setdefault(b["question"], []).append(i)
        siblings.setdefault((b["question"], b.get("position")), []).append(i)
    c = call_boxes(m, lambda i: diagonal_ratio(dark, m.rects[i]),
                   np.array([b.get("position") is not None for b in boxes], bool),
                   list(siblings.values()))
    if boxes:
        scale = float(m.rects[0, 2]) / float(boxes[0]["w"])
        c.vertex = lambda i, j, flat=False: low_point(dark, m.rects, (i, j), scale, flat)
        c.peak = lambda i: peak(dark, m.rects[i])
        c.joined = lambda i, j: strokes.joined(dark, m.rects, (i, j), scale)
        c.reach = lambda i: strokes.reach(dark, m.rects, i, scale)
    hug.add_rings(c, m, dark, boxes)  # rings drawn tightly round a box
    kinds = {q["code"]: q for q in layout.get("questions", [])}
    answers: dict[str, Answer] = {}
    for code, idx in by_q.items():
        q = kinds.get(code, {"code": code, "kind": "single"})
        if q["kind"] in ("digits", "date"):
            answers[code] = grids.judge_grid(q, idx, boxes, c)
            continue
        opts = [boxes[i]["option"] for i in idx]
        fn = _multiple if q["kind"] == "multiple" else _single
        values, status, conf, note = outside.judge_outside(idx, opts, c, q["kind"],
                                                           *fn(idx, opts, c))
        answers[code] = Answer(code, q["kind"], values, status, conf, idx, note)
    # A clean box with a pen stroke round it on three sides (a ring): its printed outline is
    # hard to see against the ring, but the box is in plain view.
    ringed = grids.ringed_boxes(c)
    rows = [{"question": b["question"], "option": b["option"], "position": b.get("position"),
             "x": b["x"], "y": b["y"], "w": b["w"], "h": b["h"],
             "net": round(float(c.net[i]), 4), "confidence": round(float(c.confidence[i]), 3),
             "marked": bool(c.net[i] >= c.low), "cancelled": bool(c.cancelled[i]),
             "ringed": bool(ringed[i])}
            for i, b in enumerate(boxes)]
    return answers, rows
