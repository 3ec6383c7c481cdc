"""Reading scans of the second family (built from the printed PDF): marks people make outside
the boxes, feeders that cut marks off, damaged sheets. Read, or sent to a person; never wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldwork.omr.load import iter_pages
from fieldwork.omr.read import read_page

from .generator import agrees, printed
from .paperscan import generate, hands
from .paperscan.scanner import Feed

KEY = b"test-key"


@pytest.fixture(scope="module")
def sipas_pdf(tmp_path_factory):
    """Two printed SIPAS sheets as a PDF file, and the layout."""
    pdf, layout = printed("sipas", ["00000001", "00000002"], KEY)
    path = tmp_path_factory.mktemp("paper") / "sipas.pdf"
    path.write_bytes(pdf)
    return path, layout


def _pages(sipas_pdf, monkeypatch, habit: str, feed: Feed, seed: int = 5):
    path, layout = sipas_pdf
    monkeypatch.setattr(hands, "HABITS", {habit: 1.0})
    out = []
    for s in generate(Path(path), layout, ["00000001", "00000002"], seed, feed=feed):
        r = read_page(next(iter_pages(s.data)).image, KEY, lambda p: layout)
        out.append((s, r))
    return out


def _exact_share(pages) -> float:
    n = exact = 0
    for s, r in pages:
        for code, truth in s.truth.items():
            a = r.answers.get(code)
            assert agrees(a, truth), (code, truth, a, s.feed)  # never silently wrong
            n += 1
            exact += a.status == truth["status"] and a.values == truth["values"]
    return exact / n


@pytest.mark.parametrize("habit", ["ring_box", "ring_text", "beside", "tick"])
def test_marks_outside_the_boxes_are_read_or_sent_to_a_person(sipas_pdf, monkeypatch, habit):
    pages = _pages(sipas_pdf, monkeypatch, habit, Feed(dpi=200, container="png"))
    assert all(r.status == "read" for _, r in pages)
    assert _exact_share(pages) >= 0.6  # most are read, not merely flagged


def test_marks_cut_at_the_edge_and_dithered_scans_are_read(sipas_pdf, monkeypatch):
    # The sheet fed 9 mm off and 2 degrees askew, shrunk 3 %: two corner marks are cut.
    feed = Feed(dpi=200, quarter=90, skew=2.0, scale=0.97, shift=(-9.0, -9.0), mode="dither",
                container="tiff")
    pages = _pages(sipas_pdf, monkeypatch, "fill", feed)
    assert [r.status for _, r in pages] == ["read"] * 4
    assert [r.rotation for _, r in pages] == [90] * 4
    assert _exact_share(pages) >= 0.8


@pytest.mark.parametrize("bad", ["two_torn", "finger", "overlap"])
def test_damaged_sheets_are_read_if_certain_else_rejected_with_a_reason(sipas_pdf, monkeypatch,
                                                                        bad):
    for s, r in _pages(sipas_pdf, monkeypatch, "fill", Feed(dpi=150, bad=bad, container="png")):
        if r.status == "rejected":
            assert r.reason in ("no_qr", "not_located") and r.detail
            continue
        for code, truth in s.truth.items():
            assert agrees(r.answers.get(code), truth), (bad, code, truth, r.answers.get(code))
