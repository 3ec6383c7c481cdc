"""Strokes that are not a respondent's mark (issue 21: blanks read as a mark beside or a ring):
a slip of the pen or a test scribble drawn across the page near a question, with OpenCV on
the page rendered from the printed PDF and placed from the printed layout. Such a stroke
runs on far past the box; a tick beside a box, or a ring round it, stays close to it. It
may send a blank question to a person, never give it an answer."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from .test_drawn_marks import PEN, _blend, _boxes, _px, _read
from .test_drawn_marks import _answered as _answered_but


def _stroke(ink: np.ndarray, *pts) -> None:
    cv2.polylines(ink, [_px(*pts)], False, 255, PEN, cv2.LINE_AA)


@pytest.mark.parametrize("form,page,question,k", [("danang-2025", 0, "q02", -1),
                                                  ("danang-2025", 0, "field", 3),
                                                  ("sipas", 1, "education", 2)])
def test_a_long_v_stroke_ending_beside_a_blank_questions_box_is_no_mark_beside(
        forms, form, page, question, k):
    """A big V (its arms four box sides long) whose upper end stops just left of a box of a
    question left blank: the synth family's stray stroke that seed 31 read as that option
    "beside". A mark beside a box is about a box's size."""
    pages, layout = forms[form]
    b = _boxes(layout, page, question)[k]
    s = b["w"]
    tip = (b["x"] - 0.5 * s, b["y"] + 0.3 * s)  # the arm's end, in the margin left of the box
    low = (tip[0] - 1.2 * s, tip[1] + 3.6 * s)
    ink = np.zeros_like(pages[page])
    _stroke(ink, (low[0] - 3.5 * s, low[1] - 2.0 * s), low, tip)
    a = _read(_blend(_answered_but(pages[page], layout, page, question), ink, 0.85),
              layout)[question]
    assert a.status in ("blank", "doubtful") and a.note not in ("beside", "ring"), a
    # The same place holds a respondent's tick, a box wide: that is read as the option.
    ink = np.zeros_like(pages[page])
    _stroke(ink, (tip[0] - 0.5 * s, b["y"] + 0.5 * s), (tip[0] - 0.2 * s, b["y"] + 0.85 * s),
            (tip[0] + 0.35 * s, b["y"] + 0.05 * s))
    a = _read(_blend(_answered_but(pages[page], layout, page, question), ink, 0.85),
              layout)[question]
    assert (a.status, a.values, a.note) == ("ok", [b["option"]], "beside"), a


def test_a_stroke_down_through_two_option_texts_is_no_ring_round_them(forms):
    """A scribble down the page through the texts of two options of a blank rating question
    (seed 52: read as rings round both texts): it crosses them, it goes round neither."""
    pages, layout = forms["sipas"]
    boxes = _boxes(layout, 1, "overall")
    first = boxes[0]
    t = first["label"]
    x = t["x"] + 0.45 * t["w"]
    ink = np.zeros_like(pages[1])
    _stroke(ink, (x - 8, t["y"] - 18), (x + 3, t["y"] + 20), (x - 2, t["y"] + 26),
            (x + 2, t["y"] + 60))
    a = _read(_blend(_answered_but(pages[1], layout, 1, "overall"), ink, 0.85),
              layout)["overall"]
    assert a.status in ("blank", "doubtful") and a.note not in ("ring", "beside"), a


@pytest.mark.parametrize("one_bit", [False, True])
def test_a_loose_ring_round_a_matrix_box_with_its_left_arc_broken_is_read(forms, one_bit):
    """A loose ring round a rating box, wider than the bands looked in beside the box, its
    left arc broken where the pen skipped (p51: such a ring on a 600 dpi one-bit scan read
    blank: the band left of the box held too little ink). It goes round the box: read."""
    pages, layout = forms["sipas"]
    b = _boxes(layout, 0, "access_1")[2]
    s = b["w"]
    ink = np.zeros_like(pages[0])
    centre = _px(b["x"] + s / 2, b["y"] + s / 2)
    axes = _px(1.3 * s, 1.2 * s)
    cv2.ellipse(ink, tuple(centre), tuple(axes), 0, -150, 140, 255, PEN, cv2.LINE_AA)
    image = _blend(_answered_but(pages[0], layout, 0, "access_1"), ink, 0.85)
    if one_bit:
        image = np.where(image < 150, 0, 255).astype(np.uint8)
    a = _read(image, layout)["access_1"]
    assert (a.status, a.values, a.note) == ("ok", [b["option"]], "ring"), a
