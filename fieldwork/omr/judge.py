"""Judging boxes (filled, empty, weak) and questions (ok, blank, multiple, doubtful).

Box darkness is judged against the page's own empty boxes (their median is the
baseline, their spread the noise), never against one global threshold.  A
question is then judged from its boxes together: one box far darker than its
siblings is an answer even when lightly marked, two clear marks in a single
choice are ``multiple``, and the printed correction rule applies ("to correct,
cross out the wrongly filled box and fill the new one"): a filled box crossed
out beside a clean filled box is cancelled.  Anything else unclear is
``doubtful`` and goes to a person with its crop.  The rows of single and multiple choices
are judged in ``rows`` and ``multiple``, marks outside the boxes (rings, marks beside) in
``outside`` and ``offbox``, digit and date grids in ``grids``; the levels are in ``levels``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import grids, hug, offbox, order, outside, passing, runs, strokes
from .levels import (
    BESIDE_LEFT,
    CANCEL_CORNERS,
    CANCEL_DIAG,
    CANCEL_FILL,
    CLEAR,
    EMPTY_MAX,
    HIGH,
    LOCAL,
    LOW,
    RING_BOX,
    RING_TEXT,
    SOLID,
    THROUGH,
    X_RATIO,
)
from .marks import BoxMeasures, between_ratio, diagonal_ratio, low_point, peak
from .multiple import _multiple
from .pairs import distances, within
from .rows import _single

LIGHT_CROSS = 0.12  # ink past each corner of a box whose light fill was crossed out ...
LIGHT_SIDES = 0.05  # ... and at most this beside each of its sides
GRID_CROSS, GRID_SIDES = 0.25, 0.125  # the same in a digit grid, whose rings cross corners
GHOST_NET = 0.1  # a single choice's box below this, a mark's level or not, ...
GHOST_PEAK = 0.18  # ... whose darkest ink stays under this holds no stroke (see ``_ghosts``)
SPILL = 0.75  # ink beside a crossed-out box's sides, at most, over its weakest arm's
LENT_ARMS = 1.4  # a crossed box's weakest arm over what it leaves past a neighbour's corner


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
    x_marks: bool = False  # ... and X's, not spilled fills nor corrections (``_marks_with_x``)
    vertex: object = None  # (i, j) -> where the lowest ink between two boxes lies (x, y)
    peak: object = None  # i -> the darkest ink inside box i (a stroke's own darkness)
    inked_text: np.ndarray | None = None  # pen ink above and below the option's text itself
    joined: object = None  # (i, j) -> whether one stroke's ink runs inside both boxes
    paper_noise: float = -1.0  # how far empty boxes stray from their level (-1: not yet known)
    reach: object = None  # i -> how far (box sides) the ink drawn in box i runs on past it
    core: np.ndarray | None = None  # net darkness of each box's central third
    width: object = None  # i -> how the ink in box i lies: across (sides), and its spread
    memo: dict = field(default_factory=dict)  # what rules ask of a grid column again
    round: object = None  # i -> whether the strokes round box i go round it (a ring's)
    ringed: object = None  # i -> ... with ink crossing two of its bands at a ring's level
    ends: object = None  # i -> whether box i holds only a line's end, come from far outside
    diagonal: object = None  # i -> ink on box i's diagonals over the ink between them
    between: object = None  # i -> ... over the ink of its darkest triangle between them
    text_ink: np.ndarray | None = None  # (N, 2) ink over and under each option's text, either
    # band (a little away or right at the text: ``marks.BoxMeasures.label``), NaN: no text
    text_round: object = None  # i -> whether the strokes round option i's text go round it
    loose_after: object = None  # i -> the ink after option i's text, none left of its box, is a
    # tick's shape only loosely (``passing.wide_hook``)


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
        d = distances(centres[group], centres[pool])
        near = np.argpartition(d, kk - 1, axis=1)[:, :kk]
        base[group] = order.quantile(m.fill[pool][near], 0.4, axis=1)
    return np.minimum(base, EMPTY_MAX)


_SIDES = ((-1, 0), (1, 0), (0, -1), (0, 1))  # left, right, top, bottom
_CORNERS = ((-1, -1), (1, -1), (-1, 1), (1, 1))  # TL, TR, BL, BR


def _facing(m: BoxMeasures) -> tuple[np.ndarray, np.ndarray]:
    """For each box and each side / corner direction, which boxes sit right there (N×4×N)."""
    centres = m.rects[:, :2] + m.rects[:, 2:] / 2
    n, w = len(centres), m.rects[:, 2]
    # Only boxes within 1.9 sides each way sit there (``near``): each box is compared with
    # the boxes of its band of rows, found a little wider, which gives the same floats.
    j, ok = within(centres[:, 1], centres[:, 1] - 1.91 * w - 1, centres[:, 1] + 1.91 * w + 1)
    rel = ((centres[j, 0] - centres[:, None, 0]) / w[:, None],
           (centres[j, 1] - centres[:, None, 1]) / w[:, None])
    near = ok & (np.maximum(np.abs(rel[0]), np.abs(rel[1])) < 1.9)
    ahead = [(rel[a] * d > 0.5) if d else (np.abs(rel[a]) < 0.5)
             for a, d in ((0, -1), (0, 1), (1, -1), (1, 1), (0, 0), (1, 0))]
    left, right, up, down, column, row = ahead
    # A corner zone lies between the box, its two neighbours on that corner and the
    # diagonal one: ink from any of them can reach it.
    pairs = [[near & left & row, near & right & row, near & up & column, near & down & column],
             [near & (h | column) & (v | row) & ~(column & row)
              for h, v in ((left, up), (right, up), (left, down), (right, down))]]
    i, b = np.nonzero(near)
    out = []
    for zones in pairs:
        full = np.zeros((n, 4, n), bool)
        for k, z in enumerate(zones):
            full[i, k, j[i, b]] = z[i, b]
        out.append(full)
    return out[0], out[1]


def _zone_excess(zones: np.ndarray, rects: np.ndarray, facing: np.ndarray) -> np.ndarray:
    """Ink in each outside zone beyond what boxes with the same surroundings show.

    Boxes are compared with boxes of the same size that have (or lack) a printed
    neighbour in that direction (see ``_facing_marked`` for zones facing a mark).
    """
    sizes = np.round(rects[:, 2], 1)
    has = facing.any(axis=2)  # N×4
    out = np.zeros_like(zones)
    for k in range(zones.shape[1]):
        for s in np.unique(sizes):
            for flag in (False, True):
                group = (sizes == s) & (has[:, k] == flag)
                if group.any():
                    out[group, k] = zones[group, k] - order.median(zones[group, k])
    return out


def _facing_marked(excess: np.ndarray, facing: np.ndarray, marked: np.ndarray) -> np.ndarray:
    """``_zone_excess`` with a zone facing a *marked* neighbour set to zero (the ink there is
    the neighbour's): a copy."""
    out = excess.copy()
    toward = facing[:, :, np.flatnonzero(marked)]  # only the marked boxes' columns
    for k in range(out.shape[1]):
        out[toward[:, k, :].any(axis=1), k] = 0.0
    return out


def _own_arms(corners: np.ndarray, net: np.ndarray, facing: np.ndarray,
              grid: np.ndarray) -> np.ndarray:
    """How many corners of each box have a cross's arms past them (``CANCEL_CORNERS``), not
    counting, for a box with three, a corner facing a box crossed out past all four corners
    whose arms are all ``LENT_ARMS`` times darker than the ink there (that cross's arm's end,
    come over the gap; a cross's own arms are about as dark as each other). p65 sheet 14: "Khác"
    filled and crossed out right below the new answer's fill, its upper arms past that fill's
    lower corners, its scribble past a third: both read crossed out, "cancelled"."""
    armed = corners > CANCEL_CORNERS
    count = armed.sum(axis=1)
    crossed = (count == 4) & (net >= CANCEL_FILL) & ~grid
    if not crossed.any():
        return count
    weakest = corners.min(axis=1)
    for i in np.flatnonzero((count == 3) & (net >= CANCEL_FILL) & ~grid):
        for k in np.flatnonzero(armed[i]):
            by = facing[i, k] & crossed
            if by.any() and weakest[by].max() > LENT_ARMS * corners[i, k]:
                count[i] -= 1
    return count


def _ghosts(net: np.ndarray, low: float, single: np.ndarray, darkest) -> list[int]:
    """Boxes of single choices holding a mark's level of ink (below ``GHOST_NET``) none of it
    as dark as a stroke (``darkest(i)``, the box's darkest ink, under ``GHOST_PEAK``): the back
    page's print showing through (its grey text lines crossing the boxes), a smear. A person
    sees an empty box. Drawn marks keep their pen's or pencil's darkness however little of the
    box they cover: paper tuning sets p65 and p51, every answer's box at 0.22 or more; these
    ghosts 0.06-0.18 (p65 sheet 77: three rating rows marked beside, each with two or three
    such boxes, went to a person as a "second mark")."""
    cand = np.flatnonzero(single & (net >= low) & (net < GHOST_NET))
    return [int(i) for i in cand if darkest(int(i)) < GHOST_PEAK]


def _marks_with_x(xs: np.ndarray, cancelled: np.ndarray, marked: np.ndarray, clear: int,
                  groups: list[list[int]] | None, diagonal) -> bool:
    """Whether the clear marks with ink past three corners (``xs``) say this respondent marks
    with an X: at least 3, and a quarter of the clear marks, once two kinds are left out. A
    fill whose scribble spilled past its corners is no X (ink between the diagonals as on
    them, and not read crossed out); a box crossed out beside another mark of its question
    is a correction, as the printed rule asks, not a way of marking; and a page where more
    questions are blank than X'd is no cross-marker's page. Held-out seed 26: a
    respondent who fills boxes, 150 dpi, one-bit: two corrections whose new marks were small
    were read as the crossed-out boxes ("cross"), silently."""
    x = xs.copy()
    for i in np.flatnonzero(x & ~cancelled):
        x[i] = diagonal(i) >= X_RATIO
    blank = 0
    for g in groups or []:
        if cancelled[g].any() and np.count_nonzero(marked[g] & ~cancelled[g]):
            x[g] &= ~cancelled[g]
        blank += not marked[g].any()
    # ... and the X's answer the page more than blanks do: crossed fills on a page of pencil
    # answers lost to a one-bit threshold are corrections whose new answers are gone (drawn
    # with the paper generator: read as the crossed-out boxes, silently).
    return bool(x.sum() >= 3 and x.sum() >= 0.25 * clear and x.sum() > blank)


def call_boxes(m: BoxMeasures, diagonal, grid: np.ndarray | None = None,
               groups: list[list[int]] | None = None, darkest=None,
               single: np.ndarray | None = None) -> BoxCalls:
    """Net darkness over the page baseline, thresholds and shape flags for every box.

    ``diagonal(i)`` gives box ``i``'s diagonal ratio (see ``marks.diagonal_ratio``);
    it is asked only for boxes that may be crossed out.  ``grid`` marks boxes of
    digit and date grids. ``darkest(i)`` gives the darkest ink inside box ``i``
    (``marks.peak``); with it, the boxes of single choices (``single``) holding no
    stroke's darkness are taken as empty (``_ghosts``).
    """
    grid = np.zeros(len(m.fill), bool) if grid is None else np.asarray(grid, bool)
    n = len(m.fill)
    net = m.fill - local_baseline(m) if n else np.zeros(0)
    below = -net[net < 0]  # empty boxes scatter both ways around their level; marks only up
    sigma = max(1.4826 * float(order.median(below)), 0.004) if len(below) >= 5 else 0.004
    low, high = max(LOW, 4 * sigma), max(HIGH, 8 * sigma)
    if n == 0:
        z = np.zeros(0, bool)
        return BoxCalls(net, low, high, z, z, z, np.zeros(0))
    measured = net
    if darkest is not None and single is not None:
        ghosts = _ghosts(net, low, single & ~grid, darkest)
        if ghosts:  # faint ink, kept below a mark's level (a tick's arm may end there)
            net = net.copy()
            net[ghosts] = 0.5 * low
    marked = net >= low
    facing_sides, facing_corners = _facing(m)
    sides = _zone_excess(m.sides, m.rects, facing_sides)
    corners = _zone_excess(m.corners, m.rects, facing_corners)
    raw_sides, raw_corners = sides, corners
    cancelled = (net >= CANCEL_FILL) & (_own_arms(corners, net, facing_corners, grid) >= 3)
    # ... and the ink beside its sides well under its arms': a scribbled fill spilling over
    # all round puts nearly as much there as past its corners (fresh paper seed 94, sheet 25:
    # a double of two such fills, 0.11-0.12 past three corners and 0.14 beside a side, was
    # read as a correction, silently). The crossed-out boxes of p65, p51 and s52: the ink
    # beside their sides 0.59 of their weakest arm at most; spilled fills 0.87 and more.
    for i in np.flatnonzero(cancelled & ~grid):
        cancelled[i] = sides[i].max() < SPILL * corners[i][corners[i] > CANCEL_CORNERS].min()
    # A lighter fill crossed out (a ballpoint's grey fill): the cross's arms run past all four
    # corners (drawn with arms 0.15-0.4 of a side past them: 0.15-0.65 of ink there; scanned
    # 0.18-0.32; a scribbled fill spilling over: 0.1 at most at its emptiest corner), and
    # nothing lies beside its sides (drawn and scanned crosses: 0.00; a spill, 0.05-0.15;
    # scan noise or a smudge all round, 0.2-0.33).
    # In a digit grid, where rings cross the corners of the boxes they pass, only arms far past
    # all four corners with nothing beside the sides count (the first step's rule, which the
    # grid rules were tuned with).
    light = np.where(grid, (corners > GRID_CROSS).all(axis=1) & (sides.max(axis=1) < GRID_SIDES),
                     (corners > LIGHT_CROSS).all(axis=1) & (sides.max(axis=1) < LIGHT_SIDES))
    cancelled |= (net >= CLEAR) & light
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
    sides = _facing_marked(raw_sides, facing_sides, marked)  # the medians are the same
    corners = _facing_marked(raw_corners, facing_corners, marked)
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
    # In a multiple choice each box is its own answer: a clear tick beside the question's other
    # marks whose arm ran past the outline one way is read so too (p65 sheet 168).
    tick = alone & arm
    if single is not None:
        tick |= ~np.asarray(single, bool) & (net >= CLEAR)
    strays &= ~((exits == 1) & ~through & tick & ~grid)
    # One thin line through the box whose stroke comes in from outside and runs on far past it
    # (a slip of the pen, a scribble across the question): ink a person sees going by, no tick
    # (no hook), cross or fill (stray-heavy synth set st72: blanks read as this box, silently;
    # its zones showed one exit, as a tick's long arm does). Unless it is the arc of a ring
    # round the box's own option text (see below).
    passes = np.zeros(n, bool)
    if m.strokes is not None:
        st = m.strokes
        for i in np.flatnonzero(marked & ~strays & ~grid & ~cancelled & (net < SOLID)):
            passes[i] = passing.passes(st, i, strokes.width(st.dark, m.rects, i, st.scale))
    usual = net[(net >= CLEAR) & ~cancelled & ~strays & ~passes & ~grid]
    typical = float(order.median(usual)) if len(usual) >= 3 else 0.0
    around, beside, near, ringish, text_ring = outside.around(m, marked,
                                                              groups or [list(range(n))], strays)
    for i in np.flatnonzero(passes):  # a ring round the option's text passes through its box
        strays[i] = not runs.text_ringed(m, i)
    zones = (raw_sides, raw_corners, m.rects[:, :2] + m.rects[:, 2:] / 2, m.rects[:, 2])
    # Many clear marks of the page with ink past three corners: this respondent marks with
    # an X, so a heavy X alone in its question is an answer, not a box crossed out.
    xs = ((raw_corners > CANCEL_CORNERS).sum(axis=1) >= 3) & (net >= CLEAR)
    crosses = bool(xs.sum() >= 3 and xs.sum() >= 0.25 * (net >= CLEAR).sum())
    x_marks = crosses and _marks_with_x(xs, cancelled, marked, int((net >= CLEAR).sum()),
                                        groups, diagonal)
    inked = None if m.label is None else \
        np.nan_to_num(np.minimum(m.label[:, 0], m.label[:, 1])) > RING_TEXT
    text_ink = None if m.label is None or m.label.shape[1] < 5 else \
        np.column_stack([np.fmax(m.label[:, 0], m.label[:, 3]),
                         np.fmax(m.label[:, 1], m.label[:, 4])])
    return BoxCalls(net, low, high, cancelled, through, strays, conf, typical, zones, around,
                    beside, near, ringish, text_ring, outside.follows(m), crosses,
                    inked_text=inked, x_marks=x_marks, core=m.core - (m.fill - measured),
                    round=None if m.strokes is None else (lambda i: runs.round_box(m, i)),
                    ringed=None if m.strokes is None or m.halo is None else (
                        lambda i: bool((np.nan_to_num(m.halo[i]) > RING_BOX).sum() >= 2)
                        and runs.round_box(m, i)),
                    text_ink=text_ink, text_round=None if m.strokes is None or m.texts is None
                    else (lambda i: runs.text_ringed(m, i)),
                    loose_after=None if m.strokes is None or m.halo is None else (
                        lambda i: not np.nan_to_num(m.halo[i, 0]) > BESIDE_LEFT
                        and passing.wide_hook(m.strokes, i)))


def judge_page(layout: dict, boxes: list[dict], m: BoxMeasures, dark: np.ndarray,
               grey: bool = True, bold: bool | None = None) -> tuple[dict[str, Answer],
                                                                      list[dict]]:
    """Answers of the questions whose boxes are on this page, and a row per box (``grey``: a
    grey scan, where a stroke keeps its darkness; not a one-bit one, whose blurred dots of
    pencil may be lighter than a ghost; ``bold``: box outlines may be printed a pixel bolder,
    see ``hug.hugged``'s ``one_bit``; by default on every one-bit scan)."""
    return judge_called(call_page(layout, boxes, m, dark, grey, bold))


@dataclass
class PageCalls:
    """A page's boxes called (``call_boxes`` and the tight rings), its questions not yet
    judged: what ``judge_called`` needs."""

    calls: BoxCalls
    kinds: dict
    by_q: dict[str, list[int]]
    boxes: list[dict]
    dark: np.ndarray
    rects: np.ndarray


def call_page(layout: dict, boxes: list[dict], m: BoxMeasures, dark: np.ndarray,
              grey: bool = True, bold: bool | None = None) -> PageCalls:
    """The first half of ``judge_page``: every box called, no question judged yet. Judging
    the questions counts at most one more box of a digit grid's column as ringed, a clean one
    (its ring read as the digit), and none fewer: ``read.surely_misplaced`` relies on it."""
    siblings: dict[tuple, list[int]] = {}
    by_q: dict[str, list[int]] = {}
    for i, b in enumerate(boxes):
        by_q.setdefault(b["question"], []).append(i)
        siblings.setdefault((b["question"], b.get("position")), []).append(i)
    kinds = {q["code"]: q for q in layout.get("questions", [])}
    single = np.array([kinds.get(b["question"], {}).get("kind", "single") == "single"
                       for b in boxes], bool)
    c = call_boxes(m, lambda i: diagonal_ratio(dark, m.rects[i]),
                   np.array([b.get("position") is not None for b in boxes], bool),
                   list(siblings.values()), (lambda i: peak(dark, m.rects[i])) if grey else None,
                   single)
    if boxes:
        scale = float(m.rects[0, 2]) / float(boxes[0]["w"])
        c.vertex = lambda i, j, flat=False: low_point(dark, m.rects, (i, j), scale, flat)
        c.peak = lambda i: peak(dark, m.rects[i])
        c.diagonal = lambda i: diagonal_ratio(dark, m.rects[i])
        c.between = lambda i: between_ratio(dark, m.rects[i])
        c.joined = lambda i, j: strokes.joined(dark, m.rects, (i, j), scale)
        c.reach = lambda i: strokes.reach(dark, m.rects, i, scale)
        c.width = lambda i: strokes.width(dark, m.rects, i, scale)
        if m.strokes is not None:
            c.ends = lambda i: passing.ends(m.strokes, i, c.width(i))
    hug.add_rings(c, m, dark, boxes, not grey if bold is None else bold)  # tight rings
    return PageCalls(c, kinds, by_q, boxes, dark, m.rects)


def judge_called(p: PageCalls) -> tuple[dict[str, Answer], list[dict]]:
    """The second half of ``judge_page``: the questions judged on the boxes called."""
    c, kinds, by_q, boxes, dark = p.calls, p.kinds, p.by_q, p.boxes, p.dark
    answers: dict[str, Answer] = {}
    for code, idx in by_q.items():
        q = kinds.get(code, {"code": code, "kind": "single"})
        if q["kind"] in ("digits", "date"):
            answers[code] = grids.judge_grid(q, idx, boxes, c, grids.GridInk(dark, p.rects[idx]))
            continue
        opts = [boxes[i]["option"] for i in idx]
        fn = _multiple if q["kind"] == "multiple" else _single
        values, status, conf, note = offbox.judge_outside(idx, opts, c, q["kind"],
                                                           *fn(idx, opts, c))
        if q["kind"] == "multiple":
            values, status, conf, note = offbox.unread_text_ring(idx, opts, c, values, status,
                                                                 conf, note)
        if q["kind"] == "single":
            values, status, conf, note = offbox.second_ring(idx, opts, c, values, status, conf,
                                                            note)
        answers[code] = Answer(code, q["kind"], values, status, conf, idx, note)
    # A clean box with a pen stroke round it on three sides (a ring): its printed outline is
    # hard to see against the ring, but the box is in plain view.
    ringed = grids.ringed_boxes(c)
    # Python floats and bools at once (indexing NumPy arrays box by box is slow).
    net, conf = c.net.tolist(), np.asarray(c.confidence, np.float64).tolist()
    marked, cancelled = (c.net >= c.low).tolist(), np.asarray(c.cancelled, bool).tolist()
    ringed = np.asarray(ringed, bool).tolist()
    rows = [{"question": b["question"], "option": b["option"], "position": b.get("position"),
             "x": b["x"], "y": b["y"], "w": b["w"], "h": b["h"],
             "net": round(net[i], 4), "confidence": round(conf[i], 3),
             "marked": marked[i], "cancelled": cancelled[i], "ringed": ringed[i]}
            for i, b in enumerate(boxes)]
    return answers, rows
