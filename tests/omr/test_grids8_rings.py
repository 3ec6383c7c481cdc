"""Rings round the digits of a tight grid, drawn the way respondents draw them (issue 21,
seventh session): ellipses of several sizes, their centres off the box up or down, open or
overlapping, touching the next column's ring, in pen or pencil. Each is read as its digit or
goes to a person; none is read as the digit next to it (fresh seed 18: a ring drawn low read
as the next digit, silently). Its dangerous neighbours stay with a person: a ring and a tick
in one column, two rings in one column, a blank column with a stray loop of ink.

Marks are drawn with OpenCV on the page rendered from the printed PDF, where its layout puts
the boxes (never from the reader's geometry)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from .paperscan.hands import Ink, pen, ring
from .test_drawn_marks import DPI, PEN, _answered, _blend, _boxes, _fill, _px, _read

MM = 72 / 25.4  # points


def _ring(ink: np.ndarray, b: dict, dx: float, dy: float, rx: float, ry: float,
          start: float = 40, sweep: float = 350, width: int = PEN) -> None:
    """A loop round box ``b``: centre ``dx``, ``dy`` mm off the box's, half-axes ``rx``,
    ``ry`` box sides, drawn from ``start`` degrees through ``sweep``."""
    s = b["w"]
    cv2.ellipse(ink, tuple(_px(b["x"] + s / 2 + dx * MM, b["y"] + s / 2 + dy * MM)),
                tuple(_px(rx * s, ry * s)), 0, start, start + sweep, 255, width, cv2.LINE_AA)


def _grid(pages, layout, question, ink, opacity=0.85):
    image = _blend(_answered(pages[0], layout, 0, question), ink, opacity)
    return _read(image, layout)[question]


def _never_a_neighbour(a, number: str) -> None:
    assert a.status != "ok" or "".join(a.values) == number, a
    assert all(v in ("?", d) for v, d in zip(a.values, number, strict=False)), a


# (dx, dy) mm, (rx, ry) box sides, sweep degrees: rings as hands draw them.
RINGS = [((0.0, 0.6), (0.8, 0.85), 350), ((0.3, 1.0), (0.9, 1.0), 340),
         ((-0.3, 1.3), (0.95, 1.05), 360), ((0.0, 1.6), (0.85, 1.1), 330),
         ((0.2, -0.8), (0.85, 0.9), 345), ((0.0, -1.3), (0.9, 1.05), 370),
         ((0.5, 0.8), (1.0, 0.8), 350), ((0.0, 2.0), (0.9, 1.2), 350),
         ((0.0, 3.0), (1.0, 1.45), 350), ((0.0, -3.0), (1.0, 1.45), 350)]


@pytest.mark.parametrize(("off", "axes", "sweep"), RINGS)
@pytest.mark.parametrize("pencil", [False, True])
def test_a_ringed_column_among_ringed_columns_is_its_digit_or_a_persons(forms, off, axes,
                                                                        sweep, pencil):
    """A whole phone number ringed; column 4's ring drawn off its box up or down by up to
    3 mm (its arc over the next digit's box as dark as a light mark)."""
    pages, layout = forms["danang-2025"]
    number = "0914572368"
    boxes = {(b["position"], b["option"]): b for b in _boxes(layout, 0, "phone")}
    ink = np.zeros_like(pages[0])
    rng = np.random.default_rng(len(RINGS))
    for pos, digit in enumerate(number):
        b = boxes[(pos, digit)]
        if pos == 4:
            _ring(ink, b, *off, *axes, start=rng.uniform(0, 360), sweep=sweep,
                  width=PEN + 1 if pencil else PEN)
        else:
            _ring(ink, b, rng.normal(0, 0.2), rng.normal(0, 0.2), rng.uniform(0.75, 0.95),
                  rng.uniform(0.75, 0.9), start=rng.uniform(0, 360), sweep=rng.uniform(335, 370),
                  width=PEN + 1 if pencil else PEN)
    a = _grid(pages, layout, "phone", ink, 0.45 if pencil else 0.85)
    _never_a_neighbour(a, number)


@pytest.mark.parametrize(("off", "axes", "sweep"), RINGS)
def test_one_ring_among_filled_columns_is_its_digit_or_a_persons(forms, off, axes, sweep):
    """The 12-digit ID filled but for column 2, ringed off its box up or down."""
    pages, layout = forms["danang-2025"]
    number = "016345678901"
    ink = np.zeros_like(pages[0])
    for b in _boxes(layout, 0, "citizen_id"):
        if b["option"] == number[b["position"]]:
            if b["position"] == 2:
                _ring(ink, b, *off, *axes, start=100, sweep=sweep)
            else:
                _fill(ink, b)
    _never_a_neighbour(_grid(pages, layout, "citizen_id", ink), number)


def _ringed_number(forms, question: str, number: str, seed: int = 3) -> tuple:
    """The page, the grid's boxes and ``number`` ringed a hand's way in ``question``."""
    pages, layout = forms["danang-2025"]
    boxes = {(b["position"], b["option"]): b for b in _boxes(layout, 0, question)}
    ink = np.zeros_like(pages[0])
    rng = np.random.default_rng(seed)
    for pos, digit in enumerate(number):
        _ring(ink, boxes[(pos, digit)], rng.normal(0, 0.2), rng.normal(0, 0.2),
              rng.uniform(0.75, 0.95), rng.uniform(0.75, 0.9), start=rng.uniform(0, 360),
              sweep=rng.uniform(335, 370))
    return pages, layout, boxes, ink


def test_a_ringed_number_is_read(forms):
    """The plain case the rules above must keep: every digit ringed round its box."""
    pages, layout, _, ink = _ringed_number(forms, "phone", "0914572368")
    a = _grid(pages, layout, "phone", ink)
    assert (a.status, "".join(a.values)) == ("ok", "0914572368"), a


@pytest.mark.parametrize("second", ["ring", "tick", "both"])
def test_a_second_answer_in_a_ringed_column_goes_to_a_person(forms, second):
    """Dangerous neighbours: column 4 (ringed 5) also holds a ring round its 8, or a light
    tick in its 6 (the box right under the ring), or one ring round its 5 and 6 together."""
    pages, layout, boxes, ink = _ringed_number(forms, "phone", "0914572368")
    if second == "ring":
        _ring(ink, boxes[(4, "8")], 0.1, -0.2, 0.85, 0.8, start=200)
    elif second == "tick":
        x, y, s = boxes[(4, "6")]["x"], boxes[(4, "6")]["y"], boxes[(4, "6")]["w"]
        cv2.polylines(ink, [_px((x + 0.2 * s, y + 0.5 * s), (x + 0.45 * s, y + 0.85 * s),
                                (x + 0.85 * s, y + 0.15 * s))], False, 255, PEN, cv2.LINE_AA)
    else:
        b = boxes[(4, "5")]
        s = b["w"]
        cv2.ellipse(ink, tuple(_px(b["x"] + s / 2, b["y"] + s / 2 + 0.68 * s)),
                    tuple(_px(0.85 * s, 1.45 * s)), 0, 0, 360, 255, PEN, cv2.LINE_AA)
    a = _grid(pages, layout, "phone", ink)
    assert a.status in ("doubtful", "multiple") and a.values[4] == "?", a


@pytest.mark.parametrize("wide", [0.7, 0.5])
def test_a_stray_loop_in_the_empty_columns_after_a_nine_digit_id_is_no_digit(forms, wide):
    """The old 9-digit ID ringed in the 12-digit grid, and a small loop of ink between two
    boxes of the empty tenth column (centred nearer the lower one): no tenth digit is read."""
    pages, layout, boxes, ink = _ringed_number(forms, "citizen_id", "034281960", seed=5)
    b = boxes[(9, "3")]
    s = b["w"]
    cv2.ellipse(ink, tuple(_px(b["x"] + s / 2, b["y"] + 1.18 * s)),
                tuple(_px(wide * s, 0.7 * s)), 0, 0, 360, 255, PEN, cv2.LINE_AA)
    a = _grid(pages, layout, "citizen_id", ink)
    _never_a_neighbour(a, "034281960")
    assert len(a.values) <= 9 or set(a.values[9:]) <= {"", "?"}, a


@pytest.mark.parametrize("seed", [38, 39, 40, 41])
def test_rings_drawn_low_or_high_by_a_hand_are_never_read_as_the_next_digit(forms, seed):
    """Whole numbers ringed with the paper generator's hand (wobbly loops, open or
    overlapping, tilted, pen or pencil), half the rings drawn 0.1-0.25 box sides up or down:
    seed 40's 12-digit ID read its ringed 6 as the 7 below it, silently."""
    pages, layout = forms["danang-2025"]
    rng = np.random.default_rng(1000 + seed)
    q = "phone" if seed % 2 else "citizen_id"
    boxes = {(b["position"], b["option"]): b for b in _boxes(layout, 0, q)}
    number = "0" + "".join(str(int(v)) for v in rng.integers(0, 10, max(boxes)[0]))
    ink = Ink(pages[0].shape, DPI, rng)
    p = pen(rng, pencil=rng.random() < 0.3)
    for pos, d in enumerate(number):
        b = boxes[(pos, d)]
        s = b["w"]
        dy = rng.normal(0, 0.06 * s) + (rng.choice([-1, 1]) * rng.uniform(0.1, 0.25) * s
                                        if rng.random() < 0.5 else 0)
        ring(ink, b["x"] + s / 2 + rng.normal(0, 0.06 * s), b["y"] + s / 2 + dy,
             s * 0.8 * rng.uniform(0.8, 1.3), s * 0.8 * rng.uniform(0.8, 1.2), p)
    a = _read(_blend(_answered(pages[0], layout, 0, q), ink.layer, 1.0), layout)[q]
    assert a.status != "ok" or "".join(a.values) == number, a


def _heavy_arcs(forms, extra=None):
    """The survey date 12/10/2025 ringed, the day's rings wide and in a heavy pen: the first
    ring's right arc runs down through the next column's 1 above its ringed 2, as dark there
    as a clear mark (p51 page 60)."""
    pages, layout = forms["danang-2025"]
    number = "12102025"
    boxes = {(b["position"], b["option"]): b for b in _boxes(layout, 0, "survey_date")}
    ink = np.zeros_like(pages[0])
    rng = np.random.default_rng(60)
    for pos, digit in enumerate(number):
        wide = (1.05, 0.9) if pos == 0 else (0.85, 0.8)
        _ring(ink, boxes[(pos, digit)], 0.0 if pos else 0.3, rng.normal(0, 0.2), *wide,
              start=rng.uniform(0, 360), sweep=360, width=PEN + 3)
    if extra is not None:
        extra(ink, boxes)
    return _grid(pages, layout, "survey_date", ink, 0.9), number


def test_a_rings_arc_as_dark_as_a_mark_over_the_next_columns_box_is_read_as_the_ring(forms):
    a, number = _heavy_arcs(forms)
    assert (a.status, "".join(a.values)) == ("ok", number), a


def test_a_fill_beside_a_ring_in_one_column_still_goes_to_a_person(forms):
    """The dangerous neighbour: the month's second column, ringed 0, also has its 5 filled."""
    a, _ = _heavy_arcs(forms, lambda ink, boxes: _fill(ink, boxes[(3, "5")]))
    assert a.status in ("doubtful", "multiple") and a.values[3] == "?", a
