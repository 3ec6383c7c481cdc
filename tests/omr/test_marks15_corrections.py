"""Corrections (the printed rule: "cross out the wrongly filled box and mark the new one") on
pages rendered from the printed PDF, drawn with the paper generator's own strokes
(``paperscan.hands``: its fill, cross and tick).

- A respondent who marks with crosses corrected an answer: the wrong box filled and crossed
  out, the new mark small and faint (a short tick lighter than a mark's level, 150 dpi, a
  one-bit threshold). The crossed box was read as this respondent's X ("cross"), silently
  (held-out seed 26: twice on one page). A person sees a correction whose new answer is hard
  to make out: for a person, not the crossed box.
"""

from __future__ import annotations

import numpy as np
import pytest

from fieldwork.omr.read import read_page

from .paperscan import hands
from .paperscan.hands import Square
from .sipas_rows import sipas_page1

KEY = b"test-key"
LEVEL = 150  # a one-bit scanner's one threshold (of 255)


@pytest.fixture(scope="module", params=[150, 200])
def sipas0(request):
    """Sipas page 1 printed and rendered (grey) at 150 or 200 dpi, its layout and rating rows."""
    return sipas_page1(request.param)


def _sq(b: dict) -> Square:
    return Square(b["x"] + b["w"] / 2, b["y"] + b["h"] / 2, b["w"])


def _one_bit(page: np.ndarray, ink: hands.Ink) -> np.ndarray:
    grey = page.astype(np.float32) * (1 - ink.layer / 255.0)
    return np.where(grey < LEVEL, 0, 255).astype(np.uint8)


def _grey(page: np.ndarray, ink: hands.Ink) -> np.ndarray:
    return (page.astype(np.float32) * (1 - ink.layer / 255.0)).astype(np.uint8)


BALL = hands.Pen(0.5 * hands.MM, 0.9)


def _spilled(ink: hands.Ink, b: dict, spill: float, p: hands.Pen) -> None:
    """A back-and-forth fill of box ``b`` overshooting it ``spill`` of a side all round (at
    150 dpi one-bit its ink past the corners counts as an X's arms)."""
    s = b["w"]
    ys = np.arange(-spill, 1 + spill + 1e-9, 0.1)
    ink.stroke([(b["x"] + (-spill if k % 2 == 0 else 1 + spill) * s, b["y"] + y * s)
                for k, y in enumerate(ys)], p)


@pytest.mark.parametrize("scan", [_one_bit, _grey])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_fillers_correction_whose_new_mark_is_faint_is_not_the_crossed_box(sipas0, seed,
                                                                            scan):
    """Held-out seed 26's class: a respondent who fills boxes, the fills spilling past their
    corners, two corrections whose new marks are small and faint. The spilled fills made the
    page a cross-marker's, and both crossed boxes were read as answers ("cross"), silently."""
    page, dpi, layout, groups, rows = sipas0
    rng = np.random.default_rng(seed)
    ink = hands.Ink(page.shape, dpi, rng)
    fixed = {}
    for n, q in enumerate(rows):
        a, b = (int(v) for v in rng.choice(6, size=2, replace=False))
        if n in (1, 5):  # a correction: the wrong box filled and crossed, a faint short tick
            hands.fill(ink, _sq(groups[q][a]), BALL)
            hands.cross(ink, _sq(groups[q][a]), BALL, 0.3)
            sq = _sq(groups[q][b])
            hands.tick(ink, Square(sq.cx, sq.cy, 0.35 * sq.side), hands.Pen(0.2 * hands.MM, 0.45))
            fixed[q] = groups[q][a]["option"]
        else:  # this respondent's way of marking: a fill spilling past the box
            _spilled(ink, groups[q][a], 0.2, hands.Pen(0.6 * hands.MM, 0.9))
    answers = read_page(scan(page, ink), KEY, lambda p: layout).answers
    wrong = {q: answers[q] for q, old in fixed.items()
             if answers[q].status == "ok" and answers[q].values == [old]}
    assert not wrong, wrong


def _row(sipas0, q: str):
    page, dpi, layout, groups, rows = sipas0
    return page, dpi, layout, groups[q]


LIGHT = [hands.Pen(0.3 * hands.MM, 0.5), hands.Pen(0.35 * hands.MM, 0.45)]


@pytest.mark.parametrize("pen", LIGHT)
@pytest.mark.parametrize(("q", "old", "new"), [("access_1", 5, 2), ("procedure_2", 0, 3),
                                               ("officials_3", 4, 1)])
def test_a_light_tick_beside_a_heavy_crossed_fill_is_the_new_answer(sipas0, q, old, new, pen):
    """Fresh paper seed 97, sheet 36: the new answer a light tick in its box (0.098 of black,
    under ``NEW_MARK``) beside a heavy crossed fill went to a person as "cancelled"."""
    page, dpi, layout, row = _row(sipas0, q)
    ink = hands.Ink(page.shape, dpi, np.random.default_rng(old * 7 + new))
    hands.fill(ink, _sq(row[old]), BALL)
    hands.cross(ink, _sq(row[old]), BALL, 0.3)
    sq = _sq(row[new])
    hands.tick(ink, Square(sq.cx, sq.cy, 0.8 * sq.side), pen)
    a = read_page(_grey(page, ink), KEY, lambda p: layout).answers[q]
    assert (a.status, a.values) == ("ok", [row[new]["option"]]), a


ARM_ROWS = [("officials_1", 1, 2), ("access_2", 3, 4), ("procedure_4", 0, 1)]


@pytest.mark.parametrize("pen", [hands.Pen(0.35 * hands.MM, 0.6), hands.Pen(0.3 * hands.MM, 0.9)])
def test_a_tick_whose_arm_ran_on_into_the_crossed_box_is_the_new_answer(sipas0, pen):
    """Fresh paper seed 97, sheet 50: a tick in box 2 whose long arm ran on flat into the
    crossed fill of box 3 went to a person as "cancelled": its ink runs on past its box. Drawn
    with the generator's tick (its size and turn drawn, 4 draws a row): never read as another
    box; read as the tick's box when its V shows in it (a hook cut short, the arm all the box
    holds, stays with a person)."""
    page, dpi, layout, groups, rows = sipas0
    right = 0
    for q, new, old in ARM_ROWS:
        row = groups[q]
        for seed in range(4):
            ink = hands.Ink(page.shape, dpi, np.random.default_rng(seed))
            hands.fill(ink, _sq(row[old]), BALL)
            hands.cross(ink, _sq(row[old]), BALL, 0.3)
            hands.tick(ink, _sq(row[new]), pen, reach=(_sq(row[old]).cx - 0.2 * row[old]["w"],
                                                       _sq(row[old]).cy))
            a = read_page(_grey(page, ink), KEY, lambda p: layout).answers[q]
            assert a.status != "ok" or a.values == [row[new]["option"]], a
            right += a.status == "ok"
    assert right >= 3, right
