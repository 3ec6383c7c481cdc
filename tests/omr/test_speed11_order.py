"""omr.order: medians and quantiles of small arrays exactly as NumPy computes them, and the
rules that use them: the same figures as before, worked out once."""

import numpy as np
import pytest

from fieldwork.omr import gridrings, order
from fieldwork.omr.judge import BoxCalls, _facing_marked, _zone_excess


def _arrays(seed: int, n: int = 400):
    rng = np.random.default_rng(seed)
    for k in range(n):
        shape = tuple(int(s) for s in rng.integers(1, 9, size=int(rng.integers(1, 4))))
        a = rng.normal(size=shape)
        if k % 4 == 1:
            a = np.round(a, 1)  # ties
        elif k % 4 == 2:
            a[rng.random(shape) < 0.2] = np.nan
        elif k % 4 == 3:
            a = rng.choice([-0.0, 0.0, 0.5, -1.0], size=shape)
        yield a


def _same(x, y) -> bool:
    x, y = np.asarray(x), np.asarray(y)
    return x.dtype == y.dtype and x.shape == y.shape and np.array_equal(x, y, equal_nan=True)


@pytest.mark.parametrize("seed", [1, 2])
def test_median_is_numpys_bit_for_bit(seed):
    for a in _arrays(seed):
        for axis in (None, *range(a.ndim)):
            ours, theirs = order.median(a, axis), np.median(a, axis=axis)
            assert type(ours) is type(theirs) and _same(ours, theirs), (a, axis)
            assert np.array_equal(np.signbit(ours), np.signbit(theirs))  # -0.0 as NumPy


def test_median_of_integers_is_numpys():
    rng = np.random.default_rng(3)
    for dtype in (np.uint8, np.int16, np.int32, np.int64):
        a = rng.integers(0, 200, size=(7, 5, 4)).astype(dtype)
        for axis in (None, 0, 1, 2):
            assert _same(order.median(a, axis), np.median(a, axis=axis))
    assert order.median(np.array([3, 1, 2, 10], np.int32)) == 2.5


def test_median_by_hand():
    assert order.median(np.array([3.0, 1.0, 2.0])) == 2.0
    assert order.median(np.array([4.0, 1.0, 2.0, 3.0])) == 2.5
    assert np.isnan(order.median(np.array([1.0, np.nan, 2.0])))
    got = order.median(np.array([[1.0, 5.0], [3.0, np.nan], [2.0, 4.0]]), axis=0)
    assert got[0] == 2.0 and np.isnan(got[1])


@pytest.mark.parametrize("q", [0.0, 0.1, 0.25, 0.4, 0.5, 0.75, 0.9, 1.0])
def test_quantile_is_numpys(q):
    for a in _arrays(4):
        if a.ndim < 2:
            continue
        for axis in range(a.ndim):
            ours, theirs = order.quantile(a, q, axis), np.quantile(a, q, axis=axis)
            # Equal values may come out as -0.0 or 0.0 (NumPy's partition and a sort order
            # -0.0 and 0.0, which are equal, differently): the values are the same.
            assert _same(ours, theirs), (a, q, axis)


def test_quantile_by_hand():
    a = np.array([[0.0, 10.0], [1.0, 20.0], [2.0, 30.0], [4.0, np.nan]])
    got = order.quantile(a, 0.25, axis=0)  # virtual index 0.75: 0 + 0.75 * (1 - 0)
    assert got[0] == 0.75 and np.isnan(got[1])
    assert order.quantile(a[:3], 0.5, axis=0).tolist() == [1.0, 20.0]


@pytest.mark.parametrize("bad", [np.zeros(0), np.zeros((2, 2), np.float32)])
def test_bad_arrays_are_refused(bad):
    with pytest.raises(ValueError):
        order.median(bad)
    with pytest.raises(ValueError):
        order.quantile(bad.reshape(-1, 1) if bad.size else np.zeros((0, 2)), 0.5, 0)


def test_quantile_needs_two_dimensions_and_q_in_range():
    with pytest.raises(ValueError):
        order.quantile(np.array([1.0, 2.0]), 0.5, 0)
    with pytest.raises(ValueError):
        order.quantile(np.ones((3, 2)), 1.5, 0)


def _old_zone_excess(zones, rects, facing, marked):
    """judge._zone_excess as it was (medians worked out again for the marked boxes)."""
    sizes = np.round(rects[:, 2], 1)
    has = facing.any(axis=2)
    out = np.zeros_like(zones)
    for k in range(zones.shape[1]):
        for s in np.unique(sizes):
            for flag in (False, True):
                group = (sizes == s) & (has[:, k] == flag)
                if group.any():
                    out[group, k] = zones[group, k] - np.median(zones[group, k])
        out[(facing[:, k, :] & marked[None, :]).any(axis=1), k] = 0.0
    return out


def test_zone_excess_once_then_marked_as_before():
    rng = np.random.default_rng(5)
    for _ in range(30):
        n = int(rng.integers(2, 40))
        zones = rng.random((n, 4))
        rects = np.column_stack([rng.random((n, 2)) * 500,
                                 rng.choice([20.0, 20.04, 28.0], size=(n, 2))])
        facing = rng.random((n, 4, n)) < 0.1
        marked = rng.random(n) < 0.3
        base = _zone_excess(zones, rects, facing)
        assert np.array_equal(base, _old_zone_excess(zones, rects, facing, np.zeros(n, bool)))
        got = _facing_marked(base, facing, marked)
        assert np.array_equal(got, _old_zone_excess(zones, rects, facing, marked))
        assert got is not base


def test_facing_marked_by_hand():
    excess = np.ones((2, 4))
    facing = np.zeros((2, 4, 2), bool)
    facing[0, 1, 1] = True  # box 0's right side faces box 1
    got = _facing_marked(excess, facing, np.array([False, True]))
    assert got[0].tolist() == [1.0, 0.0, 1.0, 1.0] and got[1].tolist() == [1.0] * 4
    assert excess[0, 1] == 1.0  # a copy


def _calls(n: int, rng) -> BoxCalls:
    centres = np.column_stack([np.repeat(np.arange(2), n // 2) * 24.0 + 100,
                               np.tile(np.arange(n // 2), 2) * 24.0 + 100])
    z = np.zeros(n, bool)
    c = BoxCalls(rng.random(n) * 0.5, 0.1, 0.2, z, rng.random(n) < 0.2, z, np.ones(n))
    c.zones = (rng.random((n, 4)) * 0.3, rng.random((n, 4)) * 0.3, centres, np.full(n, 20.0))
    return c


def test_column_zones_as_ring_in_column_worked_them_out():
    rng = np.random.default_rng(6)
    for n in (8, 20):
        c = _calls(n, rng)
        for group in ([0, 1, 2], list(range(n // 2)), list(range(n // 2, n))):
            g = np.asarray(group)
            sides, corners = c.zones[0][g], c.zones[1][g]
            if len(g) >= 5:
                sides = sides - np.median(sides, axis=0)
                corners = corners - np.median(corners, axis=0)
            sides = np.where(gridrings.facing_clear(g, c), 0.0, sides)
            got = gridrings.column_zones(group, c)
            assert np.array_equal(got[0], sides) and np.array_equal(got[1], corners)
            assert gridrings.column_zones(group, c) is got  # worked out once
            assert gridrings.ring_in_column(group, c) == gridrings._ring_in_column(group, c)
