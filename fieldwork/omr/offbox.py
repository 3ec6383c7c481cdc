"""A question judged by the marks outside its boxes (``outside``): rings and marks beside
read, other ink doubted.

A question with no mark inside its boxes takes its ringed option (or its options, in a
multiple choice), or the one marked beside; a ring or mark beside an option other than
the one filled, or any ink just after a text or between boxes of a row, sends the
question to a person.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import arms
from .levels import CLEAR, RING_GAP, SOLID
from .light import _streak

OPEN_TEXT = 0.02  # pen ink over and under an option's text where a ring round it crosses its
# lines (drawn rings round danang's three-line reasons: 0.028-0.26; over the text next to a
# ringed one: 0.016 at most)

if TYPE_CHECKING:
    from .judge import BoxCalls


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
        return _in_order(opts, values, inked), "doubtful", 0.4, "ring other"
    if kind == "single" and len(idx) <= 3 and c.ringed is not None and \
            (status == "blank" or (status == "ok" and note == "ring")):
        # The same with rings round the boxes: two options ringed (seed 22: "Nam" and "Nữ"),
        # each ring the other's baseline, read as one ring or none. Another option whose own
        # strokes go round its box is a second answer, for a person.
        more = [opts[k] for k in range(len(idx)) if opts[k] not in values and
                c.net[idx[k]] < c.low and c.ringed(idx[k])]
        if more:
            return _in_order(opts, values, more), "doubtful", 0.4, "ring other"
    return values, status, conf, note


def _in_order(opts: list[str], values: list[str], more: list[str]) -> list[str]:
    """The options of ``values`` and ``more``, each once, in the question's order."""
    order = {o: i for i, o in enumerate(opts)}
    return sorted({*values, *more}, key=order.get)


def second_ring(idx: list[int], opts: list[str], c: BoxCalls, values: list[str], status: str,
                conf: float, note: str) -> tuple[list[str], str, float, str]:
    """A single choice (no grid column) read as one option from a ring, or from a light mark
    (a ring's arc crossing its box), beside another option ringed too: its own strokes going
    round its box at a ring's level (``c.ringed``), ink near it running past its far side
    (``_ring_beyond``), or its text with pen ink above and below (``_text_ringed``): two
    rings, for a person. Rings one under the other, or side by side, touch, so each one's
    strokes run on into the other's bands; neither was a hand's ring to ``outside``, or the
    second's ink was taken for the first's arc (``_by_ring``), and one was read alone (the
    paper generator with every single choice ringed twice: 8 doubles of 824 read as one ring,
    silently; held-out seeds 23 and 22 read such a double as one answer)."""
    if status != "ok" or len(values) != 1 or c.ringed is None or note not in ("ring", ""):
        return values, status, conf, note  # read beside, corrected...: other rules
    r = idx[opts.index(values[0])]
    if c.net[r] >= CLEAR:
        return values, status, conf, note
    more = [opts[k] for k in range(len(idx)) if idx[k] != r and c.net[idx[k]] < CLEAR and
            (c.ringed(idx[k]) or _ring_beyond(idx[k], r, c) or _text_ringed(idx[k], idx, c))]
    if not more:
        return values, status, conf, note
    return _in_order(opts, values, more), "doubtful", 0.4, "ring other"


def unread_text_ring(idx: list[int], opts: list[str], c: BoxCalls, values: list[str],
                     status: str, conf: float, note: str) -> tuple[list[str], str, float, str]:
    """A multiple choice read (or read blank) without an option whose printed text a ring
    goes round: pen ink over and under the text (``OPEN_TEXT``, in either band, a little away
    or right at it) and its strokes round it (``runs.text_ringed``), not read as a ring round
    the text (``text_ring``) for want of a ring's ink in the bands. A ring round a tall text
    (two or three lines) crosses its first or last line, leaving little ink in the bands over
    and under it; drawn with paperscan's ring_text on danang-2025's q02: 3 of 234 such
    questions read without that option, silently (fresh seed 28: one of three rings dropped).
    Not certain: for a person."""
    if status not in ("ok", "blank") or c.text_ink is None or c.text_round is None or \
            c.text_ring is None:
        return values, status, conf, note
    more = [opts[k] for k in range(len(idx)) if opts[k] not in values and
            not c.text_ring[idx[k]] and np.nan_to_num(c.text_ink[idx[k]]).min() > OPEN_TEXT
            and c.text_round(idx[k])]
    if not more:
        return values, status, conf, note
    return _in_order(opts, values, more), "doubtful", 0.4, "ring other"


