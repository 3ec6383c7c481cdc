"""A big ring round a box of an option list whose arc crosses the box below it (issue 21,
paper flags and a silent class of the held-out sets: a rating box's ring read as another
option). Rows of an option list lie half a box apart: the band below the ringed box has no
room, so the ring was not seen, and its arc through the next box read as a light stroke
there ("stray stroke", offering only that box). Drawn with OpenCV on the page rendered
from the printed PDF, placed from the printed layout. A real second mark stays with a person."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from .test_drawn_marks import PEN, _answered, _blend, _boxes, _fill, _px, _read


def _ring(ink: np.ndarray, b: dict, rx: float, ry: float, dy: float = 0.0) -> None:
    """A hand's ring round box ``b``, ``rx``/``ry`` box sides wide/tall from its centre, left
    a little open at the top right."""
    s = b["w"]
    cv2.ellipse(ink, tuple(_px(b["x"] + s / 2, b["y"] + s / 2 + dy * s)),
                tuple(_px(rx * s, ry * s)), -4, -60, 265, 255, PEN, cv2.LINE_AA)


def _tick(ink: np.ndarray, b: dict) -> None:
    """A light tick in box ``b`` whose long arm runs out past its top right corner."""
    s, x, y = b["w"], b["x"], b["y"]
    cv2.polylines(ink, [_px((x + 0.2 * s, y + 0.55 * s), (x + 0.4 * s, y + 0.85 * s),
                            (x + 1.3 * s, y - 0.3 * s))], False, 255, PEN, cv2.LINE_AA)


@pytest.mark.parametrize(("question", "ringed", "rx", "ry"), [
    ("overall", "2", 1.25, 1.2), ("overall", "1", 1.3, 1.15), ("age_group", "a25_34", 1.2, 1.2),
    ("education", "lower_sec", 1.3, 1.25)])
def test_a_big_ring_whose_arc_crosses_the_box_below_is_read(forms, question, ringed, rx, ry):
    pages, layout = forms["sipas"]
    b = next(b for b in _boxes(layout, 1, question) if b["option"] == ringed)
    ink = np.zeros_like(pages[1])
    _ring(ink, b, rx, ry)
    a = _read(_blend(_answered(pages[1], layout, 1, question), ink, 0.85), layout)[question]
    assert (a.status, a.values, a.note) == ("ok", [ringed], "ring"), a


@pytest.mark.parametrize("second", ["tick", "fill"])
def test_a_big_ring_beside_a_real_mark_in_the_box_below_goes_to_a_person(forms, second):
    """The dangerous neighbour: the same ring and a light tick (its arm running out of the
    box) or a fill in the box below: two answers, never the ring's alone."""
    pages, layout = forms["sipas"]
    boxes = {b["option"]: b for b in _boxes(layout, 1, "overall")}
    ink = np.zeros_like(pages[1])
    _ring(ink, boxes["2"], 1.25, 1.2)
    (_tick if second == "tick" else _fill)(ink, boxes["5"])
    a = _read(_blend(_answered(pages[1], layout, 1, "overall"), ink, 0.85), layout)["overall"]
    assert a.status != "ok" and {"2", "5"} <= set(a.values), a


def test_a_stroke_across_the_box_below_a_loose_curl_is_no_ring(forms):
    """Ink beside a box that does not go round it (a curl left of it and over it) and a stroke
    through the box below: no answer read."""
    pages, layout = forms["sipas"]
    boxes = {b["option"]: b for b in _boxes(layout, 1, "overall")}
    b, s = boxes["2"], boxes["2"]["w"]
    ink = np.zeros_like(pages[1])
    cv2.ellipse(ink, tuple(_px(b["x"] + s / 2, b["y"] + s / 2)), tuple(_px(1.25 * s, 1.2 * s)),
                0, 100, 260, 255, PEN, cv2.LINE_AA)
    five = boxes["5"]
    cv2.line(ink, tuple(_px(five["x"] - 0.3 * s, five["y"] + 0.2 * s)),
             tuple(_px(five["x"] + 1.3 * s, five["y"] + 0.1 * s)), 255, PEN, cv2.LINE_AA)
    a = _read(_blend(_answered(pages[1], layout, 1, "overall"), ink, 0.85), layout)["overall"]
    assert a.status != "ok" or a.values == [], a
