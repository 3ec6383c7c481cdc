"""Pure sampling: reproducible, stratified, sized by count or percentage; periods."""

from __future__ import annotations

from datetime import date

import pytest

from fieldwork.quality.sampling import draw_sample, period_bounds, stratum_size

STRATA = {1: list(range(100, 160)), 2: list(range(500, 510)), None: [900, 901]}


def test_same_seed_same_sample_whatever_the_order():
    a = draw_sample(STRATA, 42, "count", 5)
    shuffled = {k: list(reversed(v)) for k, v in reversed(list(STRATA.items()))}
    assert draw_sample(shuffled, 42, "count", 5) == a
    assert draw_sample(STRATA, 43, "count", 5) != a
    assert draw_sample(STRATA, 42, "count", 5, salt="other") != a


def test_strata_are_independent():
    a = draw_sample(STRATA, 42, "count", 5)
    b = draw_sample({1: STRATA[1]}, 42, "count", 5)
    assert a[1] == b[1]


def test_sizes():
    out = draw_sample(STRATA, 1, "count", 5)
    assert [len(out[k]) for k in (1, 2, None)] == [5, 5, 2]
    out = draw_sample(STRATA, 1, "percent", 10)
    assert [len(out[k]) for k in (1, 2, None)] == [6, 1, 1]
    assert all(set(out[k]) <= set(STRATA[k]) for k in out)
    assert stratum_size(0, "percent", 10) == 0


@pytest.mark.parametrize(("mode", "value"), [("count", 0), ("percent", 101), ("weird", 3)])
def test_bad_sizes(mode, value):
    with pytest.raises(ValueError):
        stratum_size(10, mode, value)


@pytest.mark.parametrize(("kind", "text", "start", "end"), [
    ("month", "2026-03", date(2026, 3, 1), date(2026, 4, 1)),
    ("month", "2026-12", date(2026, 12, 1), date(2027, 1, 1)),
    ("quarter", "2026-Q1", date(2026, 1, 1), date(2026, 4, 1)),
    ("quarter", "2026-q4", date(2026, 10, 1), date(2027, 1, 1)),
])
def test_periods(kind, text, start, end):
    assert period_bounds(kind, text) == (start, end)


@pytest.mark.parametrize(("kind", "text"), [("month", "2026-00"), ("month", "03/2026"),
                                            ("quarter", "2026-Q5"), ("year", "2026")])
def test_bad_periods(kind, text):
    with pytest.raises(ValueError):
        period_bounds(kind, text)
