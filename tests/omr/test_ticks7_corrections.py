"""The printed correction rule drawn by hand on the printed page (OpenCV strokes placed from the
printed PDF's own layout): a filled box crossed out and a new answer ticked or crossed in
another box is the new answer; a crossed-out box with nothing clear beside it (nothing, a
faint speck, a line across the row) is never read as the crossed box, nor as the speck."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from .test_drawn_marks import PEN, _answered, _blend, _boxes, _fill, _px, _read
from .test_silent_marks import _tick


def _crossed(ink: np.ndarray, b: dict) -> None:
    """Box ``b`` filled, then crossed out, the cross's arms past its corners."""
    _fill(ink, b)
    x, y, s = b["x"], b["y"], b["w"]
    for a, z in (((-0.3, -0.3), (1.3, 1.3)), ((-0.3, 1.3), (1.3, -0.3))):
        cv2.line(ink, tuple(_px(x + a[0] * s, y + a[1] * s)),
                 tuple(_px(x + z[0] * s, y + z[1] * s)), 255, PEN, cv2.LINE_AA)


FINE = PEN - 1  # a fine pen's stroke (0.25 mm): a tick of it holds 0.12-0.19 of black


def _cross(ink: np.ndarray, b: dict) -> None:
    """A small X drawn inside box ``b`` with a fine pen."""
    x, y, s = b["x"], b["y"], b["w"]
    for a, z in (((0.2, 0.2), (0.8, 0.8)), ((0.2, 0.8), (0.8, 0.2))):
        cv2.line(ink, tuple(_px(x + a[0] * s, y + a[1] * s)),
                 tuple(_px(x + z[0] * s, y + z[1] * s)), 255, FINE, cv2.LINE_AA)


@pytest.mark.parametrize("question,old,new,mark", [
    ("procedure_1", 4, 1, "tick"), ("results_2", 0, 5, "tick"), ("access_3", 2, 3, "cross")])
def test_a_box_crossed_out_and_another_ticked_is_the_ticked_box(forms, question, old, new,
                                                                mark):
    """Tuning seed 51 sent 12 such corrections to a person as "cancelled", offering only the
    crossed-out box: the new tick or cross (0.12-0.19 of black) is below a clear mark's ink."""
    pages, layout = forms["sipas"]
    page = 0 if question[0] in "pa" else 1
    boxes = _boxes(layout, page, question)
    ink, pen = np.zeros_like(pages[page]), np.zeros_like(pages[page])
    _crossed(ink, boxes[old])
    if mark == "tick":
        _tick(pen, boxes[new], 0.8, width=FINE)
    else:
        _cross(pen, boxes[new])
    image = _blend(_blend(_answered(pages[page], layout, page, question), ink, 0.85), pen, 0.8)
    a = _read(image, layout)[question]
    assert (a.status, a.values, a.note) == ("ok", [boxes[new]["option"]], "correction"), a


@pytest.mark.parametrize("other", ["nothing", "speck", "faint", "line", "two ticks"])
def test_a_crossed_out_box_without_one_clear_new_mark_goes_to_a_person(forms, other):
    """The dangerous neighbours of the rule above: the crossed box alone (a cancelled answer),
    with a speck or a faint short stroke in another box, with a pen line running across the row
    through another box, or with two new ticks. Never read silently, as the crossed box or as
    the other ink."""
    pages, layout = forms["sipas"]
    boxes = _boxes(layout, 0, "procedure_1")
    ink = np.zeros_like(pages[0])
    _crossed(ink, boxes[4])
    b, s = boxes[1], boxes[1]["w"]
    faint = np.zeros_like(ink)
    if other == "speck":
        cv2.circle(ink, tuple(_px(b["x"] + 0.5 * s, b["y"] + 0.5 * s)), PEN, 255, -1)
    elif other == "faint":
        _tick(faint, b, 0.8, width=FINE)
    elif other == "line":
        cv2.line(ink, tuple(_px(boxes[0]["x"] - 0.5 * s, b["y"] + 0.45 * s)),
                 tuple(_px(boxes[2]["x"] + 1.5 * s, b["y"] + 0.5 * s)), 255, PEN, cv2.LINE_AA)
    elif other == "two ticks":
        _tick(ink, b, 0.8, width=FINE)
        _tick(ink, boxes[2], 0.8, width=FINE)
    image = _blend(_blend(_answered(pages[0], layout, 0, "procedure_1"), ink, 0.85), faint,
                   0.2)
    a = _read(image, layout)["procedure_1"]
    assert a.status in ("doubtful", "multiple"), a
