"""Ticks whose long arm runs on into the next box of a rating row, drawn on the printed page
(OpenCV strokes placed from the printed PDF's own layout, not from the reader's geometry).

The tick's hook, pressed against the left side of box A, is lighter than a mark's level; only
its arm ends inside box B. A person reads A at once, and when the reader doubts it the person
is offered both boxes. The dangerous neighbours: a tick in B as well (a double, drawn over the
arm's end), and a box crossed out beside such a tick."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from .test_drawn_marks import PEN, _answered, _blend, _boxes, _fill, _px, _read

ROWS = [("procedure_4", 0, 0), ("results_2", 1, 2), ("feedback_1", 1, 4), ("access_3", 0, 1),
        ("officials_1", 0, 3)]


def _at(b: dict, u: float, v: float) -> tuple[float, float]:
    """The point ``u``, ``v`` box sides right of and below box ``b``'s top-left corner."""
    return b["x"] + u * b["w"], b["y"] + v * b["w"]


def _line(ink: np.ndarray, *pts, width: int = PEN) -> None:
    cv2.polylines(ink, [_px(*pts)], False, 255, width, cv2.LINE_AA)


def _check(ink: np.ndarray, b: dict, k: float = 1.0, reach=None, width: int = PEN) -> None:
    """A check mark on box ``b`` (``k``: its size over the box's side), its arm ending at
    ``reach`` (points) when given."""
    s, cx, cy = b["w"], b["x"] + b["w"] / 2, b["y"] + b["w"] / 2
    _line(ink, (cx - 0.35 * k * s, cy - 0.05 * k * s), (cx - 0.08 * k * s, cy + 0.32 * k * s),
          reach or (cx + 0.5 * k * s, cy - 0.55 * k * s), width=width)


def _scan(forms, question: str, page: int, draw, opacity: float = 0.7, blur: float = 0.0):
    pages, layout = forms["sipas"]
    boxes = _boxes(layout, page, question)
    ink = np.zeros_like(pages[page])
    draw(ink, boxes)
    image = _blend(_answered(pages[page], layout, page, question), ink, opacity)
    if blur:
        image = cv2.GaussianBlur(image, (0, 0), blur)  # a soft scan, a light pen
    return _read(image, layout)[question], boxes


def _hooked(ink: np.ndarray, a: dict, b: dict) -> None:
    """A small hook down the left side of ``a`` to its bottom, the arm rising on into ``b``."""
    _line(ink, _at(a, 0.05, 0.45), _at(a, 0.3, 0.97), _at(b, 0.45, 0.5))


def test_a_tick_whose_hook_is_along_the_outline_is_the_box_of_its_hook(forms):
    """Tuning seed 51: 6 such ticks (the hook's ink below a mark's level, the arm's end in the
    next box the only mark) went to a person, offered only the arm's box."""
    a, boxes = _scan(forms, "procedure_4", 0, lambda ink, bx: _hooked(ink, bx[0], bx[1]),
                     opacity=0.5, blur=0.8)
    assert (a.status, a.values, a.note) == ("ok", [boxes[0]["option"]], "tick into next"), a


@pytest.mark.parametrize("question,page,k", ROWS)
def test_a_tick_run_on_into_a_box_ticked_too_is_a_double_with_both_boxes_offered(
        forms, question, page, k):
    """The dangerous neighbour: a small tick drawn in B over the arm's end. One stroke joins
    the two boxes, but B holds more than a line's end. Before, a soft scan of it was read as
    A alone, silently, on every row."""
    def draw(ink, bx):
        _check(ink, bx[k], 1.2, reach=_at(bx[k + 1], 0.5, 0.5))
        _check(ink, bx[k + 1], 0.6)
    a, boxes = _scan(forms, question, page, draw, opacity=0.5, blur=0.8)
    assert a.status in ("doubtful", "multiple"), a
    assert a.values == [boxes[k]["option"], boxes[k + 1]["option"]], a


@pytest.mark.parametrize("question,page,k", ROWS[:3])
def test_a_tick_in_b_with_the_hook_of_a_run_on_tick_in_a_is_a_double(forms, question, page,
                                                                      k):
    """A full tick in B, and a hook in A whose arm runs into it: a double (drawn, the reader
    took B alone when A's hook was light)."""
    def draw(ink, bx):
        _line(ink, _at(bx[k], 0.05, 0.55), _at(bx[k], 0.25, 1.0), _at(bx[k + 1], 0.3, 0.75))
        _check(ink, bx[k + 1], 1.0, width=PEN + 1)
    a, boxes = _scan(forms, question, page, draw, opacity=0.6, blur=0.6)
    assert a.status in ("doubtful", "multiple"), a
    assert set(a.values) >= {boxes[k]["option"], boxes[k + 1]["option"]}, a


