"""A scanner streak down the page through one box of an unanswered single choice (drawn on the
page rendered from the printed PDF) is not a lone light fill: a line through the box packs its
ink in the box's middle, where an evenly light pencil fill spreads it (held-out seed 14 read
such a streak through a rating box as the answer "5")."""

from __future__ import annotations

import numpy as np
import pytest

from .test_drawn_marks import F, _answered, _boxes, _read


@pytest.mark.parametrize(("width", "grey"), [(1, 60), (2, 150), (3, 180)])
@pytest.mark.parametrize("question", ["officials_2", "access_1"])
def test_a_thin_streak_down_the_page_through_a_box_is_not_its_answer(forms, width, grey,
                                                                      question):
    pages, layout = forms["sipas"]
    boxes = _boxes(layout, 0, question)
    image = _answered(pages[0], layout, 0, question).copy()
    b = boxes[2]
    x = int(round((b["x"] + 0.45 * b["w"]) * F))
    image[:, x:x + width] = np.minimum(image[:, x:x + width], grey)
    a = _read(image, layout)[question]
    assert a.status != "ok" or a.values == [], a
