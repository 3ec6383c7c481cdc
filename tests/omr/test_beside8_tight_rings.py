"""A ring drawn tightly round an option's short printed text ("Nữ", 0.3-0.5 mm off it), its
box left empty (issue 21, a silent class of the held-out paper sets: such rings pass right
over and under the text, inside the bands a ring is looked for in, and the question was read
blank). Drawn with OpenCV on the page rendered from the printed PDF, placed from the printed
layout's option texts; the ring's size follows a hand's (a little wider than the text, a
third taller). Ink near a text that does not go round it never reads as that option."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from .test_drawn_marks import PEN, _answered, _blend, _boxes, _fill, _px, _read

MM = 72 / 25.4


def _ring(ink: np.ndarray, b: dict, margin_mm: float, start: float = 30.0,
          sweep: float = 370.0) -> None:
    """A hand's ring round box ``b``'s option text, ``margin_mm`` off it."""
    t = b["label"]
    m = margin_mm * MM
    rx, ry = t["w"] / 2 * 1.08 + m, (t["h"] / 2 + m) * 1.3
    cv2.ellipse(ink, tuple(_px(t["x"] + t["w"] / 2, t["y"] + t["h"] / 2)), tuple(_px(rx, ry)),
                0, start, start + sweep, 255, PEN, cv2.LINE_AA)


def _option(layout: dict, page: int, question: str, option: str) -> dict:
    return next(b for b in _boxes(layout, page, question) if b["option"] == option)


@pytest.mark.parametrize(("question", "option", "margin", "opacity"), [
    ("gender", "female", 0.3, 0.85), ("gender", "male", 0.3, 0.6),
    ("age_group", "o60", 0.3, 0.85), ("education", "university", 0.35, 0.85),
    ("overall", "4", 0.3, 0.7)])
def test_a_tight_ring_round_a_short_option_text_is_read(forms, question, option, margin,
                                                        opacity):
    pages, layout = forms["sipas"]
    ink = np.zeros_like(pages[1])
    _ring(ink, _option(layout, 1, question, option), margin)
    a = _read(_blend(_answered(pages[1], layout, 1, question), ink, opacity), layout)[question]
    assert (a.status, a.values, a.note) == ("ok", [option], "ring"), a


def test_a_tight_ring_round_a_text_beside_another_filled_box_goes_to_a_person(forms):
    """The dangerous neighbour: the ring round "Nữ" while "Nam"'s box is filled is a second
    answer, never dropped."""
    pages, layout = forms["sipas"]
    ink = np.zeros_like(pages[1])
    _fill(ink, _option(layout, 1, "gender", "male"))
    _ring(ink, _option(layout, 1, "gender", "female"), 0.3)
    a = _read(_blend(_answered(pages[1], layout, 1, "gender"), ink, 0.85), layout)["gender"]
    assert a.status != "ok" and set(a.values) == {"male", "female"}, a


@pytest.mark.parametrize("shape", ["underline", "strike", "zigzag", "hook"])
def test_ink_across_a_short_text_that_does_not_go_round_it_is_no_answer(forms, shape):
    """Lines under or through a text, a zigzag scribbled over it and a hook passing over and
    under its end are no ring: the blank question is never read as that option."""
    pages, layout = forms["sipas"]
    t = _option(layout, 1, "gender", "female")["label"]
    x0, x1, y0, y1 = t["x"] - 2, t["x"] + t["w"] + 2, t["y"] - 1.5, t["y"] + t["h"] + 1.5
    ym = (y0 + y1) / 2
    pts = {"underline": [(x0, y1), (x1, y1 + 0.5)],
           "strike": [(x0 - 2, ym), (x1 + 2, ym - 0.5)],
           "zigzag": [(x0, y0), (x0 + 4, y1), (x0 + 8, y0), (x0 + 12, y1), (x1 + 2, y0)],
           "hook": [(x0 + 3, y0 - 1), (x1 + 2, y0), (x1 + 3, ym), (x1 + 1, y1), (x0 + 3, y1 + 1)]}
    ink = np.zeros_like(pages[1])
    cv2.polylines(ink, [_px(*pts[shape])], False, 255, PEN, cv2.LINE_AA)
    a = _read(_blend(_answered(pages[1], layout, 1, "gender"), ink, 0.85), layout)["gender"]
    assert a.status != "ok" or a.values != ["female"], a
