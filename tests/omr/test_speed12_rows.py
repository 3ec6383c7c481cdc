"""Boxes compared with the boxes of their row or column only (``pairs.within``): the same
floats as every box against every box (``marks.halo_gaps``, ``hug._room``)."""

import numpy as np
import pytest

from fieldwork.omr.hug import _room
from fieldwork.omr.marks import halo_gaps
from fieldwork.omr.pairs import within


def _halo_gaps_all(rects, texts=None):
    """``halo_gaps`` as written before, every box against every box (N×N)."""
    x, y, w, h = rects.T
    cx, cy = x + w / 2, y + h / 2
    dx, dy = cx[None, :] - cx[:, None], cy[None, :] - cy[:, None]
    level, column = np.abs(dy) < 0.6 * h[:, None], np.abs(dx) < 0.6 * w[:, None]
    far = 1e6
    left = np.where(level & (dx < -0.5 * w[:, None]), -dx, far).min(axis=1) - w
    if texts is not None and np.isfinite(texts).any():
        tx, ty, tw, th = np.nan_to_num(texts, nan=-far).T
        ends = x[:, None] - (tx + tw)[None, :]
        beside = (ty[None, :] < y[:, None] + h[:, None]) & \
            (ty[None, :] + th[None, :] > y[:, None]) & (ends > 0)
        left = np.minimum(left, np.where(beside, ends, far).min(axis=1))
    up = np.where(column & (dy < -0.5 * h[:, None]), -dy, far).min(axis=1) - h
    down = np.where(column & (dy > 0.5 * h[:, None]), dy, far).min(axis=1) - h
    return np.column_stack([left, up, down])


def _room_all(rects, texts):
    """``hug._room`` as written before, every box against every box and text (N×M)."""
    x, y, w, h = rects.T
    others = [rects]
    if texts is not None and np.isfinite(texts[:, 0]).any():
        others.append(texts[np.isfinite(texts[:, 0])])
    ox, oy, ow, oh = np.concatenate(others).T
    far = 1e6
    level = (oy[None, :] < (y + h)[:, None]) & ((oy + oh)[None, :] > y[:, None])
    column = (ox[None, :] < (x + w)[:, None]) & ((ox + ow)[None, :] > x[:, None])
    right = ox[None, :] - (x + w)[:, None]
    down = oy[None, :] - (y + h)[:, None]
    left = x[:, None] - (ox + ow)[None, :]
    up = y[:, None] - (oy + oh)[None, :]
    out = np.empty((len(x), 4))
    for k, (gap, along) in enumerate(((right, level), (down, column), (left, level),
                                      (up, column))):
        out[:, k] = np.where(along & (gap > -0.5), gap, far).min(axis=1)
    return out


def _page(seed: int):
    """Boxes in rows and grid columns (a little off their places, some touching), sizes of
    two kinds, and option texts (some missing: NaN) of many widths."""
    rng = np.random.default_rng(seed)
    rects = []
    for row in range(int(rng.integers(3, 25))):
        side = float(rng.choice([16.5, 20.0, 23.7]))
        x0, y0 = rng.uniform(50, 300), 60 + row * rng.uniform(side * 0.9, side * 3)
        step = rng.choice([side, side * 1.05, side * 4])  # a grid's touching boxes, or a list
        for k in range(int(rng.integers(1, 14))):
            rects.append((x0 + k * step + rng.normal(0, 0.6), y0 + rng.normal(0, 0.6),
                          side + rng.normal(0, 0.1), side * rng.choice([1.0, 1.0, 1.3])))
    rects = np.array(rects)
    texts = np.full((len(rects), 4), np.nan)
    has = rng.random(len(rects)) < 0.4
    texts[has, 0] = rects[has, 0] + rects[has, 2] + rng.uniform(1, 12, has.sum())
    texts[has, 1] = rects[has, 1] + rng.normal(0, 2, has.sum())
    texts[has, 2] = rng.uniform(5, 900, has.sum())
    texts[has, 3] = rng.uniform(10, 40, has.sum())
    return rects, texts


def _same(a, b) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b) and \
        np.array_equal(np.signbit(a), np.signbit(b))


