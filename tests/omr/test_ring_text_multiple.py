"""A multiple choice answered in two boxes and, for one more option, by a ring round that
option's printed text alone, open at the bottom (the hand lifted before closing it): the
ring's ink shows above the text and after it, not below. Fresh seed 18 read two such
questions as the boxed options only, silently dropping the ringed one. Marks drawn with
OpenCV on the page rendered from the printed PDF."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from fieldwork.omr.read import read_page

from .test_drawn_marks import KEY, PEN, _answered, _blend, _fill, _px


@pytest.mark.parametrize(("gap_at", "sweep"), [(90, 250), (90, 290), (135, 250), (135, 290)])
def test_a_ring_round_an_option_text_beside_filled_boxes_is_not_dropped(forms, gap_at, sweep):
    pages, layout = forms["danang-2025"]
    boxes = {b["option"]: b for b in layout["pages"][0]["boxes"] if b["question"] == "q02"}
    ink = np.zeros_like(pages[0])
    for option in ("reason_a", "reason_d"):
        _fill(ink, boxes[option])
    t = boxes["reason_f"]["label"]
    x0, x1 = t["x"] - 1, t["x"] + t["w"] + 6  # round the text, the box left outside
    start = gap_at + (360 - sweep) / 2  # OpenCV's angles run clockwise from the right
    cv2.ellipse(ink, tuple(_px((x0 + x1) / 2, t["y"] + t["h"] / 2)),
                tuple(_px((x1 - x0) / 2, t["h"] / 2 + 7)), 2, start, start + sweep, 255, PEN)
    image = _blend(_answered(pages[0], layout, 0, "q02"), ink, 0.9)
    a = read_page(np.ascontiguousarray(image), KEY, lambda p: layout).answers["q02"]
    # Read with the ringed option, or sent to a person: never the two boxes alone.
    assert {"reason_a", "reason_d", "reason_f"} <= set(a.values), a
    assert a.status == "doubtful" or a.values == ["reason_a", "reason_d", "reason_f"], a
