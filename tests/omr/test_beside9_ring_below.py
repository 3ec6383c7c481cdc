"""A ring round a two-line option text of a multiple choice passes low over the option below
(paper tuning seed 65: five rings round "Về thời gian ... kiến nghị" sent the question to a
person, "ink near" the "Lý do khác" below). Its lower arc is one stroke with the ring, running
on from the band after the lower option's text up round the ringed text: no mark there. The
dangerous neighbour: a tick of its own after the lower option's text, apart from the ring,
is still seen. Drawn with OpenCV on the page rendered from the printed PDF, placed from the
printed layout, in the paper generator's way of ringing a text (``paperscan.hands.ring_text``:
0.8-2.5 mm wider, 0.6-1.8 mm taller, times 1.3, often taking in the box)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from .test_beside8_ring_columns import _q02
from .test_drawn_marks import PEN, _answered, _blend, _px, _read

MM = 72 / 25.4


def _ring(ink: np.ndarray, b: dict, mx: float, my: float, box: bool) -> None:
    """A ring round option ``b``'s text (taking in its box when ``box``), ``mx``/``my`` mm wider
    and taller than it, open a little at the top right."""
    t = b["label"]
    x0, x1 = (b["x"] if box else t["x"]), t["x"] + min(t["w"], 70 * MM)
    rx, ry = (x1 - x0) / 2 * 1.08 + mx * MM, (t["h"] / 2 + my * MM) * 1.3
    cv2.ellipse(ink, tuple(_px((x0 + x1) / 2, t["y"] + t["h"] / 2)), tuple(_px(rx, ry)), 0,
                300, 650, 255, PEN, cv2.LINE_AA)


@pytest.mark.parametrize(("mx", "my", "box"), [(1.5, 1.2, True), (1.0, 1.5, True),
                                               (2.0, 1.0, True), (2.5, 1.2, True),
                                               (1.0, 1.0, True), (1.5, 1.0, False)])
def test_a_ring_round_a_two_line_text_passing_over_the_option_below_is_that_text(forms, mx, my,
                                                                                box):
    page, layout, boxes = _q02(forms)
    ink = np.zeros_like(page)
    _ring(ink, boxes["reason_f"], mx, my, box)
    a = _read(_blend(_answered(page, layout, 0, "q02"), ink, 0.85), layout)["q02"]
    assert (a.status, a.values) == ("ok", ["reason_f"]), a


@pytest.mark.parametrize(("mx", "my"), [(1.5, 1.2), (2.5, 1.6)])
def test_a_tick_after_the_lower_text_beside_such_a_ring_is_still_seen(forms, mx, my):
    page, layout, boxes = _q02(forms)
    ink = np.zeros_like(page)
    _ring(ink, boxes["reason_f"], mx, my, True)
    t, s = boxes["other"]["label"], 0.8 * boxes["other"]["w"]
    x, y = t["x"] + t["w"] + 1.5 * MM, boxes["other"]["y"] + 0.2 * s
    cv2.polylines(ink, [_px((x, y + 0.5 * s), (x + 0.3 * s, y + 0.9 * s),
                            (x + 0.9 * s, y + 0.1 * s))], False, 255, PEN, cv2.LINE_AA)
    a = _read(_blend(_answered(page, layout, 0, "q02"), ink, 0.85), layout)["q02"]
    assert "other" in a.values and (a.status != "ok" or "reason_f" in a.values), a


@pytest.mark.parametrize("dy", [0.5, 0.3])
def test_a_dash_after_the_lower_text_beside_such_a_ring_is_still_seen(forms, dy):
    """A dash right after "Lý do khác", level with its box's middle or higher, near the arc."""
    page, layout, boxes = _q02(forms)
    ink = np.zeros_like(page)
    _ring(ink, boxes["reason_f"], 1.5, 1.2, True)
    t, b = boxes["other"]["label"], boxes["other"]
    x, y = t["x"] + t["w"] + 1.0 * MM, b["y"] + dy * b["w"]
    cv2.line(ink, tuple(_px(x, y)), tuple(_px(x + 0.9 * b["w"], y)), 255, PEN, cv2.LINE_AA)
    a = _read(_blend(_answered(page, layout, 0, "q02"), ink, 0.85), layout)["q02"]
    assert "other" in a.values and (a.status != "ok" or "reason_f" in a.values), a
