"""A small tick drawn in a thin, light pen, its V low in the box (on or under the bottom
outline), the only ink of its question: less than the ``high`` level of black inside the box,
so it went to a person as "light" (paper tuning seed 65, sheets 172 and 253: 0.068 of black,
a person reads the box at a glance). Drawn with the paper generator's own tick
(``hands.tick``'s three points, stroked by ``hands.Ink``) on the printed page at 200 dpi. The
dangerous neighbours, which stay with a person before and after: a light line from far
outside ending in a box, a light smear (pencil rubbed out) alone, and the small tick with
faint ink in another box of its row."""

from __future__ import annotations

import numpy as np
import pytest

from .paperscan import hands
from .test_ticks8_arms import _scan

ROWS = [("officials_1", 0), ("results_1", 1), ("access_2", 0), ("feedback_2", 1)]
MM = 72 / 25.4


def _tick(ink: np.ndarray, b: dict, k: float, dy: float, opacity: float = 0.45) -> None:
    """``hands.tick``'s three points on box ``b`` (size ``k``, moved ``dy`` box sides down),
    stroked by ``hands.Ink`` in a 0.3 mm pen at ``opacity``."""
    s = b["w"]
    pts = np.array([(-0.35, -0.05), (-0.08, 0.32), (0.5, -0.55)]) * k * s + \
        (b["x"] + s / 2, b["y"] + s / 2 + dy * s)
    layer = hands.Ink(ink.shape, 200, np.random.default_rng(0))
    layer.stroke(pts, hands.Pen(0.3 * MM, opacity))
    np.maximum(ink, layer.layer, out=ink)


def _stroke(ink: np.ndarray, pts, opacity: float = 0.45, pencil: bool = False) -> None:
    layer = hands.Ink(ink.shape, 200, np.random.default_rng(0))
    layer.stroke(np.asarray(pts, float), hands.Pen(0.3 * MM, opacity, pencil))
    np.maximum(ink, layer.layer, out=ink)


@pytest.mark.parametrize(("question", "page"), ROWS)
@pytest.mark.parametrize("box", [1, 3])
@pytest.mark.parametrize("k", [0.9, 1.0])
def test_a_small_light_tick_low_in_its_box_alone_is_read(forms, question, page, box, k):
    a, boxes = _scan(forms, question, page, lambda ink, bx: _tick(ink, bx[box], k, 0.25), 1.0)
    assert (a.status, a.values) == ("ok", [boxes[box]["option"]]), a


@pytest.mark.parametrize(("question", "page"), ROWS)
def test_a_light_line_from_far_outside_ending_in_a_box_stays_with_a_person(forms, question,
                                                                          page):
    def draw(ink, bx):
        b, s = bx[2], bx[2]["w"]
        _stroke(ink, [(b["x"] - 1.5 * s, b["y"] + 2.0 * s), (b["x"] + 0.6 * s, b["y"] + 0.5 * s)])

    a, _ = _scan(forms, question, page, draw, 1.0)
    assert a.status != "ok", a


@pytest.mark.parametrize(("question", "page"), ROWS[::2])
def test_a_light_smear_alone_stays_with_a_person(forms, question, page):
    """Pencil rubbed out (``hands._rubbed``'s faded strokes) and nothing marked instead. (On
    the second page's rows the same smear is read as a light pencil fill, ``rows._lone_fill``,
    before this rule as after it.)"""
    def draw(ink, bx):
        b, s = bx[2], bx[2]["w"]
        ys = np.arange(b["y"] + 0.1 * s, b["y"] + 0.9 * s, 0.25 * s)
        pts = [(b["x"] + (0.1 if n % 2 == 0 else 0.9) * s, y) for n, y in enumerate(ys)]
        _stroke(ink, pts, opacity=0.25, pencil=True)

    a, _ = _scan(forms, question, page, draw, 0.6)
    assert a.status != "ok", a


@pytest.mark.parametrize(("question", "page"), ROWS)
def test_a_small_light_tick_beside_faint_ink_in_another_box_stays_with_a_person(
        forms, question, page):
    def draw(ink, bx):
        _tick(ink, bx[3], 1.0, 0.25)
        b, s = bx[1], bx[1]["w"]
        _stroke(ink, [(b["x"] + 0.3 * s, b["y"] + 0.5 * s), (b["x"] + 0.7 * s, b["y"] + 0.6 * s)],
                opacity=0.6)

    a, boxes = _scan(forms, question, page, draw, 1.0)
    assert a.status != "ok", a
