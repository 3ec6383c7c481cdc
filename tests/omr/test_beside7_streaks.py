"""Marks beside a box and rings beside filled boxes, next to ink that is no respondent's
(issue 21, paper flags): a scanner's streak down the page, a stroke that does not go round
its box. Drawn with OpenCV on the page rendered from the printed PDF, placed from the printed
layout. What a person reads at once is read; a streak or a loose stroke never adds an answer."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from .test_drawn_marks import PEN, _blend, _boxes, _fill, _px, _read
from .test_drawn_marks import _answered as _answered_but


def _stroke(ink: np.ndarray, *pts, width: int = PEN) -> None:
    cv2.polylines(ink, [_px(*pts)], False, 255, width, cv2.LINE_AA)


def _streak(image: np.ndarray, x: float, grey: int = 120, drift: float = 0.0,
            width: int = 2, broken: bool = False) -> np.ndarray:
    """A scanner's streak: a thin grey line down the whole page at ``x`` (points), running
    ``drift`` points sideways from top to bottom (``broken``: missing 2 rows of pixels in
    every 12, as a one-bit or compressed scan breaks it)."""
    ink = np.zeros_like(image)
    h = image.shape[0] / _px(1)[0]
    _stroke(ink, (x, 0), (x + drift, h), width=width)
    if broken:
        ink[np.arange(len(ink)) % 12 < 2] = 0
    return _blend(image, ink, 1 - grey / 255)


def _tick_left_of(ink: np.ndarray, b: dict) -> None:
    """A respondent's tick a box wide, just left of box ``b``."""
    s, x = b["w"], b["x"] - 0.35 * b["w"]
    _stroke(ink, (x - 0.9 * s, b["y"] + 0.5 * s), (x - 0.6 * s, b["y"] + 0.9 * s),
            (x - 0.05 * s, b["y"] + 0.05 * s))


@pytest.mark.parametrize("question", ["access_1", "procedure_2"])
def test_a_tick_beside_a_rating_box_is_read_past_a_streak_through_another_box(forms, question):
    """p51 page 149: a streak down the page through the fifth column of every rating row sent
    ten rows answered by a tick beside a box to a person ("stray stroke"). The streak is no
    mark; the tick beside box 2 is the answer."""
    pages, layout = forms["sipas"]
    boxes = _boxes(layout, 0, question)
    five = boxes[4]
    ink = np.zeros_like(pages[0])
    _tick_left_of(ink, boxes[1])
    page = _streak(_answered_but(pages[0], layout, 0, question), five["x"] + five["w"] / 2)
    a = _read(_blend(page, ink, 0.85), layout)[question]
    assert (a.status, a.values, a.note) == ("ok", [boxes[1]["option"]], "beside"), a


def test_a_streak_through_a_blank_rating_row_gives_it_no_answer(forms):
    """The dangerous neighbour: the same streak, nothing drawn by hand in the row; and a long
    stroke (no tick) ending beside box 2. Neither is read as an answer."""
    pages, layout = forms["sipas"]
    boxes = _boxes(layout, 0, "access_1")
    five, two = boxes[4], boxes[1]
    page = _streak(_answered_but(pages[0], layout, 0, "access_1"), five["x"] + five["w"] / 2)
    a = _read(page, layout)["access_1"]
    assert a.status in ("blank", "doubtful") and a.note != "beside", a
    s = two["w"]
    ink = np.zeros_like(pages[0])
    tip = (two["x"] - 0.4 * s, two["y"] + 0.3 * s)
    _stroke(ink, (tip[0] - 4.5 * s, tip[1] + 3.0 * s), (tip[0] - 1.0 * s, tip[1] + 3.4 * s), tip)
    a = _read(_blend(page, ink, 0.85), layout)["access_1"]
    assert a.status == "doubtful" and a.values != [two["option"]], a


def test_a_slanted_streak_beside_a_box_of_a_marked_row_is_no_mark_beside(forms):
    """b61 page 30: a streak a little slanted down the page, passing in the band left of box 4
    of a rating row answered in box 1, was taken for a mark beside box 4 ("beside other").
    A straight line running on far past the band is no hand's mark: the tick is read."""
    pages, layout = forms["sipas"]
    boxes = _boxes(layout, 0, "access_1")
    four = boxes[3]
    x = four["x"] - 0.7 * four["w"]
    page = _streak(_answered_but(pages[0], layout, 0), x, grey=30, drift=12.0, width=2,
                   broken=True)
    a = _read(page, layout)["access_1"]
    assert (a.status, a.values) == ("ok", [boxes[0]["option"]]), a


def _ring(ink: np.ndarray, b: dict, start: float = -180, end: float = 180) -> None:
    s = b["w"]
    cv2.ellipse(ink, tuple(_px(b["x"] + s / 2, b["y"] + s / 2)), tuple(_px(1.0 * s, 0.85 * s)),
                0, start, end, 255, PEN, cv2.LINE_AA)



def test_a_ring_round_an_option_beside_filled_boxes_of_a_multiple_choice_is_chosen(forms):
    """p51: five multiple-choice answers marked partly by filling boxes, partly by ringing
    them (the same respondent), went to a person as "ring other". Each ring goes round its
    box: that option is chosen too."""
    pages, layout = forms["danang-2025"]
    boxes = _boxes(layout, 0, "q02")
    ink = np.zeros_like(pages[0])
    _fill(ink, boxes[1])
    _ring(ink, boxes[4])
    a = _read(_blend(_answered_but(pages[0], layout, 0, "q02"), ink, 0.85), layout)["q02"]
    assert (a.status, a.values, a.note) == \
        ("ok", [boxes[1]["option"], boxes[4]["option"]], "ring"), a


