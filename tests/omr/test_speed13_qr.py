"""The QR code's search on a page where it cannot be read: the ways of preparing a crop are
made only when tried (the same images as before), and the scan's corners are searched on the
working copy only, not again at full size."""

from __future__ import annotations

import numpy as np
import pytest

from fieldwork.omr import locate, qr

from .test_qr_tries import _page


def _variants_before(crop: np.ndarray, module_px: float):
    """``qr._variants`` as written before its ways were made lazily (a generator)."""
    import cv2

    lo, hi = qr.MODULE_PX
    f = 1.0
    if module_px > hi:
        f = 4.0 / module_px
    elif module_px < lo:
        f = 3.0 / module_px
    img = crop if f == 1.0 else cv2.resize(
        crop, None, fx=f, fy=f, interpolation=cv2.INTER_AREA if f < 1 else cv2.INTER_CUBIC)
    yield img, f
    _, binary = cv2.threshold(cv2.GaussianBlur(img, (3, 3), 0), 0, 255,
                              cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    yield binary, f
    if f == 1.0 and module_px > 3.2:
        yield cv2.resize(crop, None, fx=0.6, fy=0.6, interpolation=cv2.INTER_AREA), 0.6
    g = max(2.0, 7.0 / module_px)
    up = cv2.resize(crop, None, fx=g, fy=g, interpolation=cv2.INTER_CUBIC)
    sharp = cv2.addWeighted(up, 2.0, cv2.GaussianBlur(up, (0, 0), g), -1.0, 0)
    _, binary = cv2.threshold(sharp, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    yield binary, g
    smooth = cv2.GaussianBlur(up, (0, 0), 0.35 * g * module_px / 2)
    block = int(4 * g * module_px) | 1
    yield cv2.adaptiveThreshold(smooth, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY,
                                max(block, 3), 4), g


@pytest.mark.parametrize("module_px", [1.5, 2.2, 3.0, 3.2, 4.0, 6.9, 7.0, 8.1, 12.0])
@pytest.mark.parametrize("seed", range(3))
def test_the_ways_are_the_images_made_before(module_px, seed):
    rng = np.random.default_rng(seed)
    crop = _page()[rng.integers(0, 40):, rng.integers(0, 40):]
    crop = np.clip(crop.astype(int) + rng.normal(0, 20, crop.shape), 0, 255).astype(np.uint8)
    before = list(_variants_before(crop, module_px))
    ways = qr._variants(crop, module_px)
    assert len(ways) == len(before)
    for start in range(len(ways)):  # each way alone, from a fresh list, as a second pass does
        img, f = qr._variants(crop, module_px)[start]()
        assert f == before[start][1] and np.array_equal(img, before[start][0])
    for way, (img, f) in zip(ways, before, strict=True):  # in order, sharing their steps
        got = way()
        assert got[1] == f and np.array_equal(got[0], img)


def test_a_second_pass_makes_no_image_of_the_first(monkeypatch):
    import cv2

    sized = []
    resize = cv2.resize

    def counted(src, *a, **k):
        sized.append(k.get("fx"))
        return resize(src, *a, **k)

    monkeypatch.setattr(cv2, "resize", counted)
    blank = np.full((400, 400), 255, np.uint8)
    assert qr.decode_region(blank, np.array([(0, 0), (399, 399)]), 8.0, 5, 2) is None
    assert 0.5 not in sized  # the crop at a good module size (4 / 8) is the first pass's


def test_the_full_scan_s_corners_are_not_searched_again(monkeypatch):
    searched = []
    in_corners = locate.qr_in_corners

    def counted(gray):
        searched.append(gray.shape)
        return in_corners(gray)

    monkeypatch.setattr(locate, "qr_in_corners", counted)
    scan = np.full((3508, 2480), 255, np.uint8)  # A4 at 300 dpi, no marks, no code
    work, quad, hit, _ = locate.locate(scan, 2.0)
    assert hit is None and quad is None
    assert searched == [work.shape] and work.shape != scan.shape
    searched.clear()
    assert locate.find_qr(scan, None, anywhere=False, in_corners=False) == (None, None)
    assert not searched


def test_a_code_in_a_corner_of_a_large_scan_is_still_read():
    scan = np.full((3508, 2480), 255, np.uint8)
    code = _page()[40:300, 50:310]  # 4-pixel modules, as on a page scanned at 150 dpi
    big = np.kron(code, np.ones((2, 2), np.uint8))  # at 300 dpi
    scan[100:100 + big.shape[0], 2480 - 100 - big.shape[1]:2480 - 100] = big
    _, _, hit, _ = locate.locate(scan, 2.0)
    assert hit is not None and hit.text == b"FW1|hello"


@pytest.mark.parametrize("seed", range(20))
def test_the_symbol_s_modules_are_those_the_printer_draws(seed):
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    from fieldwork.omr.register import qr_modules

    rng = np.random.default_rng(seed)
    text = "FW1|" + "".join(rng.choice(list("ABCDEFGHIJ0123456789|-_abc"),
                                       int(rng.integers(10, 140))))
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(text.encode())
    code.make(fit=True)
    assert qr_modules(text.encode()) == code.modules_count == len(code.get_matrix())
