"""A scanner's streak (a thin line darker than the page down the whole scan, where dust sat on
the glass) is found from the scan and filled in from the pixels either side before reading
(``omr.streaks``). On the paper tuning sets it sent answers a person reads at once to a person:
a dash or a tick beside a rating box the streak runs through ("stray stroke": p65 sheet 230,
p51 sheet 149), a tick beside a box with the streak light through another ("light"), pencil
rubbed out beside the new mark with the streak through a third box ("second mark": p65 sheets
258 and 270). Drawn on the page rendered from the printed PDF, placed from the printed layout,
the streak made as the paper generator makes it (``paperscan.scanner.scan``: one band of
columns 0.1-0.35 mm wide down the whole scan, darkened to 0.3-0.7 of itself)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from fieldwork.omr import streaks

from .test_drawn_marks import PEN, F, _answered, _blend, _boxes, _fill, _px, _read


def _streak(image: np.ndarray, x: float, factor: float = 0.6, width: int = 2) -> np.ndarray:
    """``image`` with the columns from ``x`` (points), ``width`` pixels, darkened to ``factor``
    of themselves from top to bottom."""
    out = image.copy()
    c = int(round(x * F))
    out[:, c:c + width] = (out[:, c:c + width] * factor).astype(np.uint8)
    return out


def _stroke(ink: np.ndarray, *pts) -> None:
    cv2.polylines(ink, [_px(*pts)], False, 255, PEN, cv2.LINE_AA)


def _dash_left_of(ink: np.ndarray, b: dict) -> None:
    s = b["w"]
    _stroke(ink, (b["x"] - 1.6 * s, b["y"] + 0.5 * s), (b["x"] - 0.45 * s, b["y"] + 0.55 * s))


def _tick_left_of(ink: np.ndarray, b: dict) -> None:
    s, x = b["w"], b["x"] - 0.35 * b["w"]
    _stroke(ink, (x - 0.9 * s, b["y"] + 0.5 * s), (x - 0.6 * s, b["y"] + 0.9 * s),
            (x - 0.05 * s, b["y"] + 0.05 * s))


@pytest.mark.parametrize("mark", [_dash_left_of, _tick_left_of])
@pytest.mark.parametrize(("factor", "width"), [(0.6, 2), (0.7, 1), (0.4, 3)])
def test_a_mark_beside_a_rating_box_is_read_with_a_streak_through_that_box(forms, mark, factor,
                                                                          width):
    """p65 sheet 230, p51 sheet 149: the streak through the box marked beside made it a light
    stroke there, the question a "stray stroke" for a person."""
    pages, layout = forms["sipas"]
    boxes = _boxes(layout, 0, "access_2")
    ink = np.zeros_like(pages[0])
    mark(ink, boxes[0])
    page = _blend(_answered(pages[0], layout, 0, "access_2"), ink, 0.85)
    a = _read(_streak(page, boxes[0]["x"] + 0.5 * boxes[0]["w"], factor, width), layout)
    assert (a["access_2"].status, a["access_2"].values) == ("ok", [boxes[0]["option"]]), a


@pytest.mark.parametrize("factor", [0.7, 0.6])
def test_a_tick_beside_a_box_is_read_with_a_light_streak_through_another(forms, factor):
    """p65 sheet 230: a light streak through box 1 of rating rows ticked beside box 4 offered
    box 1 as well ("light")."""
    pages, layout = forms["sipas"]
    boxes = _boxes(layout, 0, "access_2")
    ink = np.zeros_like(pages[0])
    _tick_left_of(ink, boxes[3])
    page = _blend(_answered(pages[0], layout, 0, "access_2"), ink, 0.85)
    a = _read(_streak(page, boxes[0]["x"] + 0.4 * boxes[0]["w"], factor, 1), layout)
    assert (a["access_2"].status, a["access_2"].values) == ("ok", [boxes[3]["option"]]), a


def test_pencil_rubbed_out_is_read_past_a_streak_through_a_third_box(forms):
    """p65 sheets 258 and 270: a pencil mark, a rubbed-out fill far lighter beside it, and the
    streak through a third box of the row (its thin line as dark as the pencil) went to a
    person as a "second mark"."""
    pages, layout = forms["sipas"]
    boxes = _boxes(layout, 0, "officials_2")
    mark, smear = np.zeros_like(pages[0]), np.zeros_like(pages[0])
    _fill(mark, boxes[0])
    _fill(smear, boxes[3])
    page = _blend(_blend(_answered(pages[0], layout, 0, "officials_2", opacity=0.35), mark,
                         0.35), smear, 0.09)
    a = _read(_streak(page, boxes[2]["x"] + 0.5 * boxes[2]["w"], 0.5, 2), layout)
    assert (a["officials_2"].status, a["officials_2"].values) == ("ok", [boxes[0]["option"]]), \
        a["officials_2"]


def test_a_light_tick_inside_a_box_with_a_streak_through_it_is_still_read(forms):
    """The dangerous neighbour: the streak is taken out, not the mark it crosses."""
    pages, layout = forms["sipas"]
    boxes = _boxes(layout, 0, "access_2")
    b, s = boxes[2], boxes[2]["w"]
    ink = np.zeros_like(pages[0])
    _stroke(ink, (b["x"] + 0.15 * s, b["y"] + 0.5 * s), (b["x"] + 0.4 * s, b["y"] + 0.85 * s),
            (b["x"] + 0.9 * s, b["y"] + 0.1 * s))
    page = _blend(_answered(pages[0], layout, 0, "access_2"), ink, 0.6)
    a = _read(_streak(page, b["x"] + 0.5 * s, 0.6, 2), layout)["access_2"]
    assert (a.status, a.values) == ("ok", [b["option"]]), a


def test_a_hand_drawn_line_down_a_column_of_boxes_is_no_streak(forms):
    """The dangerous neighbour: a pen's line through the boxes of several rows, long but not
    the scan's whole length, stays ink a person looks at."""
    pages, layout = forms["sipas"]
    boxes = _boxes(layout, 0, "access_2")
    b = boxes[2]
    x = b["x"] + 0.5 * b["w"]
    ink = np.zeros_like(pages[0])
    _stroke(ink, (x, b["y"] - 6 * b["w"]), (x + 1, b["y"] + 12 * b["w"]))
    page = _blend(_answered(pages[0], layout, 0, "access_2"), ink, 0.6)
    assert not streaks.find(page)
    a = _read(page, layout)["access_2"]
    assert a.status != "ok" or a.values == [], a