def test_an_arc_that_does_not_go_round_a_box_beside_a_filled_one_is_still_doubted(forms):
    """The dangerous neighbour: a filled box and, round another, an arc less than half way
    round (a stroke passing by): not a ring, never a second answer without a person."""
    pages, layout = forms["danang-2025"]
    boxes = _boxes(layout, 0, "q02")
    ink = np.zeros_like(pages[0])
    _fill(ink, boxes[1])
    _ring(ink, boxes[4], 90, 250)
    a = _read(_blend(_answered_but(pages[0], layout, 0, "q02"), ink, 0.85), layout)["q02"]
    assert a.values != [boxes[1]["option"], boxes[4]["option"]] or a.status == "doubtful", a


def _ring_text_to_next_box(ink: np.ndarray, b: dict, nxt: dict) -> None:
    """A ring round option ``b``'s box and text, long enough that its right end passes just
    left of the next option's box ``nxt`` on the same line."""
    t, s = b["label"], b["w"]
    x0, x1 = b["x"] - 0.4 * s, nxt["x"] - 0.2 * s
    ry = (t["h"] / 2 + 1.2 * 72 / 25.4) * 1.3  # as far round the text as people ring it
    cv2.ellipse(ink, tuple(_px((x0 + x1) / 2, t["y"] + t["h"] / 2)),
                tuple(_px((x1 - x0) / 2, ry)), -2, 0, 360, 255, PEN, cv2.LINE_AA)


def _next_on_line(boxes: list[dict], b: dict) -> dict:
    return min((o for o in boxes if abs(o["y"] - b["y"]) < 0.5 * b["w"] and o["x"] > b["x"]),
               key=lambda o: o["x"])


def test_a_ring_round_an_options_text_passing_beside_the_next_box_is_no_mark_there(forms):
    """p64 page 70, p63 pages 1 and 69, p51 page 84: a ring round an option's box and text,
    its right end passing just left of the next option's box, was taken for a mark beside
    that box too ("beside other"). It is one stroke going on round the text: the ringed
    option alone is read."""
    pages, layout = forms["danang-2025"]
    boxes = _boxes(layout, 0, "q02")
    b = boxes[4]
    nxt = _next_on_line(boxes, b)
    ink = np.zeros_like(pages[0])
    _ring_text_to_next_box(ink, b, nxt)
    a = _read(_blend(_answered_but(pages[0], layout, 0, "q02"), ink, 0.85), layout)["q02"]
    assert (a.status, a.values) == ("ok", [b["option"]]), a


def test_a_ring_round_a_text_and_a_tick_beside_the_next_box_go_to_a_person(forms):
    """The dangerous neighbour: the same ring, shorter, and a respondent's tick of its own
    beside the next box: a second option marked beside, never dropped without a person."""
    pages, layout = forms["danang-2025"]
    boxes = _boxes(layout, 0, "q02")
    b = boxes[4]
    nxt = _next_on_line(boxes, b)
    ink = np.zeros_like(pages[0])
    short = dict(nxt, x=nxt["x"] - 1.6 * nxt["w"])
    _ring_text_to_next_box(ink, b, short)
    _tick_left_of(ink, nxt)
    a = _read(_blend(_answered_but(pages[0], layout, 0, "q02"), ink, 0.85), layout)["q02"]
    assert a.status == "doubtful" and nxt["option"] in a.values, a


def test_a_tight_ring_round_a_short_option_text_alone_is_read(forms):
    """p64 pages 45 and 94: a ring drawn round "Nữ" alone (not its box; here its left arc
    runs over the box's right side) went to a person: looked at round the text and its box
    together, the ring leaves the box's left side open. It goes round the text: read."""
    pages, layout = forms["sipas"]
    boxes = _boxes(layout, 1, "gender")
    b = boxes[1]
    t = b["label"]
    mm = 72 / 25.4
    ink = np.zeros_like(pages[1])
    cv2.ellipse(ink, tuple(_px(t["x"] + t["w"] / 2 - 2.5, t["y"] + t["h"] / 2)),
                tuple(_px(t["w"] / 2 + 1.5 * mm, t["h"] / 2 + 1.2 * mm)), 0, 0, 360, 255, PEN,
                cv2.LINE_AA)
    a = _read(_blend(_answered_but(pages[1], layout, 1, "gender"), ink, 0.85), layout)["gender"]
    assert (a.status, a.values, a.note) == ("ok", [b["option"]], "ring"), a


def test_a_ringed_box_beside_filled_ones_does_not_hide_an_open_ring_round_another_text(forms):
    """The dangerous neighbour of reading rings beside filled boxes: one more option ringed
    round its text alone and left open (only ink near it: fresh seed 18's silent class).
    The question is read with it or sent to a person, never as the closed ring alone."""
    pages, layout = forms["danang-2025"]
    boxes = {b["option"]: b for b in _boxes(layout, 0, "q02")}
    ink = np.zeros_like(pages[0])
    _fill(ink, boxes["reason_a"])
    _ring(ink, boxes["reason_dd"])
    t = boxes["reason_f"]["label"]
    x0, x1 = t["x"] - 1, t["x"] + t["w"] + 6
    cv2.ellipse(ink, tuple(_px((x0 + x1) / 2, t["y"] + t["h"] / 2)),
                tuple(_px((x1 - x0) / 2, t["h"] / 2 + 7)), 2, 145, 395, 255, PEN)
    a = _read(_blend(_answered_but(pages[0], layout, 0, "q02"), ink, 0.9), layout)["q02"]
    assert a.status == "doubtful" or "reason_f" in a.values, a
