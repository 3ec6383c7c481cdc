"""A tick drawn low in its box, its V under the bottom outline, the one mark of its question,
drawn with the paper generator's own tick (``hands.tick``'s three points) on the page rendered
from the printed PDF.

Its ink leaves the box beside the bottom side, which ``judge`` takes for a stroke passing by
unless the mark is clear (0.2 of black): lighter ones (0.11-0.17) went to a person as a "stray
stroke" (fresh paper seeds 94, 96 and 93, one each). A person reads the box at a glance:
``rows._low_v``. Strokes come up from below into a box stay with a person."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from .test_singles14_slivers import _scan
from .test_ticks10_arms import _tick

PEN = (1.0, 0.85)


def _low(ink: np.ndarray, b: dict, k: float, down: float) -> None:
    """``hands.tick`` on box ``b`` (size ``k``), moved ``down`` box sides."""
    _tick(ink, b, b, k, 0.0, (0.0, down), (0.5 * k, -0.55 * k + down), PEN)


@pytest.mark.parametrize(("k", "down"), [(1.2, 0.35), (1.4, 0.25)])
@pytest.mark.parametrize("box", [0, 2, 4])
@pytest.mark.parametrize("blur", [0.0, 1.0])
def test_a_tick_whose_v_lies_under_its_box_alone_in_its_row_is_that_box(forms, k, down, box,
                                                                        blur):
    a, boxes = _scan(forms, "feedback_3", 1, lambda ink, bx: _low(ink, bx[box], k, down), blur)
    assert (a.status, a.values) == ("ok", [boxes[box]["option"]]), a


@pytest.mark.parametrize("box", [0, 2, 4])
def test_a_line_come_up_from_below_into_a_box_is_not_read(forms, box):
    """The neighbour: one straight stroke from well below the row ending in a box (another
    question's tick run on, a slip of the pen)."""

    def draw(ink, bx):
        b, s = bx[box], bx[box]["w"]
        layer = np.zeros_like(ink)
        p0 = np.array([b["x"] + 0.2 * s, b["y"] + 2.5 * s]) * 200 / 72
        p1 = np.array([b["x"] + 0.6 * s, b["y"] + 0.4 * s]) * 200 / 72
        cv2.line(layer, tuple(np.round(p0).astype(int)), tuple(np.round(p1).astype(int)), 255,
                 3, cv2.LINE_AA)
        np.maximum(ink, layer, out=ink)

    a, boxes = _scan(forms, "feedback_3", 1, draw, 0.0)
    assert a.status != "ok", a


@pytest.mark.parametrize("box", [0, 2])
def test_a_low_tick_beside_a_tick_in_another_box_is_a_double(forms, box):
    """The neighbour: a second mark in the question (the rule asks every other box clean)."""

    def draw(ink, bx):
        _low(ink, bx[box], 1.2, 0.35)
        _tick(ink, bx[box + 2], bx[box + 2], 1.0, 0.0, (0.0, 0.0), (0.5, -0.55), PEN)

    a, boxes = _scan(forms, "feedback_3", 1, draw, 0.0)
    assert a.status != "ok", a
    assert {boxes[box]["option"], boxes[box + 2]["option"]} <= set(a.values), a

