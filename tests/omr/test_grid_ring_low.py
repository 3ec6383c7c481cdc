"""A ring round a digit of a tight grid drawn a little low: its bottom arc dips into the next
digit's box, where it is a light mark. Fresh seed 18 read two such rings as the next digit,
silently (an identity number and a date). The ring is drawn with OpenCV on the page rendered
from the printed PDF; every other column holds a clear fill."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from fieldwork.omr.read import read_page

from .test_drawn_marks import KEY, PEN, _answered, _blend, _fill, _px


@pytest.mark.parametrize(("dx", "dy", "rx", "ry"), [(-0.1, 0.15, 0.95, 1.05),
                                                    (0.1, 0.15, 0.95, 1.05),
                                                    (0.1, 0.22, 0.95, 1.05),
                                                    (0.1, 0.3, 0.95, 1.05)])
def test_a_ring_dipping_into_the_next_digit_is_not_read_as_it(forms, dx, dy, rx, ry):
    pages, layout = forms["danang-2025"]
    grid = [b for b in layout["pages"][0]["boxes"] if b["question"] == "citizen_id"]
    ink = np.zeros_like(pages[0])
    for b in grid:  # every other column: a clear fill of digit (position mod 10)
        if b["position"] != 2 and int(b["option"]) == b["position"] % 10:
            _fill(ink, b)
    b = next(b for b in grid if b["position"] == 2 and b["option"] == "6")
    s = b["w"]  # half-axes and offsets in box sides
    cv2.ellipse(ink, tuple(_px(b["x"] + s / 2 + dx * s, b["y"] + s / 2 + dy * s)),
                tuple(_px(rx * s, ry * s)), 0, 30, 380, 255, PEN)
    image = _blend(_answered(pages[0], layout, 0, "citizen_id"), ink, 0.9)
    a = read_page(np.ascontiguousarray(image), KEY, lambda p: layout).answers["citizen_id"]
    assert a.values[:2] == ["0", "1"] and a.values[3:] == ["3", "4", "5", "6", "7", "8", "9",
                                                           "0", "1"], a
    # The ringed digit, or the column sent to a person: never the next digit read.
    assert (a.status, a.values[2]) == ("ok", "6") or (a.status != "ok" and a.values[2] != "7"), a


def test_a_clear_mark_next_to_an_empty_box_is_still_read(forms):
    """The guard's dangerous neighbour: a column whose one fill sits right under an empty
    box is read as that digit (nothing round the empty box)."""
    pages, layout = forms["danang-2025"]
    grid = [b for b in layout["pages"][0]["boxes"] if b["question"] == "citizen_id"]
    ink = np.zeros_like(pages[0])
    for b in grid:
        if int(b["option"]) == (7 if b["position"] == 2 else b["position"] % 10):
            x, y, w = b["x"], b["y"], b["w"]
            cv2.polylines(ink, [_px((x + 0.2 * w, y + 0.5 * w), (x + 0.45 * w, y + 0.85 * w),
                                    (x + 0.9 * w, y + 0.1 * w))], False, 255, PEN + 1,
                          cv2.LINE_AA)
    image = _blend(_answered(pages[0], layout, 0, "citizen_id"), ink, 0.9)
    a = read_page(np.ascontiguousarray(image), KEY, lambda p: layout).answers["citizen_id"]
    assert (a.status, a.values) == ("ok", ["0", "1", "7", "3", "4", "5", "6", "7", "8", "9",
                                           "0", "1"]), a
