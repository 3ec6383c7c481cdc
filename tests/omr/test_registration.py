"""Locating a page whose corner marks are not all in the scan, on pages built from the printed
PDF rasterised by pdftoppm (``paperscan``), never from the reader's geometry."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldwork.omr.load import iter_pages
from fieldwork.omr.read import read_page

from .generator import agrees
from .paperscan import generate, hands
from .paperscan.scanner import Feed

KEY = b"test-key"


def _read(danang_pdf, monkeypatch, feed: Feed, seed: int):
    path, layout = danang_pdf
    monkeypatch.setattr(hands, "HABITS", {"fill": 1.0})
    [sample] = generate(Path(path), layout, ["00000001"], seed, feed=feed)
    return sample, read_page(next(iter_pages(sample.data)).image, KEY, lambda p: layout)


@pytest.mark.parametrize("feed, seed", [
    # Turned a quarter, 5 degrees askew and 5 % larger: the two marks of the page's bottom
    # edge are beyond the scan's edge; the QR code and the two top marks are whole.
    (Feed(dpi=300, quarter=270, skew=5.0, scale=1.05, shift=(-4.8, 5.7), container="tiff",
          black=64, white=206, noise=6.0), 53),
    # Upside down, 4.5 degrees askew, fed 10 mm to one side, dithered to one bit: two marks
    # on a diagonal are lost.
    (Feed(dpi=200, quarter=180, skew=-4.5, scale=1.045, shift=(-10.5, 4.6), mode="dither",
          container="tiff", black=65, white=209, noise=0.4), 175),
])
def test_a_page_skewed_past_2_degrees_with_two_marks_lost_is_located(danang_pdf, monkeypatch,
                                                                   feed, seed):
    """The page is located from the QR code and the two marks left, then the box outlines
    correct it. Where the page reaches past the scan's edge, the flattened page is filled
    white: the paper's grey must be taken from the part inside the scan, else a dim scan's
    box outlines seem too faint to find and the page is refused (``not_located``)."""
    sample, result = _read(danang_pdf, monkeypatch, feed, seed)
    assert result.status == "read", (result.reason, result.detail)
    assert result.rotation == feed.quarter
    exact = 0
    for code, truth in sample.truth.items():
        answer = result.answers.get(code)
        assert agrees(answer, truth), (code, truth, answer)
        exact += answer.status == truth["status"] and answer.values == truth["values"]
    assert exact >= 0.8 * len(sample.truth)


def test_another_sheets_marks_are_not_taken_for_this_pages(danang_pdf, monkeypatch):
    """A second sheet over the bottom of this one (upside down in the scan) hides this page's
    two bottom marks and shows its own two top marks there, with its QR code beside one of
    them. The four marks still make a rectangle of the page's shape, but the page placed by it
    is wrong in the middle: a fill was read as blank, unflagged. A QR code read beside a mark
    other than this page's own sends the page to its QR code and boxes instead."""
    feed = Feed(dpi=200, quarter=180, skew=0.5, scale=0.997, shift=(-0.4, -0.8), bad="overlap",
                container="png", black=60, white=211, noise=7.9)
    sample, result = _read(danang_pdf, monkeypatch, feed, 78)
    assert result.status == "read", (result.reason, result.detail)
    for code, truth in sample.truth.items():
        assert agrees(result.answers.get(code), truth), (code, truth, result.answers.get(code))
    assert sum(a.status == "ok" for a in result.answers.values()) >= 4  # read, not just flagged
