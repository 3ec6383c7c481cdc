"""Offsets and distances between every point of one set and every point of another.

The reader compares each box with every other box of its page (its neighbours, the boxes
it faces, the nearest of its size). Written as one N×M×2 array, NumPy works along an axis
only two long, pixel by pixel: a page of 300 boxes took 5 ms a comparison. Worked as two
N×M arrays, one per axis, the same floats come out some 20 times faster.
"""

from __future__ import annotations

import numpy as np


def _points(a: np.ndarray, name: str) -> np.ndarray:
    a = np.asarray(a)
    if a.ndim != 2 or a.shape[1] != 2:
        raise ValueError(f"{name} must be an N×2 array of points, got shape {a.shape}")
    return a


def offsets(a: np.ndarray, b: np.ndarray,
            unit: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The x and y offsets (N×M each) from each point of ``a`` (N×2) to each point of ``b``
    (M×2): ``b[j] - a[i]``, divided by ``unit[i]`` when given (a length per point of ``a``).

    The same floats as ``(b[None, :, :] - a[:, None, :]) / unit[:, None, None]``.
    """
    a, b = _points(a, "a"), _points(b, "b")
    dx = b[None, :, 0] - a[:, None, 0]
    dy = b[None, :, 1] - a[:, None, 1]
    if unit is not None:
        unit = np.asarray(unit).reshape(-1)
        if len(unit) != len(a):
            raise ValueError(f"unit must hold one length per point of a ({len(a)}), "
                             f"got {len(unit)}")
        dx, dy = dx / unit[:, None], dy / unit[:, None]
    return dx, dy


def chebyshev(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The larger of the x and y distances (N×M) between each point of ``a`` and of ``b``:
    the same floats as ``np.abs(a[:, None, :] - b[None, :, :]).max(axis=2)``."""
    dx, dy = offsets(a, b)
    return np.maximum(np.abs(dx), np.abs(dy))


def distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The distance (N×M) between each point of ``a`` and of ``b``: the same floats as
    ``np.linalg.norm(a[:, None, :] - b[None, :, :], axis=2)``."""
    dx, dy = offsets(a, b)
    return np.sqrt(dx * dx + dy * dy)


def within(keys: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each ``i``, the indices of the ``keys`` between ``lo[i]`` and ``hi[i]`` (both
    included): an N×B array of indices into ``keys`` and an N×B mask of those that are
    (a row's other places hold some valid index, masked out).

    A rule that compares each box only with the boxes of its row (or column) asks the N×B
    pairs a slice of a sorted axis gives, not all N×M: taken with a little margin round what
    the rule asks, a superset of the pairs it keeps, on which it gives the same floats.
    """
    keys = np.asarray(keys, np.float64).reshape(-1)
    lo, hi = np.asarray(lo, np.float64).reshape(-1), np.asarray(hi, np.float64).reshape(-1)
    if len(lo) != len(hi):
        raise ValueError(f"lo and hi must be as long, got {len(lo)} and {len(hi)}")
    if np.isnan(keys).any():
        raise ValueError("keys must not be NaN")
    order = np.argsort(keys, kind="stable")
    start = np.searchsorted(keys[order], lo, "left")
    stop = np.maximum(np.searchsorted(keys[order], hi, "right"), start)
    width = int((stop - start).max()) if len(lo) else 0
    at = start[:, None] + np.arange(width)[None, :]
    valid = at < stop[:, None]
    if not len(keys):
        return np.zeros(at.shape, np.intp), valid
    return order[np.minimum(at, len(keys) - 1)], valid
