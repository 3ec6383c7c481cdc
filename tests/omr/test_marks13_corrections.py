"""Boxes read crossed out (the printed correction rule: "cross out the wrongly filled box and
fill the new one") or not, drawn on the page rendered from the printed PDF.

The crossed-out box right below (or above) the new answer in its column: the cross's arms,
drawn 0.3-0.4 of a side past its corners, run on over the 0.53-side gap into the corner zones
of the new answer's box; with its scribble spilling past one more corner the new fill showed
ink past three corners, a crossed-out box's count, and both were read crossed out,
"cancelled" (p65 sheet 14: "Khác" filled and crossed out below "Học sinh, sinh viên" filled).
A fill whose scribble spills past its box all round is no box crossed out either: a double of
two fills was read as a correction, silently (fresh seed 94, sheet 25). A correction whose new
answer is a tick run on into the next box, its V on its box's outline, is read as the V's box,
as the same tick alone is (p65 sheet 82)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from .test_drawn_marks import PEN, _answered, _blend, _boxes, _fill, _px, _read
from .test_ticks8_arms import _scan
from .test_ticks10_arms import LOW_V, _tick


def _at(b: dict, u: float, v: float) -> tuple[float, float]:
    """A point of box ``b`` in box sides from its top-left corner (points)."""
    return b["x"] + u * b["w"], b["y"] + v * b["w"]


def _crossed(ink: np.ndarray, b: dict, over: float, short: float | None = None) -> None:
    """Box ``b`` filled, then crossed out with arms ``over`` a side past its corners (the first
    arm's top-left end only ``short`` past it when given)."""
    _fill(ink, b)
    first = -over if short is None else -short
    for p, q in (((first, first), (1 + over, 1 + over)), ((-over, 1 + over), (1 + over, -over))):
        cv2.line(ink, tuple(_px(*_at(b, *p))), tuple(_px(*_at(b, *q))), 255, PEN, cv2.LINE_AA)


def _spilled(ink: np.ndarray, b: dict, corner: tuple[int, int]) -> None:
    """Box ``b`` filled, its scribble's first turn overshooting one corner (0.2 of a side out
    each way): a back-and-forth stroke begun outside the box."""
    _fill(ink, b)
    u, v = corner
    start = (-0.2 if u == 0 else 1.2, -0.2 if v == 0 else 1.2)
    turn = (1.0 if u == 0 else 0.0, 0.15 if v == 0 else 0.85)
    back = (0.1 if u == 0 else 0.9, 0.3 if v == 0 else 0.7)
    cv2.polylines(ink, [_px(*(_at(b, *p) for p in (start, turn, back)))], False, 255, PEN,
                  cv2.LINE_AA)


CASES = [("sipas", 1, "occupation", "student", "other", (0, 0)),
         ("sipas", 1, "occupation", "farmer", "employee", (1, 0)),
         ("sipas", 1, "education", "upper_sec", "postgrad", (0, 0)),
         ("danang-2025", 0, "field", "ht", "xd", (0, 0)),
         ("sipas", 0, "field", "dd", "ld", (1, 0)),
         ("sipas", 1, "occupation", "other", "student", (0, 1)),
         ("danang-2025", 0, "field", "dkkd", "ct", (1, 1))]


@pytest.mark.parametrize("over", [0.3, 0.4])
@pytest.mark.parametrize(("form", "page", "question", "new", "old", "corner"), CASES)
def test_a_fill_beside_a_box_crossed_out_in_its_column_is_the_new_answer(forms, form, page,
                                                                         question, new, old,
                                                                         corner, over):
    pages, layout = forms[form]
    boxes = {b["option"]: b for b in _boxes(layout, page, question)}
    ink = np.zeros_like(pages[page])
    _crossed(ink, boxes[old], over)
    _spilled(ink, boxes[new], corner)
    a = _read(_blend(_answered(pages[page], layout, page, question), ink, 0.85), layout)[question]
    assert (a.status, a.values) == ("ok", [new]), a


@pytest.mark.parametrize(("short", "over"), [(None, 0.3), (0.0, 0.2), (0.0, 0.4), (0.1, 0.3)])
def test_two_boxes_crossed_out_one_above_the_other_are_not_an_answer(forms, short, over):
    """The dangerous neighbour: two corrections in one column (the upper cross's top-left arm
    drawn short, so it shows ink past three corners only) and nothing chosen instead. The upper
    box's lower arms are its own, as dark as the lower cross's: both stay crossed out."""
    pages, layout = forms["sipas"]
    boxes = {b["option"]: b for b in _boxes(layout, 1, "occupation")}
    ink = np.zeros_like(pages[1])
    _crossed(ink, boxes["student"], over, short)
    _crossed(ink, boxes["other"], over)
    a = _read(_blend(_answered(pages[1], layout, 1, "occupation"), ink, 0.85), layout)[
        "occupation"]
    assert a.status != "ok", a


ROWS = [("access_1", 0), ("procedure_2", 0), ("results_1", 1), ("feedback_3", 1)]


def _crossed_pt(ink: np.ndarray, b: dict) -> None:
    _crossed(ink, b, 0.3)


@pytest.mark.parametrize(("question", "page"), ROWS)
@pytest.mark.parametrize("tick", LOW_V[1:])
@pytest.mark.parametrize(("old", "first"), [(5, 0), (0, 2), (5, 2)])
def test_a_box_crossed_out_and_a_tick_run_on_with_its_v_on_the_outline_is_the_ticks_box(
        forms, question, page, tick, old, first):
    """p65 sheet 82: box 1 filled and crossed out, the new answer a tick whose V lies on box 4's
    outline (under a mark's level there), its long arm run on into box 5: boxes 1 and 5 went to
    a person as "tick into next". The lone arm read as the V's box when the stroke's lowest ink
    is there (``ticks._hook_in``), as without the correction."""
    def draw(ink, bx):
        _crossed_pt(ink, bx[old])
        _tick(ink, bx[first], bx[first + 1], *tick)

    a, boxes = _scan(forms, question, page, draw, 1.0)
    assert (a.status, a.values) == ("ok", [boxes[first]["option"]]), a


@pytest.mark.parametrize(("question", "page"), ROWS[:2])
def test_a_box_crossed_out_and_a_line_from_far_ending_in_a_box_go_to_a_person(forms, question,
                                                                             page):
    """The neighbour: the other mark is a line's end come in from far outside the row (no box
    before it holds its start): no new answer."""
    def draw(ink, bx):
        _crossed_pt(ink, bx[0])
        b = bx[4]
        cv2.line(ink, tuple(_px(b["x"] - 4.5 * b["w"], b["y"] + 3.0 * b["w"])),
                 tuple(_px(b["x"] + 0.5 * b["w"], b["y"] + 0.5 * b["w"])), 255, PEN,
                 cv2.LINE_AA)

    a, boxes = _scan(forms, question, page, draw, 1.0)
    assert a.status != "ok" or a.values == [], a


def _scribble(ink: np.ndarray, b: dict, spill: float) -> None:
    """A back-and-forth fill of box ``b`` overshooting it ``spill`` of a side all round."""
    ys = np.arange(-spill, 1 + spill + 1e-9, 0.1)
    pts = [_at(b, -spill if i % 2 == 0 else 1 + spill, y) for i, y in enumerate(ys)]
    cv2.polylines(ink, [_px(*pts)], False, 255, PEN + 1, cv2.LINE_AA)


@pytest.mark.parametrize("blur", [0.0, 1.0])
@pytest.mark.parametrize("spill", [0.2, 0.25])
@pytest.mark.parametrize(("question", "page"), [("procedure_3", 0), ("results_1", 1)])
def test_a_double_with_a_fill_spilling_all_round_is_not_a_correction(forms, question, page,
                                                                     spill, blur):
    """Fresh paper seed 94, sheet 25: boxes 1 and "na" filled, box 1's scribble spilling past
    its sides and corners (0.11-0.12 past three corners, 0.14 beside a side): read as box 1
    crossed out and "na" the new answer, silently. A person sees two fills, a double."""
    def draw(ink, bx):
        _scribble(ink, bx[0], spill)
        _fill(ink, bx[5])

    a, boxes = _scan(forms, question, page, draw, 0.85, blur)
    assert a.status != "ok", a
    assert {boxes[0]["option"], boxes[5]["option"]} <= set(a.values), a


@pytest.mark.parametrize("spill", [0.0, 0.1])
@pytest.mark.parametrize(("question", "page"), [("procedure_3", 0), ("results_1", 1)])
def test_a_fill_spilling_a_little_and_crossed_out_is_still_a_correction(forms, question, page,
                                                                        spill):
    """The neighbour: the generator's correction (a fill, its scribble overshooting a little,
    crossed out with arms 0.3 of a side past the corners) beside a new fill."""
    def draw(ink, bx):
        _scribble(ink, bx[0], spill)
        _crossed(ink, bx[0], 0.3)
        _fill(ink, bx[3])

    a, boxes = _scan(forms, question, page, draw, 0.85)
    assert (a.status, a.values) == ("ok", [boxes[3]["option"]]), a


@pytest.mark.parametrize("off", [(0.0, 0.05), (-0.1, 0.15)])
@pytest.mark.parametrize("size", [0.8, 1.0])
@pytest.mark.parametrize(("question", "old", "new", "into"), [
    ("education", "primary", "university", "lower_sec"),
    ("occupation", "official", "student", "business")])
def test_a_box_crossed_out_and_a_tick_run_on_into_the_empty_box_above_is_the_ticks_box(
        forms, question, old, new, into, size, off):
    """Fresh seed 94, sheet 16: "Tiểu học" filled and crossed out, the new answer a tick in
    "Đại học" (0.096 of black, under ``NEW_MARK``) whose long arm ran on up into the box above,
    ending at its lower edge: the crossed box and the tick went to a person as "tick into
    next". Drawn with ``hands.tick``'s points in a 1 pt pen at 0.6 of black: all went to a
    person on 3ce6231 (in lighter pens they still do: the tick must be drawn as firmly as the
    crossed fill)."""
    pages, layout = forms["sipas"]
    boxes = {b["option"]: b for b in _boxes(layout, 1, question)}
    ink = np.zeros_like(pages[1])
    _crossed(ink, boxes[old], 0.3)
    _tick(ink, boxes[new], boxes[into], size, 0.0, off, (0.0, 0.3), (1.0, 0.6))
    a = _read(_blend(_answered(pages[1], layout, 1, question), ink, 0.85), layout)[question]
    assert (a.status, a.values) == ("ok", [new]), a
