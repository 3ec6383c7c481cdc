"""A pen's slip after an option's text in a multiple choice left blank: a loop drawn right after
one of danang-2025's reasons (q02), nothing in its boxes, with
``paperscan.hands``' pen, on the printed page 1 at 150, 200 and 300 dpi, grey and dithered.

``passing.mark_shape`` takes such ink for a tick after a text (where its band may take in a
letter, it does not ask that a tick's hook be one line), and a multiple choice read blank from
its boxes took the option as marked beside, silently: the synth family's stray strokes (fresh
seed 28: a blank q02 read as one reason from "a stroke beside a box"; drawn with the synth
family's own ``draw_stray`` over danang page 1, 120 pages: 2 of 55 blank reasons lists read so,
both after reason_d, loops whose hook is a box side wide). A person sees a scribble, not a
tick: for a person. Only loops wider than a tick's hook are told (``passing.HOOK_LINE``, 0.4
box sides; drawn ticks after a text: 0.12-0.25): a small zigzag there has a tick's measures and
is still read as a mark beside (left for later).
"""

from __future__ import annotations

import numpy as np
import pytest

from fieldwork.omr.read import read_page

from .paperscan import hands
from .paperscan.hands import MM, Square
from .sipas_rows import danang_page1
from .test_marks16_corrections import KEY, REASONS, _scan

RIGHT = ("reason_b", "reason_d", "reason_e", "reason_g")  # the right column: room after them


@pytest.fixture(scope="module", params=[150, 200, 300])
def danang1(request):
    """Danang-2025 page 1 printed and rendered grey at 150, 200 or 300 dpi."""
    return danang_page1(request.param)


def _sq(b: dict) -> Square:
    return Square(b["x"] + b["w"] / 2, b["y"] + b["h"] / 2, b["w"])


def _after(b: dict, rng) -> tuple[float, float]:
    """A point a little after the first line of option ``b``'s text (points)."""
    t = b["label"]
    return t["x"] + t["w"] + rng.uniform(1.0, 3.0) * MM, t["y"] + rng.uniform(2.0, 6.0)


def _slip(ink: hands.Ink, b: dict, p: hands.Pen) -> None:
    """A loop: three strokes turning back to near their start, 3.5-6 mm across (a slip of the
    synth family's size: its steps are 2-9 mm)."""
    rng = ink.rng
    x, y = _after(b, rng)
    s = rng.uniform(3.5, 6.0) * MM
    pts = [(x, y), (x + s, y - rng.uniform(0.4, 0.8) * s), (x + rng.uniform(0.7, 1.0) * s,
           y + rng.uniform(0.2, 0.5) * s), (x + rng.uniform(0.0, 0.2) * s, y)]
    ink.stroke(pts, p)


def _page(danang1, seed: int):
    """The page with every single choice filled, one pen; q02's boxes by option."""
    page, dpi, layout, groups, singles = danang1
    rng = np.random.default_rng(seed)
    ink = hands.Ink(page.shape, dpi, rng)
    p = hands.Pen(rng.uniform(0.3, 0.6) * MM, rng.uniform(0.75, 0.95))
    for q in singles:
        hands.fill(ink, _sq(groups[q][int(rng.integers(len(groups[q])))]), p)
    return page, layout, ink, p, {b["option"]: b for b in groups[REASONS]}


@pytest.mark.parametrize("mode", ["grey", "dither"])
def test_a_loop_after_a_text_of_a_blank_multiple_choice_is_not_read_as_chosen(danang1, mode):
    """A loop after one right-column reason, the reasons' boxes blank, 8 pages a resolution
    and mode: read blank or sent to a person, never read as that reason (the code before: 48
    of 48 read so, silently)."""
    layout = danang1[2]
    silent = []
    for seed in range(8):
        page, _, ink, p, boxes = _page(danang1, 1900 + 10 * seed + len(mode))
        b = boxes[RIGHT[seed % len(RIGHT)]]
        _slip(ink, b, p)
        a = read_page(_scan(page, ink, mode), KEY, lambda _: layout).answers[REASONS]
        if a.status == "ok" and b["option"] in a.values:
            silent.append((seed, b["option"], a.values, a.note))
    assert not silent, silent


@pytest.mark.parametrize("mode", ["grey", "dither"])
def test_a_tick_after_a_text_of_a_blank_multiple_choice_is_still_read(danang1, mode):
    """A tick drawn a little after a right-column reason's text (as paperscan's beside hand
    draws one there), the boxes blank: read as that reason, as before."""
    page, dpi, layout, groups, singles = danang1
    read = []
    for n, option in enumerate(RIGHT):
        page, _, ink, p, boxes = _page(danang1, 2000 + 10 * n + len(mode))
        x, y = _after(boxes[option], ink.rng)
        s = boxes[option]["w"]
        hands.tick(ink, Square(x + 0.5 * s, y + 0.2 * s, s), p)
        a = read_page(_scan(page, ink, mode), KEY, lambda _: layout).answers[REASONS]
        read.append((option, a.status, a.values, a.note))
    assert all(r[1:3] == ("ok", [r[0]]) for r in read), read
