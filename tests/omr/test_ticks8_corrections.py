"""A box filled in a light pen and crossed out (the printed correction rule) is a cancelled
answer however light its fill: drawn on the printed page (OpenCV strokes placed from the
printed PDF's own layout). A fill crossed out needed to be darker than 0.45 of black to be
seen as cancelled; a grey ballpoint's was counted as chosen in a multiple choice (held-out
class: corrections read with one more option). The dangerous neighbours stay as they were:
a cross drawn as the answer, a scribbled fill spilling past its corners, a crossed-out box
with nothing chosen instead."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from .test_drawn_marks import PEN, _answered, _blend, _boxes, _fill, _px, _read
from .test_ticks8_arms import _at, _check, _line

LIGHT = 0.4  # a grey ballpoint's fill: 0.2-0.35 of black once scanned


def _crossed(ink: np.ndarray, b: dict, over: float = 0.3) -> None:
    """Box ``b`` filled, then crossed out with arms ``over`` box sides past its corners."""
    _fill(ink, b)
    for (x0, y0), (x1, y1) in (((-over, -over), (1 + over, 1 + over)),
                               ((-over, 1 + over), (1 + over, -over))):
        _line(ink, _at(b, x0, y0), _at(b, x1, y1))


def _page(forms, form: str, page: int, question: str, light, firm, opacity: float = LIGHT):
    """The page with ``light`` drawn at ``opacity`` and ``firm`` in a dark pen."""
    pages, layout = forms[form]
    boxes = {b["option"]: b for b in _boxes(layout, page, question)}
    grey, dark = np.zeros_like(pages[page]), np.zeros_like(pages[page])
    light(grey, boxes)
    firm(dark, boxes)
    image = _blend(_blend(_answered(pages[page], layout, page, question), grey, opacity),
                   dark, 0.85)
    return _read(image, layout)[question]


def test_a_light_fill_crossed_out_in_a_multiple_choice_is_not_one_more_reason(forms):
    a = _page(forms, "danang-2025", 0, "q02", lambda ink, bx: _crossed(ink, bx["reason_f"]),
              lambda ink, bx: (_check(ink, bx["reason_b"]), _check(ink, bx["reason_d"])))
    assert (a.status, a.values, a.note) == ("ok", ["reason_b", "reason_d"], "correction"), a


@pytest.mark.parametrize("wrong,new", [("2", "5"), ("na", "1")])
def test_a_light_fill_crossed_out_beside_a_tick_is_corrected_to_the_tick(forms, wrong, new):
    a = _page(forms, "sipas", 0, "procedure_2", lambda ink, bx: _crossed(ink, bx[wrong]),
              lambda ink, bx: _check(ink, bx[new]))
    assert (a.status, a.values, a.note) == ("ok", [new], "correction"), a


def test_a_light_fill_crossed_out_with_nothing_chosen_instead_goes_to_a_person(forms):
    a = _page(forms, "sipas", 0, "procedure_2", lambda ink, bx: _crossed(ink, bx["3"]),
              lambda ink, bx: None)
    assert (a.status, a.values, a.note) == ("doubtful", ["3"], "cancelled"), a


@pytest.mark.parametrize("over", [0.3, 0.5])
def test_a_cross_drawn_as_the_answer_is_still_read(forms, over):
    """An X with long arms and no fill under it is the answer, not a box crossed out."""
    def cross(ink, bx):
        b = bx["4"]
        for (x0, y0), (x1, y1) in (((-over, -over), (1 + over, 1 + over)),
                                   ((-over, 1 + over), (1 + over, -over))):
            _line(ink, _at(b, x0, y0), _at(b, x1, y1))
    a = _page(forms, "sipas", 0, "procedure_2", cross, lambda ink, bx: None, opacity=0.8)
    assert (a.status, a.values) == ("ok", ["4"]), a


def test_a_light_scribbled_fill_spilling_past_its_corners_is_still_the_answer(forms):
    def scribble(ink, bx):
        b = bx["2"]
        ys = np.arange(-0.15, 1.15, 0.09)
        pts = [_at(b, -0.15 if i % 2 == 0 else 1.15, y) for i, y in enumerate(ys)]
        cv2.polylines(ink, [_px(*pts)], False, 255, PEN + 1, cv2.LINE_AA)
    a = _page(forms, "sipas", 0, "procedure_2", scribble, lambda ink, bx: None)
    assert (a.status, a.values) == ("ok", ["2"]), a
