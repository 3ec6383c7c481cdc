"""The X measures of a box (``marks.diagonal_ratio``, ``marks.between_ratio``) on boxes of every
size: a box measured at a smaller scale than today's 2 px/pt (6 or 10 px, say) can have no cell
well between its diagonals; the measures then say "no X" (1.0) instead of failing on an empty
set of cells (a ValueError, or a mean of nothing)."""

import math

import cv2
import numpy as np
import pytest

from fieldwork.omr import marks


def _x_in_box(n: int, under_tick: bool = False) -> np.ndarray:
    """A darkness image (0 paper, 255 ink) with an n-px box at (10, 10) crossed corner to
    corner, drawn with OpenCV lines (and a tick in its lower left triangle if asked)."""
    dark = np.zeros((n + 20, n + 20), np.uint8)
    a, b = 10, 10 + n - 1
    width = max(1, n // 10)
    cv2.line(dark, (a, a), (b, b), 255, width)
    cv2.line(dark, (b, a), (a, b), 255, width)
    if under_tick:
        cv2.line(dark, (a + n // 8, a + n // 2), (a + n // 3, b - n // 8), 255, width)
    return dark


@pytest.mark.parametrize("n", range(1, 48))
def test_every_box_size_gives_a_finite_ratio(n):
    dark = _x_in_box(n)
    for measure in (marks.diagonal_ratio, marks.between_ratio):
        r = measure(dark, (10, 10, n, n))
        assert math.isfinite(r) and r > 0


@pytest.mark.parametrize("n", [22, 30, 44])
def test_at_todays_sizes_an_x_still_reads_as_an_x(n):
    """Boxes are about 22 px at 2 px/pt: a lone X is far darker on its diagonals than between
    them, and a tick under the X darkens a triangle between them."""
    lone, ticked = _x_in_box(n), _x_in_box(n, under_tick=True)
    rect = (10, 10, n, n)
    assert marks.diagonal_ratio(lone, rect) > 2
    assert marks.between_ratio(lone, rect) > marks.between_ratio(ticked, rect)
