"""Ticks whose long arm runs on into the next box, drawn on the printed page (OpenCV strokes
placed from the printed PDF's own layout): the tick's body (its hook and vertex) is in box A,
only its arm's end in box B, so the answer is A, as a person reads it at once. Their dangerous
neighbours (a tick drawn in B running on into the box after it, two ticks, a tick in each of
two boxes one above the other) are never read as one box silently."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from .test_drawn_marks import PEN, _answered, _blend, _boxes, _px, _read
from .test_silent_marks import _tick


def _flat(ink: np.ndarray, a: dict, b: dict) -> None:
    """A short hook down the left of box ``a``, then the arm along its bottom, level, into the
    bottom of box ``b`` (the lowest ink is a long flat run, no V)."""
    s = a["w"]
    pts = [(a["x"] + 0.1 * s, a["y"] + 0.4 * s), (a["x"] + 0.15 * s, a["y"] + 0.85 * s),
           (b["x"] + 0.75 * s, b["y"] + 0.78 * s)]
    cv2.polylines(ink, [_px(*pts)], False, 255, PEN, cv2.LINE_AA)


def _single(forms, page: int, question: str, draw, opacity: float = 0.8):
    pages, layout = forms["sipas"]
    boxes = _boxes(layout, page, question)
    ink = np.zeros_like(pages[page])
    draw(ink, boxes)
    image = _blend(_answered(pages[page], layout, page, question), ink, opacity)
    return _read(image, layout)[question], boxes


@pytest.mark.parametrize("question,first", [("procedure_1", 3), ("officials_2", 1),
                                            ("results_2", 2)])
def test_a_tick_whose_arm_runs_flat_into_the_next_box_is_the_box_of_its_hook(forms, question,
                                                                              first):
    """Tuning seed 51: 7 such ticks went to a person as a "second mark" (their lowest ink is a
    level run across both boxes, so no vertex was found)."""
    page = 1 if question.startswith("results") else 0
    a, boxes = _single(forms, page, question,
                       lambda ink, bx: _flat(ink, bx[first], bx[first + 1]))
    assert (a.status, a.values) == ("ok", [boxes[first]["option"]]), a


@pytest.mark.parametrize("question,first", [("procedure_1", 3), ("officials_2", 1)])
def test_a_flat_tick_drawn_from_the_right_box_back_into_the_left_is_not_the_left_box(
        forms, question, first):
    """The mirror image: the hook down the right of box B, the arm run back flat along the
    bottom into box A. Never read as A (its hook is in B)."""
    def draw(ink, bx):
        a, b, s = bx[first], bx[first + 1], bx[first]["w"]
        pts = [(b["x"] + 0.9 * s, b["y"] + 0.4 * s), (b["x"] + 0.85 * s, b["y"] + 0.85 * s),
               (a["x"] + 0.25 * s, a["y"] + 0.78 * s)]
        cv2.polylines(ink, [_px(*pts)], False, 255, PEN, cv2.LINE_AA)
    a, boxes = _single(forms, 0, question, draw)
    assert a.status != "ok" or a.values == [boxes[first + 1]["option"]], a


def test_a_flat_tick_beside_a_tick_in_the_box_it_runs_into_goes_to_a_person(forms):
    def draw(ink, bx):
        _flat(ink, bx[1], bx[2])
        _tick(ink, bx[2], 0.8)
    a, _ = _single(forms, 0, "procedure_1", draw)
    assert a.status in ("doubtful", "multiple"), a


@pytest.mark.parametrize("question,lower,upper", [("occupation", "student", "business"),
                                                  ("education", "university", "lower_sec")])
def test_a_tick_whose_arm_runs_up_into_the_box_above_is_the_lower_box(forms, question, lower,
                                                                       upper):
    """Options in columns: the arm of a tick in one box runs straight up into the box above.
    Tuning seed 51 sent two such single choices to a person ("second mark")."""
    def draw(ink, bx):
        by = {b["option"]: b for b in bx}
        up = by[upper]
        _tick(ink, by[lower], 0.9, reach=(up["x"] + 0.55 * up["w"], up["y"] + 0.45 * up["w"]),
              width=PEN - 1)
    a, _ = _single(forms, 1, question, draw, 0.6)
    assert (a.status, a.values) == ("ok", [lower]), a


@pytest.mark.parametrize("question,lower,upper", [("occupation", "student", "business")])
def test_ticks_in_two_boxes_one_above_the_other_are_two_answers(forms, question, lower, upper):
    def draw(ink, bx):
        by = {b["option"]: b for b in bx}
        up = by[upper]
        _tick(ink, by[lower], 0.9, reach=(up["x"] + 0.55 * up["w"], up["y"] + 0.45 * up["w"]))
        _tick(ink, up, 0.7)
    a, _ = _single(forms, 1, question, draw, 0.7)
    assert a.status in ("doubtful", "multiple"), a


def _reasons(forms, draw):
    pages, layout = forms["danang-2025"]
    boxes = {b["option"]: b for b in _boxes(layout, 0, "q02")}
    ink = np.zeros_like(pages[0])
    draw(ink, boxes)
    image = _blend(_answered(pages[0], layout, 0, "q02"), ink, 0.7)
    return _read(image, layout)["q02"]


@pytest.mark.parametrize("lower,upper", [("reason_f", "reason_dd"), ("reason_g", "reason_e")])
def test_a_tick_in_a_reason_list_whose_arm_runs_up_into_the_reason_above_is_one_answer(
        forms, lower, upper):
    """The two-column reason list of a multiple choice: a tick's arm run straight up into the
    box above. Tuning seed 51 sent 7 such questions to a person, the box above offered as one
    more reason ("stray stroke", "light")."""
    def draw(ink, bx):
        up = bx[upper]
        _tick(ink, bx[lower], 0.9, reach=(up["x"] + 0.5 * up["w"], up["y"] + 0.5 * up["w"]))
        _tick(ink, bx["reason_b"], 0.9)
    a = _reasons(forms, draw)
    assert (a.status, a.values) == ("ok", ["reason_b", lower]), a


def test_a_tick_in_a_reason_list_and_one_in_the_reason_its_arm_reaches_are_both_seen(forms):
    def draw(ink, bx):
        up = bx["reason_dd"]
        _tick(ink, bx["reason_f"], 0.9, reach=(up["x"] + 0.5 * up["w"], up["y"] + 0.5 * up["w"]))
        _tick(ink, up, 0.7)
    a = _reasons(forms, draw)
    assert a.status == "doubtful" or a.values == ["reason_dd", "reason_f"], a
