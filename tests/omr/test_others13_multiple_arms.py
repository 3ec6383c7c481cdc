"""A multiple choice's marks that a person reads at once but the reader sent to a person as a
"tick into next" or a "stroke running across the box", drawn on the page rendered from the
printed PDF (the paper generator's tick, ``hands.tick``'s three points, stroked by
``hands.Ink``; scanner noise and JPEG, so the page is a grey scan).

- A tick in a box of the right column whose long arm ran on straight up into the box above
  (2.5-3.5 box sides) and ends there: the V's box is the answer, the box above holds only the
  arm's end (p65 sheets 026 and 131: sent to a person with the box above as one more answer).
- Two crosses one above the other in the left column whose arms nearly meet: two answers, each
  a cross of its own (p65 sheet 296, p51 sheet 196: "tick into next").

The dangerous neighbour: a tick of its own drawn over the arm's end in the box above (a
second answer) is still offered to a person."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from .paperscan import hands
from .test_drawn_marks import _answered, _blend, _boxes, _read

D, DD, E, G = 3, 4, 5, 7  # reason_d, reason_dd, reason_e, reason_g of danang-2025's q02


def _grey(page: np.ndarray) -> np.ndarray:
    """Scanner noise and JPEG: a grey scan (a clean render reads as a one-bit one)."""
    noisy = np.clip(page + np.random.default_rng(1).normal(0, 6, page.shape), 0, 255)
    return cv2.imdecode(cv2.imencode(".jpg", noisy.astype(np.uint8),
                                     [cv2.IMWRITE_JPEG_QUALITY, 75])[1], 0)


def _q02(forms, draw, opacity: float = 0.9):
    pages, layout = forms["danang-2025"]
    boxes = _boxes(layout, 0, "q02")
    layer = hands.Ink(pages[0].shape, 200, np.random.default_rng(0))
    draw(layer, boxes)
    image = _blend(_answered(pages[0], layout, 0, "q02"), layer.layer, opacity)
    return _read(_grey(image), layout)["q02"], [b["option"] for b in boxes]


def _tick(layer: hands.Ink, b: dict, pen: hands.Pen, k: float = 1.1, end=None) -> None:
    """The generator's tick on box ``b`` (size ``k``), its long arm ending at ``end`` (points)."""
    s = b["w"]
    pts = np.array([(-0.35, -0.05), (-0.08, 0.32), (0.5, -0.55)]) * k * s + \
        (b["x"] + s / 2, b["y"] + s / 2)
    if end is not None:
        pts[2] = end
    layer.stroke(pts, pen)


def _up_into(b: dict, dx: float, dy: float) -> tuple[float, float]:
    """A point ``dx``, ``dy`` box sides from the centre of box ``b``."""
    return b["x"] + b["w"] * (0.5 + dx), b["y"] + b["w"] * (0.5 + dy)


# (tick's box, box above, where the arm ends in it (box sides from its centre), pen width mm,
# opacity): each sent to a person on 3ce6231 with the box above offered.
ARMS = [(b, a, (0.15, -0.2), w, o) for b, a in ((G, E), (E, D))
        for w, o in ((0.3, 0.85), (0.4, 0.6), (0.5, 0.6))]


def _run_on(forms, box: int, above: int, end: tuple, width: float, opacity: float,
            second: bool = False):
    """A tick in ``dd`` and one in ``box`` whose arm ran on up to ``end`` in ``above`` (and,
    ``second``, a small tick of its own drawn over it there)."""
    pen = hands.Pen(width * hands.MM, opacity)

    def draw(layer, bx):
        _tick(layer, bx[DD], pen)
        _tick(layer, bx[box], pen, 1.0, _up_into(bx[above], *end))
        if second:
            _tick(layer, bx[above], pen, 0.7)

    return _q02(forms, draw)


@pytest.mark.parametrize(("box", "above", "end", "width", "opacity"), ARMS)
def test_a_tick_whose_arm_ran_up_into_the_box_above_is_its_own_box(forms, box, above, end,
                                                                   width, opacity):
    a, opts = _run_on(forms, box, above, end, width, opacity)
    assert (a.status, a.values) == ("ok", [opts[DD], opts[box]]), a


