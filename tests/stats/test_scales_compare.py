"""Scale summaries, reasons, year-over-year tests, ranking and adequacy."""

from __future__ import annotations

import pytest
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

from fieldwork.stats.compare import (
    achieved_margin,
    compare_proportions,
    rank_agencies,
    sample_adequacy,
)
from fieldwork.stats.proportions import satisfaction_rate
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


def test_ranking_marks_thresholds():
    rates = {"Sở A": satisfaction_rate(["yes"] * 95 + ["no"] * 5),
             "Sở B": satisfaction_rate(["yes"] * 85 + ["no"] * 15),
             "Sở C": satisfaction_rate(["yes"] * 70 + ["no"] * 30),
             "Sở D": satisfaction_rate([None])}
    ranked = rank_agencies(rates)
    assert [r["agency"] for r in ranked] == ["Sở A", "Sở B", "Sở C"]
    assert [r["below"] for r in ranked] == [None, 0.90, 0.80]


def test_sample_adequacy_and_achieved_margin():
    assert sample_adequacy(250, 259) == {"collected": 250, "required": 259, "shortfall": 9,
                                         "met": False, "share": pytest.approx(250 / 259)}
    assert sample_adequacy(300, 259)["met"]
    assert achieved_margin(260, 4000) < achieved_margin(260, None)
