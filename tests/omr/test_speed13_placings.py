"""``read._placed`` judges a placing's questions only when its test is open: ``surely_misplaced``
(a bound over every set of ringed boxes the questions' judging may leave) agrees with
``_misplaced``, ``judge_page`` is ``call_page`` then ``judge_called``, and a page with another
sheet over it is read as when every placing was judged in full."""

from __future__ import annotations

from itertools import product
from types import SimpleNamespace

import numpy as np
import pytest

from fieldwork.omr import read
from fieldwork.omr.judge import call_page, judge_called, judge_page
from fieldwork.omr.read import MISPLACED, _misplaced, read_page, surely_misplaced

from .test_drawn_marks import KEY
from .test_judge import LAYOUT, _digits, _page
from .test_pages6_overlap import _covered, _ticked


def _ringed_sets(least: np.ndarray, open_: list[np.ndarray]):
    """``least`` with at most one more box of each group."""
    for pick in product(*[[None, *g] for g in open_]):
        r = least.copy()
        r[[i for i in pick if i is not None]] = True
        yield r


@pytest.mark.parametrize("seed", range(300))
def test_surely_misplaced_holds_for_every_ringed_set_it_allows(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.choice([5, 8, 12, 20, 40]))
    outline = np.where(rng.random(n) < rng.uniform(0.5, 1.0), rng.uniform(0.6, 1.0, n),
                       rng.uniform(0.0, 0.4, n))
    off = rng.random(n) < rng.uniform(0.0, 0.6)
    least = rng.random(n) < 0.1
    free = rng.permutation(np.flatnonzero(~least))[:int(rng.integers(0, 9))]
    cuts = np.sort(rng.integers(0, len(free) + 1, int(rng.integers(0, 4))))
    open_ = [g for g in np.split(free, cuts) if len(g)][:3]
    m = SimpleNamespace(outline=outline)
    for other in (False, True):
        scores = [_misplaced(off & ~r, m, r, other) for r in _ringed_sets(least, open_)]
        if surely_misplaced(off, outline, least, open_, other):
            assert min(scores) > MISPLACED
        elif not open_:  # exact when nothing is left open
            assert max(scores) <= MISPLACED


def test_surely_misplaced_on_pages_placed_well_and_badly():
    outline, none = np.ones(40), np.zeros(40, bool)
    assert not surely_misplaced(none, outline, none, [], True)
    off = none.copy()
    off[:20] = True  # half the boxes off their outlines
    assert surely_misplaced(off, outline, none, [], False)
    columns = [np.array([k]) for k in range(40)]
    assert not surely_misplaced(off, outline, none, columns, False)  # ... unless each column
    assert surely_misplaced(off, outline, none, columns[10:], False)  # box off may be ringed
    assert not surely_misplaced(off[:7], outline[:7], none[:7], [], True)  # too few boxes


@pytest.mark.parametrize("fills", [{("q1", "b", None): 0.6, **_digits("123")},
                                   {("q1", "c", None): 0.1, ("q1", "d", None): 0.06},
                                   {("q2", "a", None): 0.5, ("q2", "c", None): 0.4,
                                    **_digits("9")}])
def test_judge_page_is_call_page_then_judge_called(fills):
    answers, rows, m = _page(fills)
    boxes = [{k: r[k] for k in ("question", "option", "position", "x", "y", "w", "h")}
             for r in rows]
    boxes = [{k: v for k, v in b.items() if not (k == "position" and v is None)} for b in boxes]
    dark = np.zeros((200, 200), np.float32)
    again = judge_called(call_page(LAYOUT, boxes, m, dark, False))
    assert again == judge_page(LAYOUT, boxes, m, dark, grey=False) == (answers, rows)


def _read(image, layout, monkeypatch, judge_every: bool):
    calls = []
    judged = read.judge_called

    def counted(p):
        calls.append(1)
        return judged(p)

    monkeypatch.setattr(read, "judge_called", counted)
    if judge_every:
        monkeypatch.setattr(read, "surely_misplaced", lambda *a, **k: False)
    result = read_page(image, KEY, lambda p: layout)
    monkeypatch.undo()
    return result, len(calls)


@pytest.mark.parametrize("reach,turn,placings", [(0.19, 1.0, 6), (0.2, 3.0, 2), (0.3, -3.0, 1)])
def test_a_page_under_another_sheet_reads_as_with_every_placing_judged(
        forms, monkeypatch, reach, turn, placings):
    pages, layout = forms["danang-2025"]
    page = _ticked(pages[0], layout, {"field": "xd", "q01": "yes", "q02": "reason_a"})
    other = _ticked(pages[0], layout, {"field": "ld", "q01": "no", "q02": "reason_g"})
    image = _covered(page, other, reach, turn)
    fast, judged = _read(image, layout, monkeypatch, False)
    full, every = _read(image, layout, monkeypatch, True)
    assert (fast.status, fast.reason, fast.detail, fast.rotation) == \
        (full.status, full.reason, full.detail, full.rotation)
    assert fast.answers == full.answers and fast.boxes == full.boxes
    assert every == placings and judged == 1  # the placing taken only


@pytest.mark.parametrize(("question", "number", "seed", "opacity"),
                         [("phone", "0914572368", 5, 0.3), ("phone", "0914572368", 6, 0.3),
                          ("citizen_id", "034281960512", 4, 0.3),
                          ("citizen_id", "034281960512", 6, 0.4)])
def test_judging_rings_at_most_one_clean_box_more_a_grid_column(
        forms, monkeypatch, question, number, seed, opacity):
    """``surely_misplaced``'s premise, on numbers ringed box by box in a pen and a light
    ballpoint (the grids' ring reads, ``grids._pen_ring`` and ``_light_ring``)."""
    from fieldwork.omr.grids import ringed_boxes
    from fieldwork.omr.levels import CLEAR

    from .test_grids8_rings import _grid, _ringed_number

    added = []
    judged = read.judge_called

    def checked(p):
        before = np.asarray(ringed_boxes(p.calls), bool).copy()
        clean = np.asarray(p.calls.net) < CLEAR
        answers, rows = judged(p)
        after = np.array([r["ringed"] for r in rows], bool)
        assert not (before & ~after).any()
        columns: dict = {}
        for i, b in enumerate(p.boxes):
            kind = p.kinds.get(b["question"], {}).get("kind")
            columns.setdefault((b["question"], b.get("position"), kind), []).append(i)
        for (_, _, kind), g in columns.items():
            new = (after & ~before)[g]
            assert new.sum() <= (1 if kind in ("digits", "date") else 0)
            assert not (new & ~clean[g]).any()
            added.append(int(new.sum()))
        return answers, rows

    monkeypatch.setattr(read, "judge_called", checked)
    pages, layout, _, ink = _ringed_number(forms, question, number, seed)
    a = _grid(pages, layout, question, ink, opacity)
    assert a.status == "ok" and sum(added) >= 1  # rings read by judging, as the rules do
