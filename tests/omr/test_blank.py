"""Blank backs: skipped when truly empty, never when something is written on them."""

from __future__ import annotations

import cv2
import numpy as np

from fieldwork.omr.blank import blankness, is_blank

from .inbox_files import blank_back

A4_300 = (3508, 2480)


def test_paper_noise_dust_and_show_through_are_blank():
    assert is_blank(blank_back(A4_300, 1))
    assert is_blank(blank_back((1754, 1240), 2))  # 150 dpi
    ok, jpg = cv2.imencode(".jpg", blank_back(A4_300, 3), [cv2.IMWRITE_JPEG_QUALITY, 60])
    assert is_blank(cv2.imdecode(jpg, cv2.IMREAD_GRAYSCALE))


def test_a_skewed_back_on_a_dark_scanner_bed_is_blank():
    page = blank_back((1700, 1200), 4)
    bed = np.full((1754, 1240), 40, np.uint8)
    rot = cv2.getRotationMatrix2D((620, 877), 3.0, 1.0)
    placed = cv2.warpAffine(page, rot, (1240, 1754), borderValue=0)
    mask = cv2.warpAffine(np.full(page.shape, 255, np.uint8), rot, (1240, 1754))
    bed[mask > 0] = placed[mask > 0]
    assert is_blank(bed)


def test_a_word_a_tick_or_a_pencil_line_on_the_back_is_not_blank():
    for draw in (
        lambda img: cv2.putText(img, "Ý kiến: tot", (400, 1500), cv2.FONT_HERSHEY_SIMPLEX, 3,
                                40, 6),
        lambda img: cv2.polylines(img, [np.array([[1000, 1700], [1040, 1760], [1130, 1600]])],
                                  False, 60, 5),
        lambda img: cv2.line(img, (300, 2400), (1900, 2430), 150, 3),  # light pencil
    ):
        page = blank_back(A4_300, 5)
        draw(page)
        judged = blankness(page)
        assert not judged.blank, judged


def test_a_printed_form_is_not_blank():
    page = blank_back(A4_300, 6)
    for y in range(400, 3200, 90):
        cv2.putText(page, "Cau hoi so 12: muc do hai long", (250, y), cv2.FONT_HERSHEY_SIMPLEX,
                    1.6, 20, 3)
    assert not is_blank(page)


def test_the_paper_edge_shadow_on_a_white_bed_is_blank():
    page = np.full((1754, 1240), 250, np.uint8)  # a white scanner lid around the paper
    back = blank_back((1700, 1190), 7)
    page[20:1720, 30:1220] = back
    page[20:1720, 28:31] = 90  # the shadow along the paper's left edge
    page[1718:1721, 30:1220] = 100  # and its bottom edge
    assert is_blank(page), blankness(page)
