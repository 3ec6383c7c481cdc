"""A pen stroke passing through a box of a blank question (a slip, a test scribble): it comes
in from outside, crosses the box as one thin line and runs on far past it. A person sees a
stroke going by and doubts it; the reader took its ink for a mark ("a mark in the box", read
silently). Drawn with OpenCV on the page rendered from the printed PDF, placed from the printed
layout: the strokes are those of the stray-heavy synth tuning set st72 (seed 72), in box sides
from the box's top-left corner. The dangerous neighbours, a respondent's own marks whose ink
runs past the box (a tick with a long arm, a slash, a cross), stay read."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from .test_drawn_marks import PEN, _answered, _blend, _boxes, _px, _read

# question, page, option, the stroke (u, v box sides from the box's top-left corner)
STRAYS = [
    ("age_group", 1, "a35_49", [(-1.24, -2.73), (-2.23, -1.71), (1.31, 1.16), (1.31, 1.74),
                                (1.67, 3.54)]),
    ("occupation", 1, "retired", [(3.66, -0.15), (1.47, -0.08), (-0.31, 0.94)]),
    ("results_2", 1, "na", [(0.99, 2.89), (-0.56, -0.16), (1.63, 0.87), (-0.46, 1.76)]),
    ("education", 1, "lower_sec", [(-2.5, 1.4), (0.1, 0.55), (3.2, -0.6)]),
    ("procedure_4", 0, "3", [(-1.8, 1.9), (1.4, -0.3), (2.9, -0.5)]),
]
MULTIPLE = ("q02", 0, "reason_dd", [(-0.23, 1.15), (0.04, 0.75), (1.39, -0.07), (-0.64, 0.01),
                                   (-0.79, 0.56)])


def _at(b: dict, u: float, v: float) -> tuple[float, float]:
    return b["x"] + u * b["w"], b["y"] + v * b["w"]


def _scan(forms, form: str, question: str, page: int, draw, answered: tuple = ()):
    pages, layout = forms[form]
    boxes = {b["option"]: b for b in _boxes(layout, page, question)}
    ink = np.zeros_like(pages[page])
    draw(ink, boxes)
    base = _answered(pages[page], layout, page, question)
    if answered:  # a multiple choice's own marks, filled
        marks = np.zeros_like(ink)
        for o in answered:
            b = boxes[o]
            cv2.rectangle(marks, tuple(_px(b["x"] + 1.5, b["y"] + 1.5)),
                          tuple(_px(b["x"] + b["w"] - 1.5, b["y"] + b["w"] - 1.5)), 255, -1)
        base = _blend(base, marks, 0.85)
    return _read(_blend(base, ink, 0.8), layout)[question], boxes


def _stroke(ink: np.ndarray, b: dict, pts) -> None:
    cv2.polylines(ink, [_px(*(_at(b, u, v) for u, v in pts))], False, 255, PEN, cv2.LINE_AA)


@pytest.mark.parametrize("question,page,option,pts", STRAYS)
def test_a_stroke_passing_through_a_blank_questions_box_goes_to_a_person(forms, question,
                                                                         page, option, pts):
    form = "sipas"
    a, _ = _scan(forms, form, question, page, lambda ink, bx: _stroke(ink, bx[option], pts))
    assert (a.status, a.note) == ("doubtful", "stray stroke"), a


def test_a_stroke_passing_through_a_box_beside_the_answers_is_no_answer_more(forms):
    """A multiple choice: reason_d filled; the stroke crossing reason_dd's box (st72 sheet 85)
    was read as one more reason."""
    question, page, option, pts = MULTIPLE
    a, _ = _scan(forms, "danang-2025", question, page,
                 lambda ink, bx: _stroke(ink, bx[option], pts), answered=("reason_d",))
    assert a.status == "doubtful" and "reason_dd" in a.values, a


def _tick(ink: np.ndarray, b: dict, arm: tuple[float, float]) -> None:
    """A check mark in box ``b``, its arm ending at ``arm`` (box sides)."""
    _stroke(ink, b, [(0.15, 0.45), (0.4, 0.85), arm])


@pytest.mark.parametrize("question,page,option,mark", [
    ("age_group", 1, "a35_49", "long tick"), ("occupation", 1, "retired", "long tick"),
    ("results_2", 1, "na", "long tick"), ("education", 1, "lower_sec", "slash"),
    ("procedure_4", 0, "3", "slash"), ("occupation", 1, "retired", "cross"),
    ("age_group", 1, "a35_49", "flat tick")])
def test_a_respondents_mark_whose_ink_runs_past_the_box_is_read(forms, question, page, option,
                                                                mark):
    """The dangerous neighbours: a tick whose arm runs on 1.5 box sides up and right, or flat
    over the option's text; a slash from corner to corner a little past both; a cross whose
    arms run past the corners."""
    def draw(ink, bx):
        b = bx[option]
        if mark == "long tick":
            _tick(ink, b, (2.0, -1.4))
        elif mark == "flat tick":
            _tick(ink, b, (2.6, 0.1))
        elif mark == "slash":
            _stroke(ink, b, [(-0.25, 1.25), (1.25, -0.25)])
        else:
            _stroke(ink, b, [(-0.3, -0.3), (1.3, 1.3)])
            _stroke(ink, b, [(-0.3, 1.3), (1.3, -0.3)])
    a, _ = _scan(forms, "sipas", question, page, draw)
    assert (a.status, a.values) == ("ok", [option]), a


# A stroke across an option's text (st72 sheet 102: read as a ring round "Khác"; strokes drawn
# across the texts of "Nam" and "Nữ", 5 of 40 such read as rings), in box sides from the box.
ACROSS_TEXT = [("occupation", "other", [(0.14, -2.12), (1.87, -0.69), (3.05, 2.9)]),
               ("gender", "female", [(1.88, -0.56), (2.05, 0.58), (2.26, 1.91)]),
               ("gender", "male", [(2.22, -1.19), (2.63, 0.58), (3.11, 2.57)]),
               ("gender", "male", [(3.0, -1.42), (2.25, 0.58), (1.41, 2.82)])]


@pytest.mark.parametrize("question,option,pts", ACROSS_TEXT)
def test_a_stroke_across_an_option_text_is_no_ring_round_it(forms, question, option, pts):
    """Its ink lies over and under the text, as a ring's does, and the letters it crosses join
    it all round the text's middle; but it goes through the text, not round its ends."""
    a, _ = _scan(forms, "sipas", question, 1, lambda ink, bx: _stroke(ink, bx[option], pts))
    assert a.status != "ok", a


