"""Rates, Wilson intervals with FPC, margins of error: against statsmodels and hand values."""

from __future__ import annotations

import math

import pytest
from statsmodels.stats.proportion import proportion_confint

from fieldwork.stats.proportions import (
    fpc,
    margin_of_error,
    rates_by_group,
    satisfaction_rate,
    wilson_interval,
    z_value,
)


def test_z_value():
    assert z_value(0.95) == pytest.approx(1.959964, abs=1e-6)
    with pytest.raises(ValueError):
        z_value(1.5)


@pytest.mark.parametrize("k, n", [(0, 10), (10, 10), (7, 10), (259, 300), (1, 1), (450, 1000)])
def test_wilson_matches_statsmodels_without_fpc(k, n):
    lo, hi = proportion_confint(k, n, alpha=0.05, method="wilson")
    assert wilson_interval(k, n) == pytest.approx((lo, hi), abs=1e-12)


def test_wilson_with_fpc_by_hand():
    # N = 4000, n = 260, 215 satisfied: fpc = 3740/3999, n_eff = 260/fpc = 278.0016...
    k, n, N = 215, 260, 4000
    f = (N - n) / (N - 1)
    n_eff = n / f
    p, z = k / n, 1.959963984540054
    centre = (p + z * z / (2 * n_eff)) / (1 + z * z / n_eff)
    half = z * math.sqrt(p * (1 - p) / n_eff + z * z / (4 * n_eff ** 2)) / (1 + z * z / n_eff)
    assert wilson_interval(k, n, population=N) == pytest.approx((centre - half, centre + half))
    lo, hi = wilson_interval(k, n, population=N)
    lo0, hi0 = wilson_interval(k, n)
    assert lo0 < lo < p < hi < hi0  # the FPC narrows the interval


def test_census_has_zero_width():
    assert wilson_interval(80, 100, population=100) == (0.8, 0.8)


def test_bad_counts():
    for args in ((5, 3), (-1, 3)):
        with pytest.raises(ValueError):
            wilson_interval(*args)
    with pytest.raises(ValueError):
        fpc(10, 5)
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_margin_of_error_reproduces_the_decision_example():
    # Decision 2223/2025: N = 4,000 at e = 6% gives n = 259.74; 260 forms reach about 6%
    # (Slovin's e assumes z ~ 2 and p = 0.5, so the 95% normal margin is a little under 6%).
    assert margin_of_error(260, 4000) == pytest.approx(
        1.959964 * math.sqrt(0.25 / 260 * (3740 / 3999)), rel=1e-6)
    assert 0.058 < margin_of_error(260, 4000) < 0.06
    with pytest.raises(ValueError):
        margin_of_error(0)


def test_satisfaction_rate_excludes_and_counts_blanks_and_na():
    r = satisfaction_rate(["yes"] * 8 + ["no"] * 2 + [None, "", "na"])
    assert (r.n, r.satisfied, r.rate, r.blank, r.not_applicable) == (10, 8, 0.8, 2, 1)
    assert r.ci95 == pytest.approx(proportion_confint(8, 10, method="wilson"))
    empty = satisfaction_rate([None, "na"])
    assert empty.rate is None and empty.ci95 is None and empty.to_dict()["ci95"] is None


def test_rates_by_group_uses_each_groups_population():
    groups = ["A", "A", "A", "B", "B"]
    answers = ["yes", "no", "yes", "yes", "yes"]
    out = rates_by_group(groups, answers, populations={"A": 3})
    assert out["A"].rate == pytest.approx(2 / 3) and out["A"].ci95 == (2 / 3, 2 / 3)
    assert out["B"].rate == 1.0 and out["B"].ci95[1] == 1.0
    with pytest.raises(ValueError):
        rates_by_group(["A"], ["yes", "no"])