def _paper(h: int = 1200, w: int = 850, seed: int = 0) -> np.ndarray:
    """A grey page of noise with a printed text block inside its margins."""
    rng = np.random.default_rng(seed)
    page = np.clip(rng.normal(215, 6, (h, w)), 0, 255).astype(np.uint8)
    page[150:1050:40, 100:750] = 40  # lines of text, never into the margins
    page[300:900, 400:402] = 30  # a printed vertical rule
    return page


def test_find_a_streak_of_columns_and_one_of_rows():
    page = _paper()
    page[:, 500:502] = (page[:, 500:502] * 0.6).astype(np.uint8)
    page[700:701, :] = (page[700:701, :] * 0.7).astype(np.uint8)
    assert streaks.find(page) == [(0, 500, 502), (1, 700, 701)]


def test_print_noise_and_wide_bands_are_no_streaks():
    page = _paper()
    assert streaks.find(page) == []
    page[:, 300:330] = (page[:, 300:330] * 0.6).astype(np.uint8)  # 10 mm wide: a shadow
    assert streaks.find(page) == []


def test_mend_fills_the_streak_in_and_leaves_a_page_without_one_alone():
    page = _paper(seed=1)
    assert streaks.mend(page) is page
    streaked = page.copy()
    streaked[:, 500:502] = (streaked[:, 500:502] * 0.5).astype(np.uint8)
    mended = streaks.mend(streaked)
    assert mended is not streaked and streaked[0, 500] < 0.6 * page[0, 500]
    assert np.abs(mended[:, 498:505].astype(int) - page[:, 498:505]).mean() < 8


def test_find_takes_a_2d_array_only():
    with pytest.raises(ValueError):
        streaks.find(np.zeros((10, 10, 3), np.uint8))
