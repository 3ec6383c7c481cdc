"""qr.decode_region's ``start``: the ways of preparing a crop already tried are not tried again."""

import numpy as np
import pytest
import qrcode

from fieldwork.omr import qr


def _page(text: str = "FW1|hello") -> np.ndarray:
    code = qrcode.QRCode(border=4, box_size=4)
    code.add_data(text)
    code.make(fit=True)
    sym = np.array(code.get_matrix(), bool)
    img = np.where(np.kron(sym, np.ones((4, 4), bool)), 0, 255).astype(np.uint8)
    page = np.full((400, 400), 255, np.uint8)
    page[50:50 + img.shape[0], 60:60 + img.shape[1]] = img
    return page


@pytest.fixture
def calls(monkeypatch):
    seen = []
    zbar = qr._zbar

    def counted(image):
        seen.append(image.shape)
        return zbar(image)

    monkeypatch.setattr(qr, "_zbar", counted)
    return seen


def test_a_code_is_read_with_the_first_way(calls):
    hit = qr.decode_region(_page(), np.array([(0, 0), (399, 399)]), 4.0)
    assert hit is not None and hit.text == b"FW1|hello" and len(calls) == 1


def test_ways_before_start_are_not_tried(calls):
    blank = np.full((400, 400), 255, np.uint8)
    region = np.array([(0, 0), (399, 399)])
    assert qr.decode_region(blank, region, 4.0, 2) is None
    assert len(calls) == 2
    calls.clear()
    assert qr.decode_region(blank, region, 4.0, 5, 2) is None
    assert len(calls) == 3  # the three ways not tried before
    calls.clear()
    assert qr.decode_region(blank, region, 4.0, 2, 2) is None and not calls


def test_a_code_read_only_by_a_later_way_is_still_read(calls):
    hit = qr.decode_region(_page(), np.array([(0, 0), (399, 399)]), 4.0, 5, 2)
    assert hit is not None and hit.text == b"FW1|hello"
    assert len(calls) >= 1


@pytest.mark.parametrize("start", [-1, 6])
def test_start_outside_the_tries_is_refused(start):
    with pytest.raises(ValueError, match="start"):
        qr.decode_region(_page(), np.array([(0, 0), (399, 399)]), 4.0, 5, start)
