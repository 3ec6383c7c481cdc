"""A pen's slip beside a box of a blank question is no mark beside it: the synth family's own
stray strokes (``pens.draw_stray``, 2-5 segments of 2-9 mm) drawn near blank questions were
read as a mark beside a box in 28 of 300 drawings. A respondent's mark beside a box is a tick
(its lowest point between a hook and a longer arm, both rising) or a dash (a level line); a
short steep line, a hook open to one side, a zigzag (a hook with a turn in it) is doubted.
Drawn with OpenCV on the page rendered from the printed PDF, placed from the printed layout
(the strokes in box sides from the box's top-left corner, as ``draw_stray`` drew them)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from .test_drawn_marks import PEN, _answered, _blend, _boxes, _px, _read

SLIPS = [
    ("sipas", 0, "access_2", "na", [(-1.44, 0.87), (-0.32, 1.62), (-1.0, 0.46)]),
    ("sipas", 1, "occupation", "employee", [(-1.2, 1.73), (-1.34, 2.18), (-0.6, 2.14)]),
    ("danang-2025", 0, "field", "dkkd", [(-1.03, 0.75), (-0.44, 0.78), (-0.33, 1.89),
                                         (-1.08, 1.26), (-1.83, 0.97)]),
    ("sipas", 1, "results_2", "2", [(1.66, -0.7), (1.82, -0.83), (2.37, 0.48)]),
    ("sipas", 0, "procedure_4", "5", [(1.76, 1.36), (2.17, 0.53), (2.34, 0.29), (2.55, 0.61),
                                      (2.5, 0.56)]),
    # zigzags whose lowest point lies between two rising strokes, as a tick's does: the hook
    # has a turn in it (st72 sheet 39 the last)
    ("sipas", 1, "gender", "male", [(-0.25, 0.19), (-0.81, 0.79), (-0.43, 1.1), (-0.4, 1.66),
                                    (-1.16, 1.49)]),
    ("sipas", 0, "access_2", "3", [(2.13, 1.52), (2.88, 1.83), (2.16, 1.91), (2.96, 1.17),
                                   (2.59, 0.66), (1.61, 1.29)]),
    ("sipas", 1, "results_2", "na", [(-0.8, 0.42), (-1.9, 1.21), (-1.25, 1.38)]),
    ("sipas", 1, "occupation", "employee", [(-1.55, 1.39), (-1.23, 1.26), (-2.08, 1.44),
                                            (-1.21, 0.05), (-2.64, 1.39), (-2.48, -0.19)]),
]


def _scan(forms, form: str, page: int, question: str, draw):
    pages, layout = forms[form]
    boxes = {b["option"]: b for b in _boxes(layout, page, question)}
    ink = np.zeros_like(pages[page])
    draw(ink, boxes)
    image = _blend(_answered(pages[page], layout, page, question), ink, 0.8)
    return _read(image, layout)[question]


def _stroke(ink: np.ndarray, b: dict, pts, width: int = PEN) -> None:
    at = [(b["x"] + u * b["w"], b["y"] + v * b["w"]) for u, v in pts]
    cv2.polylines(ink, [_px(*at)], False, 255, width, cv2.LINE_AA)


@pytest.mark.parametrize("form,page,question,option,pts", SLIPS)
def test_a_slip_of_the_pen_beside_a_box_is_doubted_not_read(forms, form, page, question,
                                                            option, pts):
    a = _scan(forms, form, page, question, lambda ink, bx: _stroke(ink, bx[option], pts))
    assert a.status == "doubtful", a


@pytest.mark.parametrize("form,page,question,option", [
    ("sipas", 0, "access_2", "3"), ("sipas", 1, "occupation", "retired"),
    ("danang-2025", 0, "field", "dkkd")])
@pytest.mark.parametrize("mark", ["tick", "dash", "broad dash"])
def test_a_tick_or_a_dash_beside_a_box_is_read(forms, form, page, question, option, mark):
    """The dangerous neighbours: a respondent's tick or dash left of the box (the paper
    family's marks beside), a broad pen's dash too."""
    def draw(ink, bx):
        b = bx[option]
        if mark == "tick":
            _stroke(ink, b, [(-1.05, 0.45), (-0.8, 0.8), (-0.3, 0.0)])
        else:
            _stroke(ink, b, [(-1.1, 0.5), (-0.3, 0.55)], PEN if mark == "dash" else 3 * PEN)
    a = _scan(forms, form, page, question, draw)
    assert (a.status, a.values, a.note) == ("ok", [option], "beside"), a
