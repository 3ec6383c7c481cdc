"""A page scanned to one bit at one threshold keeps a respondent's pen and drops light pencil
whole; one pencil mark that barely survives (a few black grains in the box, read as light)
shows that this respondent's other marks may have been lost without a trace. The marks are
drawn with OpenCV on the page rendered from the printed PDF, then thresholded."""

from __future__ import annotations

import cv2
import numpy as np

from fieldwork.omr.read import read_page

from .test_drawn_marks import KEY, PEN, F, _blend, _px

# Seven of the page's twelve questions ticked in pen; one filled in light pencil; four left
# without any ink in their boxes (skipped, or a pencil mark the threshold lost).
PEN_TICKS = {"field": 0, "access_1": 1, "access_2": 2, "access_3": 3, "procedure_1": 4,
             "procedure_3": 0, "officials_4": 2}
PENCIL = ("procedure_4", 1)


def _box(layout: dict, question: str, k: int) -> tuple[float, float, float, float]:
    b = [b for b in layout["pages"][0]["boxes"] if b["question"] == question][k]
    return b["x"], b["y"], b["w"], b["h"]


def _page(forms, pencil: bool) -> tuple[np.ndarray, dict]:
    pages, layout = forms["sipas"]
    ink = np.zeros_like(pages[0])
    for q, k in PEN_TICKS.items():
        x, y, w, h = _box(layout, q, k)
        cv2.polylines(ink, [_px((x + 0.2 * w, y + 0.5 * h), (x + 0.45 * w, y + 0.85 * h),
                                (x + 0.9 * w, y + 0.1 * h))], False, 255, PEN + 2, cv2.LINE_AA)
    page = _blend(pages[0], ink, 0.9)
    if pencil:
        # Graphite: grains of grey over the box's inside, about one in 25 dark enough to pass the
        # scanner's threshold.
        x, y, w, h = _box(layout, *PENCIL)
        x0, y0, x1, y1 = (int(round(v * F)) for v in (x + 0.15 * w, y + 0.15 * h,
                                                     x + 0.85 * w, y + 0.85 * h))
        grains = np.random.default_rng(5).random((y1 - y0, x1 - x0)) < 0.04
        page[y0:y1, x0:x1][grains] = 60
    return np.where(page < 128, 0, 255).astype(np.uint8), layout


def _read(image: np.ndarray, layout: dict) -> dict:
    result = read_page(np.ascontiguousarray(image), KEY, lambda p: layout)
    assert result.status == "read", (result.reason, result.detail)
    return result.answers


def test_blanks_beside_a_light_pencil_mark_on_a_thresholded_scan_go_to_a_person(forms):
    answers = _read(*_page(forms, pencil=True))
    assert (answers[PENCIL[0]].values, answers[PENCIL[0]].note) == (["2"], "light")
    skipped = set(answers) - set(PEN_TICKS) - {PENCIL[0]}
    assert len(skipped) == 4
    assert {(answers[q].status, answers[q].note) for q in skipped} == \
        {("doubtful", "pencil lost")}
    assert all(answers[q].status == "ok" for q in PEN_TICKS)


def test_blanks_on_a_thresholded_scan_in_pen_are_read_as_skipped(forms):
    answers = _read(*_page(forms, pencil=False))
    skipped = set(answers) - set(PEN_TICKS)
    assert {(answers[q].status, answers[q].note) for q in skipped} == {("blank", "")}
    assert all(answers[q].status == "ok" for q in PEN_TICKS)


def _in_noisy_lid(image: np.ndarray) -> np.ndarray:
    """The thresholded page lying on a scanner lid whose grey sits near the threshold: round
    the sheet the lid's noise turns to a scatter of lone black dots, like dithering."""
    h, w = image.shape
    m = int(0.06 * w)
    lid = np.random.default_rng(7).normal(150, 25, (h + 2 * m, w + 2 * m))
    canvas = np.where(lid < 128, 0, 255).astype(np.uint8)
    canvas[m:m + h, m:m + w] = image
    return canvas


def test_a_noisy_lid_round_a_thresholded_page_does_not_pass_it_for_dithered(forms):
    # The lid's dots outnumber the page's own lone pixels: counted over the whole scan, the
    # page looked dithered and its blanks were taken as skipped questions.
    image, layout = _page(forms, pencil=True)
    answers = _read(_in_noisy_lid(image), layout)
    assert (answers[PENCIL[0]].values, answers[PENCIL[0]].note) == (["2"], "light")
    skipped = set(answers) - set(PEN_TICKS) - {PENCIL[0]}
    assert {(answers[q].status, answers[q].note) for q in skipped} == \
        {("doubtful", "pencil lost")}
    assert all(answers[q].status == "ok" for q in PEN_TICKS)
