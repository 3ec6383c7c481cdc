"""Pencil rubbed out in a multiple choice, drawn on the printed page (OpenCV strokes placed from
the printed PDF's own layout): a faint smear left in a box beside the respondent's pencil
marks is no answer, but a light mark drawn there (a pencil tick, a light fill) is one, or goes
to a person; never silently dropped."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from .test_drawn_marks import PEN, _answered, _blend, _boxes, _fill, _px, _read
from .test_silent_marks import _tick


def _scrawl(ink: np.ndarray, b: dict) -> None:
    """A pencil fill's back-and-forth strokes across box ``b`` (what is left once rubbed)."""
    x, y, s = b["x"], b["y"], b["w"]
    ys = np.arange(y + 0.1 * s, y + 0.9 * s, 0.12 * s)
    pts = [(x + (0.1 if n % 2 == 0 else 0.9) * s, v) for n, v in enumerate(ys)]
    cv2.polylines(ink, [_px(*pts)], False, 255, 2 * PEN, cv2.LINE_AA)


def _page(forms, smear: float, light=None) -> tuple:
    """The Da Nang page with two reasons of q02 filled in pencil (0.35 of black) and the ink
    of a third reason at ``smear`` of black; ``light``: how the third one is drawn."""
    pages, layout = forms["danang-2025"]
    boxes = _boxes(layout, 0, "q02")
    pencil, third = np.zeros_like(pages[0]), np.zeros_like(pages[0])
    _fill(pencil, boxes[1])
    _fill(pencil, boxes[6])
    if light == "tick":
        _tick(third, boxes[3])
    elif light == "fill":
        _fill(third, boxes[3])
    else:
        _scrawl(third, boxes[3])
    image = _blend(_blend(_answered(pages[0], layout, 0, "q02"), pencil, 0.35), third, smear)
    return _read(image, layout)["q02"], boxes


@pytest.mark.parametrize("smear", [0.06, 0.1])
def test_pencil_rubbed_out_beside_pencil_answers_is_not_an_answer(forms, smear):
    """Tuning seed 51 sent four such questions to a person as "light": the rubbed-out box's
    darkest ink 0.07-0.11 of black, beside marks of 0.25-0.36."""
    a, boxes = _page(forms, smear)
    assert (a.status, a.values) == ("ok", [boxes[1]["option"], boxes[6]["option"]]), a


@pytest.mark.parametrize("light,opacity", [("tick", 0.3), ("fill", 0.25), ("tick", 0.2)])
def test_a_light_pencil_mark_beside_pencil_answers_is_not_dropped_as_rubbed_out(forms, light,
                                                                                 opacity):
    a, boxes = _page(forms, opacity, light)
    assert boxes[3]["option"] in a.values or a.status == "doubtful", a
