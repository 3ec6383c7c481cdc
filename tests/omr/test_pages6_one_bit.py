"""One-bit scans of a mostly blank page (marks drawn with OpenCV on the page rendered from the
printed PDF, then scanned to one bit with Pillow's Floyd-Steinberg dither or at one threshold).
A scanner that dithers keeps pencil as a scatter of dots, so there a page of blanks is a
respondent who skipped questions and is read; one that thresholds loses light pencil whole,
so there the page's blanks still go to a person."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image

from fieldwork.omr.read import read_page

from .test_drawn_marks import KEY, PEN, _blend, _px

ANSWERED = {"access_1": 1, "procedure_2": 3}  # two of the page's twelve questions


def _boxes(layout: dict, question: str) -> list[dict]:
    return [b for b in layout["pages"][0]["boxes"] if b["question"] == question]


def _ticked(page: np.ndarray, layout: dict, opacity: float) -> np.ndarray:
    ink = np.zeros_like(page)
    for q, k in ANSWERED.items():
        b = _boxes(layout, q)[k]
        x, y, w, h = b["x"], b["y"], b["w"], b["h"]
        cv2.polylines(ink, [_px((x + 0.2 * w, y + 0.5 * h), (x + 0.45 * w, y + 0.85 * h),
                                (x + 0.9 * w, y + 0.1 * h))], False, 255, PEN + 2, cv2.LINE_AA)
    return _blend(page, ink, opacity)


def _dithered(image: np.ndarray) -> np.ndarray:
    return np.asarray(Image.fromarray(image).convert("1").convert("L"))


def _read(image: np.ndarray, layout: dict) -> dict:
    result = read_page(np.ascontiguousarray(image), KEY, lambda p: layout)
    assert result.status == "read", (result.reason, result.detail)
    return result.answers


@pytest.mark.parametrize("opacity", [0.9, 0.45])  # pen, then pencil
def test_a_dithered_scan_of_a_page_of_skipped_questions_is_read(forms, opacity):
    pages, layout = forms["sipas"]
    answers = _read(_dithered(_ticked(pages[0], layout, opacity)), layout)
    read = {q: (a.status, a.values) for q, a in answers.items() if q in ANSWERED}
    assert read == {q: ("ok", [_boxes(layout, q)[k]["option"]]) for q, k in ANSWERED.items()}
    skipped = {(a.status, a.note) for q, a in answers.items() if q not in ANSWERED}
    assert skipped == {("blank", "")}, skipped


def test_a_thresholded_scan_of_a_page_of_blanks_still_goes_to_a_person(forms):
    pages, layout = forms["sipas"]
    image = np.where(_ticked(pages[0], layout, 0.9) < 128, 0, 255).astype(np.uint8)
    answers = _read(image, layout)
    assert {(a.status, a.note) for q, a in answers.items() if q not in ANSWERED} == \
        {("doubtful", "empty page")}
