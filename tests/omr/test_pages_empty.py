"""A page of mostly blank questions (marks drawn with OpenCV on the page rendered from the
printed PDF): on a grey scan the respondent skipped them and they are read blank; on a
one-bit scan faint pencil may have fallen under the scanner's threshold, so they go to a
person, also when the one-bit scan was resampled inside a PDF (its edges turn grey)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from fieldwork.omr.read import read_page

KEY = b"test-key"
DPI = 200
F = DPI / 72
ANSWERED = ("access_1", "procedure_2", "officials_3")  # three of the page's twelve questions


@pytest.fixture(scope="module")
def sipas(forms):
    """The SIPAS form's first page (printed, rendered grey at 200 dpi) and its layout."""
    pages, layout = forms["sipas"]
    return pages[0], layout


def _filled(page: np.ndarray, layout: dict, opacity: float) -> np.ndarray:
    """The page with the second box of each of ``ANSWERED`` filled at ``opacity`` of black."""
    ink = np.zeros(page.shape, np.float32)
    for q in ANSWERED:
        b = [b for b in layout["pages"][0]["boxes"] if b["question"] == q][1]
        p0 = np.round(np.array([b["x"] + 1.5, b["y"] + 1.5]) * F).astype(int)
        p1 = np.round(np.array([b["x"] + b["w"] - 1.5, b["y"] + b["h"] - 1.5]) * F).astype(int)
        cv2.rectangle(ink, tuple(int(v) for v in p0), tuple(int(v) for v in p1), 1.0, -1)
    return (page * (1 - opacity * ink)).astype(np.uint8)


def _read(image: np.ndarray, layout: dict) -> dict:
    result = read_page(np.ascontiguousarray(image), KEY, lambda p: layout)
    assert result.status == "read", (result.reason, result.detail)
    return result.answers


def test_questions_skipped_on_a_grey_scan_are_read_blank(sipas):
    page, layout = sipas
    answers = _read(_filled(page, layout, 0.85), layout)
    assert {q for q, a in answers.items() if a.status == "ok"} == set(ANSWERED)
    skipped = {q: (a.status, a.note) for q, a in answers.items() if q not in ANSWERED}
    assert len(skipped) == 9 and set(skipped.values()) == {("blank", "")}, skipped


@pytest.mark.parametrize("resampled", [False, True])
def test_a_one_bit_scan_of_mostly_blank_questions_goes_to_a_person(sipas, resampled):
    page, layout = sipas
    # Pen on three questions; the scanner's threshold keeps them and would drop pencil.
    one_bit = np.where(_filled(page, layout, 0.85) < 128, 0, 255).astype(np.uint8)
    if resampled:  # a one-bit image drawn into a PDF at another size: grey edges
        one_bit = cv2.resize(one_bit, None, fx=0.93, fy=0.93, interpolation=cv2.INTER_LINEAR)
        grey = np.count_nonzero((one_bit > 0) & (one_bit < 255)) / one_bit.size
        assert 0.002 < grey < 0.1
    answers = _read(one_bit, layout)
    assert {q for q, a in answers.items() if a.status == "ok"} == set(ANSWERED)
    skipped = {q: (a.status, a.note) for q, a in answers.items() if q not in ANSWERED}
    assert set(skipped.values()) == {("doubtful", "empty page")}, skipped
