"""Pencil on one-bit pages thresholded at one level, after pencil15 (``traces``, ``read._traced``).

A scanner's streak runs down the scan's own columns, up to a third of a millimetre wide
(``paperscan.scanner``); near the threshold it comes out as dots. On a page turned a degree or
more those dots drift across the upright box, a pixel or two apart, so no one pixel column of
the box holds half of them (the streak test): on a page of blanks (pencil lost whole) the box
they cross was read as that row's answer, "pencil trace". On such a page a trace of three
specks or more, or one with ink round its box, now spreads both ways a tenth of the box (as
a fill's grains do) or stays with a person. Drawn on the printed sipas page rendered
at 300 dpi, the paper generator's pencil lighter than the threshold (``hands.fill``), the page
laid skewed on the scanner (``scanner.scan``), a streak down the scan and one threshold.

A digit grid doubted with no digit read counts as blank when deciding whether a one-bit page
is one of blanks (pencil lost whole): below."""

from __future__ import annotations

import numpy as np
import pytest

from .paperscan import hands, scanner
from .paperscan.hands import Square
from .sipas_rows import sipas_page1
from .test_traces14_pencil import LEVEL, _read

LOST = hands.Pen(0.6 * hands.MM, 0.30, True)  # no grain of it passes the threshold


def _fill(ink: hands.Ink, b: dict, pen: hands.Pen) -> None:
    hands.fill(ink, Square(b["x"] + b["w"] / 2, b["y"] + b["h"] / 2, b["w"]), pen)


def _skewed(page: np.ndarray, ink: hands.Ink, dpi: int, skew: float, rng) -> tuple:
    """The inked page laid on the scanner turned ``skew`` degrees, grey, and the transform of
    page pixels to the scan's."""
    import cv2

    grey = page.astype(np.float32) * (1 - ink.layer / 255.0)
    f = scanner.Feed(dpi=dpi, skew=skew, margin=0.0, background=245, noise=0.0, white=250,
                     black=0, mode="grey")
    img = scanner.scan(grey.astype(np.uint8), None, None, [], f, rng).astype(np.float32)
    h, w = page.shape
    return img, cv2.getRotationMatrix2D((w / 2, h / 2), -skew, 1.0)


@pytest.fixture(scope="module")
def page300():
    """Sipas page 1 printed and rendered (grey) at 300 dpi, its layout and rating rows."""
    return sipas_page1(300)


@pytest.mark.parametrize("column,skew,width", [
    (1, 2.5, 0.25), (3, -2.0, 0.3), (0, -3.0, 0.35),
    # two dots inside one box and none round it: they lie as two grains of a pencil may, and
    # asking every such trace on a page of blanks to spread both ways a tenth would lose 11 of
    # q46's 118 right reads on such pages: left
    pytest.param(4, 1.5, 0.2, marks=pytest.mark.xfail(strict=True, reason="two dots"))])
