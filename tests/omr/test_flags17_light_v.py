"""A light tick drawn big and askew, the only ink of its question: its V lies low in the box
and its arms leave it, so the ink left inside is narrower than ``rows._lone_tick`` asked of a
small light tick (tuning sets p29 sheet 35 and p72 sheet 1: 0.22 and 0.18 of a side across,
under ``LONE_ACROSS`` 0.25) and it went to a person as "light". Such ink is still a V: it fills
little of its turned rectangle (3.4 and 2.2 times its ink; a straight line's end fills it).
Drawn with the paper generator's own tick (``hands.tick``'s three points, at the size
``hands.tick`` draws at most, stroked by ``hands.Ink`` in a thin light pen) on the printed page
at 200 dpi. The dangerous neighbours stay with a person before and after: a speck as wide as
such a V and as dark as a pen (it fills its rectangle), and the same tick with faint ink in
another box of its row."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from .paperscan import hands
from .test_ticks8_arms import _scan

ROWS = [("officials_1", 0), ("results_1", 1), ("access_2", 0), ("feedback_2", 1)]
MM = 72 / 25.4
F = 200 / 72  # pixels per point of the printed page the tests draw on


def _draw(ink: np.ndarray, pts: np.ndarray, width_mm: float = 0.3,
          opacity: float = 0.45) -> None:
    """``pts`` (points) stroked by ``hands.Ink`` with a pen ``width_mm`` wide at ``opacity``."""
    layer = hands.Ink(ink.shape, 200, np.random.default_rng(0))
    layer.stroke(np.asarray(pts, float), hands.Pen(width_mm * MM, opacity))
    np.maximum(ink, layer.layer, out=ink)


def _askew_tick(ink: np.ndarray, b: dict) -> None:
    """``hands.tick``'s three points at 1.3 times the box's side, moved 0.2 of a side right and
    down: the V low in the box, both arms leaving it."""
    s = b["w"]
    pts = np.array([(-0.35, -0.05), (-0.08, 0.32), (0.5, -0.55)]) * 1.3 * s + \
        (b["x"] + 0.7 * s, b["y"] + 0.7 * s)
    _draw(ink, pts)


@pytest.mark.parametrize(("question", "page"), ROWS)
@pytest.mark.parametrize("box", [1, 3])
def test_a_light_tick_drawn_big_and_askew_alone_is_read(forms, question, page, box):
    a, boxes = _scan(forms, question, page, lambda ink, bx: _askew_tick(ink, bx[box]), 1.0)
    assert (a.status, a.values) == ("ok", [boxes[box]["option"]]), a


@pytest.mark.parametrize(("question", "page"), ROWS)
def test_a_speck_as_wide_as_such_a_v_stays_with_a_person(forms, question, page):
    """A dot of ink 0.9 mm across (a pen set down, dust): as wide as the V's ink in the box
    and a pen's darkness, but it fills its turned rectangle (1.25-1.3 times its ink)."""
    def draw(ink, bx):
        b, s = bx[2], bx[2]["w"]
        cx, cy, r = (b["x"] + 0.45 * s) * F * 4, (b["y"] + 0.55 * s) * F * 4, 0.45 * MM * F * 4
        cv2.ellipse(ink, (round(cx), round(cy)), (round(r), round(0.8 * r)), 20, 0, 360, 255, -1,
                    cv2.LINE_AA, shift=2)

    a, _ = _scan(forms, question, page, draw, 0.5)
    assert a.status != "ok", a


@pytest.mark.parametrize(("question", "page"), ROWS)
def test_the_askew_tick_beside_faint_ink_in_another_box_stays_with_a_person(forms, question,
                                                                           page):
    def draw(ink, bx):
        _askew_tick(ink, bx[3])
        b, s = bx[1], bx[1]["w"]
        _draw(ink, [(b["x"] + 0.3 * s, b["y"] + 0.5 * s), (b["x"] + 0.7 * s, b["y"] + 0.6 * s)],
              opacity=0.6)

    a, _ = _scan(forms, question, page, draw, 1.0)
    assert a.status != "ok", a
