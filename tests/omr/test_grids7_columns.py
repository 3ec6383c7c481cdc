"""Digit grids (issue 21, sixth session): a plain mark in a column is read even when the marks
around it leave ink in the gaps round one of its clean boxes, and rings round one digit box
are read as that digit; a second mark or ring in the column still goes to a person. Marks are
drawn with OpenCV on the page rendered from the printed PDF, where its layout puts the boxes."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from .test_drawn_marks import PEN, _answered, _blend, _boxes, _px, _read


def _scribble(ink: np.ndarray, b: dict, over: float = 1.0) -> None:
    """A hand fill: back-and-forth strokes over the box, running ``over`` points past it."""
    x, y, s = b["x"], b["y"], b["w"]
    rows = np.arange(y - 0.5 * over, y + s + 0.5 * over, 0.9)
    pts = [(x - over if k % 2 == 0 else x + s + over, v) for k, v in enumerate(rows)]
    cv2.polylines(ink, [_px(*pts)], False, 255, PEN, cv2.LINE_AA)


def _tick(ink: np.ndarray, b: dict, reach: float = 0.5) -> None:
    """A tick whose long arm rises ``reach`` box sides past the box's top right corner."""
    x, y, s = b["x"], b["y"], b["w"]
    pts = [(x + 0.15 * s, y + 0.5 * s), (x + 0.4 * s, y + 0.85 * s),
           (x + (1 + 0.6 * reach) * s, y - reach * s)]
    cv2.polylines(ink, [_px(*pts)], False, 255, PEN, cv2.LINE_AA)


def _phone(layout: dict) -> dict:
    return {(b["position"], b["option"]): b for b in _boxes(layout, 0, "phone")}


def _grid(pages, layout, ink, opacity=0.85):
    return _read(_blend(_answered(pages[0], layout, 0, "phone"), ink, opacity), layout)["phone"]


SPILLED = "0677875562"  # p51 page 41's phone number


def _spilled(forms) -> tuple:
    """The page, layout, phone boxes and ink of ``SPILLED`` scribbled in the phone grid."""
    pages, layout = forms["danang-2025"]
    boxes = _phone(layout)
    ink = np.zeros_like(pages[0])
    for pos, digit in enumerate(SPILLED):
        _scribble(ink, boxes[(pos, digit)])
    return pages, layout, boxes, ink


def test_a_mark_whose_clean_neighbour_has_marks_spilling_round_it_is_read(forms):
    """p51 page 41: column 4's 8 filled, its 7 flanked by the 7s filled in columns 3 and 5.
    The fills' spill into the gaps round the clean 7 (left, right, below) is no ring."""
    pages, layout, boxes, ink = _spilled(forms)
    number = SPILLED
    a = _grid(pages, layout, ink, 0.4)  # a light pen: the column's mark is no solid fill
    assert (a.status, "".join(a.values)) == ("ok", number), a


def test_a_ring_round_a_clean_box_beside_a_mark_of_its_column_still_goes_to_a_person(forms):
    """The dangerous neighbour: the same column with a real ring round its 3 as well as the
    filled 8 (two answers) is never read as the 8 alone."""
    pages, layout, boxes, ink = _spilled(forms)
    b = boxes[(4, "3")]
    s = b["w"]
    cv2.ellipse(ink, tuple(_px(b["x"] + s / 2, b["y"] + s / 2)), tuple(_px(0.8 * s, 0.75 * s)),
                0, 0, 350, 255, PEN)
    a = _grid(pages, layout, ink, 0.4)
    assert a.status in ("doubtful", "multiple") and a.values[4] == "?", a


def _rings(pages, layout, question: str, number: str, seed: int, size: tuple, jitter: float,
           ink: np.ndarray | None = None) -> np.ndarray:
    """Each digit of ``number`` ringed by a hand: loops of about ``size`` box sides (half-axes),
    their centres off the box's by ``jitter`` box sides (a normal draw), open or overlapping."""
    rng = np.random.default_rng(seed)
    ink = np.zeros_like(pages[0]) if ink is None else ink
    boxes = {(b["position"], b["option"]): b for b in _boxes(layout, 0, question)}
    for pos, digit in enumerate(number):
        b = boxes[(pos, digit)]
        s = b["w"]
        cx = b["x"] + s / 2 + rng.normal(0, jitter) * s
        cy = b["y"] + s / 2 + rng.normal(0, jitter) * s
        start = rng.uniform(0, 360)
        axes = (size[0] * s * rng.uniform(0.9, 1.15), size[1] * s * rng.uniform(0.9, 1.15))
        cv2.ellipse(ink, tuple(_px(cx, cy)), tuple(_px(*axes)), 0, start,
                    start + rng.uniform(330, 380), 255, PEN, cv2.LINE_AA)
    return ink


@pytest.mark.parametrize(("number", "seed", "size", "jitter"), [
    ("0875245511", 2, (0.9, 0.75), 0.15),  # p51: rings drawn off their boxes, over the gaps
    ("0912233445", 3, (0.85, 0.8), 0.12),
])
def test_rings_whose_arcs_cross_the_next_columns_are_read_as_their_digits(forms, number, seed,
                                                                          size, jitter):
    """A ring drawn a little off its box crosses the gap into the next column and the box
    above or below: that ink is the ring's, not a second answer in either column."""
    pages, layout = forms["danang-2025"]
    a = _grid(pages, layout, _rings(pages, layout, "phone", number, seed, size, jitter))
    assert (a.status, "".join(a.values)) == ("ok", number), a


