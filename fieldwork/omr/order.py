"""Medians and quantiles of the small float arrays the reading rules compare, bit for bit as
NumPy computes them, without its overhead.

``np.median`` and ``np.quantile`` cost 20-70 µs a call on a handful of values (most of it
checking arguments and choosing a method); a page asks for them a few hundred times. Here
the values are sorted once (``np.sort`` puts them, and NaN last, where ``np.partition``
does) and the same arithmetic is done on the middle ones: ``np.median``'s mean starts its
sum at 0.0 (so -0.0 comes out as 0.0), ``np.quantile``'s linear method interpolates from the
upper value when its weight is half or more, and a NaN in a slice makes its result NaN.
"""

from __future__ import annotations

import numpy as np


def _checked(a, ints: bool = False) -> np.ndarray:
    a = np.asarray(a)
    if a.dtype != np.float64 and not (ints and np.issubdtype(a.dtype, np.integer)):
        raise ValueError(f"expected a float64{' or integer' if ints else ''} array, got "
                         f"{a.dtype}")
    if a.size == 0:
        raise ValueError("expected a non-empty array")
    return a


def _slice(s: np.ndarray, k: int, axis: int):
    """``np.moveaxis(s, axis, 0)[k]`` (the same values, without moving the axis), as float64."""
    v = s[k] if axis == 0 else s.take(k, axis=axis)
    return v if v.dtype == np.float64 else v.astype(np.float64)


def median(a, axis: int | None = None):
    """``np.median(a, axis)`` of a non-empty float64 or integer array: a float64 scalar when
    ``axis`` is None, else a float64 array without that axis."""
    a = _checked(a, ints=True)
    s = np.sort(a, axis=axis)  # axis None: flattened
    ax = 0 if axis is None else axis
    n = s.shape[ax]
    mid = n // 2
    if n % 2:  # NumPy's mean of integers sums them as float64
        out = _slice(s, mid, ax) + 0.0
    else:
        out = ((_slice(s, mid - 1, ax) + 0.0) + _slice(s, mid, ax)) / 2
    last = _slice(s, -1, ax)
    nan = np.isnan(last)
    if np.ndim(out) == 0:
        return last if nan else np.float64(out)
    if nan.any():
        out = np.where(nan, last, out)
    return out


def quantile(a, q: float, axis: int) -> np.ndarray:
    """``np.quantile(a, q, axis)`` (its default, linear method) of a non-empty float64 array
    with at least two dimensions, for one ``q`` between 0 and 1: an array without that axis."""
    a = _checked(a)
    if a.ndim < 2:
        raise ValueError("expected an array of two dimensions or more")
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"q must be between 0 and 1, got {q}")
    s = np.sort(a, axis=axis)
    n = s.shape[axis]
    virtual = (n - 1) * np.float64(q)
    if virtual >= n - 1:  # NumPy takes the last value, indexed -1 (and so weighted)
        prev = nxt = -1
    else:
        prev = int(np.floor(virtual))
        nxt = prev + 1
    gamma = virtual - np.float64(prev)
    lo, hi = _slice(s, prev, axis), _slice(s, nxt, axis)
    diff = hi - lo
    out = lo + diff * gamma
    if gamma >= 0.5:
        out = hi - diff * (1 - gamma)
    nan = np.isnan(_slice(s, -1, axis))
    if nan.any():
        out = np.where(nan, _slice(s, -1, axis), out)
    return out
