"""Reading printed, filled and scanned pages: rotations, skew, degradations, rejects."""

from __future__ import annotations

import numpy as np
import pytest

from fieldwork.omr.read import Rejected, read_page
from fieldwork.omr.synth.degrade import Scan

from .generator import INK_ONLY, agrees, printed, scans

KEY = b"test-key"


@pytest.fixture(scope="module")
def danang():
    """Two printed sheets of the Da Nang form and its layout."""
    return printed("danang-2025", ["00000007", "00000008"], KEY)


@pytest.fixture(scope="module")
def sipas():
    """One printed SIPAS sheet and its layout."""
    return printed("sipas", ["00000001"], KEY)


def _read(sample, layout, key=KEY):
    return read_page(sample.image, key, lambda payload: layout)


def _check(samples, layout):
    for s in samples:
        r = _read(s, layout)
        assert r.status == "read", (r.reason, r.detail, s.scan)
        assert r.payload.serial == s.serial and r.payload.page == s.page
        for code, truth in s.truth.items():
            assert agrees(r.answers.get(code), truth), (code, truth, r.answers.get(code))
        exact = sum(r.answers[c].values == t["values"] for c, t in s.truth.items())
        assert exact >= len(s.truth) - 1  # calm filling: at most one doubt per page


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_every_rotation_is_read(sipas, rotation):
    pdf, layout = sipas
    samples = scans(pdf, layout, ["00000001"], seed=rotation, dpi=150,
                    scan=Scan(rotation=rotation, skew=1.5))
    _check(samples, layout)
    assert [_read(s, layout).rotation for s in samples] == [rotation] * len(samples)


@pytest.mark.parametrize("skew,dpi", [(-10.0, 200), (10.0, 150), (6.0, 300)])
def test_skewed_pages_are_read(danang, skew, dpi):
    pdf, layout = danang
    samples = scans(pdf, layout, ["00000007", "00000008"], seed=3, dpi=dpi, only={"00000007"},
                    scan=Scan(skew=skew, rotation=180 if skew > 0 else 0, perspective=0.004))
    _check(samples, layout)


def test_degraded_scan_is_read(danang):
    pdf, layout = danang
    harsh = Scan(rotation=90, skew=-3.0, blur=1.1, noise=10, light=0.4, black=70, white=215,
                 jpeg=40, border=60)
    _check(scans(pdf, layout, ["00000007", "00000008"], seed=5, dpi=200, scan=harsh,
                 only={"00000008"}), layout)


def test_bilevel_scan_is_read(sipas):
    pdf, layout = sipas
    _check(scans(pdf, layout, ["00000001"], seed=9, dpi=200, scan=Scan(bilevel=True),
                 rates=INK_ONLY), layout)


def test_wrong_key_is_rejected_as_forged(sipas):
    pdf, layout = sipas
    s = scans(pdf, layout, ["00000001"], dpi=150)[0]
    r = read_page(s.image, b"another-key", lambda p: layout)
    assert (r.status, r.reason) == ("rejected", "bad_mac")
    assert r.answers == {}


def test_resolver_rejection_is_kept(sipas):
    pdf, layout = sipas
    s = scans(pdf, layout, ["00000001"], dpi=150)[0]

    def refuse(payload):
        raise Rejected("pilot_in_live", f"serial {payload.serial}")

    r = read_page(s.image, KEY, refuse)
    assert (r.status, r.reason, r.detail) == ("rejected", "pilot_in_live", "serial 00000001")
    assert r.payload.serial == "00000001"


def test_photo_of_something_else_and_blank_page():
    rng = np.random.default_rng(1)
    import cv2

    photo = cv2.GaussianBlur((rng.random((1600, 1200)) * 255).astype(np.uint8), (0, 0), 6)
    photo = cv2.normalize(photo, None, 0, 255, cv2.NORM_MINMAX)
    r = read_page(photo, KEY, lambda p: {})
    assert (r.status, r.reason) == ("rejected", "no_qr")
    blank = np.full((1754, 1240), 250, np.uint8)
    assert read_page(blank, KEY, lambda p: {}).reason == "blank_page"


def test_foreign_qr_code():
    import qrcode

    img = np.array(qrcode.make("https://example.com/not-a-form").convert("L"))
    page = np.full((1754, 1240), 255, np.uint8)
    page[100:100 + img.shape[0], 700:700 + img.shape[1]] = img
    assert read_page(page, KEY, lambda p: {}).reason == "foreign_qr"


@pytest.mark.parametrize("torn", [("bottom_left",), ("bottom_left", "top_left")])
def test_torn_corners_are_read_from_the_marks_left_the_qr_and_the_boxes(sipas, torn):
    pdf, layout = sipas
    for s in scans(pdf, layout, ["00000001"], dpi=150, scan=Scan(skew=1.2)):
        img = s.image.copy()
        h, w = img.shape
        for corner in torn:  # the paper torn off there, mark and all
            rows = slice(h - 160, h) if corner.startswith("bottom") else slice(0, 160)
            img[rows, :200] = 255
        r = read_page(img, KEY, lambda p: layout)
        assert r.status == "read", (r.reason, r.detail)
        for code, truth in s.truth.items():
            assert agrees(r.answers.get(code), truth), (code, truth, r.answers.get(code))


def test_page_whose_boxes_cannot_be_found_is_rejected_with_a_reason(sipas):
    pdf, layout = sipas
    s = scans(pdf, layout, ["00000001"], dpi=150)[0]
    img = s.image.copy()
    h, w = img.shape
    img[h - 160:, :200] = 255  # a corner mark torn off ...
    img[int(0.16 * h):, :] = 255  # ... and everything below the header lost
    r = read_page(img, KEY, lambda p: layout)
    assert (r.status, r.reason) == ("rejected", "not_located")
    assert "answer boxes" in r.detail
    assert r.payload is not None  # the sheet is still identified for the rejects list


def test_bad_arguments_raise_value_error():
    with pytest.raises(ValueError):
        read_page(np.zeros((10, 10, 3), np.uint8), KEY, lambda p: {})
    with pytest.raises(ValueError):
        read_page(np.zeros((10, 10), np.uint8), KEY, lambda p: {}, scale=0)


def test_three_corner_marks_locate_the_page_and_put_the_fourth_where_it_belongs(sipas):
    from fieldwork.omr.align import find_marks

    pdf, layout = sipas
    s = scans(pdf, layout, ["00000001"], dpi=150, scan=Scan(skew=1.2))[0]
    whole = find_marks(s.image)
    assert whole is not None and whole.complete
    img = s.image.copy()
    h, w = img.shape
    img[h - 160:, :200] = 255  # the bottom-left mark torn off
    three = find_marks(img)
    assert three is not None and not three.complete
    assert three.known.tolist() == [True, True, False, True]
    # The missing mark is put where the three others say, within a couple of pixels.
    assert np.abs(three.points - whole.points).max() < 3.0
    r = read_page(img, KEY, lambda p: layout)
    assert r.status == "read", (r.reason, r.detail)
    for code, truth in s.truth.items():
        assert agrees(r.answers.get(code), truth), (code, truth, r.answers.get(code))
