"""Marks drawn by hand on the printed page (OpenCV strokes placed from the printed PDF's own
layout), each a class of silent error found on fresh paper seeds: a real double answer read as
one tick running into the next box, a correction read as the crossed-out box, a ticked digit
read as the next digit ringed. Each must go to a person (or be read right), never be read
wrong silently."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from . import test_drawn_marks as d
from .test_drawn_marks import PEN, _answered, _blend, _boxes, _px, _read


def _tick(ink: np.ndarray, b: dict, k: float = 1.0, reach=None, width: int = PEN) -> None:
    """A check mark centred on box ``b`` (``k``: its size over the box's side; ``reach``: where
    its long arm ends, points)."""
    s, cx, cy = b["w"], b["x"] + b["w"] / 2, b["y"] + b["h"] / 2
    pts = [(cx - 0.35 * k * s, cy - 0.05 * k * s), (cx - 0.08 * k * s, cy + 0.32 * k * s),
           reach or (cx + 0.5 * k * s, cy - 0.55 * k * s)]
    cv2.polylines(ink, [_px(*pts)], False, 255, width, cv2.LINE_AA)


@pytest.mark.parametrize("question", ["results_1", "feedback_1"])
def test_two_ticks_drawn_apart_in_a_row_are_two_answers_not_one_running_on(forms, question):
    """Two light ticks in neighbouring boxes of a row, the second's arm running on to the
    right: each box has its own lowest point, but no stroke joins them. Tuning seed 51 read
    such a real double as the second box alone ('tick into next', by the lowest ink)."""
    pages, layout = forms["sipas"]
    first, second = _boxes(layout, 1, question)[2:4]
    ink = np.zeros_like(pages[1])
    _tick(ink, first, 0.8)
    s = second["w"]
    _tick(ink, second, 1.2, reach=(second["x"] + 1.6 * s, second["y"] - 0.2 * s))
    a = _read(_blend(_answered(pages[1], layout, 1, question), ink, 0.5), layout)[question]
    assert a.status in ("doubtful", "multiple") and a.values == [
        first["option"], second["option"]], a


def test_a_fill_crossed_out_below_a_ticked_answer_is_not_read_as_the_crossed_box(forms):
    """The printed correction rule with the new answer ticked in the box above: the crossed
    fill's arm runs up to the tick's vertex. Tuning seed 51 read the crossed-out box, taking
    the tick for the end of a stroke drawn from it ('tick into next')."""
    pages, layout = forms["sipas"]
    boxes = {b["option"]: b for b in _boxes(layout, 1, "age_group")}
    ticked, crossed = boxes["u25"], boxes["a50_60"]
    ink = np.zeros_like(pages[1])
    x, y, w = crossed["x"], crossed["y"], crossed["w"]
    cv2.rectangle(ink, tuple(_px(x + 1, y + 1)), tuple(_px(x + w - 1, y + w - 1)), 255, -1)
    o = 0.3 * w
    for a, b in (((x - o, y - o), (x + w + o, y + w + o)),
                 ((x - o, y + w + o), (x + w + o, y - o))):
        cv2.line(ink, tuple(_px(*a)), tuple(_px(*b)), 255, PEN, cv2.LINE_AA)
    s = ticked["w"]
    _tick(ink, ticked, 1.0, reach=None)
    cv2.line(ink, tuple(_px(ticked["x"] + 0.4 * s, ticked["y"] + 0.8 * s)),
             tuple(_px(ticked["x"] + 0.1 * s, ticked["y"] + 1.5 * s)), 255, PEN, cv2.LINE_AA)
    a = _read(_blend(_answered(pages[1], layout, 1, "age_group"), ink, 0.75),
              layout)["age_group"]
    assert a.status != "ok" or a.values == [ticked["option"]], a


@pytest.mark.parametrize("left", [0.3, 0.2])
def test_a_scanner_streak_through_an_unanswered_row_is_not_its_answer(forms, left):
    """A thin dark line down the whole scan (dust on the scanner's glass, 0.4 mm; ``left``: the
    share of light it lets through) crosses one box of every row of a matrix: in a row whose
    answer was marked outside its boxes, the streak is the only ink in a box. Tuning seed 51
    read it as the answer of two such rows."""
    pages, layout = forms["sipas"]
    box = _boxes(layout, 0, "procedure_4")[4]
    image = _answered(pages[0], layout, 0, "procedure_4")
    x = int(round((box["x"] + 0.45 * box["w"]) * d.F))
    image[:, x:x + 3] = (image[:, x:x + 3] * left).astype(np.uint8)
    a = _read(image, layout)["procedure_4"]
    assert a.status != "ok", a


def test_ink_along_a_whole_grid_column_and_a_tick_above_are_not_a_ring(forms):
    """Faint lines down the gaps either side of a digit column (a scan can show as much when the
    next columns' outlines fall into the gaps), and a tick whose vertex dips below its box: the
    box under the tick has ink on three sides. Tuning seed 51 read two such columns as the
    digit next to the one ticked, as if ringed; every box of the column shows the lines."""
    pages, layout = forms["danang-2025"]
    boxes = {(b["position"], b["option"]): b for b in _boxes(layout, 0, "phone")}
    digits = "0182023117"
    ink = np.zeros_like(pages[0])
    for p, digit in enumerate(digits):
        b = boxes[(p, digit)]
        _tick(ink, {**b, "y": b["y"] + (0.2 * b["w"] if p == 3 else 0)}, 1.2)
    top, bottom = boxes[(3, "0")], boxes[(3, "9")]
    gap = boxes[(4, "0")]["x"] - top["x"] - top["w"]
    for x in (top["x"] - 0.55 * gap, top["x"] + top["w"] + 0.45 * gap):
        cv2.line(ink, tuple(_px(x, top["y"] - 2)), tuple(_px(x, bottom["y"] + bottom["h"] + 2)),
                 80, 2, cv2.LINE_AA)
    a = _read(_blend(_answered(pages[0], layout, 0, "phone"), ink, 0.8), layout)["phone"]
    assert a.status != "ok" or "".join(a.values) == digits, a


def _one_bit(image: np.ndarray, level: int = 110) -> np.ndarray:
    """The page scanned to one bit: every pixel darker than ``level`` black, the rest white."""
    return np.where(image < level, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("kind", ["single", "multiple"])
def test_a_light_pencil_mark_mostly_lost_to_a_one_bit_scan_goes_to_a_person(forms, kind):
    """A light, grainy pencil fill scanned to one bit keeps only a few specks: less than a mark,
    but on a page whose empty boxes are white to the pixel it is not nothing. Tuning seed 51
    read such a single choice blank, and a multiple choice without two of its three reasons."""
    rng = np.random.default_rng(5)
    if kind == "single":
        pages, layout = forms["sipas"]
        page, question, lost, kept = 0, "procedure_4", [4], []
    else:
        pages, layout = forms["danang-2025"]
        page, question, lost, kept = 0, "q02", [0, 3], [6]
    boxes = _boxes(layout, page, question)
    ink = np.zeros(pages[page].shape, np.float32)
    for k in lost:  # back and forth, grainy: at 0.58 of black most of it stays above the cut
        b, s = boxes[k], boxes[k]["w"]
        pts = [(b["x"] + (0.1 if n % 2 == 0 else 0.9) * s, b["y"] + (0.1 + 0.07 * n) * s)
               for n in range(12)]
        stroke = np.zeros(pages[page].shape, np.uint8)
        cv2.polylines(stroke, [_px(*pts)], False, 255, 4, cv2.LINE_AA)
        ink = np.maximum(ink, stroke * rng.uniform(0.3, 1.0, stroke.shape))
    image = _blend(_answered(pages[page], layout, page, question), ink.astype(np.uint8), 0.58)
    for k in kept:  # a pen mark that survives the cut
        b = boxes[k]
        cv2.rectangle(image, tuple(_px(b["x"] + 1.5, b["y"] + 1.5)),
                      tuple(_px(b["x"] + b["w"] - 1.5, b["y"] + b["h"] - 1.5)), 0, -1)
    a = _read(_one_bit(image), layout)[question]
    assert a.status != "ok" or a.values == [boxes[k]["option"] for k in sorted(lost + kept)], a
    assert a.status != "blank", a


def test_a_scanner_streak_through_a_multiple_choice_beside_a_filled_reason_is_not_a_reason(
        forms):
    """The streak is as dark as pen, so beside a filled reason it looks drawn as firmly as that
    one (the rule that takes a light tick beside a fill): it is still a line through boxes in
    line down the page, not a second reason."""
    pages, layout = forms["danang-2025"]
    boxes = _boxes(layout, 0, "q02")
    image = _answered(pages[0], layout, 0)  # q02 answered in its first box, reason_a
    right = boxes[1]  # the second column of reasons: the streak runs down through it
    x = int(round((right["x"] + 0.45 * right["w"]) * d.F))
    image[:, x:x + 3] = (image[:, x:x + 3] * 0.3).astype(np.uint8)
    a = _read(image, layout)["q02"]
    assert a.status != "ok" or a.values == [boxes[0]["option"]], a


def test_a_long_stroke_from_a_box_across_the_option_above_is_not_a_tick(forms):
    """A blank question with a scribble that starts in one box and runs up and to the right, past
    the box above and over its text: the box holds a tick-like bit of line, but a tick's arm
    ends just past its own box. Tuning seed 52 read such a blank question as that option."""
    pages, layout = forms["sipas"]
    boxes = {b["option"]: b for b in _boxes(layout, 1, "occupation")}
    start, above = boxes["business"], boxes["worker"]
    s = start["w"]
    ink = np.zeros_like(pages[1])
    pts = [(start["x"] + 0.3 * s, start["y"] + 0.6 * s),
           (above["x"] + 1.1 * s, above["y"] + 1.2 * s),
           (above["x"] + 3.0 * s, above["y"] + 0.8 * s),
           (above["x"] + 3.3 * s, above["y"] - 0.8 * s)]
    cv2.polylines(ink, [_px(*pts)], False, 255, PEN, cv2.LINE_AA)
    a = _read(_blend(_answered(pages[1], layout, 1, "occupation"), ink, 0.8),
              layout)["occupation"]
    assert a.status != "ok", a


def test_a_scribble_through_a_reason_beside_a_filled_one_is_not_a_second_reason(forms):
    """A multiple choice with one reason filled, and a zigzag stroke (a pen tried out, a
    gesture) crossing the top of another reason's box and running on over the texts: the
    light ink in that box is as dark as pen, like a tick beside a fill, but it runs on far
    past the box. Tuning seed 52 read three such questions with the extra reason."""
    pages, layout = forms["danang-2025"]
    boxes = {b["option"]: b for b in _boxes(layout, 0, "q02")}
    crossed = boxes["reason_b"]
    s = crossed["w"]
    image = _answered(pages[0], layout, 0, "q02")
    ink = np.zeros_like(pages[0])
    b = boxes["reason_dd"]
    cv2.rectangle(ink, tuple(_px(b["x"] + 1.5, b["y"] + 1.5)),
                  tuple(_px(b["x"] + s - 1.5, b["y"] + s - 1.5)), 255, -1)
    x, y = crossed["x"], crossed["y"]
    pts = [(x - 6 * s, y - 0.8 * s), (x - 3 * s, y - 1.6 * s), (x - 0.6 * s, y - 0.6 * s),
           (x + 0.45 * s, y + 0.45 * s), (x + 1.3 * s, y - 0.3 * s), (x + 2.5 * s, y - 2.0 * s)]
    cv2.polylines(ink, [_px(*pts)], False, 255, PEN, cv2.LINE_AA)
    a = _read(_blend(image, ink, 0.6), layout)["q02"]
    assert a.status != "ok" or a.values == ["reason_dd"], a


def test_a_tick_running_flat_into_a_ticked_box_is_two_answers(forms):
    """A tick in one box whose arm runs flat into the next box, and a tick of its own in that
    next box, its vertex lower: one stroke joins the boxes and the lowest ink is in the second,
    but the first holds a mark of its own, not a hook's start. Tuning seed 53 read such a real
    double as the second box ('tick into next')."""
    pages, layout = forms["sipas"]
    first, second = _boxes(layout, 0, "procedure_2")[3:5]
    s = first["w"]
    ink = np.zeros_like(pages[0])
    cv2.polylines(ink, [_px((first["x"] + 0.1 * s, first["y"] + 0.45 * s),
                            (first["x"] + 0.3 * s, first["y"] + 0.8 * s),
                            (second["x"] + 0.4 * s, second["y"] + 0.75 * s))],
                  False, 255, PEN, cv2.LINE_AA)
    _tick(ink, {**second, "y": second["y"] + 0.3 * s}, 1.1)
    a = _read(_blend(_answered(pages[0], layout, 0, "procedure_2"), ink, 0.7),
              layout)["procedure_2"]
    assert a.status != "ok" or a.values == [first["option"], second["option"]], a
