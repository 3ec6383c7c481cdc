"""A digit column doubted for a light ink in one of its boxes that is the arc of the NEXT
column's ring, found only once that column is judged (p65 sheet 043: the phone's "5" ringed,
the next column's ring round its "7" drawn wide and off to the left, through this column's
"7", doubted as "missed box"). The doubted columns are asked again for the ring drawn round
their box (``grids._rings_found_later``) when the columns after them are judged.

Drawn on the page rendered from the printed PDF (then noise and JPEG): a phone number ringed
digit by digit in a light, thin pen (0.25-0.4 mm at 0.3-0.6 of black), column ``k + 1``'s ring
drawn wide (0.95-1.3 box sides) and up to 1 mm left of its box. Of 200 such numbers, 3 were
doubted on main 08d39ef and are read now, none read wrong that was not before; the other
doubted ones stay doubted."""

from __future__ import annotations

import numpy as np
import pytest

from .test_drawn_marks import _answered, _blend, _boxes, _read
from .test_grids8_rings import _ring
from .test_others13_multiple_arms import _grey


def _number(forms, seed: int):
    """The drawn phone number of ``seed`` and what the reader makes of it."""
    pages, layout = forms["danang-2025"]
    boxes = {(b["position"], b["option"]): b for b in _boxes(layout, 0, "phone")}
    rng = np.random.default_rng(seed)
    number = "0" + "".join(str(d) for d in rng.integers(0, 10, 9))
    k = int(rng.integers(1, 8))
    others = [d for d in range(10) if d != int(number[k])]
    number = number[:k + 1] + str(others[int(rng.integers(len(others)))]) + number[k + 2:]
    ink = np.zeros_like(pages[0])
    width = int(rng.integers(2, 4))
    for pos, digit in enumerate(number):
        b = boxes[(pos, digit)]
        if pos == k + 1:  # wide, off to the left: through column k's box level with it
            _ring(ink, b, rng.uniform(-1.0, -0.3), rng.normal(0, 0.2), rng.uniform(0.95, 1.3),
                  rng.uniform(0.75, 0.95), start=rng.uniform(0, 360),
                  sweep=rng.uniform(335, 370), width=width)
        else:
            _ring(ink, b, rng.normal(0, 0.2), rng.normal(0, 0.2), rng.uniform(0.75, 0.95),
                  rng.uniform(0.75, 0.9), start=rng.uniform(0, 360),
                  sweep=rng.uniform(335, 370), width=width)
    opacity = float(rng.uniform(0.3, 0.6))
    page = _grey(_blend(_answered(pages[0], layout, 0, "phone"), ink, opacity))
    return number, _read(page, layout)["phone"]


@pytest.mark.parametrize("seed", [58, 93, 197])
def test_a_column_crossed_by_the_next_columns_wide_ring_is_read(forms, seed):
    """Doubted ("digit missed box") on 08d39ef."""
    number, a = _number(forms, seed)
    assert (a.status, "".join(a.values)) == ("ok", number), a


@pytest.mark.parametrize("seed", [12, 46, 54])
def test_columns_doubted_for_other_ink_stay_doubted_or_right(forms, seed):
    """The neighbours: numbers of the same drawing doubted before, for a column whose ink is
    not only rings' arcs, are doubted still (or read right)."""
    number, a = _number(forms, seed)
    assert a.status != "ok" or "".join(a.values) == number, a


@pytest.mark.xfail(strict=True, reason="found, not fixed: the column's own light ring, touched "
                   "by the next column's wide ring, is not seen; the arc in the box level "
                   "with that ring is read as the column's digit (on 898e02a and now). A test "
                   "of light ink on a next column's ring's course doubted 6 of 200 numbers "
                   "read right (rings side by side in one row), so not landed")
@pytest.mark.parametrize("seed", [20, 98])
def test_a_wide_ring_over_the_column_before_is_never_its_digit(forms, seed):
    number, a = _number(forms, seed)
    assert a.status != "ok" or "".join(a.values) == number, a
