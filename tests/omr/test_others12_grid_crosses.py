"""Digits crossed in a tight grid, the cross's arms past the corners of the boxes above and
below: one digit a column, no ring over a mark.

``grids._arc_of_ring`` doubts a light mark read beside a box with ink past its sides and
corners (a ring drawn round that box, its arc in the box read). It counted the zones as
measured, where a tight grid's own print (the next box's outline, the next column's) lies in
every box's side zones; a cross's arms past the two corners facing it made the box above or
below a "ring". Paper tuning seeds 65 (sheets 27 and 236) and 51 (sheets 42 and 175) sent
crossed numbers to a person as "digit ring over mark". Drawn by the paper generator
(``paperscan``: every respondent crossing, the Da Nang form printed, scanned at 200-300
dpi), where it does this: the numbers are read; no grid is ever read wrong.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldwork.omr.load import iter_pages
from fieldwork.omr.read import read_page

from .generator import agrees, printed
from .paperscan import generate, hands

KEY = b"test-key"
SERIALS = ["00000001", "00000002"]


@pytest.fixture(scope="module")
def danang_pdf(tmp_path_factory):
    """Two printed Da Nang sheets as a PDF file, and the layout."""
    pdf, layout = printed("danang-2025", SERIALS, KEY)
    path = tmp_path_factory.mktemp("crosses") / "danang.pdf"
    path.write_bytes(pdf)
    return path, layout


@pytest.mark.parametrize(("seed", "serial", "question"), [(9, "00000002", "phone"),
                                                          (10, "00000001", "citizen_id")])
def test_crossed_digits_are_read_past_the_grids_print(danang_pdf, monkeypatch, seed, serial,
                                                      question):
    path, layout = danang_pdf
    monkeypatch.setattr(hands, "HABITS", {"cross": 1.0})
    for s in generate(Path(path), layout, SERIALS, seed, dpis=(300, 200)):
        r = read_page(next(iter_pages(s.data)).image, KEY, lambda p: layout)
        assert r.status == "read", (r.reason, r.detail)
        for code, truth in s.truth.items():
            assert agrees(r.answers.get(code), truth), (code, truth, r.answers.get(code))
        if s.serial == serial:
            a, truth = r.answers[question], s.truth[question]
            assert (a.status, a.values) == ("ok", truth["values"]), a