@pytest.mark.parametrize("seed", range(40))
def test_halo_gaps_and_room_as_against_every_box(seed):
    rects, texts = _page(seed)
    assert _same(halo_gaps(rects, texts), _halo_gaps_all(rects, texts))
    assert _same(halo_gaps(rects), _halo_gaps_all(rects))
    assert _same(_room(rects, texts), _room_all(rects, texts))
    assert _same(_room(rects, None), _room_all(rects, None))
    none = np.full_like(texts, np.nan)
    assert _same(halo_gaps(rects, none), _halo_gaps_all(rects, none))
    assert _same(_room(rects, none), _room_all(rects, none))


def test_one_box_and_exact_ties():
    one = np.array([[10.0, 10.0, 20.0, 20.0]])
    assert _same(halo_gaps(one), _halo_gaps_all(one))
    assert _same(_room(one, None), _room_all(one, None))
    # boxes exactly at the limits the rules ask (0.6 of a side apart, touching)
    rects = np.array([[0.0, 0.0, 20.0, 20.0], [20.0, 12.0, 20.0, 20.0], [0.0, 20.0, 20.0, 20.0],
                      [12.0, 40.0, 20.0, 20.0], [40.0, 0.0, 20.0, 20.0]])
    assert _same(halo_gaps(rects), _halo_gaps_all(rects))
    assert _same(_room(rects, None), _room_all(rects, None))


def test_within_hand_computed():
    keys = np.array([5.0, 1.0, 3.0, 3.0, 9.0])
    j, ok = within(keys, np.array([3.0, 0.0, 10.0]), np.array([5.0, 1.0, 20.0]))
    assert j.shape == ok.shape == (3, 3)
    assert [sorted(keys[r][m].tolist()) for r, m in zip(j, ok, strict=True)] == \
        [[3.0, 3.0, 5.0], [1.0], []]
    assert sorted(j[0][ok[0]].tolist()) == [0, 2, 3]


def test_within_is_every_key_in_range():
    rng = np.random.default_rng(5)
    keys = np.round(rng.uniform(0, 100, 200), 1)  # ties
    lo = rng.uniform(-10, 100, 60)
    hi = lo + rng.uniform(-5, 30, 60)  # some empty ranges
    j, ok = within(keys, lo, hi)
    for i in range(60):
        want = np.flatnonzero((keys >= lo[i]) & (keys <= hi[i]))
        assert sorted(j[i][ok[i]].tolist()) == want.tolist()
    assert (j >= 0).all() and (j < len(keys)).all()


def test_within_empty_and_bad():
    j, ok = within(np.zeros(0), np.zeros(2), np.ones(2))
    assert j.shape == ok.shape == (2, 0)
    j, ok = within(np.ones(3), np.zeros(0), np.zeros(0))
    assert j.shape == (0, 0)
    with pytest.raises(ValueError, match="as long"):
        within(np.ones(3), np.zeros(2), np.ones(3))
    with pytest.raises(ValueError, match="NaN"):
        within(np.array([1.0, np.nan]), np.zeros(1), np.ones(1))


def _facing_all(rects):
    """``judge._facing`` as written before, every box against every box (N×4×N)."""
    from fieldwork.omr.pairs import offsets

    centres = rects[:, :2] + rects[:, 2:] / 2
    rel = offsets(centres, centres, rects[:, 2])
    near = np.maximum(np.abs(rel[0]), np.abs(rel[1])) < 1.9
    left, right, up, down, column, row = [
        (rel[a] * d > 0.5) if d else (np.abs(rel[a]) < 0.5)
        for a, d in ((0, -1), (0, 1), (1, -1), (1, 1), (0, 0), (1, 0))]
    sides = np.stack([near & left & row, near & right & row, near & up & column,
                      near & down & column], axis=1)
    corners = np.stack([near & (h | column) & (v | row) & ~(column & row)
                        for h, v in ((left, up), (right, up), (left, down), (right, down))],
                       axis=1)
    return sides, corners


@pytest.mark.parametrize("seed", range(20))
def test_facing_as_against_every_box(seed):
    from types import SimpleNamespace

    from fieldwork.omr.judge import _facing

    rects, _ = _page(seed)
    got, want = _facing(SimpleNamespace(rects=rects)), _facing_all(rects)
    for g, w in zip(got, want, strict=True):
        assert g.dtype == w.dtype and g.shape == w.shape and np.array_equal(g, w)
    assert want[0].any() and want[1].any()  # the pages do have neighbours