def _crossed_beside_run_on(ink, bx, k: int) -> None:
    """A filled box crossed out three boxes on from ``k``, and a tick in box ``k`` whose arm
    runs on to the middle of box ``k + 1``."""
    wrong = bx[(k + 3) % 6]
    _fill(ink, wrong)
    for (x0, y0), (x1, y1) in (((-0.3, -0.3), (1.3, 1.3)), ((-0.3, 1.3), (1.3, -0.3))):
        _line(ink, _at(wrong, x0, y0), _at(wrong, x1, y1))
    _check(ink, bx[k], 1.2, reach=_at(bx[k + 1], 0.5, 0.5))


@pytest.mark.parametrize("question,page,k", ROWS)
def test_a_box_crossed_out_beside_a_tick_run_on_into_the_next_box_is_corrected_to_the_tick(
        forms, question, page, k):
    """The printed correction rule (cross out the filled box, mark the new one), the new mark a
    tick whose arm ran on into the next box. Tuning seed 51: 4 such went to a person with
    three boxes offered."""
    def draw(ink, bx):
        _crossed_beside_run_on(ink, bx, k)
    a, boxes = _scan(forms, question, page, draw)
    assert (a.status, a.values, a.note) == ("ok", [boxes[k]["option"]], "correction"), a


@pytest.mark.parametrize("question,page,k", ROWS[:2])
def test_a_crossed_box_beside_a_run_on_tick_and_a_tick_in_its_arm_box_goes_to_a_person(
        forms, question, page, k):
    """... but with a tick of its own in the box the arm reaches, it is not one new answer."""
    def draw(ink, bx):
        _crossed_beside_run_on(ink, bx, k)
        _check(ink, bx[k + 1], 0.7)
    a, _ = _scan(forms, question, page, draw)
    assert a.status in ("doubtful", "multiple"), a


def _reasons(forms, draw):
    pages, layout = forms["danang-2025"]
    boxes = {b["option"]: b for b in _boxes(layout, 0, "q02")}
    ink, solid = np.zeros_like(pages[0]), np.zeros_like(pages[0])
    draw(ink, boxes)
    _fill(solid, boxes["reason_e"])
    image = _blend(_blend(_answered(pages[0], layout, 0, "q02"), solid, 0.85), ink, 0.7)
    return _read(image, layout)["q02"]


@pytest.mark.parametrize("k,up", [(0.9, 0.5), (1.1, 0.55)])
def test_a_reason_ticked_with_its_arm_run_up_beside_a_filled_reason_is_read(forms, k, up):
    """A tick lighter than the fill of another reason of the question was taken for a passing
    stroke when its arm ran on up into the reason above (it runs on past its box): tuning seed
    51 sent it to a person as "light"."""
    a = _reasons(forms, lambda ink, bx: _check(ink, bx["reason_d"], k,
                                                reach=_at(bx["reason_b"], 0.5, up)))
    assert (a.status, a.values) == ("ok", ["reason_d", "reason_e"]), a


def test_a_reason_ticked_with_its_arm_run_up_into_a_ticked_reason_is_not_one_answer(forms):
    def draw(ink, bx):
        _check(ink, bx["reason_d"], 0.9, reach=_at(bx["reason_b"], 0.5, 0.5))
        _check(ink, bx["reason_b"], 0.6)
    a = _reasons(forms, draw)
    assert a.status == "doubtful" or "reason_b" in a.values, a


@pytest.mark.parametrize("question,page,k", ROWS[:4])
def test_a_light_tick_whose_arm_ends_in_the_next_box_is_read(forms, question, page, k):
    """A light tick (below a clear mark's level) is read when it is far darker than its
    siblings; its own arm's end in the next box counted as a sibling's ink, so it was not
    (tuning seed 51: such ticks went to a person as "light")."""
    a, boxes = _scan(forms, question, page,
                     lambda ink, bx: _check(ink, bx[k], 1.1, reach=_at(bx[k + 1], 0.3, 0.6)),
                     opacity=0.35, blur=0.7)
    assert (a.status, a.values) == ("ok", [boxes[k]["option"]]), a


@pytest.mark.parametrize("question,page,k", ROWS[:2])
def test_a_light_tick_beside_a_light_tick_in_the_next_box_goes_to_a_person(forms, question,
                                                                           page, k):
    def draw(ink, bx):
        _check(ink, bx[k], 1.1)
        _check(ink, bx[k + 1], 0.6)
    a, boxes = _scan(forms, question, page, draw, opacity=0.35, blur=0.7)
    assert a.status in ("doubtful", "multiple"), a
