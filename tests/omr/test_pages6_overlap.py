"""Another sheet lying over part of the page (drawn with OpenCV on the page rendered from the
printed PDF, the other sheet another printed copy of the form): its corner marks land near
this sheet's hidden ones, and its printed boxes where this sheet's are hidden. The reader
must place the page by this sheet's own marks, QR code and box outlines, and send every
question under the other sheet to a person; answers in plain view are read."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from fieldwork.omr.read import read_page

from .test_drawn_marks import KEY, PEN, _blend, _px

W_PT = 595.28


def _boxes(layout: dict, question: str) -> list[dict]:
    return [b for b in layout["pages"][0]["boxes"] if b["question"] == question]


def _tick(ink: np.ndarray, b: dict) -> None:
    x, y, w, h = b["x"], b["y"], b["w"], b["h"]
    cv2.polylines(ink, [_px((x + 0.2 * w, y + 0.5 * h), (x + 0.45 * w, y + 0.85 * h),
                            (x + 0.9 * w, y + 0.1 * h))], False, 255, PEN, cv2.LINE_AA)


def _ticked(page: np.ndarray, layout: dict, chosen: dict) -> np.ndarray:
    ink = np.zeros_like(page)
    for q, option in chosen.items():
        _tick(ink, next(b for b in _boxes(layout, q) if b["option"] == option))
    return _blend(page, ink, 0.85)


def _covered(page: np.ndarray, other: np.ndarray, reach: float, turn: float) -> np.ndarray:
    """``other`` laid over ``page`` from the left, covering ``reach`` of its width, turned by
    ``turn`` degrees, with the thin shadow along its edge."""
    h, w = page.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), turn, 1.0)
    m[0, 2] -= (1 - reach) * w
    cover = cv2.warpAffine(np.ones((h, w), np.float32), m, (w, h), borderValue=0)
    top = cv2.warpAffine(other.astype(np.float32), m, (w, h), borderValue=255)
    edge = cv2.GaussianBlur(cover, (0, 0), 0.8 * 200 / 25.4) - cover
    out = page * (1 - cover) + top * cover + 120 * np.clip(edge, -1, 0)
    return np.clip(out, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("reach,turn", [(0.19, 1.0), (0.18, 0.0), (0.2, 3.0)])
def test_a_sheet_lying_over_the_left_of_the_page_hides_its_questions_not_misreads_them(
        forms, reach, turn):
    pages, layout = forms["danang-2025"]
    truth = {"field": "xd", "q01": "yes", "q02": "reason_a"}
    page = _ticked(pages[0], layout, truth)
    # The other respondent's sheet: other answers, its right-hand corner marks near this
    # sheet's left-hand ones (hidden under it) when it reaches a fifth of the way in.
    other = _ticked(pages[0], layout, {"field": "ld", "q01": "no", "q02": "reason_g"})
    result = read_page(_covered(page, other, reach, turn), KEY, lambda p: layout)
    if result.status == "rejected":  # never a wrong answer: rejected with a reason is right
        assert result.reason == "not_located", result.detail
        return
    edge_pt = reach * W_PT + 8  # the other sheet's edge, with room for its turn
    for q, a in result.answers.items():
        hidden = any(b["x"] < edge_pt for b in _boxes(layout, q))
        if hidden:
            assert a.status in ("doubtful", "multiple"), (q, a)
        elif a.status not in ("doubtful", "multiple"):
            assert a.values == ([truth[q]] if q in truth else []) or a.kind in (
                "digits", "date"), (q, a)
    # The questions in plain view are read, not sent to a person.
    assert result.answers["q01"].values == ["yes"] and result.answers["q01"].status == "ok"


@pytest.mark.parametrize("reach,turn", [(0.25, 0.0), (0.3, -3.0)])
def test_a_sheet_over_the_left_third_showing_its_own_qr_code_is_read_where_in_view(
        forms, reach, turn):
    """The other sheet is a copy of this one (the same QR code) and its code, beside its
    right-hand marks, is in view: the page was placed by that code (the first found), most of
    its boxes outside the scan, and rejected. It is placed by its own code and read."""
    pages, layout = forms["danang-2025"]
    truth = {"field": "xd", "q01": "yes", "q02": "reason_a"}
    other = _ticked(pages[0], layout, {"field": "ld", "q01": "no", "q02": "reason_g"})
    result = read_page(_covered(_ticked(pages[0], layout, truth), other, reach, turn), KEY,
                       lambda p: layout)
    assert result.status == "read", (result.reason, result.detail)
    covered = 0
    for q, a in result.answers.items():
        if any(b["x"] < reach * W_PT + 8 for b in _boxes(layout, q)):
            covered += 1
            assert a.status == "doubtful", (q, a)
        else:  # in view: read as drawn (the digit grids are blank)
            assert a.status in ("ok", "blank") and a.values in (
                [truth[q]] if q in truth else [], [""] * len(a.values)), (q, a)
    assert covered >= 2

