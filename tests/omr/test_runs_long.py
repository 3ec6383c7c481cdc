"""runs.long_runs: rows or columns holding a run of set pixels at least so long."""

import numpy as np
import pytest

from fieldwork.omr.runs import long_runs


def _longest(a):
    """The longest run of set pixels in each row (the measure long_runs replaced)."""
    out = []
    for row in a:
        best = run = 0
        for v in row:
            run = run + 1 if v else 0
            best = max(best, run)
        out.append(best)
    return np.array(out)


def test_hand_drawn_rows_and_columns():
    a = np.zeros((4, 10), np.uint8)
    a[0, 2:8] = 1  # a run of 6
    a[1, ::2] = 1  # only single pixels
    a[2, :5] = 1  # a run of 5 from the left edge
    a[2, 6:] = 1  # ... and of 4 to the right edge
    assert long_runs(a, 5).tolist() == [True, False, True, False]
    assert long_runs(a, 5.5).tolist() == [True, False, False, False]  # 6 only
    assert long_runs(a, 6).tolist() == [True, False, False, False]
    assert long_runs(a, 7).tolist() == [False] * 4
    assert long_runs(a, 1).tolist() == [True, True, True, False]
    # columns: 2, 4 and 6 are set in rows 0-2; 0 and 8 in two rows
    assert long_runs(a, 3, axis=0).tolist() == [False, False, True, False, True, False, True,
                                                 False, False, False]
    assert long_runs(a, 2, axis=0).tolist() == [True, False, True, False, True, False, True,
                                                 False, True, False]
    assert long_runs(a, 4, axis=0).tolist() == [False] * 10


@pytest.mark.parametrize("seed", range(6))
def test_matches_the_longest_run(seed):
    rng = np.random.default_rng(seed)
    h, w = rng.integers(1, 60, 2)
    a = (rng.random((h, w)) < rng.uniform(0.3, 0.95)).astype(np.uint8)
    for length in (0.5, 1, 2, 3.5, 0.5 * h, 0.5 * w, w - 1, w, w + 0.5, h, 100):
        assert np.array_equal(long_runs(a, length), _longest(a) >= length), length
        assert np.array_equal(long_runs(a, length, axis=0), _longest(a.T) >= length), length


def test_lengths_of_nothing_and_empty_images():
    a = np.zeros((3, 5), np.uint8)
    assert long_runs(a, 0).tolist() == [True] * 3  # every row holds a run of 0
    assert long_runs(np.zeros((0, 5), np.uint8), 2).shape == (0,)
    assert long_runs(np.zeros((4, 0), np.uint8), 2).tolist() == [False] * 4


def test_rejects_bad_arguments():
    with pytest.raises(ValueError, match="axis"):
        long_runs(np.zeros((3, 3), np.uint8), 2, axis=2)
    with pytest.raises(ValueError, match="uint8"):
        long_runs(np.zeros((3, 3), bool), 2)
    with pytest.raises(ValueError, match="uint8"):
        long_runs(np.zeros(3, np.uint8), 2)
