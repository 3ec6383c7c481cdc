"""Two options of a single choice ringed (a double mark: the respondent ringed two answers),
drawn on the page rendered from the printed PDF: the rings of two options one under the
other touch, so each one's strokes run on into the other's bands and neither is a hand's
ring to the rules that follow strokes; one of them was read alone, silently (the paper
generator with every single choice ringed twice: 8 of 824 such doubles read as one ring;
held-out seeds 23 and 22 each read one so). Both rings must reach a person."""

from __future__ import annotations

import numpy as np
import pytest

from .paperscan import hands
from .test_drawn_marks import _answered, _blend, _boxes, _read
from .test_others13_multiple_arms import _grey


def _square(b: dict) -> hands.Square:
    """Layout box ``b`` as the paper generator's ``printed.Square`` (with its option's text)."""
    t = b.get("label")
    label = None if not t else (t["x"], t["y"], t["x"] + t["w"], t["y"] + t["h"])
    return hands.Square(b["x"] + b["w"] / 2, b["y"] + b["h"] / 2, b["w"], b["question"],
                        b["option"], None, label)


def two_rings(forms, question: str, first: int, second: int | None, how: str, seed: int,
              width: float = 0.45, opacity: float = 0.85):
    """Options ``first`` and ``second`` of a question of the SIPAS form's second page ringed
    with the paper generator's own rings (``how``: "box", ``hands.ring_box``; "text",
    ``hands.ring_text``, round the option's text, sometimes taking in its box; "mixed": the
    first's box, the second's text), drawn with
    the random draws of ``seed``; the page's other questions answered."""
    pages, layout = forms["sipas"]
    boxes = _boxes(layout, 1, question)
    layer = hands.Ink(pages[1].shape, 200, np.random.default_rng(seed))
    pen = hands.Pen(width * hands.MM, 1.0)
    for n, k in enumerate((first,) if second is None else (first, second)):
        box = how == "box" or (how == "mixed" and n == 0)
        (hands.ring_box if box else hands.ring_text)(layer, _square(boxes[k]), pen)
    page = _answered(pages[1], layout, 1, question)
    a = _read(_grey(_blend(page, layer.layer, opacity)), layout)[question]
    return a, [b["option"] for b in boxes]


# Rings round boxes one under the other in an option list's column (their arcs meet between
# the rows), each read as one ring, silently, on 7464c40 (``seed``: the rings' random draws;
# a 0.45 mm pen at 0.85, or 0.3 mm at 0.6).
COLUMN = [("overall", 0, 3, 0, 0.45, 0.85), ("age_group", 0, 3, 0, 0.45, 0.85),
          ("education", 1, 4, 0, 0.45, 0.85), ("occupation", 4, 6, 0, 0.45, 0.85),
          ("overall", 0, 3, 1, 0.3, 0.6), ("age_group", 1, 4, 1, 0.3, 0.6),
          ("occupation", 3, 5, 1, 0.3, 0.6)]


@pytest.mark.parametrize(("question", "first", "second", "seed", "width", "opacity"), COLUMN)
def test_two_rings_one_under_the_other_are_both_offered(forms, question, first, second, seed,
                                                       width, opacity):
    a, opts = two_rings(forms, question, first, second, "box", seed, width, opacity)
    assert a.status in ("doubtful", "multiple"), a
    assert {opts[first], opts[second]} <= set(a.values), a


@pytest.mark.parametrize(("question", "first", "seed", "width", "opacity"),
                         [(q, f, s, w, o) for q, f, _, s, w, o in COLUMN[:5]])
def test_one_ring_of_those_is_read(forms, question, first, seed, width, opacity):
    """The neighbour that must stay read: the first ring alone."""
    a, opts = two_rings(forms, question, first, None, "box", seed, width, opacity)
    assert (a.status, a.values) == ("ok", [opts[first]]), a


def test_two_texts_ringed_side_by_side_are_both_offered(forms):
    """Rings round the texts of two options of a row (the second's ring crossing its box's
    side, "ink near" it; the first's reaching into its box, read as a light mark): read as the
    first ring alone, silently, on 7464c40."""
    a, opts = two_rings(forms, "age_group", 3, 4, "text", 3, 0.3, 0.6)
    assert a.status in ("doubtful", "multiple"), a
    assert {opts[3], opts[4]} <= set(a.values), a


def test_two_texts_ringed_in_a_list_of_two_are_both_offered(forms):
    """A list of two ("Nam", "Nữ"): each text ringed, the pen ink above and below "Nam" its
    ring's; read as "Nữ"'s ring alone, silently, on 7464c40."""
    a, opts = two_rings(forms, "gender", 1, 0, "text", 4)
    assert a.status in ("doubtful", "multiple"), a
    assert set(opts) <= set(a.values), a
