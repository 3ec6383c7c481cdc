"""A fingertip over the QR code's corner (a soft dark blob drawn with OpenCV on the page
rendered from the printed PDF, as a hand holding the sheet on a flatbed leaves it): the
decoder finds no finder pattern there and the page was rejected `no_qr`. The code is read
where the corner marks put it with its fixed patterns drawn again; the modules under the
finger are mended by the code's own error correction, and its MAC says the code is this
form's. A page whose code is covered whole is still rejected."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from fieldwork.omr.read import read_page

from .test_drawn_marks import KEY, _px

DPI = 200


def _finger(page: np.ndarray, centre_pt: tuple, radii_mm: tuple, tone: float) -> np.ndarray:
    px = DPI / 25.4
    blob = np.zeros(page.shape, np.float32)
    cx, cy = _px(centre_pt)[0]
    cv2.ellipse(blob, (int(cx), int(cy)), (int(radii_mm[0] * px), int(radii_mm[1] * px)), 30,
                0, 360, 1.0, -1)
    blob = cv2.GaussianBlur(blob, (0, 0), 1.5 * px)
    return (page * (1 - blob) + tone * blob).astype(np.uint8)


def _tick(page: np.ndarray, b: dict) -> np.ndarray:
    out = page.copy()
    x, y, w, h = b["x"], b["y"], b["w"], b["h"]
    cv2.polylines(out, [_px((x + 0.2 * w, y + 0.5 * h), (x + 0.45 * w, y + 0.85 * h),
                            (x + 0.9 * w, y + 0.1 * h))], False, 30, 3, cv2.LINE_AA)
    return out


@pytest.mark.parametrize("dx,dy", [(0.9, 0.1), (0.95, 0.95)])
def test_a_fingertip_over_a_corner_of_the_qr_code_does_not_stop_the_page_being_read(
        forms, dx, dy):
    pages, layout = forms["danang-2025"]
    qr = layout["pages"][0]["qr"]
    yes = next(b for b in layout["pages"][0]["boxes"] if b["option"] == "yes")
    page = _finger(_tick(pages[0], yes), (qr["x"] + dx * qr["w"], qr["y"] + dy * qr["h"]),
                   (6, 9), 110)
    result = read_page(page, KEY, lambda p: layout)
    assert result.status == "read", (result.reason, result.detail)
    assert result.payload.serial == "00000001"
    assert (result.answers["q01"].status, result.answers["q01"].values) == ("ok", ["yes"])


def test_a_hand_over_the_whole_qr_code_is_still_rejected(forms):
    pages, layout = forms["danang-2025"]
    qr = layout["pages"][0]["qr"]
    page = _finger(pages[0], (qr["x"] + qr["w"] / 2, qr["y"] + qr["h"] / 2), (20, 25), 90)
    result = read_page(page, KEY, lambda p: layout)
    assert (result.status, result.reason) == ("rejected", "no_qr")
