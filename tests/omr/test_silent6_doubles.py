"""Real double answers in a single choice (drawn on the page rendered from the printed PDF): a
light tick beside a dark fill is a second answer for a person, never dropped as if it were an
eraser's smear."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from .test_drawn_marks import PEN, _answered, _blend, _boxes, _fill, _px, _read


def _small_tick(ink: np.ndarray, b: dict) -> None:
    s, cx, cy = b["w"], b["x"] + b["w"] / 2, b["y"] + b["h"] / 2
    pts = [(cx - 0.3 * s, cy), (cx - 0.08 * s, cy + 0.28 * s), (cx + 0.35 * s, cy - 0.35 * s)]
    cv2.polylines(ink, [_px(*pts)], False, 255, PEN, cv2.LINE_AA)


@pytest.mark.parametrize("light", [0.45, 0.5])
def test_a_light_tick_beside_a_dark_fill_is_a_second_answer(forms, light):
    """One box filled in dark pen, another ticked lightly (pencil, ``light`` of black): the tick
    holds a quarter of the fill's ink or less, so the fill looked dominant and was read alone.
    An eraser's smear keeps at most 0.42 of a mark's darkest ink (tuning sets); this tick keeps
    more than half of it: it is drawn, and goes to a person with the fill."""
    pages, layout = forms["sipas"]
    boxes = _boxes(layout, 0, "access_3")
    image = _answered(pages[0], layout, 0, "access_3")
    fill, tick = np.zeros_like(image), np.zeros_like(image)
    _fill(fill, boxes[1])
    _small_tick(tick, boxes[3])
    a = _read(_blend(_blend(image, fill, 0.85), tick, light), layout)["access_3"]
    assert a.status in ("doubtful", "multiple") and a.values == [
        boxes[1]["option"], boxes[3]["option"]], a


def test_an_erased_pencil_mark_beside_the_new_one_is_still_the_new_one(forms):
    """The same question in pencil, one box rubbed out (a faint blurred smear) beside the new
    mark: the smear is no stroke, and the new mark is read."""
    pages, layout = forms["sipas"]
    boxes = _boxes(layout, 0, "access_3")
    image = _answered(pages[0], layout, 0, "access_3", opacity=0.4)
    new, smear = np.zeros_like(image), np.zeros_like(image)
    _fill(new, boxes[1])
    _fill(smear, boxes[3])
    smear = cv2.GaussianBlur(smear, (0, 0), 2.5)
    a = _read(_blend(_blend(image, new, 0.4), smear, 0.14), layout)["access_3"]
    assert (a.status, a.values) == ("ok", [boxes[1]["option"]]), a


@pytest.mark.parametrize("dark", [0.55, 0.85])
def test_a_big_tick_beside_a_fill_running_out_under_its_box_is_a_second_answer(forms, dark):
    """A tick drawn larger than its box, its vertex well below it (ink out of the bottom, as a
    stray line leaves a box), beside a dark fill: still a second answer, whether in pencil or
    as dark as the fill. It was read as the fill alone (the tick holds little ink in the box)."""
    pages, layout = forms["sipas"]
    boxes = _boxes(layout, 0, "access_3")
    image = _answered(pages[0], layout, 0, "access_3")
    fill, tick = np.zeros_like(image), np.zeros_like(image)
    _fill(fill, boxes[1])
    b = boxes[3]
    s, cx, cy = b["w"], b["x"] + b["w"] / 2, b["y"] + b["h"] / 2
    pts = [(cx - 0.5 * s, cy + 0.2 * s), (cx - 0.1 * s, cy + 1.0 * s), (cx + 0.4 * s, cy - 0.3 * s)]
    cv2.polylines(tick, [_px(*pts)], False, 255, PEN, cv2.LINE_AA)
    a = _read(_blend(_blend(image, fill, 0.85), tick, dark), layout)["access_3"]
    assert a.status in ("doubtful", "multiple") and a.values == [
        boxes[1]["option"], boxes[3]["option"]], a