def _ring_beyond(i: int, r: int, c: BoxCalls) -> bool:
    """Whether ink near box ``i``, in box ``r``'s column (the next box) or row, runs past its
    far side too (the side away from ``r``): a ring round ``i`` or its text, which no ring
    round ``r`` reaches (``_by_ring`` takes ink near the next box of a column, or between a
    text and the next box, for ``r``'s ring's arc)."""
    if c.zones is None or c.near is None or not c.near[i] or c.net[i] >= c.low:
        return False
    centres, w = c.zones[2], c.zones[3]
    dx, dy = centres[i] - centres[r]
    if abs(dx) < 0.5 * w[r] and 0.5 * w[r] < abs(dy) < 2.2 * w[r]:
        side = 3 if dy > 0 else 2  # sides: left, right, top, bottom
    elif abs(dy) < 0.5 * w[r] and abs(dx) > 0.5 * w[r]:
        side = 1 if dx > 0 else 0
    else:
        return False
    return bool(c.zones[0][i, side] > RING_GAP)


def _text_ringed(i: int, idx: list[int], c: BoxCalls) -> bool:
    """Whether option ``i``'s text has pen ink above and below it, with ink near its box (the
    ring crossing it) or in a list of three options at most (whose rings are each other's
    baseline)."""
    return c.inked_text is not None and bool(c.inked_text[i]) and (
        len(idx) <= 3 or (c.near is not None and bool(c.near[i])))


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
            others = [opts[k] for k in range(len(idx)) if c.ringish[idx[k]]]
            return _in_order(opts, values, others), "doubtful", 0.4, \
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
        return _in_order(opts, values, [opts[k] for k in ring]), "ok", 0.6, "ring"
    rest = [v for v in values if not side or v != opts[side[0]]]
    if kind == "single" and note in ("stray stroke", "missed box") and len(side) == 1 and \
            not ring and not near and (note == "missed box") == (opts[side[0]] in values) and \
            _streaked(idx, opts, rest, c) and not _from_left(idx, idx[side[0]], c):
        # The only ink in the boxes is a scanner's streak down the page, read blank; the one
        # mark beside a box (a hand's stroke: not running on) is the answer. "missed box":
        # that box was offered beside the streak's (a tick touching it: p51 page 149).
        return [opts[side[0]]], "ok", 0.6, "beside"
    chosen = [k for k in ring + side if not c.cancelled[idx[k]]]
    if note == "cancelled" and chosen and (len(set(chosen)) == 1 or (
            kind == "multiple" and not side)) and \
            set(near) <= set(chosen) and all(c.cancelled[idx[k]] or k in chosen
                                             for k in range(len(idx)) if c.net[idx[k]] >= c.low):
        # The printed correction rule, the new answer ringed or marked beside instead of
        # filled: the crossed-out box is cancelled, the other one chosen (in a multiple
        # choice, each option ringed: a mark beside may be the next option's, beside9). A
        # ring round the text that takes in its box leaves a light arc in the box chosen
        # (p65 sheet 231, p51 sheets 092 and 089 went to a person).
        return [opts[k] for k in sorted(set(chosen))], "ok", 0.6, "correction"
    if status == "blank" and kind == "multiple" and not near and c.loose_after is not None and \
            any(c.loose_after(idx[k]) for k in side):
        # A multiple choice with nothing in its boxes, an option marked only after its text by
        # a loop or a zigzag (a tick's shape only loosely): the synth family's stray strokes
        # after danang-2025's reason_d, read as chosen, silently (drawn: 2 of 55 blank reasons
        # lists). Not certain: for a person.
        return [opts[k] for k in sorted(set(ring) | set(side))], "doubtful", 0.4, \
            "stray stroke"
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
    doubted = _in_order(opts, values, extra)
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
    if not beside or (r not in marked and c.round is not None and not c.round(r)):
        # Ink round a box whose strokes do not go round it (a slip going by, a ring round
        # the option's text alone: drawn, a ring round "Đất đai" read over the arc of a ring
        # round "Lao động ..." in the box below) is no ring read over the light mark in the
        # box beside it. A ring tight round its own box (its ink in the box) is left as it was.
        return None
    return r
