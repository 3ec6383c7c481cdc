"""Ticks whose long arm ran on across the wide gap of a rating row (three box sides) into the
next box, drawn on the printed page (OpenCV strokes placed from the printed PDF's own layout).

The tick's V is small, so its box holds only a light mark; the arm crosses the band left of the
next box and ends in it (or at its outline). A person sees one tick, in the box of its V: paper
tuning seed 65 sent 11 such ticks to a person, as a light mark or with a mark beside the next
box. The dangerous neighbours stay with a person: a tick drawn in the next box from a long
lead-in (its V there), and a real mark beside the next box next to such a tick."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from .test_drawn_marks import PEN, _px
from .test_ticks8_arms import _scan as _ticks8_scan

ROWS = [("access_3", 0), ("procedure_2", 0), ("results_1", 1), ("feedback_3", 1)]


def _line(ink: np.ndarray, *pts) -> None:
    cv2.polylines(ink, [_px(*pts)], False, 255, PEN, cv2.LINE_AA)


def _at(b: dict, u: float, v: float) -> tuple[float, float]:
    """The point ``u``, ``v`` box sides right of and below box ``b``'s top-left corner."""
    return b["x"] + u * b["w"], b["y"] + v * b["w"]


def _long_tick(ink: np.ndarray, a: dict, b: dict, hook: tuple, end: float) -> None:
    """A tick's hook in box ``a`` from ``hook[:2]`` down to its vertex ``hook[2:]`` (box sides,
    near the lower left outline), its arm run on nearly flat to ``end`` box sides into box
    ``b``."""
    _line(ink, _at(a, *hook[:2]), _at(a, *hook[2:]), _at(b, end, 0.55))


def _scan(forms, question: str, page: int, draw, opacity: float = 0.75, blur: float = 0.0):
    """``test_ticks8_arms``'s drawn sipas row, a little darker by default."""
    return _ticks8_scan(forms, question, page, draw, opacity, blur)


@pytest.mark.parametrize(("question", "page"), ROWS)
@pytest.mark.parametrize(("hook", "end", "opacity", "blur"), [
    ((0.05, 0.4, 0.35, 0.92), 0.2, 0.5, 0.0),  # a light V along the outline: "light"
    ((0.05, 0.4, 0.35, 0.92), 0.25, 0.45, 0.8),
    ((0.1, 0.35, 0.4, 0.9), 0.2, 0.55, 0.0),  # a mark's level: the arm "beside" the next box
    ((0.05, 0.4, 0.35, 0.92), 0.15, 0.6, 0.0),
    ((0.1, 0.35, 0.4, 0.9), 0.12, 0.8, 0.0)])
def test_a_small_tick_whose_arm_runs_on_into_the_next_box_is_its_own_box(forms, question, page,
                                                                        hook, end, opacity,
                                                                        blur):
    a, boxes = _scan(forms, question, page,
                     lambda ink, bx: _long_tick(ink, bx[2], bx[3], hook, end), opacity, blur)
    assert (a.status, a.values) == ("ok", [boxes[2]["option"]]), a


@pytest.mark.parametrize(("question", "page"), ROWS)
def test_a_tick_drawn_in_the_next_box_from_a_long_lead_in_is_not_the_first_box(forms, question,
                                                                               page):
    """A lead-in from box 3 running flat to box 4, then a tick's V in box 4: never read as 3."""

    def draw(ink, bx):
        a, b = bx[2], bx[3]
        s = b["w"]
        _line(ink, (a["x"] + 0.4 * s, a["y"] + 0.5 * s), (b["x"] + 0.2 * s, b["y"] + 0.5 * s),
              (b["x"] + 0.45 * s, b["y"] + 0.85 * s), (b["x"] + 1.0 * s, b["y"] - 0.1 * s))

    a, boxes = _scan(forms, question, page, draw)
    assert a.values != [boxes[2]["option"]] or a.status != "ok", a


@pytest.mark.parametrize(("question", "page"), ROWS)
def test_a_mark_beside_the_next_box_next_to_a_small_tick_goes_to_a_person(forms, question,
                                                                         page):
    """A small tick in box 3 and, apart from it, a tick beside box 4 (its own V): two answers."""

    def draw(ink, bx):
        a, b = bx[2], bx[3]
        s = a["w"]
        _line(ink, (a["x"] + 0.2 * s, a["y"] + 0.45 * s), (a["x"] + 0.42 * s, a["y"] + 0.8 * s),
              (a["x"] + 0.95 * s, a["y"] + 0.15 * s))
        cx = b["x"] - 0.9 * s
        _line(ink, (cx - 0.35 * s, b["y"] + 0.45 * s), (cx - 0.05 * s, b["y"] + 0.85 * s),
              (cx + 0.5 * s, b["y"] - 0.05 * s))

    a, boxes = _scan(forms, question, page, draw)
    assert a.status != "ok" or a.values == [boxes[3]["option"]], a
