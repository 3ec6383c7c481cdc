"""Ticks whose long arm ran on into the next box of a rating row, drawn with the paper
generator's own tick (``hands.tick``'s three points, its random draws fixed here, stroked by
``hands.Ink``) on the printed page.

When the tick's small V lies on or under the outline of its box (drawn low and left), that box
holds almost nothing, and the arm's end is the question's only mark: it was read as the next
box, silently (held-out seeds 20 and 21: 2 in 8,400 answers; the generator's own ticks drawn on
tick-heavy sets of seeds 86 and 87: 10 in 1,600 run-on ticks). A person sees a tick starting at
the first box and is offered both boxes. Two such ticks in one question were read as one of
them: a double, for a person."""

from __future__ import annotations

import numpy as np
import pytest

from .paperscan import hands
from .test_ticks8_arms import _scan

ROWS = [("access_1", 0), ("access_3", 0), ("procedure_2", 0), ("results_1", 1),
        ("feedback_3", 1)]


def _tick(ink: np.ndarray, a: dict, b: dict, k: float, rot: float, off: tuple, reach: tuple,
          pen: tuple) -> None:
    """``hands.tick`` in box ``a`` (size ``k``, turned ``rot`` degrees, moved ``off`` box sides),
    its long arm ending ``reach`` box sides from the centre of box ``b`` (``pen``: width in
    points, opacity), at 200 dpi as the page."""
    s = a["w"]
    centre = np.array([a["x"] + s / 2, a["y"] + s / 2])
    pts = hands._rot(np.array([(-0.35, -0.05), (-0.08, 0.32), (0.5, -0.55)]) * k * s, rot) + \
        centre + np.array(off) * s
    pts[2] = (b["x"] + b["w"] / 2 + reach[0] * s, b["y"] + b["w"] / 2 + reach[1] * s)
    layer = hands.Ink(ink.shape, 200, np.random.default_rng(0))
    layer.stroke(pts, hands.Pen(*pen))
    np.maximum(ink, layer.layer, out=ink)


# The V under the bottom-left corner of its box, the arm run on to the next box's middle: the
# generator's ticks of a sweep (seed 23) read as the next box, silently.
LOW_V = [
    (1.2, -2.83, (-0.14, 0.227), (0.157, 0.059), (1.18, 0.87)),
    (1.32, -3.18, (-0.075, 0.133), (0.209, -0.002), (1.43, 0.91)),
    (1.4, 0.0, (-0.1, 0.16), (0.0, 0.0), (1.28, 0.7)),
]


@pytest.mark.parametrize(("question", "page"), ROWS)
@pytest.mark.parametrize("tick", LOW_V)
@pytest.mark.parametrize("first", [0, 2])
def test_a_tick_whose_v_lies_under_its_box_with_the_arm_the_only_mark_is_never_the_next_box(
        forms, question, page, tick, first):
    a, boxes = _scan(forms, question, page,
                     lambda ink, bx: _tick(ink, bx[first], bx[first + 1], *tick), 1.0)
    assert a.status != "ok" or a.values == [boxes[first]["option"]], a
    assert boxes[first]["option"] in a.values, a


@pytest.mark.parametrize(("question", "page"), ROWS)
def test_two_ticks_each_run_on_into_the_next_box_are_a_double(forms, question, page):
    """Ticks in boxes 2 and 5, each arm run on into the box after: both boxes for a person
    (drawn, such doubles were read as one tick, silently: tick-heavy seed 87, 2)."""

    def draw(ink, bx):
        _tick(ink, bx[1], bx[2], 1.1, -3.0, (0.0, 0.1), (0.1, 0.05), (1.13, 0.75))
        _tick(ink, bx[4], bx[5], 1.1, -3.0, (0.0, 0.1), (0.1, 0.05), (1.13, 0.75))

    a, boxes = _scan(forms, question, page, draw, 1.0)
    assert a.status in ("doubtful", "multiple"), a
    assert {boxes[1]["option"], boxes[4]["option"]} <= set(a.values), a


@pytest.mark.parametrize(("question", "page"), ROWS)
def test_a_tick_whose_v_is_inside_its_box_is_still_read_as_that_box(forms, question, page):
    """The run-on tick of most respondents, its V inside the box: read at once, as before."""
    a, boxes = _scan(forms, question, page, lambda ink, bx: _tick(
        ink, bx[2], bx[3], 1.0, 0.0, (0.05, -0.05), (0.0, 0.0), (1.13, 0.85)), 1.0)
    assert (a.status, a.values) == ("ok", [boxes[2]["option"]]), a


@pytest.mark.parametrize(("question", "page"), ROWS)
@pytest.mark.parametrize("tick", LOW_V[1:])
@pytest.mark.parametrize("first", [0, 2])
def test_a_tick_whose_lowest_ink_is_at_its_box_with_the_arm_the_only_mark_is_that_box(
        forms, question, page, tick, first):
    """... and when one stroke reaches inside both boxes and its lowest ink lies at the first
    (``ticks._hook_in``), the V is there: that box, read at once (4 of these 20 went to a person
    on af0075d, which only flagged the lone arm)."""
    a, boxes = _scan(forms, question, page,
                     lambda ink, bx: _tick(ink, bx[first], bx[first + 1], *tick), 1.0)
    assert (a.status, a.values) == ("ok", [boxes[first]["option"]]), a
