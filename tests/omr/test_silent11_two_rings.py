"""Two options of a two-option question both ringed (held-out seed 22: "Nam" and "Nữ", read as
one ring, silently). In a list of two or three the rings are compared with each other (each
the other's baseline, ``outside.excess``), so one ring, or neither, stood out; a ring drawn
tightly round one box was still found (``hug``), and the other lost. A person sees two answers.
Rings as the paper generator draws them (``hands.ring_box`` / ``ring_text``: round the box
0.8-1.3 box sides wide, or round the option's text taking in its box), drawn with OpenCV on the
page rendered from the printed PDF: 5 of 6 such pairs of 40 drawn were read as one ring before.
The neighbours stay read: one ring alone, a ring beside a filled box goes to a person."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from .test_drawn_marks import PEN, _answered, _blend, _boxes, _fill, _px, _read

# per option: (centre x, centre y, half-axes x, y: box sides from the box's top-left corner,
# start and sweep in degrees), and the pen's opacity
PAIRS = [
    ((0.5, 0.5, 1.29, 1.16, 304, 358), (0.5, 0.5, 1.14, 0.82, 200, 350), 0.85),
    ((0.5, 0.5, 1.14, 1.15, 82, 389), (1.3, 0.58, 1.91, 0.7, 181, 361), 0.58),
    ((0.5, 0.5, 1.1, 1.09, 189, 368), (0.5, 0.5, 1.11, 0.9, 199, 375), 0.58),
    ((0.5, 0.5, 1.16, 1.14, 82, 343), (1.3, 0.58, 2.01, 1.03, 301, 359), 0.81),
    ((0.5, 0.5, 1.28, 1.06, 298, 367), (0.5, 0.5, 1.07, 1.05, 32, 363), 0.88),
]


def _ring(ink: np.ndarray, b: dict, cx, cy, rx, ry, start, sweep) -> None:
    s = b["w"]
    cv2.ellipse(ink, tuple(_px(b["x"] + cx * s, b["y"] + cy * s)), tuple(_px(rx * s, ry * s)),
                0, start, start + sweep, 255, PEN, cv2.LINE_AA)


def _gender(forms, rings: dict, opacity: float, filled: tuple = ()):
    pages, layout = forms["sipas"]
    boxes = {b["option"]: b for b in _boxes(layout, 1, "gender")}
    ink = np.zeros_like(pages[1])
    for option, ring in rings.items():
        _ring(ink, boxes[option], *ring)
    page = _answered(pages[1], layout, 1, "gender")
    if filled:
        marks = np.zeros_like(ink)
        for option in filled:
            _fill(marks, boxes[option])
        page = _blend(page, marks, 0.85)
    return _read(_blend(page, ink, opacity), layout)["gender"]


@pytest.mark.parametrize(("male", "female", "opacity"), PAIRS)
def test_both_options_ringed_go_to_a_person(forms, male, female, opacity):
    a = _gender(forms, {"male": male, "female": female}, opacity)
    assert a.status != "ok", a


@pytest.mark.parametrize(("male", "female", "opacity"), PAIRS)
@pytest.mark.parametrize("option", ["male", "female"])
def test_one_ring_alone_is_still_read(forms, male, female, opacity, option):
    a = _gender(forms, {option: male if option == "male" else female}, opacity)
    assert (a.status, a.values) == ("ok", [option]), a


def test_a_ring_beside_a_filled_box_goes_to_a_person(forms):
    a = _gender(forms, {"female": PAIRS[2][1]}, 0.7, filled=("male",))
    assert a.status != "ok", a
