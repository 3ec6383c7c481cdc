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


def median(a, axis: int | None = None):
    """``np.median(a, axis)`` of a non-empty float64 or integer array: a float64 scalar when
    ``axis`` is None, else a float64 array without that axis."""
    a = _checked(a, ints=True)
    s = np.sort(a, axis=axis)  # axis None: flattened
    ax = 0 if axis is None else axis
    s = np.moveaxis(s, ax, 0)
    if s.dtype != np.float64:  # NumPy's mean of integers sums them as float64
        s = s.astype(np.float64)
    n = s.shape[0]
    mid = n // 2
    if n % 2:
        out = s[mid] + 0.0
    else:
        out = ((s[mid - 1] + 0.0) + s[mid]) / 2
    nan = np.isnan(s[-1])
    if np.ndim(out) == 0:
        return s[-1] if nan else np.float64(out)
    if nan.any():
        out = np.where(nan, s[-1], out)
    return out


def quantile(a, q: float, axis: int) -> np.ndarray:
    """``np.quantile(a, q, axis)`` (its default, linear method) of a non-empty float64 array
    with at least two dimensions, for one ``q`` between 0 and 1: an array without that axis."""
    a = _checked(a)
    if a.ndim < 2:
        raise ValueError("expected an array of two dimensions or more")
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"q must be between 0 and 1, got {q}")
    s = np.moveaxis(np.sort(a, axis=axis), axis, 0)
    n = s.shape[0]
    virtual = (n - 1) * np.float64(q)
    if virtual >= n - 1:  # NumPy takes the last value, indexed -1 (and so weighted)
        prev = nxt = -1
    else:
        prev = int(np.floor(virtual))
        nxt = prev + 1
    gamma = virtual - np.float64(prev)
    lo, hi = s[prev], s[nxt]
    diff = hi - lo
    out = lo + diff * gamma
    if gamma >= 0.5:
        out = hi - diff * (1 - gamma)
    nan = np.isnan(s[-1])
    if nan.any():
        out = np.where(nan, s[-1], out)
    return out