def _text_ring(ink: np.ndarray, b: dict, margin: float, with_box: bool) -> None:
    """A pen ring round box ``b``'s option text (and the box, ``with_box``), ``margin`` points
    off the text, open by 20 degrees."""
    lab = b["label"]
    x0 = b["x"] - 0.3 * b["w"] if with_box else lab["x"]
    x1 = lab["x"] + lab["w"]
    cx, cy = (x0 + x1) / 2, lab["y"] + lab["h"] / 2
    rx, ry = (x1 - x0) / 2 + margin, lab["h"] / 2 + margin
    t = np.deg2rad(np.linspace(100, 440, 60))
    ring = np.column_stack([cx + rx * np.cos(t), cy + ry * np.sin(t)])
    _stroke(ink, {"x": 0, "y": 0, "w": 1}, [tuple(p) for p in ring])


@pytest.mark.parametrize("question,option,margin,with_box", [
    ("occupation", "other", 3.0, False), ("occupation", "retired", 3.5, True),
    ("occupation", "farmer", 2.5, False), ("occupation", "employee", 4.0, True),
    ("gender", "female", 2.0, False), ("gender", "male", 2.5, True)])
def test_a_ring_round_an_option_text_is_still_read(forms, question, option, margin, with_box):
    """The dangerous neighbour: a ring's ink over and under the text joins round its ends."""
    a, _ = _scan(forms, "sipas", question, 1,
                 lambda ink, bx: _text_ring(ink, bx[option], margin, with_box))
    assert (a.status, a.values) == ("ok", [option]), a
