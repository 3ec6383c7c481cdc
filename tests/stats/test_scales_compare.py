"""Scale summaries, reasons, year-over-year tests, ranking and adequacy."""

from __future__ import annotations

import pytest
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

from fieldwork.stats.compare import (
    achieved_margin,
    band_below,
    compare_proportions,
    pairwise_z,
    rank_ranges,
    rank_text,
    sample_adequacy,
)
from fieldwork.stats.scales import reason_frequencies, scale_summary


def test_scale_summary_by_hand():
    s = scale_summary(["5", "4", "4", "3", "2", "1", "na", None, 5])
    assert (s.n, s.top2, s.bottom2, s.not_applicable, s.blank) == (7, 4, 2, 1, 1)
    assert s.mean == pytest.approx((5 + 4 + 4 + 3 + 2 + 1 + 5) / 7)
    assert s.top2_rate == pytest.approx(4 / 7) and s.bottom2_rate == pytest.approx(2 / 7)
    with pytest.raises(ValueError):
        scale_summary(["6"])
    assert scale_summary(["na"]).mean is None


def test_reason_frequencies_count_sheets_once_and_keep_order():
    sheets = [["reason_a", "reason_c"], ["reason_a", "reason_a"], [], None, ["other"]]
    assert reason_frequencies(sheets, codes=["reason_a", "reason_b", "reason_c", "other"]) == [
        ("reason_a", 2), ("reason_b", 0), ("reason_c", 1), ("other", 1)]
    assert reason_frequencies(sheets)[0] == ("reason_a", 2)


@pytest.mark.parametrize("s1, n1, s2, n2", [(230, 260, 200, 250), (90, 100, 88, 100),
                                            (10, 40, 30, 45)])
def test_compare_matches_statsmodels(s1, n1, s2, n2):
    c = compare_proportions(s1, n1, s2, n2)
    z, p = proportions_ztest([s1, s2], [n1, n2])
    assert c.z == pytest.approx(z) and c.p_value == pytest.approx(p)
    lo, hi = confint_proportions_2indep(s1, n1, s2, n2, method="newcomb", compare="diff")
    assert c.ci95 == pytest.approx((lo, hi), abs=1e-9)
    assert c.difference == pytest.approx(s1 / n1 - s2 / n2)
    assert c.significant == (p < 0.05)


def test_compare_degenerate_and_bad():
    c = compare_proportions(50, 50, 40, 40)
    assert c.p_value == 1.0 and not c.significant
    with pytest.raises(ValueError):
        compare_proportions(5, 0, 1, 2)


def test_chi_square_equals_z_squared():
    c = compare_proportions(230, 260, 200, 250)
    chi2 = stats.chi2_contingency([[230, 30], [200, 50]], correction=False)[0]
    assert c.z ** 2 == pytest.approx(chi2)


def test_pairwise_z_by_hand_and_by_statsmodels():
    z, p = pairwise_z([95, 85, 70], [100, 100, 100])
    # A vs B by hand: pooled 0.9, se = sqrt(0.9 * 0.1 * (1/100 + 1/100)) = 0.0424264.
    assert z[0, 1] == pytest.approx(0.10 / 0.0424264, rel=1e-5)
    assert z[1, 0] == pytest.approx(-z[0, 1]) and p[0, 1] == pytest.approx(0.018422, abs=1e-5)
    for i, j in ((0, 1), (0, 2), (1, 2)):
        counts = [[95, 85, 70][i], [95, 85, 70][j]]
        sz, sp = proportions_ztest(counts, [100, 100])
        assert z[i, j] == pytest.approx(sz) and p[i, j] == pytest.approx(sp)
    # Everybody satisfied in both: no evidence of a difference.
    z, p = pairwise_z([12, 40], [12, 40])
    assert z[0, 1] == 0 and p[0, 1] == 1
    with pytest.raises(ValueError):
        pairwise_z([3], [0])


def test_rank_ranges_hand_computed():
    # A 95%, B 85%, C 70% of 100 each: p(A,B) 0.0184, p(A,C) 3.3e-6, p(B,C) 0.0111; Holm
    # with 3 tests rejects all three (0.0167, 0.025, 0.05): three distinct ranks.
    out = rank_ranges([("C", 70, 100), ("A", 95, 100), ("B", 85, 100)])
    assert [(r["name"], r["rank_min"], r["rank_max"]) for r in out] == [
        ("A", 1, 1), ("B", 2, 2), ("C", 3, 3)]
    # B at 90%: p(A,B) = 0.1795 is no difference, so A and B share ranks 1-2.
    out = rank_ranges([("A", 95, 100), ("B", 90, 100), ("C", 70, 100)])
    assert [(r["name"], rank_text(r["rank_min"], r["rank_max"])) for r in out] == [
        ("A", "1-2"), ("B", "1-2"), ("C", "3")]
    # 12 of 12 satisfied is not shown better than 255 of 300 (p = 0.147), only than 200 of
    # 300 (p = 0.0153 <= 0.05 / 2 after the first rejection).
    out = rank_ranges([("VP", 12, 12), ("X", 255, 300), ("C", 200, 300)])
    assert [(r["name"], r["rank_min"], r["rank_max"]) for r in out] == [
        ("VP", 1, 2), ("X", 1, 2), ("C", 3, 3)]
    assert rank_ranges([]) == [] and rank_ranges([("A", 1, 2)])[0]["rank_max"] == 1
    # Deterministic: ties by rate go by name, whatever the input order.
    assert [r["name"] for r in rank_ranges([("B", 5, 10), ("A", 5, 10)])] == ["A", "B"]


def test_holm_matches_statsmodels():
    import numpy as np
    from statsmodels.stats.multitest import multipletests

    from fieldwork.stats.compare import holm_reject
    # By hand: m = 4, thresholds 0.0125, 0.0167, 0.025, 0.05 for the sorted p-values.
    assert list(holm_reject([0.01, 0.04, 0.03, 0.005])) == [True, False, False, True]
    assert list(holm_reject([0.01, 0.02, 0.03, 0.04])) == [True, False, False, False]
    assert list(holm_reject([0.01, 0.015, 0.02, 0.04])) == [True, True, True, True]
    rng = np.random.default_rng(3)
    # statsmodels runs gc.collect() on every call, which costs a second in a test worker
    # holding a demo: a few cases against it, many against Holm's definition (step down:
    # the i-th smallest p is rejected while every p before it is under alpha / (m - j)).
    for case in range(500):
        p = rng.uniform(0, 0.08, rng.integers(1, 40))
        order = np.argsort(p, kind="stable")
        expected, going = [False] * len(p), True
        for j, i in enumerate(order):
            going = going and p[i] <= 0.05 / (len(p) - j)
            expected[i] = going
        assert list(holm_reject(p)) == expected
        if case < 10:
            assert expected == list(multipletests(p, alpha=0.05, method="holm")[0])


def test_bands_mark_only_where_set():
    assert band_below(0.85, ()) is None and band_below(None, (0.8,)) is None
    assert band_below(0.85, (0.9, 0.8)) == 0.9 and band_below(0.75, (0.8, 0.9)) == 0.8
    assert band_below(0.95, (0.8, 0.9)) is None


def test_sample_adequacy_and_achieved_margin():
    assert sample_adequacy(250, 259) == {"collected": 250, "required": 259, "shortfall": 9,
                                         "met": False, "share": pytest.approx(250 / 259)}
    assert sample_adequacy(300, 259)["met"]
    assert achieved_margin(260, 4000) < achieved_margin(260, None)
