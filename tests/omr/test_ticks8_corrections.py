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


@pytest.mark.parametrize("over", [0.2, 0.3])
def test_a_light_fill_crossed_out_in_a_multiple_choice_is_not_one_more_reason(forms, over):
    a = _page(forms, "danang-2025", 0, "q02",
              lambda ink, bx: _crossed(ink, bx["reason_f"], over),
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


@pytest.mark.parametrize("pen,pencil,level", [("2", "3", 200), ("5", "4", 210), ("1", "na", 190)])
def test_a_pencil_fill_beside_a_pen_fill_on_a_one_bit_scan_stays_a_double(forms, pen, pencil,
                                                                        level):
    """A dangerous neighbour of the crossed-out fill: a respondent's pencil fill and a ballpoint
    fill in one single choice, the page scanned to one bit (the pencil's dots keep less than
    half the pen's darkness). A double, never read as the pen fill alone."""
    pages, layout = forms["sipas"]
    boxes = {b["option"]: b for b in _boxes(layout, 0, "procedure_2")}
    solid, grain = np.zeros_like(pages[0]), np.zeros_like(pages[0])
    _fill(solid, boxes[pen])
    b = boxes[pencil]
    ys = np.arange(b["y"] + 0.5, b["y"] + b["w"] - 0.5, 0.8)  # a pencil's back-and-forth
    pts = [(b["x"] + (0.5 if i % 2 == 0 else b["w"] - 0.5), y) for i, y in enumerate(ys)]
    cv2.polylines(grain, [_px(*pts)], False, 255, PEN, cv2.LINE_AA)
    others = np.zeros_like(pages[0])  # the respondent's other answers, pencil fills too
    done = {"procedure_2"}
    for o in layout["pages"][0]["boxes"]:
        if o["question"] not in done and (o["question"], o.get("position")) not in done:
            done.add((o["question"], o.get("position")))
            _fill(others, o)
    rng = np.random.default_rng(7)
    grain = np.maximum(grain, others)
    grain = (grain * rng.uniform(0.45, 1.0, grain.shape)).astype(np.uint8)  # pencil's grain
    image = _blend(_blend(pages[0], grain, 0.45), solid, 0.9)
    image = np.where(cv2.GaussianBlur(image, (0, 0), 0.6) < level, 0, 255).astype(np.uint8)
    a = _read(image, layout)["procedure_2"]
    assert a.status in ("doubtful", "multiple"), a
    assert set(a.values) == {pen, pencil}, a
