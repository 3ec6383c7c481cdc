"""A lone light mark in a single choice (drawn on the page rendered from the printed PDF): a
pencil fill that a one-bit scan left as specks over the whole box is the answer; ink only along
a box's edge goes to a person as "light", never as a "second mark" (there is no other)."""

from __future__ import annotations

import numpy as np
import pytest

from .test_drawn_marks import F, _answered, _boxes, _read


def _one_bit(image: np.ndarray, level: int = 110) -> np.ndarray:
    """The page scanned to one bit: every pixel darker than ``level`` black, the rest white."""
    return np.where(image < level, 0, 255).astype(np.uint8)


def _specks(image: np.ndarray, b: dict, share: float, rng, part=(0.0, 1.0, 0.0, 1.0)) -> None:
    """Black specks over ``share`` of box ``b``'s interior (``part``: the x0, x1, y0, y1 of the
    interior they cover, in box sides): light pencil after the scanner's one-bit cut."""
    x0, x1 = (int(round((b["x"] + 2 + t * (b["w"] - 4)) * F)) for t in part[:2])
    y0, y1 = (int(round((b["y"] + 2 + t * (b["h"] - 4)) * F)) for t in part[2:])
    hit = rng.random((y1 - y0, x1 - x0)) < share
    image[y0:y1, x0:x1][hit] = 0


@pytest.mark.parametrize("share", [0.06, 0.075])
def test_a_light_pencil_fill_alone_in_its_question_on_a_one_bit_scan_is_the_answer(forms,
                                                                                   share):
    """Tuning seed 51: a page filled in light pencil and scanned to one bit kept 5-6 % of each
    mark's pixels, evenly over the box; each question had that one mark and nothing else, yet
    all eleven went to a person as a "second mark"."""
    rng = np.random.default_rng(7)
    pages, layout = forms["sipas"]
    boxes = _boxes(layout, 0, "officials_2")
    image = _one_bit(_answered(pages[0], layout, 0, "officials_2"))
    _specks(image, boxes[2], share, rng)
    a = _read(image, layout)["officials_2"]
    assert (a.status, a.values) == ("ok", [boxes[2]["option"]]), a


def test_light_ink_along_one_edge_of_a_box_alone_goes_to_a_person_as_light(forms):
    """The same amount of ink packed along a box's left edge (the end of some stroke, the
    arc of a ring round the option before) is not a mark drawn in the box: a person sees it,
    told it is light (not a "second mark": nothing else is marked)."""
    rng = np.random.default_rng(8)
    pages, layout = forms["sipas"]
    boxes = _boxes(layout, 0, "officials_2")
    image = _one_bit(_answered(pages[0], layout, 0, "officials_2"))
    _specks(image, boxes[2], 0.3, rng, part=(0.0, 0.2, 0.0, 1.0))
    a = _read(image, layout)["officials_2"]
    assert (a.status, a.values, a.note) == ("doubtful", [boxes[2]["option"]], "light"), a
