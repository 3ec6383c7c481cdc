"""A scanner's streak on a DITHERED one-bit page (the scanner keeps grey as a scatter of dots):
the streak's band of darkened columns turns into a band of denser dots down the whole scan.
After the reader's 3x3 blur it is a grey line like a grey scan's streak, and ``streaks.find``
tells it as surely (on the tuning sets: every dithered streak page that darkens the paper
found, no dithered page without a streak found), but it was left unmended there. p96 sheet 35
(150 dpi, every rating row ringed, the streak down the "Không áp dụng" column): 10 answers
went to a person ("missed box", "stray stroke", "light") that a person reads at once, looking
past the line. Drawn on the page rendered from the printed PDF, the rings the paper generator's
own (``hands.ring_box``), the streak as ``paperscan.scanner.scan`` makes it (a band of columns
0.1-0.35 mm wide down the whole scan, darkened to 0.3-0.7 of itself), then dithered by Pillow's
Floyd-Steinberg as the generator's dithering scanner does."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from fieldwork.omr import streaks

from .paperscan import hands
from .test_drawn_marks import F, _answered, _blend, _boxes, _read
from .test_others14_two_rings import _square

ROWS = ["access_1", "access_2", "access_3", "procedure_1", "procedure_2", "procedure_3",
        "procedure_4", "officials_1", "officials_2", "officials_3", "officials_4"]


def _dither(page: np.ndarray, seed: int) -> np.ndarray:
    """A dithering scanner: the paper a little grey with noise, Floyd-Steinberg to one bit."""
    noisy = page * 0.9 + 12 + np.random.default_rng(seed).normal(0, 5, page.shape)
    grey = np.clip(noisy, 0, 255).astype(np.uint8)
    return np.asarray(Image.fromarray(grey).convert("1").convert("L"))


def _streaked(page: np.ndarray, x: float, factor: float, width: int) -> np.ndarray:
    """``page`` with ``width`` columns from ``x`` (points) darkened to ``factor`` top to bottom."""
    out = page.copy()
    c = int(round(x * F))
    out[:, c:c + width] = (out[:, c:c + width] * factor).astype(np.uint8)
    return out


def _ringed(forms, chosen: dict[str, int], seed: int) -> tuple[np.ndarray, dict]:
    """The SIPAS form's first page, each rating row of ``chosen`` ringed round that box (the
    generator's ring, a 0.45 mm pen at 0.85), the page's other questions answered."""
    pages, layout = forms["sipas"]
    layer = hands.Ink(pages[0].shape, 200, np.random.default_rng(seed))
    pen = hands.Pen(0.45 * hands.MM, 1.0)
    for q, k in chosen.items():
        hands.ring_box(layer, _square(_boxes(layout, 0, q)[k]), pen)
    page = _answered(pages[0], layout, 0, *chosen)
    return _blend(page, layer.layer, 0.85), layout


# (seed, the column the streak runs down, its place in that column's box, factor, pixels)
CASES = [(0, 5, 0.5, 0.5, 2), (1, 5, 0.3, 0.6, 1), (2, 5, 0.7, 0.4, 2), (3, 3, 0.5, 0.5, 2),
         (4, 1, 0.6, 0.6, 1), (5, 4, 0.4, 0.35, 2)]


@pytest.mark.parametrize(("seed", "column", "at", "factor", "width"), CASES)
def test_rating_rows_ringed_are_read_past_a_streak_on_a_dithered_page(forms, seed, column, at,
                                                                    factor, width):
    """p96 sheet 35: every row's streaked box held a line of dots top to bottom, offered beside
    the ringed box ("missed box", "stray stroke") or alone ("light")."""
    rng = np.random.default_rng(seed)
    chosen = {q: int(k) for q, k in zip(ROWS, rng.integers(0, 6, len(ROWS)), strict=True)}
    page, layout = _ringed(forms, chosen, seed)
    b = _boxes(layout, 0, ROWS[0])[column]
    scan = _dither(_streaked(page, b["x"] + at * b["w"], factor, width), seed)
    answers = _read(scan, layout)
    read = {q: (answers[q].status, answers[q].values) for q in ROWS}
    want = {q: ("ok", [_boxes(layout, 0, q)[k]["option"]]) for q, k in chosen.items()}
    assert read == want


def test_a_ring_round_the_streaked_box_is_still_read_on_a_dithered_page(forms):
    """The dangerous neighbour: the streak is taken out, not the ring it runs through."""
    chosen = dict.fromkeys(ROWS, 5)
    page, layout = _ringed(forms, chosen, 7)
    b = _boxes(layout, 0, ROWS[0])[5]
    answers = _read(_dither(_streaked(page, b["x"] + 0.5 * b["w"], 0.5, 2), 7), layout)
    assert {q: (answers[q].status, answers[q].values) for q in ROWS} == \
        dict.fromkeys(ROWS, ("ok", ["na"]))


def test_a_dithered_page_without_a_streak_has_none_found(forms):
    """Its dots, averaged as the reader averages them, make no straight line."""
    import cv2

    page, _ = _ringed(forms, {q: 2 for q in ROWS}, 8)
    assert streaks.find(cv2.blur(_dither(page, 8), (3, 3))) == []
