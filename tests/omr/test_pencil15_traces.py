"""Pencil on a one-bit page thresholded at one level, beyond the "empty page": a pencil fill
lighter than the threshold leaves only its darkest grains (``traces``). On a page whose other
answers are read (pen, or a darker pencil), a row holding a few such grains in one box went
to a person as a "light" mark; now the one box of the question holding a clear trace is read
(the page's blanks stay doubted: this pencil sits at the threshold). On a page whose pencil is
lost (most questions blank, or a light mark), a question read from one mark whose other box
holds a clear trace where the reader saw no ink (a second answer, in pencil, lost) was read as
the one mark, silently; it now goes to a person. Drawn on the printed sipas page rendered at
200 and 300 dpi: the paper generator's pen and pencil (``hands.fill``; the pencil at an
opacity under the threshold, a few of its grains past it) and one threshold. The neighbours
stay as they were: a pen fill alone stays read, and so does a pen fill beside a speck of dust
in another box, and two traces in a row stay with a person."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from fieldwork.omr.read import read_page

from .paperscan import hands
from .paperscan.hands import Square
from .test_traces14_pencil import KEY, LEVEL, OPACITY, _read, page1  # noqa: F401  (a fixture)


def _fill(ink: hands.Ink, b: dict, pen: hands.Pen) -> None:
    hands.fill(ink, Square(b["x"] + b["w"] / 2, b["y"] + b["h"] / 2, b["w"]), pen)


def _scan(page: np.ndarray, ink: hands.Ink, dust: list[tuple[int, int]] = ()) -> np.ndarray:
    grey = page.astype(np.float32) * (1 - ink.layer / 255.0)
    for x, y in dust:  # a blot on the glass, a pixel or two across
        cv2.circle(grey, (x, y), 1, 30, -1)
    return np.where(grey < LEVEL, 0, 255).astype(np.uint8)


PEN = hands.Pen(0.5 * hands.MM, 0.9)
PENCIL = hands.Pen(0.6 * hands.MM, OPACITY, True)


def _grains(ink: hands.Ink, b: dict, n: int) -> None:
    """A pencil fill under the threshold with ``n`` of its grains past it, inside box ``b``."""
    _fill(ink, b, PENCIL)
    rng, f = ink.rng, ink.f
    xs = ((b["x"] + b["w"] * rng.uniform(0.2, 0.8, n)) * f).astype(int)
    ys = ((b["y"] + b["h"] * rng.uniform(0.2, 0.8, n)) * f).astype(int)
    ink.layer[ys, xs] = 255


@pytest.mark.parametrize("seed", [0, 1])
def test_a_light_pencil_trace_on_a_page_read_in_pen_is_read(page1, seed):  # noqa: F811
    page, dpi, layout, groups, rows = page1
    rng = np.random.default_rng(seed)
    ink = hands.Ink(page.shape, dpi, rng)
    lost, blank, pen, two = rows[2:5], rows[7:9], rows[:2] + rows[5:7] + rows[10:], rows[9]
    chosen = {q: groups[q][int(rng.integers(0, 6))]["option"] for q in lost + pen}
    for q in pen:
        _fill(ink, next(b for b in groups[q] if b["option"] == chosen[q]), PEN)
    for n, q in enumerate(lost):  # the same respondent's pencil: 3 to 5 grains left
        _grains(ink, next(b for b in groups[q] if b["option"] == chosen[q]), 3 + n)
    _grains(ink, groups[two][1], 4)
    _grains(ink, groups[two][3], 4)
    answers, read = _read(_scan(page, ink), layout, rows)
    # before: each pencil row went to a person as "light"
    assert all(read[q] == ("ok", [chosen[q]], "pencil trace") for q in lost), read
    assert read[two][0] == "doubtful", read[two]
    # the page's pencil sits at the threshold: its blanks may be pencil lost whole
    assert all(read[q] == ("doubtful", [], "pencil lost") for q in blank), read
    assert all(read[q][:2] == ("ok", [chosen[q]]) for q in pen), read


def test_a_second_answer_lost_to_the_threshold_goes_to_a_person(page1):  # noqa: F811
    page, dpi, layout, groups, rows = page1
    rng = np.random.default_rng(4)
    ink = hands.Ink(page.shape, dpi, rng)
    double, alone, dusty, rest = rows[0], rows[1], rows[2], rows[3:]
    for q in rest:  # a respondent whose pencil the threshold lost: a page of blanks
        _fill(ink, groups[q][int(rng.integers(0, 6))], PENCIL)
    _fill(ink, groups[double][1], PEN)  # one answer in pen ...
    _fill(ink, groups[double][4], PENCIL)  # ... and a second one in that pencil
    _fill(ink, groups[alone][3], PEN)
    _fill(ink, groups[dusty][0], PEN)
    f = dpi / 72
    b = groups[dusty][3]
    dot = (int((b["x"] + 0.5 * b["w"]) * f), int((b["y"] + 0.4 * b["h"]) * f))
    answers, read = _read(_scan(page, ink, [dot]), layout, rows)
    opts = [b["option"] for b in groups[double]]
    # before: read as the pen's one answer, unflagged
    assert read[double] == ("doubtful", [opts[1], opts[4]], "pencil lost"), read
    assert read[alone] == ("ok", [groups[alone][3]["option"]], ""), read
    assert read[dusty] == ("ok", [groups[dusty][0]["option"]], ""), read
    assert all(read[q][0] in ("ok", "doubtful") for q in rest), read


@pytest.fixture(scope="module")
def danang():
    """Danang page 1 printed and rendered (grey) at 200 dpi, its layout and boxes by question."""
    import pypdfium2 as pdfium

    from .generator import printed as printed_form

    pdf, layout = printed_form("danang-2025", ["00000001"], KEY)
    doc = pdfium.PdfDocument(pdf)
    page = np.asarray(doc[0].render(scale=200 / 72, grayscale=True).to_pil().convert("L"))
    doc.close()
    groups: dict[str, list[dict]] = {}
    for b in layout["pages"][0]["boxes"]:
        groups.setdefault(b["question"], []).append(b)
    return page, layout, groups


@pytest.mark.parametrize("lost", [True, False])
def test_a_multiple_choice_on_a_page_of_lost_pencil_goes_to_a_person(danang, lost):
    """A respondent in pencil lighter than the threshold (nothing left of it) who crossed one
    option of the multiple choice in pen: the page is one of blanks, and the multiple choice
    read as that one option may have lost the others whole (before: read, unflagged). The
    same cross on a page answered in pen (not a page of blanks) stays read."""
    page, layout, groups = danang
    ink = hands.Ink(page.shape, 200, np.random.default_rng(5))
    hand = hands.Pen(0.6 * hands.MM, 0.40, True) if lost else PEN
    for q, k in (("field", 2), ("q01", 0), ("q02", 5)):
        _fill(ink, groups[q][k], hand)
    for b in groups["survey_date"]:  # the date's boxes filled in the same hand (01012025)
        if (b["position"], b["option"]) in ((0, "0"), (1, "1"), (2, "0"), (3, "1"), (4, "2"),
                                            (5, "0"), (6, "2"), (7, "5")):
            _fill(ink, b, hand)
    b = groups["q02"][1]
    hands.cross(ink, Square(b["x"] + b["w"] / 2, b["y"] + b["h"] / 2, b["w"]), PEN)
    answers = read_page(_scan(page, ink), KEY, lambda p: layout).answers
    q02 = answers["q02"]
    if lost:
        assert (q02.status, q02.note) == ("doubtful", "empty page"), q02
        assert b["option"] in q02.values
    else:
        assert (q02.status, sorted(q02.values)) == \
            ("ok", sorted([b["option"], groups["q02"][5]["option"]])), q02
