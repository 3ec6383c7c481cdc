"""A pencil lighter than a one-bit scanner's threshold leaves a trace: its darkest grains come
out as black specks inside the box it filled, while the other boxes of the row stay clean
(``traces``). Such a page (most questions read blank) went to a person whole as "empty page";
the one box of a single choice with a clear trace is now read. Drawn on the printed sipas
page rendered at 200 and 300 dpi, pencil fills (the paper generator's grainy pencil, at an
opacity under the threshold) and a threshold at one level. The neighbours stay with a
person: a question with two traces (a rubbed-out answer, two marks), a question whose boxes
a scanner's broken streak crosses, and a question left blank."""

from __future__ import annotations

import numpy as np
import pytest

from fieldwork.omr import traces
from fieldwork.omr.read import read_page

from .paperscan import hands
from .paperscan.hands import Square
from .sipas_rows import sipas_page1

KEY = b"test-key"
LEVEL = 150  # the scanner's one threshold (of 255)
OPACITY = 0.42  # pencil: only its darkest grains (grain 0.98-1 of it) pass the threshold


@pytest.fixture(scope="module", params=[200, 300])
def page1(request):
    """Sipas page 1 printed and rendered (grey) at 200 or 300 dpi, its layout and rating rows."""
    return sipas_page1(request.param)


def _pencil(ink: hands.Ink, b: dict, opacity: float) -> None:
    """The generator's pencil fill over box ``b``, lighter than the threshold but for grains."""
    p = hands.Pen(0.6 * hands.MM, opacity, True)
    hands.fill(ink, Square(b["x"] + b["w"] / 2, b["y"] + b["h"] / 2, b["w"]), p)


def _scan(page: np.ndarray, ink: hands.Ink) -> np.ndarray:
    grey = page.astype(np.float32) * (1 - ink.layer / 255.0)
    return np.where(grey < LEVEL, 0, 255).astype(np.uint8)


def _read(img, layout, rows):
    answers = read_page(img, KEY, lambda p: layout).answers
    return answers, {q: (answers[q].status, answers[q].values, answers[q].note) for q in rows}


@pytest.mark.parametrize("seed", [0, 1])
def test_pencil_lost_to_the_threshold_is_read_from_its_trace(page1, seed):
    page, dpi, layout, groups, rows = page1
    rng = np.random.default_rng(seed)
    ink = hands.Ink(page.shape, dpi, rng)
    chosen = {}
    for q in rows:
        b = groups[q][int(rng.integers(0, 6))]
        chosen[q] = b["option"]
        _pencil(ink, b, OPACITY)
    img = _scan(page, ink)
    answers, read = _read(img, layout, rows)
    # the page is one of blanks on a thresholded scan: every question without a trace is
    # still doubted "empty page"; never a wrong answer
    assert all(a.status in ("ok", "doubtful") for a in answers.values())
    assert all(s == "doubtful" and n == "empty page" or (s, v) == ("ok", [chosen[q]])
               for q, (s, v, n) in read.items()), read
    assert sum(v == [chosen[q]] for q, (s, v, n) in read.items()) >= len(rows) - 3, read
    assert all(n == "pencil trace" for s, v, n in read.values() if s == "ok")


def test_two_traces_a_streak_and_a_blank_row_stay_with_a_person(page1):
    page, dpi, layout, groups, rows = page1
    rng = np.random.default_rng(7)
    ink = hands.Ink(page.shape, dpi, rng)
    rating = [q for q in rows if q != "field"]
    two, streaked, blank = rating[0], rating[1:4], rating[4]
    _pencil(ink, groups[two][1], OPACITY)
    _pencil(ink, groups[two][4], OPACITY)  # a second answer (or a rubbed-out one)
    for q in rating[5:] + streaked:
        _pencil(ink, groups[q][0], OPACITY)
    img = _scan(page, ink)
    # a scanner's streak down the fourth column, broken into dots (as a thresholded one can
    # come out; too sparse for ``streaks.mend``): specks in that box of every row, the blank
    # row's only ones
    f = dpi / 72
    x = int(round((groups[rating[0]][3]["x"] + 4.0) * f))
    img[::7, x] = 0
    answers, read = _read(img, layout, rows)
    assert read[two][:2] == ("doubtful", []) and read[blank][:2] == ("doubtful", []), read
    assert all(read[q][:2] == ("doubtful", []) for q in streaked + rating[5:]), read


def test_specks_in_one_column_are_a_streak():
    patch = np.zeros((60, 60), np.uint8)
    s = 60 / (11.34 + 2 * traces.MARGIN_PT)
    x0, x1 = int(round(traces.MARGIN_PT * s)), int(round((traces.MARGIN_PT + 11.34) * s))
    patch[x0:x1, x0:x0 + 2] = patch[x0:x1, x1 - 2:x1] = 1  # the outline
    patch[x0:x0 + 2, x0:x1] = patch[x1 - 2:x1, x0:x1] = 1
    grains = patch.copy()
    grains[[25, 31, 36], [22, 34, 27]] = 1
    specks, margin, streak, parts, spread, _ = traces.box_specks(grains, 11.34, 11.34, s)
    assert (specks, margin, streak, parts) == (3, 0, False, 3) and spread >= 25
    line = patch.copy()
    line[::2, 30] = 1
    specks, margin, streak, parts, spread, _ = traces.box_specks(line, 11.34, 11.34, s)
    assert streak and margin > 0
    found = np.array([[3, 0, 0, 3, 29], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]])
    assert traces.traced(found, s) == 0
    assert traces.traced(np.array([[3, 0, 0, 3, 29], [2, 0, 0, 2, 9], [0, 0, 0, 0, 0]]), s) is None
    assert traces.traced(np.array([[3, 0, 0, 3, 29], [0, 0, 1, 0, 0], [0, 0, 0, 0, 0]]), s) is None
    assert traces.traced(np.array([[1, 0, 0, 1, 0], [0, 0, 0, 0, 0]]), s) is None
