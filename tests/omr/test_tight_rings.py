"""A ring drawn tightly round a box, as a quick hand does: over the box's own outline, cutting
its corners, a hair from the paper beside it (issue 20's "circles", issue 21's "a ring around a
box"). Pages are rasterised from the printed PDF by poppler (pdftoppm), the rings drawn with
OpenCV where the layout puts the boxes, then the paper turned as a scanner feeds it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest

from fieldwork.omr.read import read_page

KEY = b"test-key"


def _raster(pdf: Path, dpi: int) -> np.ndarray:
    out = subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-f", "1", "-l", "1", str(pdf)],
                         check=True, capture_output=True).stdout
    return cv2.imdecode(np.frombuffer(out, np.uint8), cv2.IMREAD_GRAYSCALE)


def _box(layout: dict, question: str, option: str, position: int | None = None) -> dict:
    return next(b for b in layout["pages"][0]["boxes"] if b["question"] == question and
                b["option"] == option and b.get("position") == position)


class Pen:
    """Strokes on one page at ``dpi``: rings, fills and ticks centred on layout boxes."""

    def __init__(self, image: np.ndarray, dpi: int):
        self.image, self.k = image, dpi / 72
        self.width = max(2, round(0.45 / 25.4 * dpi))  # a ballpoint, 0.45 mm

    def _at(self, b: dict, du=0.0, dv=0.0) -> tuple[int, int]:
        s = b["w"]
        return (round((b["x"] + s / 2 + du * s) * self.k),
                round((b["y"] + s / 2 + dv * s) * self.k))

    def ring(self, b: dict, rx: float, ry: float, du=0.0, dv=0.0) -> None:
        """A loop of radii ``rx`` × ``ry`` box sides, its centre moved by ``du``, ``dv``."""
        s = b["w"] * self.k
        cv2.ellipse(self.image, self._at(b, du, dv), (round(rx * s), round(ry * s)), 8, 0, 360,
                    30, self.width, cv2.LINE_AA)

    def fill(self, b: dict) -> None:
        s = b["w"] * self.k
        x, y = self._at(b)
        cv2.rectangle(self.image, (round(x - 0.38 * s), round(y - 0.38 * s)),
                      (round(x + 0.38 * s), round(y + 0.38 * s)), 35, -1)

    def tick(self, b: dict) -> None:
        s = b["w"] * self.k
        x, y = self._at(b)
        pts = np.array([(x - 0.3 * s, y), (x - 0.05 * s, y + 0.3 * s), (x + 0.4 * s,
                                                                       y - 0.45 * s)])
        cv2.polylines(self.image, [np.round(pts).astype(np.int32)], False, 30, self.width,
                      cv2.LINE_AA)


def _scan(image: np.ndarray, rotation: int, dpi: int) -> np.ndarray:
    """The page as a scanner gives it: turned, JPEG-compressed."""
    turns = {0: None, 90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180,
             270: cv2.ROTATE_90_COUNTERCLOCKWISE}[rotation]
    if turns is not None:
        image = cv2.rotate(image, turns)
    ok, jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 85])
    assert ok
    return cv2.imdecode(jpeg, cv2.IMREAD_GRAYSCALE)


def _read(image: np.ndarray, layout: dict):
    result = read_page(np.ascontiguousarray(image), KEY, lambda p: layout)
    assert result.status == "read", (result.reason, result.detail)
    return result.answers


# Rings of different hands: wide and tall, off centre (one runs inside the box along its
# top, as on the demo), crossing the box's corners.
SHAPES = [(0.71, 0.62, 0.0, 0.18), (0.62, 0.72, 0.03, -0.04), (0.68, 0.64, -0.12, 0.1)]


@pytest.mark.parametrize("dpi", [150, 200, 300])
@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_a_ring_drawn_tightly_round_a_box_is_read_as_that_box(danang_pdf, dpi, rotation):
    pdf, layout = danang_pdf
    pen = Pen(_raster(pdf, dpi), dpi)
    shape = SHAPES[(dpi // 50 + rotation // 90) % len(SHAPES)]
    # A single choice, an option of a multiple choice, the agency's field and a phone digit
    # ringed; the survey date and the phone's other digits filled, as the page asks.
    pen.ring(_box(layout, "q01", "yes"), *shape)
    pen.ring(_box(layout, "q02", "reason_c"), *shape)
    pen.ring(_box(layout, "field", "ct"), *shape)
    phone = "0912345678"
    for pos, digit in enumerate(phone):
        (pen.ring if pos == 4 else pen.fill)(_box(layout, "phone", digit, pos), *(
            shape if pos == 4 else ()))
    for pos, digit in enumerate("14072026"):
        pen.fill(_box(layout, "survey_date", digit, pos))
    answers = _read(_scan(pen.image, rotation, dpi), layout)
    got = {q: (answers[q].status, answers[q].values) for q in ("q01", "q02", "field")}
    assert got == {"q01": ("ok", ["yes"]), "q02": ("ok", ["reason_c"]),
                   "field": ("ok", ["ct"])}, (got, {q: answers[q].note for q in got})
    assert (answers["phone"].status, "".join(answers["phone"].values)) == ("ok", phone), \
        answers["phone"]
    assert "".join(answers["survey_date"].values) == "14072026"


@pytest.mark.parametrize("rotation", [0, 90])
@pytest.mark.parametrize("other", ["fill", "tick"])
def test_a_ring_beside_another_mark_of_the_question_goes_to_a_person(danang_pdf, rotation, other):
    """A ring round one option and a fill or tick in another (a correction made the wrong
    way, or two answers): never one of them alone, unflagged."""
    pdf, layout = danang_pdf
    pen = Pen(_raster(pdf, 200), 200)
    pen.ring(_box(layout, "q01", "yes"), *SHAPES[0])
    getattr(pen, other)(_box(layout, "q01", "no"))
    pen.ring(_box(layout, "field", "ct"), *SHAPES[1])
    getattr(pen, other)(_box(layout, "field", "dd"))
    for pos, digit in enumerate("14072026"):
        pen.fill(_box(layout, "survey_date", digit, pos))
    answers = _read(_scan(pen.image, rotation, 200), layout)
    for q, ringed, marked in (("q01", "yes", "no"), ("field", "ct", "dd")):
        a = answers[q]
        assert a.status in ("doubtful", "multiple") and {ringed, marked} <= set(a.values), a
