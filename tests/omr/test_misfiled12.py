"""A page with another sheet lying over part of it, that sheet's QR code in view and most of it
beyond the scan's edge (``paperscan``'s overlap: the sheet's other page laid over it from one
side, turned a few degrees). The code found first may be the other sheet's: the page was then
placed by it, its own questions left out and the other page's read off this page's ink, every
answer doubted but the page filed under the other page's code. A page placed with most of it
outside the scan is not the page scanned: it is placed by its own code, or rejected."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from fieldwork.omr.load import iter_pages
from fieldwork.omr.read import in_view, read_page

from .generator import agrees
from .generator import printed as printed_form
from .paperscan import generate
from .paperscan.scanner import Feed

KEY = b"test-key"


@pytest.fixture(scope="module")
def sipas_pdf(tmp_path_factory):
    pdf, layout = printed_form("sipas", ["00000001"], KEY)
    path = tmp_path_factory.mktemp("sipas") / "sipas.pdf"
    path.write_bytes(pdf)
    return path, layout


@pytest.mark.parametrize("feed, seed, page", [
    # Turned a quarter, 2.8 degrees askew, one corner mark covered; page 2 over the top of
    # page 1, both codes in view.
    (Feed(dpi=150, quarter=90, skew=2.76, scale=0.990, shift=(5.2, 0.66), margin=7.7,
          background=235, missing_mark=1, bad="overlap", show_through=0.1, container="png",
          noise=1.06, white=210, quality=93), 62, 1),
    # Upright on a black bed, a JPEG; page 1 over the top of page 2.
    (Feed(dpi=300, skew=0.84, scale=1.028, shift=(0.46, 3.74), background=40, bad="overlap",
          container="jpg", noise=0.44, black=55, white=243, light=0.1, quality=62), 70, 2),
])
def test_a_page_under_another_sheet_is_read_by_its_own_code(sipas_pdf, feed, seed, page):
    path, layout = sipas_pdf
    sample = next(s for s in generate(Path(path), layout, ["00000001"], seed, feed=feed)
                  if s.page == page)
    result = read_page(next(iter_pages(sample.data)).image, KEY, lambda p: layout)
    assert result.status == "read", (result.reason, result.detail)
    assert result.payload.page == page  # before: read under the other page's code
    assert set(result.answers) == set(sample.truth)
    for code, truth in sample.truth.items():
        assert agrees(result.answers[code], truth), (code, truth, result.answers[code])
    assert sum(a.status == "ok" for a in result.answers.values()) >= len(sample.truth) // 2


def test_in_view_is_the_share_of_the_page_inside_the_scan():
    size = (595.0, 842.0)
    at_scale = np.diag([2.0, 2.0, 1.0])  # 144 dpi, the page's corner at the scan's
    assert in_view(at_scale, size, (1684, 1190)) == 1.0
    shifted = at_scale.copy()
    shifted[0, 2] = 0.75 * 1190  # three quarters of the page's width beyond the right edge
    assert in_view(shifted, size, (1684, 1190)) == 0.25
    assert in_view(at_scale, size, (842, 1190)) == 0.5
