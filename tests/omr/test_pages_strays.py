"""A tick whose long arm runs past its box's outline one way (drawn with OpenCV on the page
rendered from the printed PDF), alone in its question, is read as the answer a person sees;
a stroke crossing an empty question's box (in at one side, out at the other) still goes to a
person."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from fieldwork.omr.read import read_page

from .test_drawn_marks import KEY, PEN, _blend, _px


@pytest.fixture(scope="module")
def sipas(forms):
    """The SIPAS form's first page (printed, rendered grey at 200 dpi) and its layout."""
    pages, layout = forms["sipas"]
    return pages[0], layout


def _boxes(layout: dict, question: str) -> list[dict]:
    return [b for b in layout["pages"][0]["boxes"] if b["question"] == question]


def _page(page: np.ndarray, layout: dict, question: str) -> np.ndarray:
    """Ink for every other question of the page: its first box filled."""
    ink = np.zeros_like(page)
    done = {question}
    for b in layout["pages"][0]["boxes"]:
        if b["question"] in done:
            continue
        done.add(b["question"])
        x, y, w = b["x"], b["y"], b["w"]
        cv2.rectangle(ink, tuple(_px(x + 1.5, y + 1.5)), tuple(_px(x + w - 1.5, y + w - 1.5)),
                      255, -1)
    return ink


def _read(image: np.ndarray, layout: dict, question: str):
    result = read_page(np.ascontiguousarray(image), KEY, lambda p: layout)
    assert result.status == "read", (result.reason, result.detail)
    return result.answers[question]


@pytest.mark.parametrize("question,option", [("procedure_1", 3), ("access_3", 4)])
def test_a_tick_whose_arm_runs_out_through_the_right_side_is_the_answer(sipas, question,
                                                                       option):
    page, layout = sipas
    b = _boxes(layout, question)[option]
    x, y, s = b["x"], b["y"], b["w"]
    ink = _page(page, layout, question)
    # The hook inside the box, the long arm rising gently and leaving through the right side
    # half-way up (not the top right corner), ending well short of the next box.
    cv2.polylines(ink, [_px((x + 0.2 * s, y + 0.5 * s), (x + 0.4 * s, y + 0.8 * s),
                            (x + 1.5 * s, y + 0.35 * s))], False, 255, PEN, cv2.LINE_AA)
    a = _read(_blend(page, ink, 0.9), layout, question)
    assert (a.status, a.values) == ("ok", [b["option"]]), a


@pytest.mark.parametrize("question,option", [("procedure_1", 3), ("access_3", 4)])
def test_a_small_light_tick_whose_arm_leaves_through_the_right_side_is_the_answer(
        sipas, question, option):
    """A small tick in the lower half of the box (little ink: lighter than a clear mark),
    its arm rising past the right side."""
    page, layout = sipas
    b = _boxes(layout, question)[option]
    x, y, s = b["x"], b["y"], b["w"]
    ink = _page(page, layout, question)
    cv2.polylines(ink, [_px((x + 0.3 * s, y + 0.7 * s), (x + 0.45 * s, y + 0.85 * s),
                            (x + 1.4 * s, y + 0.55 * s))], False, 255, PEN, cv2.LINE_AA)
    a = _read(_blend(page, ink, 0.75), layout, question)
    assert (a.status, a.values) == ("ok", [b["option"]]), a


def test_a_tick_from_the_box_before_ending_in_an_empty_box_goes_to_a_person(sipas):
    """Ink leaving a light box at the left only: a stroke from the box before it."""
    page, layout = sipas
    b = _boxes(layout, "procedure_1")[3]
    x, y, s = b["x"], b["y"], b["w"]
    ink = _page(page, layout, "procedure_1")
    cv2.polylines(ink, [_px((x - 0.9 * s, y + 0.55 * s), (x + 0.5 * s, y + 0.45 * s))], False,
                  255, PEN, cv2.LINE_AA)
    a = _read(_blend(page, ink, 0.75), layout, "procedure_1")
    assert a.status != "ok" or a.values != [b["option"]], a


def test_a_stroke_across_an_empty_questions_box_goes_to_a_person(sipas):
    page, layout = sipas
    b = _boxes(layout, "procedure_1")[3]
    x, y, s = b["x"], b["y"], b["w"]
    ink = _page(page, layout, "procedure_1")
    cv2.line(ink, tuple(_px(x - 0.6 * s, y + 0.7 * s)), tuple(_px(x + 1.6 * s, y + 0.3 * s)),
             255, PEN, cv2.LINE_AA)
    a = _read(_blend(page, ink, 0.9), layout, "procedure_1")
    assert a.status == "doubtful" and b["option"] in a.values, a
