"""Pairwise offsets and distances: the same floats as the N×M×2 arrays they replace."""

import numpy as np
import pytest

from fieldwork.omr.pairs import chebyshev, distances, offsets


@pytest.fixture
def points():
    rng = np.random.default_rng(7)
    a = rng.uniform(-50, 1200, (37, 2))
    b = np.vstack([a[:5], rng.uniform(0, 1700, (21, 2))])  # some points shared
    return a, b


def test_offsets_match_broadcast(points):
    a, b = points
    dx, dy = offsets(a, b)
    want = b[None, :, :] - a[:, None, :]
    assert dx.shape == dy.shape == (37, 26)
    assert np.array_equal(dx, want[:, :, 0]) and np.array_equal(dy, want[:, :, 1])


def test_offsets_in_units_of_each_first_point(points):
    a, b = points
    unit = np.random.default_rng(3).uniform(10, 30, len(a))
    dx, dy = offsets(a, b, unit)
    want = (b[None, :, :] - a[:, None, :]) / unit[:, None, None]
    assert np.array_equal(dx, want[:, :, 0]) and np.array_equal(dy, want[:, :, 1])
    # a column of lengths (N×1) is the same
    assert np.array_equal(offsets(a, b, unit[:, None])[0], dx)


def test_hand_computed():
    a = np.array([[0.0, 0.0], [1.0, 2.0]])
    b = np.array([[3.0, 4.0]])
    dx, dy = offsets(a, b, np.array([1.0, 2.0]))
    assert dx.tolist() == [[3.0], [1.0]] and dy.tolist() == [[4.0], [1.0]]
    assert distances(a, b).tolist() == [[5.0], [np.sqrt(8.0)]]
    assert chebyshev(a, b).tolist() == [[4.0], [2.0]]


def test_distances_match_norm(points):
    a, b = points
    want = np.linalg.norm(a[:, None, :] - b[None, :, :], axis=2)
    assert np.array_equal(distances(a, b), want)
    assert np.array_equal(distances(a, a), np.linalg.norm(a[:, None, :] - a[None, :, :], axis=2))


def test_chebyshev_matches_max_of_abs(points):
    a, b = points
    want = np.abs(a[:, None, :] - b[None, :, :]).max(axis=2)
    assert np.array_equal(chebyshev(a, b), want)
    assert np.array_equal(chebyshev(a, a), chebyshev(a, a).T)
    assert (np.diag(chebyshev(a, a)) == 0).all()


def test_empty_sets():
    a = np.zeros((0, 2))
    b = np.ones((3, 2))
    assert distances(a, b).shape == (0, 3)
    assert chebyshev(b, a).shape == (3, 0)


@pytest.mark.parametrize("bad", [np.zeros(4), np.zeros((3, 3)), np.zeros((2, 2, 2))])
def test_rejects_what_is_no_set_of_points(bad):
    with pytest.raises(ValueError, match="N×2"):
        offsets(bad, np.zeros((2, 2)))
    with pytest.raises(ValueError, match="N×2"):
        distances(np.zeros((2, 2)), bad)


def test_rejects_unit_of_another_length():
    with pytest.raises(ValueError, match="one length per point"):
        offsets(np.zeros((3, 2)), np.zeros((2, 2)), np.ones(2))

