"""Judging digit and date grids: each column of a grid is a single choice among its digits,
read with the single-choice rules (``judge._single``) and the rings, spills and lone marks
particular to a tight grid, whose boxes share the gaps between them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import gridrings, judge, offbox
from .gridrings import GridInk
from .levels import CANCEL_FILL, CLEAR, RING_GAP

LONE_TICK = 0.15  # a tick in a grid column whose arm runs off its box: lighter than CLEAR
BESIDE_RING = 0.12  # a mark this dark beside a box read from a ring round it: a second answer
STRAY = 0.03  # pen ink (square box sides) over a ringed column on no ring's course: noise
ARCS = 0.9  # share of a box's ink on rings' courses: the rings' arcs, no mark of its own
SHORT_GRID = 6  # a digit grid this long is a number written whole (phone, ID), not a count

if TYPE_CHECKING:
    from .judge import Answer, BoxCalls


def judge_grid(q: dict, idx: list[int], boxes: list[dict], c: BoxCalls,
               ink: GridInk | None = None) -> Answer:
    """A digit or date grid: each position is a single choice among its digits (``ink``: the
    pen's ink over the grid, its boxes in the order of ``idx``)."""
    positions: dict[int, list[int]] = {}
    for i in idx:
        positions.setdefault(int(boxes[i]["position"]), []).append(i)
    digits, states, confs, lone, whys, reads = [], [], [], {}, [], []
    later: list[int] = []  # doubted columns with no ring at a pen's darkness
    beside = False
    rings = [r for r in (gridrings.ring_in_column(positions[p], c) for p in positions)
             if r is not None]
    rung = ringed_boxes(c)
    for group in positions.values():
        rung[group] = _rung(group, c)
    rung[rings] = True
    hugged = np.zeros(len(c.net), bool) if c.around is None else c.around | c.ringish
    hugged[rings] = True
    for n, pos in enumerate(sorted(positions)):
        group = positions[pos]
        opts = [boxes[i]["option"] for i in group]
        single = judge._single(group, opts, c, grid=True)
        vals, status, conf, why = offbox.judge_outside(group, opts, c, "single", *single)
        ringed, alone = gridrings.ringed_in_column(group, c, rings)
        if ringed is not None and alone:  # light ink elsewhere only rings' arcs
            vals, status, conf = [boxes[ringed]["option"]], "ok", 0.6
        elif ringed is not None and status == "ok" and vals != [boxes[ringed]["option"]]:
            # Read from light ink in the boxes (a ring's arcs look like a tick running on into
            # the next box), with a ring round another box of the column: a person decides.
            vals, status, conf = vals + [boxes[ringed]["option"]], "doubtful", 0.4
            why = "ring"
        elif status == "ok" and _arc_of_ring(group, [boxes[i]["option"] in vals for i in group],
                                             c):
            # The mark read is light and right beside a box with ink round it: the arc of a
            # ring drawn round that box (too loose to tell for sure). A person decides.
            vals, status, conf, why = vals, "doubtful", 0.4, "ring over mark"
        elif status == "ok" and any(rung[i] and c.net[i] < c.low and
                                    boxes[i]["option"] not in vals for i in group) and \
                max(c.net[i] for i in group if boxes[i]["option"] in vals) < CANCEL_FILL:
            # A mark read, and a ring round another digit of the column: the mark may be the
            # arc of a ring drawn round the next column's box, or two answers. A person decides.
            vals, status, conf, why = vals, "doubtful", 0.4, "ring other"
        if status == "doubtful":
            r = _drawn_ring(group, c, hugged)
            if r is not None:  # other ink in the column is only rings' arcs
                vals, status, conf, why = [boxes[r]["option"]], "ok", 0.6, ""
        if ink is not None:
            vals, status, conf, why = _pen_ring(group, n, sorted(positions), positions, boxes,
                                                c, ink, idx, (vals, status, conf, why), later)
        if status == "ok" and len(vals) == 1 and c.net[group[opts.index(vals[0])]] < c.low and \
                any(c.net[i] >= BESIDE_RING and o in single[0] and o not in vals
                    for i, o in zip(group, opts, strict=True)):
            beside = True  # read from a ring, beside a mark in another box as dark as a tick
        marked = [i for i in group if c.net[i] >= c.low]
        if status == "doubtful" and why == "ink near" and not marked and n and \
                states[n - 1] == "ok" and all(boxes[i]["option"] == digits[n - 1]
                                              for i in group if c.near[i]):
            # Nothing in the column but ink left of the box level with the previous column's
            # mark: that mark spilling over (after the last digit of a 9-digit old ID in the
            # 12-digit grid, say), not a digit.
            vals, status, conf, why = [], "blank", 0.6, ""
        elif status == "doubtful" and why == "ink near" and not marked and n == 0 and \
                all(_spilled(i, c, rung) for i in group if c.near[i]):
            # The grid's first column: ink left of a box level with a mark or ring of the
            # grid printed left of this one (its last column's ring reaching over the gap).
            vals, status, conf, why = [], "blank", 0.6, ""
        if status == "doubtful" and len(marked) == 1 and (c.net[marked[0]] >= CLEAR or (
                why in ("stray stroke", "tick into next") and
                _lone_tick(group, marked[0], c, hugged))) and \
                not _arc_of_ring(group, [i == marked[0] for i in group], c) and \
                not c.cancelled[marked[0]] and not c.around[marked[0]] and \
                not any(rung[i] for i in group if i != marked[0]):
            # One clear mark in the column, doubted only for ink running off it: in a
            # tight grid that is the neighbouring columns' ticks and crosses.
            lone[n] = boxes[marked[0]]["option"]
        reads.append((group, [boxes[i]["option"] in vals for i in group]))
        digits.append(vals[0] if status == "ok" else ("" if status == "blank" else "?"))
        states.append(status)
        confs.append(conf)
        whys.append(why if status in ("doubtful", "multiple") else "")
    for n, digit in lone.items():  # ... taken when the columns beside it are read too
        if all(states[k] == "ok" or k in lone for k in (n - 1, n + 1) if 0 <= k < len(states)):
            digits[n], states[n], confs[n] = digit, "ok", 0.6
    if ink is not None and not beside:
        # A light ballpoint's grey ring on a pale scan leaves its loop broken at a pen's
        # darkness (p65: ringed numbers doubted, or a ringed digit left out as a gap, so): the
        # doubted columns, and those left out inside the number, are asked again at a lighter
        # pen's level. Not where a column was read from a ring beside a mark as dark as a
        # tick in another of its boxes (drawn: a light tick under a ring read as the ring
        # alone): that number stays with a person, as before.
        inner = [k for k, s in enumerate(states) if s != "blank"]
        gaps = [k for k in range(inner[0] + 1, inner[-1]) if states[k] == "blank"] \
            if inner else []
        for n in sorted({k for k in later if states[k] == "doubtful"} | set(gaps)):
            group = positions[sorted(positions)[n]]
            r = _light_ring(group, n, sorted(positions), positions, c, ink, idx)
            if r is not None:
                digits[n], states[n], confs[n], whys[n] = boxes[r]["option"], "ok", 0.6, ""
                c.ringish[r] = True
    if ink is not None:
        _rings_found_later(positions, boxes, c, ink, idx, hugged, (digits, states, confs, whys))
    filled = [s != "blank" for s in states]
    end = max((i for i, f in enumerate(filled) if f), default=0)
    if 0 < end < len(states) - 1 and states[end] == "ok" and _arm_from_left(*reads[end], c):
        # The last digit read, after which the grid is empty (a 9-digit old ID in the 12-digit
        # grid), is light and one stroke with a darker mark level with it in the column
        # before: that tick's arm running on past the number, not a digit. A person decides.
        digits[end], states[end], confs[end], whys[end] = "?", "doubtful", 0.4, \
            "tick into next"
    ans = judge.Answer(q["code"], q["kind"], boxes=idx, confidence=float(min(confs)))
    if not any(filled):
        ans.status = "blank"
        return ans
    last = max(i for i, f in enumerate(filled) if f)
    gap = not all(filled[:last + 1])
    ans.values = digits[:last + 1]
    # A number of many digits (a phone, a citizen ID) read with fewer than half of them is
    # not a number anyone writes: a stray stroke through one column of an empty grid, read
    # as its only digit (a synth stray-stroke set read a blank citizen ID as "2" so). Nor is
    # one digit short of the grid (9 of a phone's 10, 11 of a citizen ID's 12; an old ID is 3
    # short): the last digit's mark was not seen (seed 20, re-read at the eighth session's
    # end: a ring round a phone's last "0" on a page skewed 3 degrees missed, nine read).
    short = q["kind"] == "digits" and len(states) >= SHORT_GRID and (
        2 * (last + 1) < len(states) or last + 2 == len(states))
    if "multiple" in states:
        ans.status = "multiple"
    elif "doubtful" in states or gap or (q["kind"] == "date" and not all(filled)) or short:
        ans.status = "doubtful"
    else:
        ans.status = "ok"
    if ans.status != "ok":  # why: the first doubted column's reason, else the gap
        ans.note = "digit " + next((w or "doubtful" for s, w in zip(states, whys, strict=True)
                                    if s in ("doubtful", "multiple")),
                                   "gap" if gap else "short" if short else "incomplete date")
    return ans


def _pen_ring(group: list[int], n: int, order: list[int], positions: dict, boxes: list[dict],
              c: BoxCalls, ink: GridInk, idx: list[int], read: tuple,
              later: list[int] | None = None) -> tuple:
    """A column judged again from the rings its pen's ink draws (``gridrings``).

    A light mark read in a column where the ink runs round another box of it as a ring is
    the arc of a ring drawn round that box, or a second answer: a person decides (fresh seed
    18 read two digit rings drawn a little low as the next digit). A ring read that goes
    round the next box too is a person's as well. (A second ring next to a ring read is left
    to the rules before: the arcs of the next columns' rings round a box look like one.)

    A doubted column is read as the one box the ink rings, centred on it, when all other
    ink over the column lies on rings' courses (its own and the next columns'), the ring
    goes round no other box, and every other marked box of the column, and any box round the
    ring holding as much ink as a clear mark, holds rings' arcs only (``ARCS``; never a clear
    one on a page marked with crosses, whose arms round a box look like a ring). The ring's
    box counts as ringed: its outline hidden under the ring does not send the question to a
    person as "not visible"."""
    vals, status, conf, why = read
    local = {i: k for k, i in enumerate(idx)}
    opts = [boxes[i]["option"] for i in group]
    chosen = [i for i, o in zip(group, opts, strict=True) if o in vals]
    if status == "ok" and len(chosen) == 1 and c.net[chosen[0]] < CLEAR:
        own = ink.ring(local[chosen[0]])
        if own is not None:  # read from its ring: doubted only when it goes round two boxes
            own = ink.ring(local[chosen[0]], loose=True) or own
            doubt = any(ink.encloses(own, local[chosen[0]], local[j]) for j in group
                        if j != chosen[0])
        else:
            loops = {i: ink.ring(local[i], loose=True) for i in group}
            doubt = any(p is not None and (i != chosen[0] or any(
                ink.encloses(p, local[i], local[j]) for j in group if j != i))
                for i, p in loops.items())
        if doubt:
            return vals, "doubtful", 0.4, "ring other"
        if own is not None:
            c.ringish[chosen[0]] = True  # in view round its ring (``read._unseen``)
    if status == "ok" and len(chosen) == 1 and c.net[chosen[0]] >= CLEAR and \
            c.zones is not None and not c.crosses:
        # A clear mark read, and a ring round another box of the column (its ink in the gaps
        # round that box first): two answers, unless clear marks round that box draw the
        # ring (crosses' arms and fills' spill round a clean box look like one).
        centres, w = c.zones[2], c.zones[3]
        for i in group:
            if i == chosen[0] or c.net[i] >= CLEAR or (c.zones[0][i] > RING_GAP).sum() < 2:
                continue
            if not any(c.net[j] >= CLEAR and 0 < np.abs(centres[j] - centres[i]).max() <=
                       1.7 * w[i] for j in idx) and ink.ring(local[i]) is not None:
                return vals, "doubtful", 0.4, "ring other"
    if status != "doubtful" or c.zones is None or c.cancelled[group].any():
        return read
    r = _ring_read(group, n, order, positions, c, ink, idx)
    if r is None:
        if later is not None:
            later.append(n)  # asked again at a lighter pen's level (``judge_grid``)
        return read
    c.ringish[r] = True  # the box is in view round its ring (``read._unseen``)
    return [boxes[r]["option"]], "ok", 0.6, ""


def _rings_found_later(positions: dict, boxes: list[dict], c: BoxCalls, ink: GridInk,
                       idx: list[int], hugged: np.ndarray, cols: tuple) -> None:
    """Doubted columns asked again for a drawn ring (``_drawn_ring``) once the columns after
    them are judged: a ring found round a box of the next column by its pen's ink (``_pen_ring``
    marks it ``ringish``) explains the light ink its arc leaves in this column's box level with
    it (p65 sheet 043: a phone's "5" ringed, the next column's ring round "7" crossing this
    column's "7", doubted as "missed box"). The column read so is asked ``_pen_ring``'s
    questions as in the first pass. ``cols``: digits, states, confidences, notes (in place)."""
    order = sorted(positions)
    seen = hugged | c.ringish
    digits, states, confs, whys = cols
    for n, pos in enumerate(order):
        if states[n] != "doubtful":
            continue
        near = [i for k in (n - 1, n + 1) if 0 <= k < len(order) for i in positions[order[k]]]
        if not (seen[near] & ~hugged[near]).any():
            continue
        group = positions[pos]
        r = _drawn_ring(group, c, seen)
        if r is None:
            continue
        vals, status, conf, why = _pen_ring(group, n, order, positions, boxes, c, ink, idx,
                                            ([boxes[r]["option"]], "ok", 0.6, ""))
        if status == "ok" and len(vals) == 1:
            digits[n], states[n], confs[n], whys[n] = vals[0], "ok", conf, ""


def _light_ring(group: list[int], n: int, order: list[int], positions: dict, c: BoxCalls,
                ink: GridInk, idx: list[int]) -> int | None:
    """The box a ring goes round in a column with no ring at a pen's darkness, read at a
    lighter pen's level (``_ring_read``): no pen's loop round another box of the column, and
    no light ink of its own (off every ring's course) in another box."""
    if c.zones is None or c.cancelled[group].any():
        return None
    light = ink.light
    r = _ring_read(group, n, order, positions, c, light, idx)
    local = {i: k for k, i in enumerate(idx)}
    if r is None or any(ink.ring(local[i], loose=True) for i in group if i != r):
        return None  # a pen's ring round another box of the column
    near = [positions[order[k]] for k in (n - 1, n + 1) if 0 <= k < len(order)]
    loops = [p for p in (light.ring(local[i]) for g in [group, *near] for i in g)
             if p is not None]
    if any(light.inside(local[i]) > STRAY * light.side ** 2 and
           light.on_rings(local[i], loops) < ARCS for i in group if i != r):
        return None  # a light tick or stroke of its own in another box (as light as the ring)
    return r


def _ring_read(group: list[int], n: int, order: list[int], positions: dict, c: BoxCalls,
               ink: GridInk, idx: list[int]) -> int | None:
    """The one box of a doubted column its pen's ink rings, when all other ink over the
    column lies on rings' courses (see ``_pen_ring``), else None."""
    local = {i: k for k, i in enumerate(idx)}
    rings = [i for i in group if ink.ring(local[i])]
    if len(rings) != 1:
        return None
    r = rings[0]
    if any(ink.ring(local[i], loose=True) for i in group if i != r) or \
            any(ink.encloses(ink.ring(local[r]), local[r], local[i]) for i in group if i != r):
        return None
    centres, w = c.zones[2], c.zones[3]
    near = [positions[order[k]] for k in (n - 1, n + 1) if 0 <= k < len(order)]
    loops = [p for p in (ink.ring(local[i]) for g in [group, *near] for i in g) if p is not None]
    heavy = [j for j in idx if j != r and c.net[j] >= CLEAR and
             (j in group or np.abs(centres[j] - centres[r]).max() <= 1.7 * w[r])]
    if heavy and c.crosses:
        return None  # crosses' arms round a box look like a ring
    if any(ink.on_rings(local[j], loops) < ARCS for j in {*heavy, *(
            i for i in group if i != r and c.net[i] >= c.low)}):
        return None  # a mark of its own (pencil too light to count as pen ink: none on rings)
    if ink.stray([local[i] for i in group], loops) > STRAY * ink.side ** 2:
        return None
    return r


def _arm_from_left(group: list[int], read: list[bool], c: BoxCalls) -> bool:
    """Whether the light mark read in a grid column is one stroke with a darker mark in the
    box level with it just left of it (the column before: a tick's arm running on), as drawn
    after the last digit of a 9-digit old ID in the 12-digit grid."""
    if c.zones is None or c.joined is None:
        return False
    centres, w = c.zones[2], c.zones[3]
    for k, i in enumerate(group):
        if not read[k] or c.net[i] >= CLEAR:
            continue
        d = (centres[i] - centres) / w[i]
        left = np.flatnonzero((np.abs(d[:, 1]) < 0.5) & (d[:, 0] > 0.5) & (d[:, 0] < 1.9) &
                              (c.net > c.net[i]) & (c.net >= c.low))
        if any(c.joined(int(j), i) for j in left):
            return True
    return False


def _lone_tick(group: list[int], i: int, c: BoxCalls, hugged: np.ndarray) -> bool:
    """Whether the one mark of a grid column, lighter than a clear one, is a tick whose arm
    ran off its box: a stroke's worth of ink (``LONE_TICK``) not passing through the box, no
    other ink in the column but the spill of the previous column's clear marks, no ring of
    the next columns right beside it (p51: six such ticks went to a person)."""
    if c.net[i] < LONE_TICK or c.through[i] or c.zones is None or c.around is None or \
            _arm_from_left(group, [j == i for j in group], c):
        return False
    g = np.asarray(group)
    spill = gridrings.facing_clear(g, c)[:, 0]  # ink left of a box level with a clear mark
    if (c.beside[g] | hugged[g] | (c.near[g] & ~spill)).any():
        return False
    centres, w = c.zones[2], c.zones[3]
    others = np.flatnonzero(hugged)
    return not (np.abs(centres[others] - centres[i]).max(axis=1) <= 1.7 * w[i]).any()


def _drawn_ring(group: list[int], c: BoxCalls, hugged: np.ndarray) -> int | None:
    """The one box of a grid column a drawn ring goes round, when nothing else is marked in
    the column: every other ink in it is that ring's arcs or a ring's of the next column.

    The box is the only one of the column whose ring's strokes go round it (``hugged``:
    ``outside.around``, ``hug``'s rings, ``gridrings.ring_in_column``), no box of the column
    holds a clear mark, light ink in a box lies right beside a ringed box, and ink near a
    box is within two boxes of the ring above or below, or level with a ringed box of the
    next column (a ring in a tight grid crosses its neighbours' gaps).
    """
    if c.zones is None or c.around is None:
        return None
    g = np.asarray(group)
    if (c.net[g] >= CLEAR).any() or c.cancelled[g].any():
        return None
    ringed = g[hugged[g]]
    ring = gridrings.ring_in_column(group, c)
    if len(ringed) != 1 or ring not in (None, ringed[0]):
        return None
    r = int(ringed[0])
    centres, w = c.zones[2], c.zones[3]
    others = np.flatnonzero(hugged)
    others = others[~np.isin(others, g)]
    for i in g[g != r]:
        d = np.abs(centres[others] - centres[i]) / w[i]
        if c.net[i] >= c.low and not (np.abs(centres[r] - centres[i]).max() <= 1.7 * w[i]
                                      or (d.max(axis=1) <= 1.7).any()):
            return None
        inked = c.near[i] or c.beside[i] or c.strays[i] or c.through[i]
        if inked and not (abs(centres[r, 1] - centres[i, 1]) < 2.2 * w[i]
                          or ((d[:, 0] < 1.9) & (d[:, 1] < 0.6)).any()):
            return None
    return r


def _spilled(i: int, c: BoxCalls, rung: np.ndarray) -> bool:
    """Whether a box has a marked or ringed box level with it just left of it, whose ink
    can reach the band beside it."""
    if c.zones is None:
        return False
    centres, w = c.zones[2], c.zones[3]
    dx = centres[i, 0] - centres[:, 0]
    level = np.abs(centres[:, 1] - centres[i, 1]) < 0.5 * w[i]
    near = level & (dx > 0.5 * w[i]) & (dx < 3.5 * w[i])
    return bool((near & ((c.net >= c.low) | rung | c.around)).any())


def _arc_of_ring(group: list[int], read: list[bool], c: BoxCalls) -> bool:
    """Whether the light mark read in a grid column lies right beside another box of it with
    ink past at least five of its sides and corners (a loose ring's arc over the mark), or
    any mark lighter than a fill next to an empty box with ink past four of them, two of
    them sides (a ring drawn a little low or high over the next box), unless the respondent
    marks with crosses, whose arms reach past the boxes beside them."""
    centres, w = c.zones[2], c.zones[3]
    g = np.asarray(group)
    # Ink over what the column's boxes usually show there (the grid's own print: the next
    # column's outline, the box below's, in every box's zones), none on a side facing a
    # clear mark (its spill): a cross's arms past the corners of the boxes above and below
    # it with that print made a "ring" round both (p65 sheets 27 and 236, p51 sheet 42:
    # crossed digits doubted as "ring over mark").
    sides, corners = gridrings.column_zones(group, c)
    inked = (sides > RING_GAP).sum(axis=1)
    round_ = inked + (corners > RING_GAP).sum(axis=1)
    for k, i in enumerate(group):
        if not read[k]:
            continue
        beside = (g != i) & (np.abs(centres[g] - centres[i]).max(axis=1) <= 1.7 * w[i])
        if c.net[i] < CLEAR and (beside & (c.net[g] < c.low) & (round_ >= 5)).any():
            return True
        # Fresh seed 18: a ring round a digit drawn low (or high) dips into the next box;
        # the arc there, a light mark, was read as the next digit, silently.
        ringed = beside & (c.net[g] < c.low) & (round_ >= 4) & (inked >= 2)
        if c.net[i] < CANCEL_FILL and not c.crosses and ringed.any():
            return True
    return False


def _rung(group: list[int], c: BoxCalls) -> np.ndarray:
    """Which boxes of a grid column have a ring's ink round them (see ``ringed_boxes``),
    counting ink on each side over what the column's boxes usually show there (the next
    column's outline in every box's zone) and none on a side facing a clear mark (its spill
    into the shared gap): p51 read 17 plain ticks, fills and pencil marks as "ring other"."""
    if c.zones is None:
        return np.zeros(len(group), bool)
    g = np.asarray(group)
    sides, _ = gridrings.column_zones(group, c)
    return (c.net[g] < CLEAR) & (((sides > RING_GAP).sum(axis=1) >= 3) | c.ringish[g])


def ringed_boxes(c: BoxCalls) -> np.ndarray:
    """Clean boxes with a pen stroke round them on three sides (a ring), or ring-like ink."""
    if c.zones is None:
        return np.zeros(len(c.net), bool)
    return (c.net < CLEAR) & (((c.zones[0] > RING_GAP).sum(axis=1) >= 3) | c.ringish)