@pytest.mark.parametrize(("box", "above", "end", "width", "opacity"), ARMS)
def test_a_tick_drawn_over_the_arms_end_in_the_box_above_is_offered(forms, box, above, end,
                                                                    width, opacity):
    """The dangerous neighbour: the box above ticked too (a small tick over the arm's end)."""
    a, opts = _run_on(forms, box, above, end, width, opacity, second=True)
    assert opts[above] in a.values and opts[box] in a.values, a


# Thin pens (0.2-0.3 mm): the arm's ink where it leaves the tick's box and enters the one above
# is under ``THROUGH`` (seed 96 sheet 021: 0.11 and 0.116); each sent to a person on 3ce6231.
THIN = [(b, a, end, w, o) for b, a in ((G, E), (E, D), (D, 1)) for end in ((0.1, 0.0),)
        for w, o in ((0.2, 0.5), (0.25, 0.7), (0.3, 0.5))]


@pytest.mark.parametrize(("box", "above", "end", "width", "opacity"), THIN)
def test_a_thin_ticks_arm_run_up_into_the_box_above_is_its_own_box(forms, box, above, end,
                                                                   width, opacity):
    a, opts = _run_on(forms, box, above, end, width, opacity)
    assert (a.status, a.values) == ("ok", sorted([opts[DD], opts[box]], key=opts.index)), a


@pytest.mark.parametrize("end", [(0.15, -0.2), (0.1, 0.0)])
@pytest.mark.parametrize(("box", "above"), [(G, E), (E, D), (D, 1)])
def test_a_tick_in_the_box_above_with_the_arm_of_the_tick_below_ending_in_it_is_two_answers(
        forms, box, above, end):
    """Seed 96 sheet 119: both boxes ticked, the lower tick's arm ending in the upper tick's
    box; the upper box holds a V of its own (``OWN_V``), no line's end: two answers, sent to a
    person as a "tick into next" on 3ce6231."""
    a, opts = _run_on(forms, box, above, end, 0.45, 0.7, second=True)
    assert (a.status, a.values) == (
        "ok", sorted([opts[DD], opts[box], opts[above]], key=opts.index)), a


@pytest.mark.parametrize("over", [0.3, 0.45, 0.6])
@pytest.mark.parametrize(("upper", "lower"), [(0, 2), (2, 4), (1, 3)])
def test_two_crosses_whose_arms_nearly_meet_are_two_answers(forms, upper, lower, over):
    """Each sent to a person as a "tick into next" on 3ce6231."""
    pen = hands.Pen(0.3 * hands.MM, 0.7)

    def draw(layer, bx):
        for k in (upper, lower):
            b = bx[k]
            sq = hands.Square(b["x"] + b["w"] / 2, b["y"] + b["w"] / 2, b["w"])
            hands.cross(layer, sq, pen, over)

    a, opts = _q02(forms, draw)
    assert (a.status, a.values) == ("ok", [opts[upper], opts[lower]]), a


@pytest.mark.parametrize("end", [(0.85, -0.3), (0.95, -0.15), (1.1, -0.2)])
@pytest.mark.parametrize("box", [1, 2, E])
def test_a_clear_tick_whose_arm_ran_out_past_its_side_beside_other_marks_is_read(forms, box,
                                                                                 end):
    """p65 sheet 168: three ticks, one arm run on up and right out of its box's side (not its
    corner): "a stroke running across the box" on 3ce6231, read when the tick was alone."""
    pen = hands.Pen(0.45 * hands.MM, 0.85)

    def draw(layer, bx):
        _tick(layer, bx[DD], pen)
        _tick(layer, bx[box], pen, 1.0, _up_into(bx[box], *end))

    a, opts = _q02(forms, draw)
    assert (a.status, a.values) == ("ok", sorted([opts[DD], opts[box]], key=opts.index)), a


@pytest.mark.parametrize("dy", [-0.2, 0.0, 0.25])
def test_a_stroke_across_a_box_beside_other_marks_is_not_read_as_that_box(forms, dy):
    """The dangerous neighbour: a slip of the pen through box e, in one side and out the
    other, beside two ticks: never read as e."""
    pen = hands.Pen(0.45 * hands.MM, 0.85)

    def draw(layer, bx):
        _tick(layer, bx[DD], pen)
        _tick(layer, bx[G], pen)
        layer.stroke([_up_into(bx[E], -1.2, dy + 0.1), _up_into(bx[E], 1.3, dy)], pen)

    a, opts = _q02(forms, draw)
    assert a.status != "ok" or opts[E] not in a.values, a


