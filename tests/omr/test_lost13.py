"""A page placed further off its printed boxes than the reader looks for them.

Another sheet lying over one side of the page (``paperscan``'s overlap) covers this page's own
corner marks there and shows its own near the same spot. Placed by those, the page is
stretched: the boxes on that side sit 3-8 points off their outlines, beyond the few points
``marks.measure`` searches. They were not counted as "measured off" (no clear outline was
found near them, so they looked like boxes without print), the placing was taken, and rings
round them were read blank: a silent error, and a flag on most other questions. Boxes faint
and empty where they are measured, with as clear an outline as the page's printed boxes a few
points away, now count as off: the page is placed again without the other sheet's marks (where no
placing puts them on their outlines, the first that puts the other boxes on theirs is taken)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from fieldwork.omr.load import iter_pages
from fieldwork.omr.marks import integral, outlines
from fieldwork.omr.read import _lost, read_page

from .generator import agrees
from .paperscan import generate
from .paperscan.scanner import Feed
from .test_misfiled12 import sipas_pdf  # noqa: F401  (the printed sipas form, a fixture)

KEY = b"test-key"


def test_a_page_stretched_by_another_sheets_marks_is_placed_again(sipas_pdf):  # noqa: F811
    # One-bit at 300 dpi, page 2 laid over the left side of page 1; page 1's answers are rings
    # round the boxes of its rating rows.
    feed = Feed(dpi=300, skew=0.435, scale=0.9958, shift=(3.75, -0.89), background=235,
                bad="overlap", mode="bilevel", noise=5.22, black=9, white=218,
                container="tiff", quality=49)
    path, layout = sipas_pdf
    sample = next(s for s in generate(Path(path), layout, ["00000001"], 46, feed=feed)
                  if s.page == 1)
    result = read_page(next(iter_pages(sample.data)).image, KEY, lambda p: layout)
    assert result.status == "read", (result.reason, result.detail)
    assert result.payload.page == 1
    for code, truth in sample.truth.items():
        # before: procedure_4's ring round its first box read blank, 8 questions "missed box"
        assert agrees(result.answers[code], truth), (code, truth, result.answers[code])
    right = sum(result.answers[c].status == t["status"] and result.answers[c].values ==
                t["values"] for c, t in sample.truth.items())
    assert right >= len(sample.truth) - 2  # before: 4 of 12


def _measures(printed_at: float, along: float, n: int = 12) -> tuple[np.ndarray, SimpleNamespace]:
    """A dark-ink image (255 = printed black, 2 pixels a point) of a row of ``n`` empty
    12-point boxes printed ``printed_at`` pixels right of where the layout puts them, and
    measures of it: the first half measured where their neighbours' outlines were found,
    ``along`` pixels right of the layout (faint there: outline strength 0.05), the rest on
    their outlines (0.4)."""
    dark = np.zeros((120, 60 * n + 60), np.uint8)
    rects, offsets = [], []
    for k in range(n):
        x, y = 40 + 60 * k, 40
        shift = printed_at if k < n // 2 else 0
        px = x + int(round(shift))
        dark[y:y + 24, px:px + 2] = dark[y:y + 24, px + 22:px + 24] = 255
        dark[y:y + 2, px:px + 24] = dark[y + 22:y + 24, px:px + 24] = 255
        moved = along if k < n // 2 else 0.0
        rects.append((x + moved, y, 24, 24))
        offsets.append((moved, 0.0))
    m = SimpleNamespace(outline=np.r_[np.full(n // 2, 0.05), np.full(n - n // 2, 0.4)],
                        fill=np.zeros(n), rects=np.array(rects, float),
                        offsets=np.array(offsets), integral=integral(dark))
    return dark, m


@pytest.mark.parametrize("printed_at, along, lost", [
    (14, 5, True),  # the page stretched: found 5 px off by their neighbours, 9 px more
    (-14, -5, True),  # ... the other way
    (14, 0, False),  # placed right, a print a few points away (another sheet's beside it)
    (14, -5, False),  # the print found the other way from where the neighbours were
    (5, 5, False),  # within the search: measured on its outline, not lost
])
def test_boxes_faint_where_measured_and_clear_a_few_points_on_are_lost(printed_at, along,
                                                                       lost):
    dark, m = _measures(printed_at, along)
    got = _lost(dark, m, 2.0)
    assert got[:6].all() == lost and not got[6:].any()


def test_an_empty_box_with_nothing_printed_near_is_not_lost():
    # Under another sheet or a finger: hidden, not placed wrongly.
    dark, m = _measures(14, 5)
    dark[:, :400] = 0
    m.integral = integral(dark)
    assert not _lost(dark, m, 2.0).any()
    _, strength = outlines(m.integral, m.rects[:6], 2.0, 8.0)
    assert (strength < 0.1).all()
