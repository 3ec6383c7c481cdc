"""Rings round the texts of a multiple choice's options in both columns (issue 21, paper
flags: p64 sent four such questions to a person, "ring over mark"). A ring taking in an
option's box reads as a light mark there; a ring round another option's text in the other
column can never reach that box, so it doubts nothing: every ringed option is read. A ring
next to a light mark in the same column still goes to a person. Drawn with OpenCV on the page
rendered from the printed PDF, placed from the printed layout."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from .test_drawn_marks import PEN, _answered, _blend, _boxes, _px, _read

MM = 72 / 25.4


def _ring(ink: np.ndarray, b: dict, box: bool, lines: int = 2,
          reach: float = 2.0) -> None:
    """A ring round option ``b``'s text (its first ``lines`` lines), taking in its box
    (``box``)."""
    t = b["label"]
    x0 = b["x"] - reach if box else t["x"] - 1
    x1 = t["x"] + min(t["w"], 200) + 3
    h = min(t["h"], 10 * lines)
    cv2.ellipse(ink, tuple(_px((x0 + x1) / 2, t["y"] + h / 2)),
                tuple(_px((x1 - x0) / 2 + 2, h / 2 + 5)), -1, 20, 375, 255, PEN, cv2.LINE_AA)


def _q02(forms) -> tuple:
    pages, layout = forms["danang-2025"]
    return pages[0], layout, {b["option"]: b for b in _boxes(layout, 0, "q02")}


def test_rings_round_texts_in_both_columns_taking_in_their_boxes_are_all_read(forms):
    page, layout, boxes = _q02(forms)
    ink = np.zeros_like(page)
    _ring(ink, boxes["reason_a"], box=True)
    _ring(ink, boxes["reason_e"], box=True)
    _ring(ink, boxes["other"], box=False)
    a = _read(_blend(_answered(page, layout, 0, "q02"), ink, 0.85), layout)["q02"]
    assert (a.status, a.values) == ("ok", ["reason_a", "reason_e", "other"]), a


def test_a_ring_round_a_right_column_text_passing_after_the_left_one_is_read(forms):
    """A ring round d's three-line text and its box, passing just after c's text, beside a ring
    round a's text: both read, c not (its text's end is only the ring's way past)."""
    page, layout, boxes = _q02(forms)
    ink = np.zeros_like(page)
    _ring(ink, boxes["reason_a"], box=False)
    _ring(ink, boxes["reason_d"], box=True, lines=3, reach=12.0)
    a = _read(_blend(_answered(page, layout, 0, "q02"), ink, 0.85), layout)["q02"]
    assert (a.status, a.values) == ("ok", ["reason_a", "reason_d"]), a


def test_a_ring_next_to_a_light_mark_in_its_column_still_goes_to_a_person(forms):
    """The dangerous neighbour: a light stroke in box dd, right under c's ringed text and box:
    the ring may have made it; both stay before a person (or both are read), never dd alone."""
    page, layout, boxes = _q02(forms)
    ink = np.zeros_like(page)
    _ring(ink, boxes["reason_c"], box=True)
    b, s = boxes["reason_dd"], boxes["reason_dd"]["w"]
    cv2.line(ink, tuple(_px(b["x"] + 0.2 * s, b["y"] + 0.3 * s)),
             tuple(_px(b["x"] + 0.8 * s, b["y"] + 0.4 * s)), 255, PEN, cv2.LINE_AA)
    a = _read(_blend(_answered(page, layout, 0, "q02"), ink, 0.6), layout)["q02"]
    assert {"reason_c", "reason_dd"} <= set(a.values) or a.status != "ok", a
    assert a.values != ["reason_dd"], a


def _big_ring(ink: np.ndarray, b: dict, mx: float, my: float) -> None:
    """A hand's ring round option ``b``'s text and its box, ``mx``/``my`` mm wider/taller than
    them, open a little at the top right: its left end passes just after the text of the
    option left of the box."""
    t = b["label"]
    x0, x1 = b["x"], t["x"] + min(t["w"], 70 * MM)
    rx, ry = (x1 - x0) / 2 * 1.08 + mx * MM, (t["h"] / 2 + my * MM) * 1.3
    cv2.ellipse(ink, tuple(_px((x0 + x1) / 2, t["y"] + t["h"] / 2)), tuple(_px(rx, ry)), 0,
                300, 650, 255, PEN, cv2.LINE_AA)


@pytest.mark.parametrize(("mx", "my"), [(2.0, 1.2), (2.5, 0.6), (3.0, 1.2)])
def test_a_big_ring_round_a_text_passing_after_the_previous_text_is_no_mark_there(forms, mx,
                                                                                  my):
    """A ring round d's text and box whose left end passes just after c's text (in the other
    column): d, not a mark after c's text."""
    page, layout, boxes = _q02(forms)
    ink = np.zeros_like(page)
    _big_ring(ink, boxes["reason_d"], mx, my)
    a = _read(_blend(_answered(page, layout, 0, "q02"), ink, 0.85), layout)["q02"]
    assert (a.status, a.values) == ("ok", ["reason_d"]), a


def test_a_tick_after_the_previous_text_beside_a_ring_is_still_seen(forms):
    """The dangerous neighbour: a small tick right after c's text, apart from a smaller ring
    round d's text and box: c is never dropped."""
    page, layout, boxes = _q02(forms)
    ink = np.zeros_like(page)
    _big_ring(ink, boxes["reason_d"], 1.0, 0.6)
    t, s = boxes["reason_c"]["label"], 0.7 * boxes["reason_c"]["w"]
    x, y = t["x"] + t["w"] + 0.6 * MM, boxes["reason_c"]["y"] + 0.15 * s
    cv2.polylines(ink, [_px((x, y + 0.5 * s), (x + 0.3 * s, y + 0.9 * s),
                            (x + 0.9 * s, y + 0.05 * s))], False, 255, PEN, cv2.LINE_AA)
    a = _read(_blend(_answered(page, layout, 0, "q02"), ink, 0.85), layout)["q02"]
    assert "reason_c" in a.values and "reason_d" in a.values, a
