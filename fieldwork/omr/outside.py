"""Marks outside the boxes: rings around a box or its option's text, marks beside a box,
and other ink close by, read or sent to a person.

Ink around a box is compared with its siblings' (the same question's boxes, or a grid
column), which share its printed surroundings; what most of them show there is print.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import numpy as np

from . import arms, crowded, runs
from .levels import (
    AFTER_TEXT,
    BESIDE_LEFT,
    CLEAR,
    NEAR_LEFT,
    RING_BOX,
    RING_GAP,
    RING_TEXT,
    SIBLINGS_Q,
    SOLID,
    TIGHT_TEXT,
)
from .marks import BoxMeasures
from .pairs import chebyshev, offsets

NEARER = 0.5  # a mark between a text and the next box this much nearer one is that one's,
WIDE_GAP = 2.7  # ... where the gap is this many box widths at least

if TYPE_CHECKING:
    from .judge import BoxCalls


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
            others = np.quantile(v, SIBLINGS_Q, axis=0)[None, :]
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
    # Ink next to a marked box is that mark's own (a fill spilling over, a tick's arm).
    centres = m.rects[:, :2] + m.rects[:, 2:] / 2
    reach = chebyshev(centres, centres) < 1.7 * m.rects[:, 2:3]
    np.fill_diagonal(reach, False)
    clear = ~marked & ~(reach & marked[None, :]).any(axis=1)
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
    near = (after | stray | (halo[:, 0] > NEAR_LEFT)) & ~around & ~beside & ~marked
    if m.strokes is not None:
        # In a question with a mark, a ring or a mark beside another option is doubted as
        # before; where its strokes are no hand's (a ring not going round its box or text, ink
        # beside running on far past the box) it is told as near too: such ink never adds an
        # answer to the marks (a multiple choice's ring beside its filled boxes, a mark beside
        # a box where the only other ink is a scanner's streak).
        tight = runs.tight_column(m)
        for i in np.flatnonzero(beside & answered & ~tight):
            near[i] = m.strokes.runs_on(i, "left")
        for i in np.flatnonzero(around & answered & ~tight):
            near[i] = not runs.drawn_ring(m, i, halo, ring[i], text[i])
    owned, other = _owned(m, marked, groups, halo, lab, listed | row_inner, around, streak)
    for g in groups:
        if stray[g].any():  # ink over a text or round a box that is no ring: a scribble there
            owned[g] = other[g] = False  # makes no mark beside or after it an answer
    return around, (beside & ~other) | owned, near & ~owned & ~other, (ring | text) & ~marked, \
        text


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
    for i in np.flatnonzero(np.isfinite(ends)):
        after = (np.abs(y - y[i]) < 0.5 * h[i]) & (x > ends[i]) & (x - ends[i] < 3 * w[i])
        if after.any():
            out[np.flatnonzero(after)] = i
    return out


def judge_outside(idx: list[int], opts: list[str], c: BoxCalls, kind: str, values: list[str],
             status: str, conf: float, note: str) -> tuple[list[str], str, float, str]:
    """Marks made outside the boxes: rings and marks beside read, other ink doubted.

    A question with no mark inside its boxes takes its ringed option (or its
    options, in a multiple choice), or the one marked beside; a ring or mark
    beside an option other than the one filled, or any ink just after a text
    or between boxes of a row, sends the question to a person.
    """
    values, status, conf, note = _judge_outside(idx, opts, c, kind, values, status, conf, note)
    if status == "ok" and kind == "single" and len(idx) <= 3 and c.inked_text is not None and \
            sum(bool(c.inked_text[i]) for i in idx) >= 2:
        # Pen ink round the texts of two options of a short list: each ring is the other's
        # baseline among so few siblings, so neither stands out; two answers, for a person.
        inked = [opts[k] for k in range(len(idx)) if c.inked_text[idx[k]]]
        order = {o: i for i, o in enumerate(opts)}
        return sorted(set(values) | set(inked), key=order.get), "doubtful", 0.4, "ring other"
    return values, status, conf, note


def _judge_outside(idx: list[int], opts: list[str], c: BoxCalls, kind: str,
                   values: list[str], status: str, conf: float,
                   note: str) -> tuple[list[str], str, float, str]:
    if c.around is None:
        return values, status, conf, note
    ringed = _ring_over_neighbours(idx, c)
    if ringed is None and status in ("blank", "doubtful"):
        ringed = _ring_through_box(idx, c)
    if ringed is not None:
        return [opts[idx.index(ringed)]], "ok", 0.6, "ring"
    if status == "ok" and any(c.ringish[idx[k]] and opts[k] not in values
                              for k in range(len(idx))):
        # A ring around another option whose ink reaches into the box read: a big ring
        # drawn over its neighbour looks like a light mark there. Only a neighbour in the
        # same column or row can reach it (p64: rings round the texts of options in the
        # other column of a multiple choice doubted its boxes ringed through, 4 of 4 right).
        light = [idx[opts.index(v)] for v in values if c.net[idx[opts.index(v)]] < SOLID]
        if max(c.net[idx[opts.index(v)]] for v in values) < SOLID and any(
                c.ringish[idx[k]] and opts[k] not in values and _reaches(idx[k], light, c)
                for k in range(len(idx))):
            order = {o: i for i, o in enumerate(opts)}
            others = [opts[k] for k in range(len(idx)) if c.ringish[idx[k]]]
            return sorted(set(values) | set(others), key=order.get), "doubtful", 0.4, \
                "ring over mark"
    ring = [k for k in range(len(idx)) if c.around[idx[k]]]
    side = [k for k in range(len(idx)) if c.beside[idx[k]]]
    near = [k for k in range(len(idx)) if c.near[idx[k]]]
    if ring:  # ink a neighbouring option's ring explains: not a mark of its own
        near = [k for k in near if not _by_ring(idx[k], [idx[j] for j in ring], c)]
        side = [k for k in side if not _by_ring(idx[k], [idx[j] for j in ring], c)]
    if c.text_ring is not None and c.follows is not None:
        # Ink beside a box that runs on far past it (``near`` too), right after the text of an
        # option read with a ring round that text: the ring's own arc, no mark of its own.
        read = {idx[k] for k in range(len(idx)) if opts[k] in values}
        arc = {k for k in side if c.near[idx[k]] and c.follows[idx[k]] in read and
               c.text_ring[c.follows[idx[k]]]}
        side = [k for k in side if k not in arc]
        near = [k for k in near if k not in arc]
    if status == "ok" and (side or near):
        # Ink left of a box that is the long arm of the tick read in the box before it (a
        # rating row's wide gap crossed): no mark beside that box.
        read = [idx[k] for k in range(len(idx)) if opts[k] in values]
        side = [k for k in side if not arms.arm_of_read(idx[k], idx, read, c)]
        near = [k for k in near if not arms.arm_of_read(idx[k], idx, read, c)]
    if not (ring or side or near):
        return values, status, conf, note
    if kind == "multiple" and status == "ok" and ring and not side and \
            set(near) <= set(ring) and all(
            not c.near[idx[k]] and not c.cancelled[idx[k]] for k in ring):
        # Options ringed beside the boxes marked, each ring's strokes going round its box or
        # text, no other ink near another option: this respondent chose those options too.
        order = {o: i for i, o in enumerate(opts)}
        return sorted(set(values) | {opts[k] for k in ring}, key=order.get), "ok", 0.6, "ring"
    rest = [v for v in values if not side or v != opts[side[0]]]
    if kind == "single" and note in ("stray stroke", "missed box") and len(side) == 1 and \
            not ring and not near and (note == "missed box") == (opts[side[0]] in values) and \
            _streaked(idx, opts, rest, c) and not _from_left(idx, idx[side[0]], c):
        # The only ink in the boxes is a scanner's streak down the page, read blank; the one
        # mark beside a box (a hand's stroke: not running on) is the answer. "missed box":
        # that box was offered beside the streak's (a tick touching it: p51 page 149).
        return [opts[side[0]]], "ok", 0.6, "beside"
    order = {o: i for i, o in enumerate(opts)}
    chosen = [k for k in ring + side if not c.cancelled[idx[k]]]
    if note == "cancelled" and len(set(chosen)) == 1 and kind != "multiple" and all(
            c.cancelled[i] for i in idx if c.net[i] >= c.low):
        # The printed correction rule, the new answer ringed or marked beside instead of
        # filled: the crossed-out box is cancelled, the other one chosen.
        return [opts[chosen[0]]], "ok", 0.6, "correction"
    if status == "blank" and not near:
        if ring and not side and (len(ring) == 1 or kind == "multiple"):
            return [opts[k] for k in ring], "ok", 0.6, "ring"
        if side and not ring and len(side) == 1 and not _from_left(idx, idx[side[0]], c):
            return [opts[side[0]]], "ok", 0.6, "beside"
        if kind == "multiple":  # each option ringed or marked beside is chosen
            return [opts[k] for k in sorted(set(ring) | set(side))], "ok", 0.6, "ring"
    # Ink near an option (not a ring, not beside an option list) only matters where
    # nothing was marked: a single choice read from its boxes keeps its reading. In a
    # multiple choice each option is its own answer: a ring round one more option's text,
    # left open, is only ink near it, and dropping it is a silent error (fresh seed 18).
    extra = [opts[k] for k in ring + side + (near if status == "blank" or kind == "multiple"
                                              else []) if opts[k] not in values]
    if status in ("ok", "blank") and not extra:
        return values, status, conf, note
    doubted = sorted(set(values) | set(extra), key=order.get)
    if status in ("doubtful", "multiple") and note:
        return doubted, "doubtful", 0.4, note  # doubted already, for its own reason
    why = "ring other" if any(opts[k] in extra for k in ring) else \
        "beside other" if any(opts[k] in extra for k in side) else "ink near"
    return doubted, "doubtful", 0.4, why


def _reaches(r: int, boxes: list[int], c: BoxCalls) -> bool:
    """Whether a ring round box ``r`` (or its option's text) can reach one of ``boxes``: the
    next ones in its column, or in its row (where a text ring runs on to the next box)."""
    if c.zones is None:
        return True
    centres, w = c.zones[2], c.zones[3]
    for b in boxes:
        dx, dy = np.abs(centres[b] - centres[r]) / w[r]
        if (dx < 0.5 and dy < 4.0) or (dy < 0.5 and dx < 6.0):
            return True
    return False


def _streaked(idx: list[int], opts: list[str], values: list[str], c: BoxCalls) -> bool:
    """Whether every box of the question holding ink (``values``: all of them) holds only a
    light straight line through it that runs on through other boxes in line (a scanner's
    streak), not a mark."""
    from .judge import _streak

    held = [i for i in idx if c.net[i] >= c.low]
    return bool(held) and sorted(opts[idx.index(i)] for i in held) == sorted(values) and all(
        c.net[i] < CLEAR and not c.cancelled[i] and _streak(i, c) for i in held)


def _from_left(idx: list[int], i: int, c: BoxCalls) -> bool:
    """Whether the ink left of box ``i`` is a stroke whose lowest point lies at the box
    before it in its row (a tick drawn there running on to this one), not a mark beside it."""
    if c.vertex is None or c.zones is None:
        return False
    j = arms.box_before(idx, i, c)
    if j is None:
        return False
    centres, w = c.zones[2], c.zones[3]
    p = c.vertex(j, i)
    if p is None:
        return False
    # Ink reaching the bottom of the window looked in runs on below it (a scanner's streak
    # down the page): its lowest point there is no tick's vertex.
    bottom = max(centres[j, 1], centres[i, 1]) + 0.85 * max(w[j], w[i])
    return p[1] < bottom - 2 and \
        (p[0] - centres[j, 0]) / (centres[i, 0] - centres[j, 0]) < 0.35


def _by_ring(i: int, rings: list[int], c: BoxCalls) -> bool:
    """Whether ink near box ``i`` is a ring's: ``i`` is the box right after a ringed option's
    text or its text ends right before a ringed box (the ring passes between them), or it is
    the next box of its column to a ringed one."""
    if c.follows is not None and (c.follows[i] in rings or
                                  any(c.follows[r] == i for r in rings)):
        return True  # a ring round the text before the box, or round the box after the text
    if c.zones is None:
        return False
    centres, w = c.zones[2], c.zones[3]
    return any(abs(centres[i, 0] - centres[r, 0]) < 0.5 * w[r] and
               abs(centres[i, 1] - centres[r, 1]) < 2.2 * w[r] for r in rings)


def _ring_through_box(idx: list[int], c: BoxCalls) -> int | None:
    """The option whose text alone is ringed when the ring also crosses its box (a light
    mark there, the only one): no other ink beside the question's boxes but the ring's own,
    beside the box right after that text."""
    if c.text_ring is None or c.follows is None:
        return None
    rings = [i for i in idx if c.text_ring[i]]
    if len(rings) != 1:
        return None
    r = rings[0]
    marked = [i for i in idx if c.net[i] >= c.low]
    if marked != [r] or c.net[r] >= CLEAR or c.cancelled[r]:
        return None
    if any(c.beside[i] or c.around[i] or (c.near[i] and c.follows[i] != r)
           for i in idx if i != r):
        return None
    return r


def _ring_over_neighbours(idx: list[int], c: BoxCalls) -> int | None:
    """The box ringed when the ring's arcs cross its neighbours (a tight grid, a big ring):
    one clean box with ink all round it, the only other marks light and right beside it."""
    if c.zones is None:
        return None
    ringish = [i for i in idx if c.ringish[i]]
    marked = [i for i in idx if c.net[i] >= c.low]
    if len(ringish) != 1 or not marked or any(c.net[i] >= CLEAR for i in marked):
        return None
    r = ringish[0]
    centres, w = c.zones[2], c.zones[3]
    beside = all(np.abs(centres[i] - centres[r]).max() < 1.7 * w[r] for i in marked)
    return r if beside else None


def facing_clear(g: np.ndarray, c: BoxCalls) -> np.ndarray:
    """For boxes ``g`` of a tight grid, which sides (left, right, top, bottom) face a box
    holding a clear mark across the gap they share (not ink passing through it: a big ring's
    arc over the next column's box is no mark whose spill explains a ring)."""
    centres, w = c.zones[2], c.zones[3]
    clear = np.flatnonzero((c.net >= CLEAR) & ~c.through)
    out = np.zeros((len(g), 4), bool)
    if not len(clear):
        return out
    d = offsets(centres[g], centres[clear], w[g])
    row, col = np.abs(d[1]) < 0.5, np.abs(d[0]) < 0.5
    for k, (a, sign, level) in enumerate(((0, -1, row), (0, 1, row), (1, -1, col),
                                         (1, 1, col))):
        ahead = d[a] * sign
        out[:, k] = (level & (ahead > 0.5) & (ahead < 1.9)).any(axis=1)
    return out


def ring_in_column(group: list[int], c: BoxCalls) -> int | None:
    """The one box of a grid column with a ring's ink round it, else None (see below)."""
    if c.zones is None:
        return None
    sides, corners = c.zones[0], c.zones[1]
    # Ink on three sides; or above and below it and past most corners (a ring wider than
    # the gap, its arcs beside the box outside the zones measured). Neighbouring columns'
    # marks put ink left and right of a box, never above and below it.
    # Ink is counted over what the column's boxes usually show on that side (a grid printed or
    # scanned a little off puts the next column's outline in every box's zone): two sides
    # inked by the marks above and beside, plus that, read a tick's neighbour as ringed.
    # A side facing a clearly marked box holds that mark's ink (a fill or tick spills into
    # the gap the two boxes share): no ring's evidence (p51: fills beside a clean box, above
    # and left of it, read it as ringed and doubted the column's own mark).
    g = np.asarray(group)
    sides = sides[g] - np.median(sides[g], axis=0) if len(g) >= 5 else sides[g]
    corners = corners[g] - np.median(corners[g], axis=0) if len(g) >= 5 else corners[g]
    sides = np.where(facing_clear(g, c), 0.0, sides)
    inked = (sides > RING_GAP).sum(axis=1)
    round_ = g[inked >= 3]
    if not len(round_):
        inked = inked + (corners > RING_GAP).sum(axis=1)
        round_ = g[(np.minimum(sides[:, 2], sides[:, 3]) > RING_GAP) & (inked >= 5)]
    return int(round_[0]) if len(round_) == 1 else None


def ringed_in_column(group: list[int], c: BoxCalls,
                     rings: list[int] | None = None) -> tuple[int | None, bool]:
    """The digit ringed in a grid column, and whether it can be read as the column's answer.

    In a tight grid a ring has no room of its own: it runs through the gaps around its box
    (on three sides at least) and its arcs cross the boxes next to it. The box is the one of
    the column with such ink round it, when the column has no clear mark (else None); it is
    the answer when the column's other marks are light and right beside it or beside another
    column's ringed box (``rings``: its arcs).
    """
    if c.zones is None or any(c.net[i] >= CLEAR or c.cancelled[i] for i in group):
        return None, False
    r = ring_in_column(group, c)
    if r is None:
        return None, False
    centres, w = c.zones[2], c.zones[3]
    marked = [i for i in group if c.net[i] >= c.low and i != r]
    return r, all(any(np.abs(centres[i] - centres[k]).max() <= 1.7 * w[k]
                      for k in {r, *(rings or ())}) for i in marked)
