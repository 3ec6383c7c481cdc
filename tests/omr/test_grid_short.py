"""A long digit grid (a phone, a citizen ID) read with fewer than half of its digits holds no
number anyone writes: a stroke through one column of an empty grid (a slip of the pen, a
line to a comment) read as the only digit. It goes to a person; a 9-digit old ID in the
12-digit grid and a whole phone number are still read. Marks are drawn with OpenCV on the
page rendered from the printed PDF, where its layout puts the boxes."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from .test_drawn_marks import PEN, _answered, _blend, _boxes, _px, _read


def _ticked(forms, number: str, question: str = "citizen_id"):
    pages, layout = forms["danang-2025"]
    boxes = {(b["position"], b["option"]): b for b in _boxes(layout, 0, question)}
    ink = np.zeros_like(pages[0])
    for pos, digit in enumerate(number):
        if digit == " ":
            continue
        x, y, s = (boxes[(pos, digit)][k] for k in ("x", "y", "w"))
        cv2.polylines(ink, [_px((x + 0.15 * s, y + 0.5 * s), (x + 0.4 * s, y + 0.85 * s),
                                (x + 0.9 * s, y + 0.1 * s))], False, 255, PEN,
                      cv2.LINE_AA)
    image = _blend(_answered(pages[0], layout, 0, question), ink, 0.85)
    return _read(image, layout)[question]


@pytest.mark.parametrize("number", ["2", "07", "0342"])
def test_a_citizen_id_of_a_few_digits_goes_to_a_person(forms, number):
    a = _ticked(forms, number)
    assert (a.values, a.status, a.note) == (list(number), "doubtful", "digit short")


@pytest.mark.parametrize("number", ["034281960", "034281960517"])
def test_an_old_nine_digit_id_and_a_whole_citizen_id_are_read(forms, number):
    a = _ticked(forms, number)
    assert (a.values, a.status) == (list(number), "ok")


def test_a_phone_number_is_read_and_a_phone_of_four_digits_is_doubted(forms):
    assert _ticked(forms, "0912345678", "phone").status == "ok"
    a = _ticked(forms, "0912", "phone")
    assert (a.status, a.note) == ("doubtful", "digit short")


@pytest.mark.parametrize("number,question", [("091234567", "phone"),
                                             ("03428196051", "citizen_id")])
def test_a_number_one_digit_short_of_its_grid_goes_to_a_person(forms, number, question):
    """Nine digits of a phone's ten, eleven of a citizen ID's twelve: no number of either,
    the last digit's mark not seen."""
    a = _ticked(forms, number, question)
    assert (a.values, a.status, a.note) == (list(number), "doubtful", "digit short")
