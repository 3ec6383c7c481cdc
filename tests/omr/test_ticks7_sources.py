"""A clear tick with faint ink beside it (print showing through from the back, a smudge), drawn
on the printed page (placed from the printed PDF's own layout): the faint ink touching the
corners of the tick's box and its neighbour's is no tick drawn in the neighbour running on
into this box, so the tick is read; a real tick drawn in the neighbour whose arm runs on into
the box is still never read as that box alone."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from .test_drawn_marks import PEN, _answered, _blend, _boxes, _px, _read
from .test_silent_marks import _tick

QUESTION = "procedure_1"


@pytest.mark.parametrize("faint", [0.12, 0.2])
def test_a_tick_with_faint_ink_under_it_and_its_neighbour_is_read(forms, faint):
    """Tuning seed 51: 5 such ticks and crosses, each the one mark of its question, went to a
    person as "tick into next" (the faint ink was taken for a stroke from the neighbour)."""
    pages, layout = forms["sipas"]
    boxes = _boxes(layout, 0, QUESTION)
    a, b, s = boxes[4], boxes[5], boxes[4]["w"]
    ink, smudge = np.zeros_like(pages[0]), np.zeros_like(pages[0])
    _tick(ink, b, 0.8, width=PEN - 1)
    cv2.line(smudge, tuple(_px(a["x"] + 0.7 * s, a["y"] + 1.05 * s)),
             tuple(_px(b["x"] + 0.3 * s, b["y"] + 1.05 * s)), 255, 2 * PEN, cv2.LINE_AA)
    image = _blend(_blend(_answered(pages[0], layout, 0, QUESTION), ink, 0.8), smudge, faint)
    a = _read(image, layout)[QUESTION]
    assert (a.status, a.values) == ("ok", [b["option"]]), a


@pytest.mark.parametrize("opacity", [0.5, 0.8])
def test_a_tick_drawn_in_the_neighbour_running_on_into_the_box_is_not_that_box(forms,
                                                                               opacity):
    pages, layout = forms["sipas"]
    boxes = _boxes(layout, 0, QUESTION)
    a, b = boxes[4], boxes[5]
    ink = np.zeros_like(pages[0])
    _tick(ink, a, 0.8, reach=(b["x"] + 0.6 * b["w"], b["y"] + 0.4 * b["w"]), width=PEN - 1)
    image = _blend(_answered(pages[0], layout, 0, QUESTION), ink, opacity)
    got = _read(image, layout)[QUESTION]
    assert got.status != "ok" or got.values == [a["option"]], got
