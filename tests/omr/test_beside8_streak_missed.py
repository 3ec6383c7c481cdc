"""A tick beside the last box of a rating row, touching it, and a scanner's streak down the page
through another box of the row (issue 21, paper flags: p51 page 149, a one-bit scan). The tick
so close to its box read as a mark just outside it ("missed box"), offered beside the streak's
box; the streak is no mark, the tick is the answer. Drawn with OpenCV on the page rendered
from the printed PDF, placed from the printed layout."""

from __future__ import annotations

import cv2
import numpy as np

from .test_beside7_streaks import _streak
from .test_drawn_marks import PEN, _answered, _blend, _boxes, _px, _read


def _tick_touching(ink: np.ndarray, b: dict) -> None:
    """A tick left of box ``b``, its hook under the box's bottom left corner, its arm running
    up along the box's left side past its top."""
    s, x, y = b["w"], b["x"], b["y"]
    cv2.polylines(ink, [_px((x - 0.6 * s, y + 0.5 * s), (x - 0.12 * s, y + 1.05 * s),
                            (x + 0.05 * s, y - 0.1 * s))], False, 255, PEN, cv2.LINE_AA)


def test_a_tick_touching_a_box_is_read_past_a_streak_through_another(forms):
    pages, layout = forms["sipas"]
    boxes = _boxes(layout, 0, "officials_3")
    five, na = boxes[4], boxes[5]
    ink = np.zeros_like(pages[0])
    _tick_touching(ink, na)
    page = _streak(_answered(pages[0], layout, 0, "officials_3"), five["x"] + five["w"] / 2)
    a = _read(_blend(page, ink, 0.85), layout)["officials_3"]
    assert (a.status, a.values, a.note) == ("ok", [na["option"]], "beside"), a


def test_a_tick_touching_a_box_beside_a_real_light_mark_stays_with_a_person(forms):
    """The dangerous neighbour: the same tick, and a light hand's stroke in box 5 (no streak):
    two marks, for a person."""
    pages, layout = forms["sipas"]
    boxes = _boxes(layout, 0, "officials_3")
    five, na = boxes[4], boxes[5]
    ink = np.zeros_like(pages[0])
    _tick_touching(ink, na)
    s = five["w"]
    cv2.line(ink, tuple(_px(five["x"] + 0.2 * s, five["y"] + 0.6 * s)),
             tuple(_px(five["x"] + 0.8 * s, five["y"] + 0.4 * s)), 255, PEN, cv2.LINE_AA)
    a = _read(_blend(_answered(pages[0], layout, 0, "officials_3"), ink, 0.5),
              layout)["officials_3"]
    assert a.status != "ok" or a.values != [na["option"]], a