def _rings_only(forms, ringed: tuple, opacity: float, mx: float, my: float, extra=None):
    """A respondent who rings option texts (``needless11``'s ring taking in the box): the
    texts of q02's options ``ringed``, and one option of "field" and of q01 (no clear mark on
    the page); ``extra(layer, boxes)`` draws more on q02."""
    from .test_needless11_corrections import _text_ring

    pages, layout = forms["danang-2025"]
    layer = hands.Ink(pages[0].shape, 200, np.random.default_rng(0))
    boxes = _boxes(layout, 0, "q02")
    for k in ringed:
        _text_ring(layer.layer, boxes[k], mx, my, 0)
    _text_ring(layer.layer, _boxes(layout, 0, "field")[1], mx, my, 0)
    _text_ring(layer.layer, _boxes(layout, 0, "q01")[0], mx, my, 0)
    if extra is not None:
        extra(layer, boxes)
    image = _grey(_blend(pages[0], layer.layer, opacity))
    return _read(image, layout)["q02"], [b["option"] for b in boxes]


RINGS = [((3, 4), 0.6, 0.8, 0.6), ((3, 4), 0.6, 0.8, 1.0), ((3, 4), 0.6, 1.2, 0.6),
         ((3, 4), 0.45, 1.2, 1.0), ((1, 2), 0.45, 0.8, 0.6), ((1, 2), 0.45, 1.2, 1.0)]


@pytest.mark.parametrize(("ringed", "opacity", "mx", "my"), RINGS)
def test_a_rings_end_left_of_the_next_columns_box_is_no_ink_near_it(forms, ringed, opacity,
                                                                     mx, my):
    """p65 sheet 088: a ring round a left-column text of q02 ends in the gap before the right
    column's box; a little of its ink lies left of that box ("ink near", the box offered).
    Each sent to a person so on 3ce6231."""
    a, opts = _rings_only(forms, ringed, opacity, mx, my)
    assert (a.status, a.values) == ("ok", [opts[k] for k in ringed]), a


@pytest.mark.parametrize("gap", [0.9, 1.3])
@pytest.mark.parametrize(("ringed", "opacity", "mx", "my"), RINGS[:2])
def test_a_tick_before_the_next_columns_box_beside_such_a_ring_is_offered(forms, ringed,
                                                                          opacity, mx, my,
                                                                          gap):
    """The dangerous neighbour: a small tick in that gap, ``gap`` box sides left of the right
    column's box (its mark beside, or a second mark of the ringed option): a person's call.
    Read as the rings alone on 3ce6231 and 7464c40 (the tick taken for the ring's arc, whose
    end lies in the same band); offered since others14 (a stroke of a mark's size of its own
    there, ``runs.Strokes.own_mark``)."""
    after = ringed[1] + 1  # the right column's box after the second ringed text

    def tick(layer, bx):
        b = bx[after]
        _tick(layer, {**b, "x": b["x"] - gap * b["w"]}, hands.Pen(0.4 * hands.MM, 0.8), 0.8)

    a, opts = _rings_only(forms, ringed, opacity, mx, my, tick)
    assert a.status != "ok" or opts[after] in a.values, a


@pytest.mark.parametrize(("opacity", "mx", "my"), [(0.6, 0.8, 0.6), (0.9, 0.8, 0.6),
                                                   (0.6, 1.2, 1.0), (0.9, 1.2, 1.0)])
def test_a_crossed_out_fill_beside_ringed_texts_is_not_an_answer(forms, opacity, mx, my):
    """Seed 96 (sheet 118, a silent error on 3ce6231): reason e filled, then crossed out; the
    texts of f and g ringed, g's ring taking in its box. The crossed-out box was read as
    chosen with the two rings ("ring"); the printed correction rule makes it f and g."""
    from .test_needless11_corrections import _crossed_fill

    a, opts = _rings_only(forms, (6, 7), opacity, mx, my,
                          lambda layer, bx: _crossed_fill(layer.layer, bx[E]))
    assert a.status != "ok" or a.values == [opts[6], opts[7]], a
    assert opts[E] not in a.values or a.status != "ok", a