def test_a_streak_on_a_skewed_page_of_blanks_is_no_trace(page300, column, skew, width):
    page, dpi, layout, groups, rows = page300
    rng = np.random.default_rng(column)
    ink = hands.Ink(page.shape, dpi, rng)
    for q in rows:  # a respondent whose pencil the threshold lost whole: a page of blanks
        _fill(ink, groups[q][int(rng.integers(0, 6))], LOST)
    img, m = _skewed(page, ink, dpi, skew, rng)
    f = dpi / 72
    b = groups[rows[len(rows) // 2]][column]
    x = int(round(float((m @ ((b["x"] + 0.5 * b["w"]) * f, (b["y"] + 0.5 * b["h"]) * f, 1))[0])))
    img[:, x:x + max(1, int(round(width * dpi / 25.4)))] *= 0.645  # a streak down the scan
    img += rng.normal(0, 5, img.shape).astype(np.float32)  # ... at the threshold: dots
    answers, read = _read(np.where(img < LEVEL, 0, 255).astype(np.uint8), layout, rows)
    # before: rows the dots crossed were read as the box they crossed, "pencil trace"
    assert all(read[q][:3] == ("doubtful", [], "empty page") for q in rows), \
        {q: r for q, r in read.items() if r[:3] != ("doubtful", [], "empty page")}


@pytest.fixture(scope="module")
def danang150():
    """Danang page 1 printed and rendered (grey) at 150 dpi, its layout and boxes by question."""
    import pypdfium2 as pdfium

    from .generator import printed as printed_form
    from .test_traces14_pencil import KEY

    pdf, layout = printed_form("danang-2025", ["00000001"], KEY)
    doc = pdfium.PdfDocument(pdf)
    page = np.asarray(doc[0].render(scale=150 / 72, grayscale=True).to_pil().convert("L"))
    doc.close()
    groups: dict[str, list[dict]] = {}
    for b in layout["pages"][0]["boxes"]:
        groups.setdefault(b["question"], []).append(b)
    return page, layout, groups


@pytest.mark.parametrize("opacity,seed", [(0.41, 2), (0.42, 0), (0.42, 4), (0.425, 1)])
def test_digit_grids_doubted_with_no_digit_count_as_blank(danang150, opacity, seed):
    """A respondent in pencil at the threshold (the digit grids' fills leave only ink near
    their boxes: doubted, no digit read; the singles' and a multiple choice's pencil lost
    whole) who answered the field in pen and crossed one option of the multiple choice in
    pen: with the grids counted as answered the page was not one of blanks, and q01 was read
    blank and the multiple choice as its one pen cross, silently (q46 danang 24, 150 dpi). The
    grids now count as blank, the page is one of blanks, both go to a person; the field read
    in pen stays read."""
    from fieldwork.omr.read import read_page

    from .test_traces14_pencil import KEY

    page, layout, groups = danang150
    rng = np.random.default_rng(seed)
    ink = hands.Ink(page.shape, 150, rng)
    pen = hands.Pen(0.5 * hands.MM, 0.9)
    _fill(ink, groups["field"][2], pen)
    _fill(ink, groups["q01"][0], LOST)
    _fill(ink, groups["q02"][5], LOST)
    b = groups["q02"][1]
    hands.cross(ink, Square(b["x"] + b["w"] / 2, b["y"] + b["h"] / 2, b["w"]), pen)
    grid = hands.Pen(0.6 * hands.MM, opacity, True)
    for q in ("phone", "citizen_id", "survey_date"):
        columns: dict = {}
        for box in groups[q]:
            columns.setdefault(box["position"], []).append(box)
        for boxes in columns.values():
            _fill(ink, boxes[int(rng.integers(len(boxes)))], grid)
    grey = page.astype(np.float32) * (1 - ink.layer / 255.0)
    answers = read_page(np.where(grey < LEVEL, 0, 255).astype(np.uint8), KEY,
                        lambda p: layout).answers
    assert all(answers[q].status == "doubtful" and not any(v.isdigit() for v in answers[q].values)
               for q in ("phone", "citizen_id")), answers  # the case drawn
    # before: q02 read as its one pen cross (["reason_b"], "ok"), and at 0.41-0.42 q01 read
    # blank, unflagged (at 0.425 the grids' pencil is light: q01 was doubted "pencil lost")
    assert (answers["q01"].status, answers["q01"].values) == ("doubtful", []), answers["q01"]
    assert (answers["q02"].status, answers["q02"].note) == ("doubtful", "empty page"), \
        answers["q02"]
    assert answers["field"].status == "ok" and answers["field"].values == [b0["option"] for b0 in
                                                                            groups["field"][2:3]]


def _grains(ink: hands.Ink, b: dict, n: int) -> None:
    """A pencil fill under the threshold with ``n`` of its grains past it, inside box ``b``."""
    _fill(ink, b, hands.Pen(0.6 * hands.MM, 0.42, True))
    f = ink.f
    xs = ((b["x"] + b["w"] * ink.rng.uniform(0.2, 0.8, n)) * f).astype(int)
    ys = ((b["y"] + b["h"] * ink.rng.uniform(0.2, 0.8, n)) * f).astype(int)
    ink.layer[ys, xs] = 255


@pytest.mark.xfail(strict=True, reason="the lost mark leaves nothing a one-bit scan shows")
@pytest.mark.parametrize("dpi", [150, 300])
def test_a_double_pencil_mark_whose_second_mark_is_lost_goes_to_a_person(dpi):
    """Held-out seed 21's class (and q83 sheet 40): one row marked twice in the same pencil,
    one fill leaving a few grains past the threshold, the other none: read as the one with
    grains ("pencil trace", or the reader's own light mark), silently. Left: the lost fill
    leaves at most its darkening of the outline's grey inner edge; on such drawn pages 20 of
    24 lost boxes at 300 dpi (17 at 150) had a side's inner edge a quarter pixel or more deeper
    than the median of their column, and so had 46 of 120 clean boxes (30 at 150): the print's
    pixel phase differs row by row (and a rubbed-out answer darkens the edge too, traces14)."""
    page, dpi, layout, groups, rows = sipas_page1(dpi)
    rng = np.random.default_rng(dpi)
    ink = hands.Ink(page.shape, dpi, rng)
    doubles = rows[::3]
    for i, q in enumerate(rows):
        a, b = (int(k) for k in rng.choice(6, 2, replace=False))
        _grains(ink, groups[q][a], 4 + i % 3)
        if q in doubles:
            _fill(ink, groups[q][b], hands.Pen(0.6 * hands.MM, 0.40, True))
    answers, read = _read(np.where(page.astype(np.float32) * (1 - ink.layer / 255.0) < LEVEL,
                                   0, 255).astype(np.uint8), layout, rows)
    assert all(read[q][0] == "doubtful" for q in doubles), {q: read[q] for q in doubles}
