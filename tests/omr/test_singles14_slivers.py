"""A tick whose long arm runs on into the next box along that box's edge, drawn with the paper
generator's own tick (``hands.tick``'s three points, its random draws fixed here) on the page
rendered from the printed PDF.

When the arm passes the next box close to its side (or its bottom), only a pixel or two of it
lies inside the part of the box that is measured (``strokes.width``). A line that thin, turned a
little, fills its turned rectangle badly only through the pixels' rounding (1.5-1.8 times its
ink, against 1.45 for an arm's end), so the arm's end was taken for a mark of its own and the
question went to a person with both boxes offered (p94 sheets 1 and 76, p91 sheet 13: a tick
plainly in one box). Now ink at most ``ticks.SLIVER_PX`` pixels across is one line's end."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from .test_drawn_marks import _answered, _blend, _boxes, _read
from .test_ticks10_arms import _tick

PEN = (1.0, 0.85)


def _scan(forms, question: str, page: int, draw, blur: float) -> tuple:
    pages, layout = forms["sipas"]
    boxes = _boxes(layout, page, question)
    ink = np.zeros_like(pages[page])
    draw(ink, boxes)
    image = _blend(_answered(pages[page], layout, page, question), ink, 1.0)
    if blur:
        image = cv2.GaussianBlur(image, (0, 0), blur)
    return _read(image, layout)[question], boxes


# The tick in a box of the second row of "field", its arm run up past the side of the box
# above: (box, box above, where the arm ends (box sides from that box's centre), turn).
UP = [(5, 2, (-0.45, -0.2), 0.0), (5, 2, (0.45, -0.2), 0.0), (4, 1, (0.45, -0.2), 6.0)]


@pytest.mark.parametrize(("lo", "hi", "reach", "rot"), UP)
@pytest.mark.parametrize("blur", [0.0, 1.0])
def test_a_tick_whose_arm_runs_up_along_the_side_of_the_box_above_is_its_own_box(
        forms, lo, hi, reach, rot, blur):
    a, boxes = _scan(forms, "field", 0,
                     lambda ink, bx: _tick(ink, bx[lo], bx[hi], 1.1, rot, (0.0, 0.0), reach,
                                           PEN), blur)
    assert (a.status, a.values) == ("ok", [boxes[lo]["option"]]), a


@pytest.mark.parametrize(("lo", "hi", "reach", "rot"), UP)
def test_the_same_tick_with_a_small_tick_in_the_box_above_is_a_double(forms, lo, hi, reach,
                                                                      rot):
    """The dangerous neighbour: a mark of its own in the box the arm runs into."""

    def draw(ink, bx):
        _tick(ink, bx[lo], bx[hi], 1.1, rot, (0.0, 0.0), reach, PEN)
        _tick(ink, bx[hi], bx[hi], 0.6, 0.0, (0.0, 0.0), (0.25, -0.25), PEN)

    a, boxes = _scan(forms, "field", 0, draw, 1.0)
    assert a.status != "ok", a
    assert {boxes[lo]["option"], boxes[hi]["option"]} <= set(a.values), a


@pytest.mark.parametrize("first", [0, 3])
def test_a_tick_whose_arm_runs_on_through_the_middle_of_the_next_box_is_read_as_before(
        forms, first):
    """The run-on tick of most respondents, its arm well inside the next box: read at once."""
    a, boxes = _scan(forms, "feedback_3", 1, lambda ink, bx: _tick(
        ink, bx[first], bx[first + 1], 1.0, 0.0, (0.05, -0.05), (0.0, 0.0), PEN), 0.0)
    assert (a.status, a.values) == ("ok", [boxes[first]["option"]]), a