@pytest.mark.parametrize(("number", "seed"), [("0912233445", 4), ("0987656789", 0),
                                              ("0987656789", 4)])
def test_big_rings_over_each_other_are_never_read_as_a_neighbours_digit(forms, number, seed):
    """The dangerous neighbour: rings wider than a box and a half, each crossing the next
    column's ring and boxes (a ring's arc over a box is as dark as a mark there). A digit
    read must be the one ringed; anything unsure goes to a person."""
    pages, layout = forms["danang-2025"]
    a = _grid(pages, layout, _rings(pages, layout, "phone", number, seed, (1.0, 0.85), 0.08))
    assert a.status != "ok" or "".join(a.values) == number, a
    assert all(v in ("?", d) for v, d in zip(a.values, number, strict=False)), a


def test_a_ring_and_a_light_mark_in_one_column_go_to_a_person(forms):
    """A ring round one digit and a light tick on another of the same column (two answers)."""
    pages, layout = forms["danang-2025"]
    number = "0875245511"
    ink = _rings(pages, layout, "phone", number, 1, (0.82, 0.76), 0.05)
    _tick(np.asarray(ink), _phone(layout)[(4, "8")], reach=0.2)
    a = _grid(pages, layout, ink)
    assert a.status in ("doubtful", "multiple") and a.values[4] == "?", a


def test_a_nine_digit_id_ringed_in_the_twelve_digit_grid_leaves_the_rest_blank(forms):
    """The old 9-digit ID ringed in the 12-digit grid: the last ring's arcs over the empty
    columns after it are not digits of theirs."""
    pages, layout = forms["danang-2025"]
    number = "034281960"
    ink = _rings(pages, layout, "citizen_id", number, 5, (0.95, 0.85), 0.1)
    image = _blend(_answered(pages[0], layout, 0, "citizen_id"), ink, 0.85)
    a = _read(image, layout)["citizen_id"]
    assert a.status != "ok" or "".join(a.values) == number, a
    assert len(a.values) <= len(number) or set(a.values[len(number):]) <= {"", "?"}, a
    assert all(v in ("?", d) for v, d in zip(a.values, number, strict=False)), a


def _flat_tick(ink: np.ndarray, b: dict, reach: float) -> None:
    """A tick whose long arm runs off flat to the right, ``reach`` box sides past the box."""
    x, y, s = b["x"], b["y"], b["w"]
    pts = [(x + 0.2 * s, y + 0.45 * s), (x + 0.4 * s, y + 0.8 * s), (x + (1 + reach) * s,
                                                                     y + 0.1 * s)]
    cv2.polylines(ink, [_px(*pts)], False, 255, PEN, cv2.LINE_AA)


def test_a_light_tick_whose_arm_runs_past_its_grid_box_is_read(forms):
    """p51: a tick lighter than a clear mark, its arm running off into the gap on the right,
    alone in its column: a person reads the digit at once (it went to one as a stray)."""
    pages, layout = forms["danang-2025"]
    number = "0952766023"
    boxes = _phone(layout)
    ink = np.zeros_like(pages[0])
    for pos, digit in enumerate(number):
        (_flat_tick if pos == 3 else lambda i, b, r: _scribble(i, b))(ink, boxes[(pos, digit)],
                                                                     0.6)
    a = _grid(pages, layout, ink, 0.45)
    assert (a.status, "".join(a.values)) == ("ok", number), a


@pytest.mark.parametrize("opacity", [0.45, 0.7])
def test_a_tick_running_into_the_empty_column_after_the_last_digit_is_no_digit(forms, opacity):
    """The dangerous neighbour: the old 9-digit ID ticked in the 12-digit grid, the last
    tick's arm running on into the first empty column's box: no tenth digit read there."""
    pages, layout = forms["danang-2025"]
    number = "034281960"
    boxes = {(b["position"], b["option"]): b for b in _boxes(layout, 0, "citizen_id")}
    for reach in (0.6, 1.0, 1.4):
        ink = np.zeros_like(pages[0])
        for pos, digit in enumerate(number):
            _flat_tick(ink, boxes[(pos, digit)], reach if pos == 8 else 0.2)
        image = _blend(_answered(pages[0], layout, 0, "citizen_id"), ink, opacity)
        a = _read(image, layout)["citizen_id"]
        assert len(a.values) <= len(number) or set(a.values[len(number):]) <= {"", "?"}, a
        assert all(v in ("?", d) for v, d in zip(a.values, number, strict=False)), a


def test_a_ring_drawn_off_its_box_over_the_one_below_is_not_read_as_that_box(forms):
    """A ring whose centre lies a fifth of a box below and right of its box: its lower arc
    crosses the box below as a light stroke through it. That box is not the digit (it was
    read as column 8's 5 instead of its ringed 4)."""
    pages, layout = forms["danang-2025"]
    number = "0912233445"
    a = _grid(pages, layout, _rings(pages, layout, "phone", number, 7, (0.85, 0.8), 0.12))
    assert a.status != "ok" or "".join(a.values) == number, a
    assert all(v in ("?", d) for v, d in zip(a.values, number, strict=False)), a
