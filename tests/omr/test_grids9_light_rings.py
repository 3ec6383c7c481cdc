"""Rings round the digits of a grid drawn with a light ballpoint (issue 21, eighth session):
grey rings whose loop, at a pen's darkness over the print, breaks into arcs, so the column
was doubted ("ink near", "missed box") or, with nothing left in it, left out as a gap (p65:
light rings on pale scans). The grid's ink is asked again at a lighter pen's level, with
every test of a ring read (one loop round one box, nothing else on the column off rings'
courses). Its dangerous neighbours stay with a person: a light ring beside a second ring or
a tick in the same column, and a light loop in the empty columns after a 9-digit ID is no
digit.

Marks are drawn with OpenCV on the page rendered from the printed PDF, where its layout puts
the boxes (never from the reader's geometry)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from .test_drawn_marks import PEN, _px
from .test_grids8_rings import _grid, _ring, _ringed_number

LIGHT = 0.3  # a light ballpoint's grey: its rings' darkness under a pen's level


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_a_number_ringed_in_a_light_ballpoint_is_read(forms, seed):
    """Doubted or read with a gap on main 6e362aa for these three hands."""
    pages, layout, _, ink = _ringed_number(forms, "phone", "0914572368", seed)
    a = _grid(pages, layout, "phone", ink, LIGHT)
    assert (a.status, "".join(a.values)) == ("ok", "0914572368"), a


@pytest.mark.parametrize(("seed", "opacity"), [(4, LIGHT), (5, 0.4), (6, 0.35)])
def test_a_light_ringed_citizen_id_is_read(forms, seed, opacity):
    pages, layout, _, ink = _ringed_number(forms, "citizen_id", "034281960512", seed)
    a = _grid(pages, layout, "citizen_id", ink, opacity)
    assert (a.status, "".join(a.values)) == ("ok", "034281960512"), a


SECOND = [(second, opacity, seed) for second in ("ring", "tick") for opacity in (LIGHT, 0.4)
          for seed in (3, 4, 5, 6)]
# Found, not fixed (silent on main 6e362aa and now): a light tick under a ring round the box
# above, read as the ring alone (``outside``'s ring rules and ``ringed_in_column``); two light
# rings in one column, only the lower one seen as a ring (``hug``), read as its digit alone.
# A test of the tick's darkness beside a ring-read box (0.12 of black and more) doubted 26
# ringed numbers of p65 whose rings cross the next box: left out.
SILENT = {("ring", LIGHT, 4), ("tick", LIGHT, 3), ("tick", 0.4, 3), ("tick", 0.4, 4),
          ("tick", 0.4, 5), ("tick", 0.4, 6)}
SECOND = [pytest.param(*case, marks=pytest.mark.xfail(strict=True, reason="found, not fixed"))
          if case in SILENT else case for case in SECOND]


@pytest.mark.parametrize(("second", "opacity", "seed"), SECOND)
def test_a_second_answer_beside_a_light_ring_goes_to_a_person(forms, second, opacity, seed):
    """Column 4 (its 5 ringed lightly) also holds a ring round its 8 or a tick in its 6, as
    light as the rings. Two of the ticks (seeds 5 and 6, 0.3) went to a person on main only
    for another column's light ring left out as a gap: the light rings are not read in a
    number with a column read from a ring beside a mark as dark as a tick, so they stay
    with a person."""
    pages, layout, boxes, ink = _ringed_number(forms, "phone", "0914572368", seed)
    if second == "ring":
        _ring(ink, boxes[(4, "8")], 0.1, -0.2, 0.85, 0.8, start=200)
    else:
        x, y, s = boxes[(4, "6")]["x"], boxes[(4, "6")]["y"], boxes[(4, "6")]["w"]
        cv2.polylines(ink, [_px((x + 0.2 * s, y + 0.5 * s), (x + 0.45 * s, y + 0.85 * s),
                                (x + 0.85 * s, y + 0.15 * s))], False, 255, PEN, cv2.LINE_AA)
    a = _grid(pages, layout, "phone", ink, opacity)
    assert a.status in ("doubtful", "multiple"), a


def test_a_light_loop_after_a_nine_digit_id_is_no_digit(forms):
    """The old 9-digit ID ringed lightly in the 12-digit grid and a light loop of ink between
    two boxes of the empty tenth column: no tenth digit is read (a column left out is filled
    from a ring only inside a number)."""
    pages, layout, boxes, ink = _ringed_number(forms, "citizen_id", "034281960", 5)
    b = boxes[(9, "3")]
    s = b["w"]
    cv2.ellipse(ink, tuple(_px(b["x"] + s / 2, b["y"] + 1.18 * s)),
                tuple(_px(0.7 * s, 0.7 * s)), 0, 0, 360, 255, PEN, cv2.LINE_AA)
    a = _grid(pages, layout, "citizen_id", ink, LIGHT)
    assert a.status != "ok" or "".join(a.values) == "034281960", a
    assert all(v in ("?", "", d) for v, d in zip(a.values, "034281960", strict=False)), a
    assert len(a.values) <= 9 or set(a.values[9:]) <= {"", "?"}, a


def test_a_column_with_no_ink_inside_a_light_ringed_number_stays_a_gap(forms):
    """A digit left out inside a number (no ring, nothing in the column) is not filled in."""
    pages, layout, boxes, ink = _ringed_number(forms, "phone", "0914572368", 4)
    mask = np.zeros_like(ink)
    col = [b for (p, _), b in boxes.items() if p == 5]
    x0 = min(b["x"] for b in col) - 0.3 * col[0]["w"]
    x1 = max(b["x"] + b["w"] for b in col) + 0.3 * col[0]["w"]
    cv2.rectangle(mask, tuple(_px(x0, 0)), tuple(_px(x1, 2000)), 255, -1)
    ink[mask > 0] = 0  # column 5's ring rubbed off the drawing
    a = _grid(pages, layout, "phone", ink, LIGHT)
    assert a.status == "doubtful" and a.values[5] in ("", "?"), a
